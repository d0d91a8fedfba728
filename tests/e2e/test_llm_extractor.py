"""The real application with SITREP_EXTRACTOR=both and a failing model: the rules answer."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings
from tests.e2e.conftest import ADMIN_ID, FIRST_REPORT, OffsetClock, e2e_settings, running_bot
from tests.e2e.talk import ask
from tests.fakebotapi import FakeBotAPI
from tests.fakellm import FakeLLM

API_KEY = "sk-e2e-SECRET-0123456789abcdef"


@pytest.fixture
def model() -> Iterator[FakeLLM]:
    with FakeLLM() as server:
        yield server


def _with_model(api: FakeBotAPI, model: FakeLLM, tmp_path: Path) -> Settings:
    """The e2e settings with the rules and the fake model both extracting."""
    return e2e_settings(
        api,
        tmp_path,
        SITREP_EXTRACTOR="both",
        SITREP_LLM_BASE_URL=model.base_url,
        SITREP_LLM_MODEL="fake-7b",
        SITREP_LLM_API_KEY=API_KEY,
        SITREP_LLM_TIMEOUT_SECONDS=1,
        SITREP_LLM_CACHE_DIR=str(tmp_path / "llm-cache"),
    )


@pytest.mark.parametrize("failure", [{"status": 500}, {"hang": True}], ids=["500", "hang"])
async def test_a_failing_model_leaves_the_rules_answering(
    api: FakeBotAPI,
    clock: OffsetClock,
    model: FakeLLM,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    failure: dict[str, Any],
) -> None:
    caplog.set_level(logging.INFO)
    model.script("Basra", **failure)
    async with running_bot(_with_model(api, model, tmp_path), clock):
        ingested = await ask(api, f"/ingest {FIRST_REPORT}", ADMIN_ID)
        assert "New incidents: 1" in ingested.text
        status = await ask(api, "/status", ADMIN_ID)
    assert "Extractor: both · model fake-7b" in status.text
    assert "rules are answering alone" in status.text
    assert len(model.requests) == 1
    assert model.requests[0].headers["authorization"] == f"Bearer {API_KEY}"
    assert API_KEY not in caplog.text
    assert all(API_KEY not in m.text for m in api.sent_to(ADMIN_ID))
