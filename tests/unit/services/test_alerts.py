"""Alert matching and queueing: place (with parent city), governorate, faction, thresholds,
inactive chats, quiet hours, burst buckets."""

from __future__ import annotations

import datetime as dt

from bot.domain import AlertPayload, GeoPrecision, Incident, OutboxKind
from bot.services import Services
from bot.services.alerts import alert_key
from storage.base import Storage
from tests.fakes import AAH, BAGHDAD, BASRA, BASRA_GOV, FakeActorRegistry, MutableClock
from tests.unit.services.conftest import (
    actor,
    add_chat,
    add_subscriber,
    make_incident,
    outbox_counts,
)


async def _stored(storage: Storage, incident: Incident) -> Incident:
    return await storage.incidents.add(incident)


async def _alerted_chats(storage: Storage, incident: Incident) -> set[int]:
    assert incident.id is not None
    chats = set()
    for chat_id in range(1, 10):
        if await storage.outbox.get_by_key(alert_key(chat_id, incident.id)) is not None:
            chats.add(chat_id)
    return chats


class TestMatching:
    async def test_place_governorate_and_faction_subscribers_all_match(
        self, services: Services, storage: Storage, actors: FakeActorRegistry
    ) -> None:
        for chat_id, target in ((1, BASRA), (2, BASRA_GOV), (3, AAH), (4, BAGHDAD)):
            await add_subscriber(services, chat_id, target)
        incident = await _stored(
            storage, make_incident("Basra", killed=4, actors=[actor(actors, "asaib-ahl-al-haq")])
        )
        assert await services.alerts.queue_new(incident) == 3
        assert await _alerted_chats(storage, incident) == {1, 2, 3}

    async def test_a_neighbourhood_alerts_its_city(
        self, services: Services, storage: Storage
    ) -> None:
        await add_subscriber(services, 1, BAGHDAD)
        incident = await _stored(storage, make_incident("Green Zone", killed=15))
        assert await services.alerts.queue_new(incident) == 1

    async def test_a_town_far_from_its_listed_parent_does_not_alert_the_city(
        self, services: Services, storage: Storage
    ) -> None:
        # Daquq lies about 37 km from Kirkuk: Kirkuk city's subscribers are not told of it.
        kirkuk = services.catalog.resolve_place("Kirkuk").unique
        daquq = services.catalog.resolve_place("Daquq").unique
        assert kirkuk is not None
        assert daquq is not None
        for chat_id, target in ((1, kirkuk), (2, daquq)):
            await add_subscriber(services, chat_id, target)
        incident = await _stored(storage, make_incident("Daquq", killed=2))
        await services.alerts.queue_new(incident)
        assert await _alerted_chats(storage, incident) == {2}

    async def test_a_place_without_geonames_id_matches_by_its_gazetteer_key(
        self, services: Services, storage: Storage
    ) -> None:
        await add_chat(services, 1)
        green_zone = services.catalog.resolve_place("International Zone").unique
        assert green_zone is not None
        assert green_zone.key == "iq:green-zone"
        await services.subscriptions.subscribe(1, green_zone)
        incident = await _stored(storage, make_incident("Green Zone", killed=15))
        assert incident.location.geonames_id is None
        assert await services.alerts.queue_new(incident) == 1
        page = await services.queries.for_target(green_zone)
        assert [i.id for i in page.items] == [incident.id]

    async def test_a_governorate_level_location_does_not_alert_the_city(
        self, services: Services, storage: Storage
    ) -> None:
        await add_chat(services, 1)
        await add_chat(services, 2)
        await services.subscriptions.subscribe(1, BASRA)
        await services.subscriptions.subscribe(2, BASRA_GOV)
        incident = await _stored(
            storage, make_incident("Basra", killed=1, precision=GeoPrecision.ADMIN1)
        )
        await services.alerts.queue_new(incident)
        assert await _alerted_chats(storage, incident) == {2}

    async def test_min_killed_threshold(self, services: Services, storage: Storage) -> None:
        await add_chat(services, 1)
        await add_chat(services, 2)
        await services.subscriptions.subscribe(1, BASRA, min_killed=5)
        await services.subscriptions.subscribe(2, BASRA, min_killed=4)
        incident = await _stored(storage, make_incident("Basra", killed=4))
        await services.alerts.queue_new(incident)
        assert await _alerted_chats(storage, incident) == {2}

    async def test_inactive_chats_get_nothing(self, services: Services, storage: Storage) -> None:
        await add_subscriber(services, 1, BASRA)
        await services.chats.deactivate(1)
        incident = await _stored(storage, make_incident("Basra", killed=4))
        assert await services.alerts.queue_new(incident) == 0

    async def test_one_alert_per_chat_even_with_several_matching_subscriptions(
        self, services: Services, storage: Storage, actors: FakeActorRegistry
    ) -> None:
        await add_chat(services, 1)
        for target in (BASRA, BASRA_GOV, AAH):
            await services.subscriptions.subscribe(1, target)
        incident = await _stored(
            storage, make_incident("Basra", killed=4, actors=[actor(actors, "asaib-ahl-al-haq")])
        )
        assert await services.alerts.queue_new(incident) == 1
        assert incident.id is not None
        message = await storage.outbox.get_by_key(alert_key(1, incident.id))
        assert message is not None
        assert isinstance(message.payload, AlertPayload)
        assert message.payload.matched == sorted(
            ["Basra", "Basra governorate", "Asaib Ahl al-Haq"]
        )

    async def test_queueing_twice_is_idempotent(
        self, services: Services, storage: Storage
    ) -> None:
        await add_subscriber(services, 1, BASRA)
        incident = await _stored(storage, make_incident("Basra", killed=4))
        assert await services.alerts.queue_new(incident) == 1
        assert await services.alerts.queue_new(incident) == 0
        assert (await outbox_counts(storage)) == {"pending": 1}


