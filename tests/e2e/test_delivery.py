"""Delivery under faults, end to end: 429 storms, 5xx and dropped connections, group migration,
and a restart in the middle of a digest fan-out. Nothing lost, nothing sent twice."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from collections import Counter

from bot.app import open_context
from bot.config import Settings
from bot.domain import ChatType
from bot.services import Services
from tests.e2e.conftest import FAST, FIRST_REPORT, OffsetClock, RunningBot, running_bot
from tests.fakebotapi import FakeBotAPI, Fault
from tests.fakes import BASRA

GRACE = dt.timedelta(seconds=45)
NEW = "🚨 New incident"
DIGEST = "📰 Daily digest"


async def subscribe_many(
    services: Services, chat_ids: list[int], *, digest_time: str | None = None
) -> None:
    for chat_id in chat_ids:
        chat_type = ChatType.PRIVATE if chat_id > 0 else ChatType.GROUP
        await services.chats.ensure_chat(chat_id, chat_type)
        await services.subscriptions.subscribe(chat_id, BASRA)
        if digest_time:
            await services.chats.set_digest_time(chat_id, digest_time)


def count_with(api: FakeBotAPI, marker: str) -> Counter[int]:
    return Counter(m.chat_id for m in api.messages if marker in m.text)


class TestFloodAndFaults:
    async def test_429_storm_and_server_errors_lose_nothing(
        self, api: FakeBotAPI, bot: RunningBot, clock: OffsetClock
    ) -> None:
        users = list(range(2001, 2021))
        await subscribe_many(bot.context.services, users)
        api.enforce_limits = True
        api.faults.extend(
            [
                Fault("429", count=6, retry_after=1),
                Fault("500", count=3),
                Fault("reset", count=2),
            ]
        )
        await bot.context.services.ingestion.ingest_text(
            FIRST_REPORT, published_at=clock.now(), origin="test"
        )
        clock.jump(GRACE)
        await api.wait_for(
            lambda: len(count_with(api, NEW)) == len(users), timeout=30, what="all alerts"
        )
        await asyncio.sleep(0.5)
        assert count_with(api, NEW) == Counter(dict.fromkeys(users, 1))
        assert any(call.status == 429 for call in api.calls)
        assert any(call.status == 500 for call in api.calls)
        assert not api.faults  # every injected fault was hit

    async def test_group_migration_followed(
        self, api: FakeBotAPI, bot: RunningBot, clock: OffsetClock
    ) -> None:
        old, new = -4001, -1004001
        await subscribe_many(bot.context.services, [old])
        api.migrated[old] = new
        await bot.context.services.ingestion.ingest_text(
            FIRST_REPORT, published_at=clock.now(), origin="test"
        )
        clock.jump(GRACE)
        await api.wait_for(lambda: count_with(api, NEW)[new] == 1, what="alert after migration")
        subs = await bot.context.services.subscriptions.list(new)
        assert [s.key for s in subs] == [BASRA.key]
        assert count_with(api, NEW)[old] == 0


class TestRestart:
    async def test_restart_mid_digest_fan_out(
        self, api: FakeBotAPI, settings: Settings, clock: OffsetClock
    ) -> None:
        chats = list(range(3001, 3031))
        slow = dataclasses.replace(FAST, overall_per_second=10.0)
        async with running_bot(settings, clock, slow) as first:
            await subscribe_many(first.context.services, chats, digest_time="06:00")
            clock.jump(dt.timedelta(hours=1, minutes=1))  # 05:00 -> 06:01 in Baghdad
            await api.wait_for(
                lambda: len(count_with(api, DIGEST)) >= 8, timeout=20, what="fan-out started"
            )
        # Stopped mid-way: part sent, the rest still queued.
        sent_before_restart = count_with(api, DIGEST)
        assert 8 <= len(sent_before_restart) < len(chats)

        async with running_bot(settings, clock, slow):
            await api.wait_for(
                lambda: len(count_with(api, DIGEST)) == len(chats), timeout=20, what="all digests"
            )
            await asyncio.sleep(0.5)  # more digest ticks and dispatcher passes
        assert count_with(api, DIGEST) == Counter(dict.fromkeys(chats, 1))


class TestCrashRecovery:
    async def test_rows_left_sending_by_a_crash_go_out_once(
        self, api: FakeBotAPI, settings: Settings, clock: OffsetClock
    ) -> None:
        # A process that claimed a message and died before sending it.
        crashed = await open_context(settings, clock=clock)
        await subscribe_many(crashed.services, [5001])
        await crashed.services.ingestion.ingest_text(
            FIRST_REPORT, published_at=clock.now(), origin="test"
        )
        clock.jump(GRACE)
        claimed = await crashed.storage.outbox.claim_due(clock.now())
        assert [row.chat_id for row in claimed] == [5001]
        await crashed.close()

        async with running_bot(settings, clock):
            await api.wait_for(lambda: count_with(api, NEW)[5001] == 1, what="recovered alert")
            await asyncio.sleep(0.3)
        assert count_with(api, NEW) == Counter({5001: 1})
