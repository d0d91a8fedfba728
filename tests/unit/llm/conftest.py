"""Fixtures for the language-model adapter: the fake server and a reader over it."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.llm.budget import CircuitBreaker, DailyBudget
from bot.llm.cache import ReplyCache
from bot.llm.client import ChatClient
from bot.llm.reader import ModelReader
from tests.fakellm import FakeLLM
from tests.fakes import MutableClock

API_KEY = "sk-test-NEVER-LOG-THIS-0123456789"


class Ticks:
    """A monotonic clock the test moves by hand (for the circuit breaker)."""

    def __init__(self) -> None:
        self.value = 1000.0

    def __call__(self) -> float:
        return self.value


@pytest.fixture
def fake_llm() -> Iterator[FakeLLM]:
    with FakeLLM() as server:
        yield server


@pytest.fixture
def clock() -> MutableClock:
    return MutableClock(dt.datetime(2026, 5, 4, 9, 0, tzinfo=dt.UTC))


@pytest.fixture
def ticks() -> Ticks:
    return Ticks()


@pytest.fixture
async def reader(
    fake_llm: FakeLLM, tmp_path: Path, clock: MutableClock, ticks: Ticks
) -> AsyncIterator[ModelReader]:
    client = ChatClient(fake_llm.base_url, "fake-model", api_key=API_KEY, timeout=2.0)
    budget = DailyBudget(clock, 50, path=tmp_path / "cache" / "budget.json")
    breaker = CircuitBreaker(3, 60.0, monotonic=ticks)
    model_reader = ModelReader(client, ReplyCache(tmp_path / "cache"), budget, breaker, clock)
    yield model_reader
    await model_reader.aclose()