class TestOnlyNews:
    async def test_an_archive_story_gets_no_first_alert(
        self, services: Services, storage: Storage, clock: MutableClock
    ) -> None:
        await add_subscriber(services, 1, BASRA)
        clock.set(dt.datetime(2022, 9, 20, 9, 0, tzinfo=dt.UTC))
        old = await _stored(storage, make_incident("Basra", day=dt.date(2022, 9, 4), killed=4))
        recent = await _stored(
            storage, make_incident("Basra", day=dt.date(2022, 9, 6), killed=4, summary="later")
        )
        assert await services.alerts.queue_new(old) == 0
        assert await services.alerts.queue_new(recent) == 1

    async def test_updates_to_an_alert_the_chat_has_are_still_sent(
        self, services: Services, storage: Storage, clock: MutableClock
    ) -> None:
        await add_subscriber(services, 1, BASRA)
        clock.set(dt.datetime(2022, 9, 2, 9, 0, tzinfo=dt.UTC))
        incident = await _stored(
            storage, make_incident("Basra", day=dt.date(2022, 9, 1), killed=4)
        )
        assert await services.alerts.queue_new(incident) == 1
        clock.set(dt.datetime(2022, 10, 1, 9, 0, tzinfo=dt.UTC))
        revised = incident.model_copy(update={"revision": 2})
        changes = {"killed": {"old": "4", "new": "6"}}
        result = await services.alerts.queue_change(
            revised, note="death toll rose", changes=changes, toll_changed=True
        )
        assert result == (0, 1)


class TestPayload:
    async def test_payload_is_structured_json(self, services: Services, storage: Storage) -> None:
        await add_subscriber(services, 1, BASRA)
        incident = await _stored(storage, make_incident("Basra", killed=4))
        await services.alerts.queue_new(incident)
        assert incident.id is not None
        message = await storage.outbox.get_by_key(alert_key(1, incident.id))
        assert message is not None
        assert message.kind is OutboxKind.ALERT
        assert message.incident_id == incident.id
        assert isinstance(message.payload, AlertPayload)
        assert message.payload.incidents == [incident]
        assert message.payload.note is None
        assert "<" not in message.payload.model_dump_json()

    async def test_quiet_hours_make_the_alert_silent(
        self, services: Services, storage: Storage, clock: MutableClock
    ) -> None:
        await add_chat(services, 1)
        await add_chat(services, 2)
        await services.chats.set_quiet(1, "22:00-07:00")
        for chat_id in (1, 2):
            await services.subscriptions.subscribe(chat_id, BASRA)
        clock.set(dt.datetime(2022, 8, 30, 21, 0, tzinfo=dt.UTC))  # 00:00 in Baghdad
        incident = await _stored(storage, make_incident("Basra", killed=4))
        await services.alerts.queue_new(incident)
        assert incident.id is not None
        quiet = await storage.outbox.get_by_key(alert_key(1, incident.id))
        loud = await storage.outbox.get_by_key(alert_key(2, incident.id))
        assert quiet is not None
        assert loud is not None
        assert quiet.payload.disable_notification is True
        assert loud.payload.disable_notification is False


class TestDueTime:
    async def test_an_alert_is_due_at_once(
        self, services: Services, storage: Storage, clock: MutableClock
    ) -> None:
        # Grouping a burst is the dispatcher's job (while a send is under way); the first
        # alert to a chat never waits for a bucket.
        await add_subscriber(services, 1, BASRA_GOV)
        clock.set(dt.datetime(2022, 8, 30, 6, 0, 1, tzinfo=dt.UTC))
        incident = await _stored(storage, make_incident("Basra", killed=1))
        await services.alerts.queue_new(incident)
        due_now = await storage.outbox.claim_due(clock.now())
        assert [row.kind for row in due_now] == [OutboxKind.ALERT]
