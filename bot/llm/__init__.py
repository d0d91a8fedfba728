"""The optional language-model adapter: an OpenAI-compatible client, cache, budget, breaker.

It lives outside ``bot.extract`` because it does I/O; what the model answers is turned into
drafts and finished by the same finisher as the rules.
"""

from __future__ import annotations

import httpx

from bot.config import Settings
from bot.llm.budget import CircuitBreaker, DailyBudget
from bot.llm.cache import ReplyCache
from bot.llm.client import ChatClient
from bot.llm.reader import ModelReader
from bot.ports import Clock

__all__ = ["FAILURES_TO_PAUSE", "build_reader"]

FAILURES_TO_PAUSE = 3


def build_reader(
    settings: Settings, clock: Clock, *, transport: httpx.AsyncBaseTransport | None = None
) -> ModelReader:
    """The model reader the settings describe (``SITREP_LLM_*``); needs a base URL and model."""
    if not settings.sitrep_llm_base_url or not settings.sitrep_llm_model:
        msg = "SITREP_LLM_BASE_URL and SITREP_LLM_MODEL must be set to use a language model"
        raise ValueError(msg)
    client = ChatClient(
        settings.sitrep_llm_base_url,
        settings.sitrep_llm_model.strip(),
        api_key=settings.llm_api_key,
        timeout=settings.sitrep_llm_timeout_seconds,
        structured=settings.sitrep_llm_structured_output,
        transport=transport,
    )
    cache_dir = settings.llm_cache_dir
    budget = DailyBudget(
        clock,
        settings.sitrep_llm_daily_requests,
        settings.sitrep_llm_daily_tokens,
        path=cache_dir / "budget.json",
    )
    breaker = CircuitBreaker(FAILURES_TO_PAUSE, settings.sitrep_llm_cooldown_seconds)
    return ModelReader(client, ReplyCache(cache_dir), budget, breaker, clock)
