"""Fault-test fixtures: a fake Bot API with extra failure modes, shared constants."""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from bot.app import (
    AppContext,
    build_application,
    open_context,
    start_application,
    stop_application,
)
from bot.config import Settings
from bot.services.delivery import DeliveryLimits
from tests.fakebotapi import TOKEN, FakeBotAPI, Fault
from tests.postgres import postgres_url  # noqa: F401 - a fixture, for the fleet test

ROOT = Path(__file__).resolve().parents[2]
# A token nobody else uses, so a search of the logs for it cannot hit anything else.
SECRET_TOKEN = "7000001:AAFaultTestsSecret_Zq9xW2vK7mN4pL8rT3yH"
__all__ = ["ROOT", "SECRET_TOKEN", "TOKEN", "Fault", "FaultyBotAPI"]


class FaultyBotAPI(FakeBotAPI):
    """FakeBotAPI plus two failures: ``hang`` and ``401``.

    ``hang``: wait ``delay`` seconds, then drop the connection without doing anything (a
    request lost on the way: the client times out and nothing was sent). The parent's ``slow``
    is the other case: the answer is late but the message WAS sent.
    ``401``: the token is refused (Unauthorized).
    """

    def _handle(self, handler: BaseHTTPRequestHandler, body: bytes) -> None:
        path = handler.path.split("?", 1)[0]
        method = path.rsplit("/", 1)[-1]
        params = self._params(handler, body)
        fault = self._take_fault(method, params, kinds=("hang",))  # others stay for the parent
        if fault is not None:
            time.sleep(fault.delay)
            self._record(method, params, 0)
            handler.close_connection = True
            with contextlib.suppress(OSError):
                handler.connection.shutdown(2)
            return
        super()._handle(handler, body)

    @staticmethod
    def _fault_answer(fault: Fault) -> tuple[int, dict[str, Any]]:
        if fault.kind == "401":
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        return FakeBotAPI._fault_answer(fault)


@pytest.fixture
def api() -> Iterator[FaultyBotAPI]:
    """A started fault-injecting fake Bot API."""
    with FaultyBotAPI() as server:
        yield server


ADMIN_ID = 900
# Quick pacing for tests that are not about pacing.
FAST_LIMITS = DeliveryLimits(
    per_chat_interval=0.0, idle_interval=0.05, backoff_base=0.05, backoff_cap=0.3
)


def app_settings(api: FakeBotAPI, database: Path, **values: Any) -> Settings:
    """Settings of a bot pointed at the fake server (environment and .env ignored)."""
    base: dict[str, Any] = {
        "TELEGRAM_BOT_TOKEN": SECRET_TOKEN,
        "TELEGRAM_API_BASE_URL": api.base_url,
        "SITREP_DATABASE": str(database),
        "SITREP_ADMIN_IDS": str(ADMIN_ID),
        "SITREP_TIMEZONE": "Asia/Baghdad",
        "SITREP_ALLOW_PRIVATE_FETCH": True,
        "SITREP_FETCH_TIMEOUT_SECONDS": 3.0,
    }
    base.update(values)
    return Settings(_env_file=None, **base)


@asynccontextmanager
async def running_app(settings: Settings) -> AsyncIterator[AppContext]:
    """The real application (handlers, dispatcher, jobs) long-polling the fake server."""
    context = await open_context(settings)
    try:
        app = build_application(settings, context, limits=FAST_LIMITS, feed_interval=3600)
        await start_application(app)
        try:
            yield context
        finally:
            await stop_application(app)
    finally:
        await context.close()
