"""One article through the model: cache, circuit breaker, budget, client. Never raises.

``ModelReader.read`` answers a ``Reading`` whatever happens (a reply, or the outcome that
explains why there is none) so the extractor can fall back to the rules at once. ``health``
is what ``/status`` shows.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from dataclasses import dataclass, field

from bot.llm.budget import CircuitBreaker, DailyBudget
from bot.llm.cache import ReplyCache, cache_key
from bot.llm.client import ChatClient, LlmError, Outcome, Usage
from bot.llm.prompt import PROMPT_VERSION
from bot.llm.schema import ModelReply
from bot.ports import Clock

__all__ = ["LlmHealth", "ModelReader", "Reading"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Reading:
    """The model's reading of one article, or why there is none, and what it cost."""

    reply: ModelReply | None
    outcome: Outcome
    detail: str = ""
    usage: Usage = field(default_factory=Usage)  # what this call spent (none for a cache hit)
    seconds: float = 0.0


@dataclass(frozen=True, slots=True)
class LlmHealth:
    """The model's state for ``/status``."""

    model: str
    state: str  # "ok", "failing", "paused" (breaker open), "over budget"
    last_outcome: str | None
    last_detail: str | None
    last_failure_at: dt.datetime | None
    requests_today: int
    tokens_today: int
    max_requests: int
    cache_hits: int
    cache_misses: int
    paused_for: float  # seconds until the breaker lets a trial request through


class ModelReader:
    """Reads articles with one model, paying at most once per article and within budget."""

    def __init__(
        self,
        client: ChatClient,
        cache: ReplyCache,
        budget: DailyBudget,
        breaker: CircuitBreaker,
        clock: Clock,
    ) -> None:
        """Wire the parts (``bot.llm.build_reader`` does it from the settings)."""
        self.client = client
        self.cache = cache
        self.budget = budget
        self.breaker = breaker
        self._clock = clock
        self._last: Reading | None = None
        self._last_failure_at: dt.datetime | None = None

    @property
    def model(self) -> str:
        """The model name."""
        return self.client.model

    async def read(self, text: str, title: str | None = None) -> Reading:
        """The model's reading of ``text`` (cached, or fresh if allowed), or a failed outcome."""
        started = time.monotonic()
        key = cache_key(text, title, self.model, PROMPT_VERSION)
        cached = await asyncio.to_thread(self.cache.get, key)
        if cached is not None:
            return Reading(cached.reply, Outcome.CACHED, seconds=time.monotonic() - started)
        if self.budget.exhausted():
            detail = f"daily budget spent ({self.budget.requests} requests today)"
            return self.record(Reading(None, Outcome.OVER_BUDGET, detail))
        if not self.breaker.allow():
            detail = f"{self.breaker.failures} failures in a row; retrying later"
            return self.record(Reading(None, Outcome.CIRCUIT_OPEN, detail))
        try:
            completion = await self.client.complete(text, title)
        except LlmError as exc:
            self.breaker.failure(exc.retry_after)
            self.budget.charge(exc.usage.requests, exc.usage.tokens)
            logger.warning("model %s: %s", self.model, exc)
            reading = Reading(None, exc.outcome, exc.detail, exc.usage, time.monotonic() - started)
            return self.record(reading)
        except asyncio.CancelledError:
            # The caller's time limit: the request went out, so it counts against the budget.
            self.breaker.abandon()
            self.budget.charge(1, 0)
            raise
        self.breaker.success()
        self.budget.charge(completion.usage.requests, completion.usage.tokens)
        await asyncio.to_thread(self.cache.put, key, completion.content, completion.usage)
        reading = Reading(
            completion.reply, Outcome.OK, usage=completion.usage,
            seconds=time.monotonic() - started,
        )  # fmt: skip
        return self.record(reading)

    def record(self, reading: Reading) -> Reading:
        """Remember a reading for ``health`` (also one the caller ended: its own time limit)."""
        self._last = reading
        if reading.outcome.failed:
            self._last_failure_at = self._clock.now()
        return reading

    def health(self) -> LlmHealth:
        """The model's state now."""
        last = self._last
        if self.breaker.state != "closed":
            state = "paused"
        elif self.budget.exhausted():
            state = "over budget"
        elif last is not None and last.outcome.failed:
            state = "failing"
        else:
            state = "ok"
        return LlmHealth(
            model=self.model,
            state=state,
            last_outcome=last.outcome.value if last else None,
            last_detail=last.detail if last and last.detail else None,
            last_failure_at=self._last_failure_at,
            requests_today=self.budget.requests,
            tokens_today=self.budget.tokens,
            max_requests=self.budget.max_requests,
            cache_hits=self.cache.hits,
            cache_misses=self.cache.misses,
            paused_for=self.breaker.seconds_open(),
        )

    async def aclose(self) -> None:
        """Close the client's connections."""
        await self.client.aclose()
