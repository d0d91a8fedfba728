"""Digests: composition (grouping, order, totals, change), exactly-once queueing per local day
across timezones and restarts."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.domain import Digest, DigestPayload, OutboxKind
from bot.services import Services, digests
from bot.services.digests import MAX_LISTED_PER_CITY, digest_key
from handlers.render_summary import digest_message
from storage.base import Storage
from tests.fakes import (
    AAH,
    BAGHDAD,
    BAGHDAD_GOV,
    BASRA_GOV,
    NINEVEH,
    FakeActorRegistry,
    MutableClock,
)
from tests.unit.services.conftest import (
    BuildServices,
    actor,
    add_chat,
    add_subscriber,
    make_incident,
    outbox_counts,
)

# 07:00 in Baghdad (UTC+3) on 30 August 2022.
DIGEST_30_AUG = dt.datetime(2022, 8, 30, 4, 0, tzinfo=dt.UTC)


async def _seed(storage: Storage, at: dt.datetime) -> None:
    """Incidents first reported one hour before ``at`` and one day before that."""
    recent = at - dt.timedelta(hours=1)
    for place, killed, injured in (
        ("Green Zone", 15, 20),
        ("Sadr City", 2, 0),
        ("Basra", 4, 6),
        ("Sinjar", 0, 1),
        ("Kirkuk", 9, 0),
    ):
        await storage.incidents.add(
            make_incident(place, killed=killed, injured=injured, created_at=recent)
        )
    await storage.incidents.add(
        make_incident("Basra", killed=1, created_at=at - dt.timedelta(hours=30))
    )


class TestCompose:
    @pytest.fixture(autouse=True)
    async def chat_on_digest_morning(self, services: Services, clock: MutableClock) -> None:
        """Chat 1 exists and it is 07:00 in Baghdad on 30 August, digest time."""
        clock.set(DIGEST_30_AUG)
        await add_chat(services, 1)

    async def test_groups_by_governorate_then_city_most_severe_first(
        self, services: Services, storage: Storage, clock: MutableClock
    ) -> None:
        for target in (BAGHDAD, BASRA_GOV, NINEVEH):
            await services.subscriptions.subscribe(1, target)
        await _seed(storage, DIGEST_30_AUG)
        digest = await services.digests.compose(1)
        assert digest.scope == "subscriptions"
        assert [g.governorate for g in digest.groups] == ["Baghdad", "Basra", "Nineveh"]
        assert [c.name for c in digest.groups[0].cities] == ["Green Zone", "Sadr City"]
        assert (digest.total, digest.killed, digest.injured) == (4, 21, 27)
        assert (digest.previous_total, digest.previous_killed) == (1, 1)
        assert digest.groups[0].killed == 17
        assert len(digest.incident_ids) == 4
        assert digest.areas == ["Baghdad", "Basra governorate", "Nineveh governorate"]

    async def test_overlapping_subscriptions_count_each_incident_once(
        self,
        services: Services,
        storage: Storage,
        clock: MutableClock,
        actors: FakeActorRegistry,
    ) -> None:
        # Each subscription's window query returns its briefs; an incident several of them
        # match (a faction's attack in the subscribed city of the subscribed governorate) is
        # counted, summed and listed once, and late reports come newest first whichever
        # subscription found them.
        for target in (BAGHDAD, BAGHDAD_GOV, AAH):
            await services.subscriptions.subscribe(1, target)
        aah = [actor(actors, "asaib-ahl-al-haq")]
        recent = clock.now() - dt.timedelta(hours=1)
        await storage.incidents.add(
            make_incident("Green Zone", killed=3, injured=1, actors=aah, created_at=recent)
        )
        await storage.incidents.add(make_incident("Sadr City", killed=2, created_at=recent))
        await storage.incidents.add(
            make_incident("Basra", killed=5, actors=aah, created_at=recent)
        )
        for year, place in ((2019, "Basra"), (2021, "Sadr City"), (2020, "Green Zone")):
            await storage.incidents.add(
                make_incident(place, day=dt.date(year, 5, 1), actors=aah, created_at=recent)
            )
        digest = await services.digests.compose(1)
        assert (digest.total, digest.killed, digest.injured) == (3, 10, 1)
        assert len(digest.incident_ids) == len(set(digest.incident_ids)) == 3
        assert [g.governorate for g in digest.groups] == [
            "Baghdad",
            "Basra",
        ]  # injured breaks the tie
        assert [i.date.year for i in digest.late] == [2021, 2020, 2019]
        assert digest.late_total == 3

    async def test_nothing_in_the_areas_gives_an_empty_digest(
        self, services: Services, storage: Storage, clock: MutableClock
    ) -> None:
        await services.subscriptions.subscribe(1, NINEVEH)
        await storage.incidents.add(make_incident("Basra", killed=3, created_at=clock.now()))
        digest = await services.digests.compose(1)
        assert digest.empty
        assert digest.total == 0
        assert digest.groups == []

    async def test_a_chat_without_subscriptions_sees_everything_on_demand(
        self, services: Services, storage: Storage, clock: MutableClock
    ) -> None:
        await _seed(storage, DIGEST_30_AUG)
        digest = await services.digests.compose(1)
        assert digest.scope == "all"
        assert digest.total == 5
        assert digest.groups[0].governorate == "Baghdad"

    async def test_old_incidents_updated_today_count(
        self, services: Services, storage: Storage, clock: MutableClock
    ) -> None:
        old = await storage.incidents.add(
            make_incident("Basra", killed=1, created_at=clock.now() - dt.timedelta(days=3))
        )
        await storage.incidents.update(old.model_copy(update={"updated_at": clock.now()}))
        digest = await services.digests.compose(1)
        assert digest.total == 1

    async def test_an_archive_import_is_listed_as_late_reports_not_as_the_day(
        self, services: Services, storage: Storage, clock: MutableClock
    ) -> None:
        await services.subscriptions.subscribe(1, BASRA_GOV)
        imported = clock.now() - dt.timedelta(hours=2)
        for year in (2019, 2020, 2021):
            await storage.incidents.add(
                make_incident("Basra", killed=5, day=dt.date(year, 3, 1), created_at=imported)
            )
        await storage.incidents.add(make_incident("Basra", killed=2, created_at=imported))
        digest = await services.digests.compose(1)
        assert (digest.total, digest.killed) == (1, 2)
        assert sorted(i.date.year for i in digest.late) == [2019, 2020, 2021]
        assert len(digest.incident_ids) == 1

    async def test_a_busy_city_lists_its_most_severe_and_counts_the_rest(
        self, services: Services, storage: Storage, clock: MutableClock
    ) -> None:
        await services.subscriptions.subscribe(1, BASRA_GOV)
        recent = clock.now() - dt.timedelta(hours=1)
        tolls = (3, 0, 8, 1, 5, 2, 13)
        for killed in tolls:
            await storage.incidents.add(make_incident("Basra", killed=killed, created_at=recent))
        digest = await services.digests.compose(1)
        (city,) = digest.groups[0].cities
        assert [i.killed.best for i in city.incidents] == [13, 8, 5, 3, 2]
        assert city.more == len(tolls) - MAX_LISTED_PER_CITY
        assert (digest.total, digest.killed, city.killed) == (7, 32, 32)
        assert digest.groups[0].total == 7
        assert len(digest.incident_ids) == MAX_LISTED_PER_CITY
        text = digest_message(digest)
        assert "… and 2 more" in text
        assert "<b>7</b> incidents" in text

    async def test_a_figure_given_only_by_unlisted_incidents_is_still_reported(
        self, services: Services, storage: Storage, clock: MutableClock
    ) -> None:
        await services.subscriptions.subscribe(1, BASRA_GOV)
        recent = clock.now() - dt.timedelta(hours=1)
        # Six with a death toll (listed first) and one, not listed, that counted the injured.
        for _ in range(MAX_LISTED_PER_CITY + 1):
            await storage.incidents.add(make_incident("Basra", killed=2, created_at=recent))
        await storage.incidents.add(make_incident("Basra", injured=0, created_at=recent))
        digest = await services.digests.compose(1)
        assert all(not i.injured.known for c in digest.groups[0].cities for i in c.incidents)
        assert (digest.injured_reported, digest.groups[0].injured_reported) == (1, 1)
        text = digest_message(digest)
        assert "injured not reported" not in text
        assert "0 injured" in text

    async def test_a_digest_lists_at_most_max_listed(
        self,
        services: Services,
        storage: Storage,
        clock: MutableClock,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        monkeypatch.setattr(digests, "MAX_LISTED", 12)  # two full cities and part of a third
        recent = clock.now() - dt.timedelta(hours=1)
        places = ("Green Zone", "Sadr City", "Basra", "Sinjar", "Kirkuk")
        per_place = MAX_LISTED_PER_CITY + 2
        for place in places:
            for killed in range(per_place):
                await storage.incidents.add(make_incident(place, killed=killed, created_at=recent))
        digest = await services.digests.compose(1)
        cities = [c for g in digest.groups for c in g.cities]
        assert digest.total == per_place * len(places)
        assert [len(c.incidents) for c in cities] == [5, 5, 2, 0, 0]
        assert sum(len(c.incidents) + c.more for c in cities) == digest.total
        # The most severe cities come first and are the ones listed.
        assert cities[0].killed >= cities[1].killed >= cities[2].killed

    async def test_the_digest_round_trips_as_json(
        self, services: Services, storage: Storage, clock: MutableClock
    ) -> None:
        await _seed(storage, DIGEST_30_AUG)
        digest = await services.digests.compose(1)
        assert Digest.model_validate(digest.model_dump(mode="json")) == digest


class TestQueueDue:
    async def _chats(self, services: Services) -> None:
        await add_chat(services, 1)  # Asia/Baghdad, 07:00 = 04:00 UTC
        await add_chat(services, 2, timezone="America/New_York")  # 07:00 EDT = 11:00 UTC
        for chat_id in (1, 2):
            await services.chats.set_digest_time(chat_id, "07:00")
            await services.subscriptions.subscribe(chat_id, BAGHDAD)

    async def test_exactly_once_per_local_day_across_timezones(
        self, services: Services, storage: Storage, clock: MutableClock
    ) -> None:
        clock.set(dt.datetime(2022, 8, 29, 23, 0, tzinfo=dt.UTC))
        await self._chats(services)
        await _seed(storage, DIGEST_30_AUG)

        clock.set(DIGEST_30_AUG - dt.timedelta(minutes=1))
        assert await services.digests.queue_due() == 0
        clock.set(DIGEST_30_AUG)
        assert await services.digests.queue_due() == 1
        assert await services.digests.queue_due() == 0
        clock.advance(hours=6, minutes=59)  # 10:59 UTC: not yet 07:00 in New York
        assert await services.digests.queue_due() == 0
        clock.advance(minutes=1)
        assert await services.digests.queue_due() == 1
        clock.advance(hours=10)
        assert await services.digests.queue_due() == 0
        clock.set(DIGEST_30_AUG + dt.timedelta(days=1))
        assert await services.digests.queue_due() == 1

        baghdad = await storage.outbox.get_by_key(digest_key(1, dt.date(2022, 8, 30)))
        new_york = await storage.outbox.get_by_key(digest_key(2, dt.date(2022, 8, 30)))
        assert baghdad is not None
        assert new_york is not None
        assert baghdad.kind is OutboxKind.DIGEST
        assert isinstance(baghdad.payload, DigestPayload)
        digest = baghdad.payload.digest
        assert digest.window_end == DIGEST_30_AUG
        assert digest.total == 2  # Green Zone and Sadr City, within Baghdad
        assert await outbox_counts(storage) == {"pending": 3}

    async def test_a_missed_digest_is_sent_once_after_a_restart(
        self, services: Services, storage: Storage, clock: MutableClock, build: BuildServices
    ) -> None:
        clock.set(dt.datetime(2022, 8, 29, 23, 0, tzinfo=dt.UTC))
        await self._chats(services)
        clock.set(DIGEST_30_AUG + dt.timedelta(hours=3))  # the bot was down at 07:00
        # Each build over the same storage is the bot after a restart.
        assert await build().digests.queue_due() == 1
        assert await build().digests.queue_due() == 0
        assert await build().digests.queue_due() == 0
        chat = await storage.chats.get(1)
        assert chat is not None
        assert chat.last_digest_date == dt.date(2022, 8, 30)

    async def test_chats_without_subscriptions_or_with_digests_off_get_none(
        self, services: Services, clock: MutableClock
    ) -> None:
        clock.set(dt.datetime(2022, 8, 29, 23, 0, tzinfo=dt.UTC))
        await add_chat(services, 1)
        await add_subscriber(services, 2, BAGHDAD)
        await services.chats.set_digest_time(2, "off")
        clock.set(DIGEST_30_AUG)
        assert await services.digests.queue_due() == 0

    async def test_inactive_chats_get_none(self, services: Services, clock: MutableClock) -> None:
        clock.set(dt.datetime(2022, 8, 29, 23, 0, tzinfo=dt.UTC))
        await add_subscriber(services, 1, BAGHDAD)
        await services.chats.deactivate(1)
        clock.set(DIGEST_30_AUG)
        assert await services.digests.queue_due() == 0

    async def test_setting_a_time_already_past_waits_for_tomorrow(
        self, services: Services, clock: MutableClock
    ) -> None:
        clock.set(dt.datetime(2022, 8, 29, 23, 0, tzinfo=dt.UTC))
        await add_subscriber(services, 1, BAGHDAD)
        clock.set(DIGEST_30_AUG)
        assert await services.digests.queue_due() == 1
        clock.advance(hours=2)  # 09:00 local; choose 08:00: today's digest is already out
        await services.chats.set_digest_time(1, "08:00")
        assert await services.digests.queue_due() == 0
        chat = await services.chats.get(1)
        assert services.digests.next_run(chat) == dt.datetime(2022, 8, 31, 5, 0, tzinfo=dt.UTC)

    async def test_quiet_hours_make_the_digest_silent(
        self, services: Services, storage: Storage, clock: MutableClock
    ) -> None:
        clock.set(dt.datetime(2022, 8, 29, 19, 0, tzinfo=dt.UTC))
        await add_subscriber(services, 1, BAGHDAD)
        await services.chats.set_quiet(1, "06:00-08:00")
        clock.set(DIGEST_30_AUG)
        assert await services.digests.queue_due() == 1
        message = await storage.outbox.get_by_key(digest_key(1, dt.date(2022, 8, 30)))
        assert message is not None
        assert message.payload.disable_notification is True
