"""The reader: pays once per article (cache), stays within budget, pauses a failing endpoint."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.llm.budget import CircuitBreaker, DailyBudget
from bot.llm.cache import ReplyCache, cache_key
from bot.llm.client import ChatClient, Outcome, Usage
from bot.llm.prompt import PROMPT_VERSION
from bot.llm.reader import ModelReader
from tests.fakellm import FakeLLM, model_incident, reply_json
from tests.fakes import MutableClock
from tests.unit.llm.conftest import API_KEY, Ticks

ARTICLE = "A roadside bomb hit a patrol near Baiji on Thursday, an officer said."
OTHER = "Protesters gathered outside the provincial council in Nasiriyah on Friday."
GOOD = reply_json(model_incident(event_quote=ARTICLE, place="Baiji", place_role="near"))


class TestCache:
    async def test_second_read_makes_no_request(
        self, reader: ModelReader, fake_llm: FakeLLM
    ) -> None:
        fake_llm.script("Baiji", GOOD)
        first = await reader.read(ARTICLE, "Bomb near Baiji")
        second = await reader.read(ARTICLE, "Bomb near Baiji")
        assert first.outcome is Outcome.OK
        assert second.outcome is Outcome.CACHED
        assert second.reply == first.reply
        assert second.usage == Usage()
        assert len(fake_llm.requests) == 1
        assert (reader.cache.hits, reader.cache.misses) == (1, 1)

    async def test_a_new_reader_over_the_same_directory_hits(
        self, reader: ModelReader, fake_llm: FakeLLM, tmp_path: Path, clock: MutableClock
    ) -> None:
        fake_llm.script("Baiji", GOOD)
        await reader.read(ARTICLE)
        client = ChatClient(fake_llm.base_url, "fake-model", timeout=2.0)
        again = ModelReader(
            client, ReplyCache(tmp_path / "cache"), DailyBudget(clock, 5), CircuitBreaker(), clock
        )
        try:
            assert (await again.read(ARTICLE)).outcome is Outcome.CACHED
        finally:
            await again.aclose()
        assert len(fake_llm.requests) == 1

    async def test_failures_are_not_cached(self, reader: ModelReader, fake_llm: FakeLLM) -> None:
        fake_llm.script("Baiji", "not json at all", times=1)
        fake_llm.script("Baiji", GOOD)
        assert (await reader.read(ARTICLE)).outcome is Outcome.MALFORMED
        assert (await reader.read(ARTICLE)).outcome is Outcome.OK
        assert len(fake_llm.requests) == 2

    def test_key_depends_on_text_model_and_prompt(self) -> None:
        base = cache_key(ARTICLE, None, "m1", PROMPT_VERSION)
        assert base == cache_key(ARTICLE, None, "m1", PROMPT_VERSION)
        assert base != cache_key(ARTICLE + ".", None, "m1", PROMPT_VERSION)
        assert base != cache_key(ARTICLE, None, "m2", PROMPT_VERSION)
        assert base != cache_key(ARTICLE, None, "m1", PROMPT_VERSION + "-next")
        assert base != cache_key(ARTICLE, "a title", "m1", PROMPT_VERSION)

    def test_a_corrupt_entry_is_a_miss(self, tmp_path: Path) -> None:
        cache = ReplyCache(tmp_path)
        key = cache_key(ARTICLE, None, "m", PROMPT_VERSION)
        cache.put(key, GOOD, Usage(1, 10, 5))
        assert cache.get(key) is not None
        path = next(tmp_path.rglob(f"{key}.json"))
        path.write_text("{broken", encoding="utf-8")
        assert cache.get(key) is None
        assert cache.misses == 1


class TestBudget:
    async def test_over_budget_makes_no_request(
        self, reader: ModelReader, fake_llm: FakeLLM, clock: MutableClock
    ) -> None:
        reader.budget.max_requests = 1
        fake_llm.script("Baiji", GOOD)
        assert (await reader.read(ARTICLE)).outcome is Outcome.OK
        refused = await reader.read(OTHER)
        assert refused.outcome is Outcome.OVER_BUDGET
        assert len(fake_llm.requests) == 1
        assert reader.health().state == "over budget"
        # Cached articles are still answered when the budget is spent.
        assert (await reader.read(ARTICLE)).outcome is Outcome.CACHED
        clock.advance(days=1)
        assert (await reader.read(OTHER)).outcome is Outcome.OK

    async def test_token_budget(self, reader: ModelReader, fake_llm: FakeLLM) -> None:
        reader.budget.max_tokens = 150  # one reply reports 180 tokens
        fake_llm.script("Baiji", GOOD)
        await reader.read(ARTICLE)
        assert reader.budget.tokens == 180
        assert (await reader.read(OTHER)).outcome is Outcome.OVER_BUDGET

    def test_survives_a_restart_the_same_day(self, tmp_path: Path, clock: MutableClock) -> None:
        path = tmp_path / "budget.json"
        DailyBudget(clock, 10, path=path).charge(4, 400)
        again = DailyBudget(clock, 10, path=path)
        assert (again.requests, again.tokens) == (4, 400)
        assert again.remaining_requests() == 6
        clock.advance(days=1)
        assert DailyBudget(clock, 10, path=path).requests == 0

    def test_zero_allows_nothing(self, clock: MutableClock) -> None:
        assert DailyBudget(clock, 0).exhausted()


class TestBreaker:
    async def test_opens_after_three_failures_and_retries_after_cooldown(
        self, reader: ModelReader, fake_llm: FakeLLM, ticks: Ticks
    ) -> None:
        fake_llm.script("Baiji", status=500)
        outcomes = [(await reader.read(ARTICLE)).outcome for _ in range(4)]
        assert outcomes == [Outcome.SERVER_ERROR] * 3 + [Outcome.CIRCUIT_OPEN]
        assert len(fake_llm.requests) == 3
        assert reader.health().state == "paused"
        assert reader.health().paused_for == pytest.approx(60.0)
        fake_llm.scripts.clear()
        fake_llm.script("Baiji", GOOD)
        ticks.value += 61
        assert (await reader.read(ARTICLE)).outcome is Outcome.OK
        assert reader.breaker.state == "closed"
        assert reader.health().state == "ok"

    async def test_a_failed_trial_reopens(
        self, reader: ModelReader, fake_llm: FakeLLM, ticks: Ticks
    ) -> None:
        fake_llm.script("Baiji", status=500)
        for _ in range(3):
            await reader.read(ARTICLE)
        ticks.value += 61
        assert (await reader.read(ARTICLE)).outcome is Outcome.SERVER_ERROR
        assert (await reader.read(ARTICLE)).outcome is Outcome.CIRCUIT_OPEN
        assert len(fake_llm.requests) == 4

    def test_a_long_retry_after_keeps_it_open_longer(self, ticks: Ticks) -> None:
        breaker = CircuitBreaker(1, 60.0, monotonic=ticks)
        breaker.failure(retry_after=600)
        ticks.value += 100
        assert not breaker.allow()
        ticks.value += 501
        assert breaker.allow()
        assert not breaker.allow()  # one trial at a time


class TestSecrets:
    async def test_key_never_reaches_logs(
        self, reader: ModelReader, fake_llm: FakeLLM, caplog: pytest.LogCaptureFixture
    ) -> None:
        caplog.set_level(logging.DEBUG)
        echo = f'{{"error": {{"message": "bad key {API_KEY}"}}}}'.encode()
        fake_llm.script("Baiji", status=403, raw_body=echo)
        reading = await reader.read(ARTICLE)
        assert reading.outcome is Outcome.REJECTED
        assert "bad key" in caplog.text
        assert API_KEY not in caplog.text
        assert API_KEY not in repr(reader.health())
        assert fake_llm.requests[0].headers["authorization"].endswith(API_KEY)


class TestTimeouts:
    async def test_a_hung_request_counts_against_the_budget(
        self, reader: ModelReader, fake_llm: FakeLLM
    ) -> None:
        fake_llm.script("Baiji", hang=True)
        reader.client.timeout = 0.3
        reading = await reader.read(ARTICLE)
        assert reading.outcome is Outcome.TIMEOUT
        assert reading.usage.requests == 1
        assert reader.budget.requests == 1
        assert reader.breaker.failures == 1
