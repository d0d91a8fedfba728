"""The digest tick job: queues due digests from the database schedule and wakes delivery."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot.domain import OutboxStatus, SubscriptionKind
from bot.domain.views import Target
from handlers.jobs import digest_tick
from tests.unit.handlers.conftest import Harness


async def test_tick_queues_due_digest_once_and_wakes(harness: Harness) -> None:
    services = harness.context.services
    await services.chats.ensure_chat(7)
    await services.subscriptions.subscribe(
        7, Target(kind=SubscriptionKind.PLACE, key="gn:99532", label="Basra")
    )
    wakes: list[int] = []
    tick = digest_tick(services.digests, lambda: wakes.append(1))
    job_context: Any = None
    await tick(job_context)
    assert wakes == []  # 07:00 had passed when the chat appeared: first digest tomorrow
    harness.clock.advance(dt.timedelta(hours=20))  # next day, 08:00 in Baghdad
    await tick(job_context)
    await tick(job_context)
    assert wakes == [1]
    counts = await harness.context.storage.outbox.counts()
    assert counts[OutboxStatus.PENDING.value] == 1


async def test_tick_survives_a_failure(harness: Harness) -> None:
    async def broken(now: dt.datetime | None = None) -> int:
        raise RuntimeError("database unavailable")

    digests = harness.context.services.digests
    digests.queue_due = broken  # type: ignore[method-assign]
    tick = digest_tick(digests, lambda: None)
    job_context: Any = None
    await tick(job_context)  # logged, not raised
