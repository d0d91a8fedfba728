"""The digest tick job: queues due digests from the database schedule; queuing wakes delivery."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import pytest

from bot.domain import OutboxStatus, SubscriptionKind
from bot.domain.views import Target
from handlers.jobs import digest_tick
from tests.unit.handlers.conftest import Harness

JOB_CONTEXT: Any = None


async def _follow_basra(harness: Harness) -> None:
    services = harness.context.services
    await services.chats.ensure_chat(7)
    await services.subscriptions.subscribe(
        7, Target(kind=SubscriptionKind.PLACE, key="gn:99532", label="Basra")
    )


async def _pending(harness: Harness) -> int:
    counts = await harness.context.storage.outbox.counts()
    return counts.get(OutboxStatus.PENDING.value, 0)


async def test_tick_queues_due_digest_once_and_wakes(harness: Harness) -> None:
    await _follow_basra(harness)
    wakes: list[int] = []
    harness.context.services.outbox.wake_with(lambda: wakes.append(1))
    tick = digest_tick(harness.context.services.digests)
    await tick(JOB_CONTEXT)
    assert wakes == []  # 07:00 had passed when the chat appeared: first digest tomorrow
    harness.clock.advance(dt.timedelta(hours=20))  # next day, 08:00 in Baghdad
    await tick(JOB_CONTEXT)
    await tick(JOB_CONTEXT)
    assert wakes == [1]
    assert await _pending(harness) == 1


async def test_tick_survives_a_failure(
    harness: Harness, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _follow_basra(harness)
    digests = harness.context.services.digests

    async def broken(now: dt.datetime | None = None) -> int:
        raise RuntimeError("database unavailable")

    tick = digest_tick(digests)
    harness.clock.advance(dt.timedelta(hours=20))
    with monkeypatch.context() as patch:
        patch.setattr(digests, "queue_due", broken)
        with caplog.at_level(logging.ERROR, logger="handlers.jobs"):
            await tick(JOB_CONTEXT)  # logged, not raised
    assert any("digest tick failed" in r.getMessage() for r in caplog.records)
    assert await _pending(harness) == 0
    # The same job goes on working once the database is back.
    await tick(JOB_CONTEXT)
    assert await _pending(harness) == 1
