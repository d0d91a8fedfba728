"""The week's chart under the daily digest: a per-chat setting, off by default, queued once."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.domain import ChartPayload, OutboxKind
from bot.domain.visuals import Bucket
from bot.services import Services
from bot.services.digests import digest_chart_key, digest_key
from bot.services.errors import UserError
from storage.base import Storage
from tests.fakes import BASRA_GOV, MutableClock
from tests.unit.services.conftest import add_chat, make_incident, outbox_counts

# 07:00 in Baghdad on 30 August 2022.
DIGEST_30_AUG = dt.datetime(2022, 8, 30, 4, 0, tzinfo=dt.UTC)
TODAY = dt.date(2022, 8, 30)


async def _chat_with_digest(services: Services, clock: MutableClock) -> None:
    clock.set(dt.datetime(2022, 8, 29, 23, 0, tzinfo=dt.UTC))
    await add_chat(services, 1)
    await services.chats.set_digest_time(1, "07:00")
    await services.subscriptions.subscribe(1, BASRA_GOV)


async def _seed(storage: Storage) -> None:
    created = DIGEST_30_AUG - dt.timedelta(hours=1)
    for day, killed in ((dt.date(2022, 8, 29), 4), (dt.date(2022, 8, 26), 2)):
        await storage.incidents.add(
            make_incident("Basra", day=day, killed=killed, created_at=created)
        )
    # The week before, and a place outside the chat's areas.
    await storage.incidents.add(
        make_incident("Basra", day=dt.date(2022, 8, 20), killed=1, created_at=created)
    )
    await storage.incidents.add(
        make_incident("Kirkuk", day=dt.date(2022, 8, 29), killed=9, created_at=created)
    )


class TestSetting:
    async def test_off_by_default_and_switched_per_chat(
        self, services: Services, storage: Storage
    ) -> None:
        await add_chat(services, 1)
        await add_chat(services, 2)
        assert (await storage.chats.get(1)).digest_chart is False  # type: ignore[union-attr]
        await services.chats.set_digest_chart(1, "on")
        assert (await storage.chats.get(1)).digest_chart is True  # type: ignore[union-attr]
        assert (await storage.chats.get(2)).digest_chart is False  # type: ignore[union-attr]
        await services.chats.set_digest_chart(1, "off")
        assert (await storage.chats.get(1)).digest_chart is False  # type: ignore[union-attr]

    async def test_anything_else_is_explained(self, services: Services) -> None:
        await add_chat(services, 1)
        with pytest.raises(UserError, match="neither on nor off"):
            await services.chats.set_digest_chart(1, "sometimes")

    async def test_survives_a_group_becoming_a_supergroup(
        self, services: Services, storage: Storage
    ) -> None:
        await add_chat(services, -5)
        await services.chats.set_digest_chart(-5, "on")
        await services.chats.migrate(-5, -1005)
        assert (await storage.chats.get(-1005)).digest_chart is True  # type: ignore[union-attr]


class TestQueued:
    async def test_no_chart_when_the_setting_is_off(
        self, services: Services, storage: Storage, clock: MutableClock
    ) -> None:
        await _chat_with_digest(services, clock)
        await _seed(storage)
        clock.set(DIGEST_30_AUG)
        assert await services.digests.queue_due() == 1
        assert await storage.outbox.get_by_key(digest_key(1, TODAY)) is not None
        assert await storage.outbox.get_by_key(digest_chart_key(1, TODAY)) is None

    async def test_the_week_of_the_chats_areas_follows_the_digest_once(
        self, services: Services, storage: Storage, clock: MutableClock
    ) -> None:
        await _chat_with_digest(services, clock)
        await services.chats.set_digest_chart(1, "on")
        await _seed(storage)
        clock.set(DIGEST_30_AUG)
        assert await services.digests.queue_due() == 1
        assert await services.digests.queue_due() == 0
        chart = await storage.outbox.get_by_key(digest_chart_key(1, TODAY))
        assert chart is not None
        assert chart.kind is OutboxKind.DIGEST
        assert isinstance(chart.payload, ChartPayload)
        assert chart.payload.disable_notification is True
        series = chart.payload.chart
        assert series.bucket is Bucket.DAY
        assert series.title == "Basra governorate"
        assert sum(p.incidents for p in series.current) == 2  # not Kirkuk's
        assert sum(p.killed for p in series.current) == 6
        assert sum(p.killed for p in series.previous) == 1
        assert await outbox_counts(storage) == {"pending": 2}

    async def test_an_empty_week_sends_no_chart(
        self, services: Services, storage: Storage, clock: MutableClock
    ) -> None:
        await _chat_with_digest(services, clock)
        await services.chats.set_digest_chart(1, "on")
        clock.set(DIGEST_30_AUG)
        assert await services.digests.queue_due() == 1
        assert await storage.outbox.get_by_key(digest_chart_key(1, TODAY)) is None
