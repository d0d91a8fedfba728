"""Ingestion: dedupe, store, merge, revisions, alerts then updates as replies, atomicity."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from bot.config import Settings
from bot.domain import (
    AlertPayload,
    DatePrecision,
    OutboxKind,
    OutboxMessage,
    SubEventType,
    TextPayload,
    UpdatePayload,
)
from bot.ingest.text import content_hash
from bot.services import Services
from bot.services.alerts import alert_key, update_key
from bot.services.errors import UserError
from storage.base import Storage
from tests.fakes import BAGHDAD, MutableClock, ScriptedExtractor
from tests.unit.services.conftest import (
    BuildServices,
    add_chat,
    add_subscriber,
    engine_services,
    make_incident,
    make_settings,
    outbox_counts,
)

FIRST = "GZ-1: Clashes in the Green Zone left fifteen people dead, medics said."
FOLLOW_UP = "GZ-2: The toll from the Green Zone fighting has risen to thirty, officials said."
SAME_TOLL = "GZ-3: Another outlet confirms fifteen dead in the Green Zone clashes."


@pytest.fixture
def scripted(extractor: ScriptedExtractor) -> ScriptedExtractor:
    """The Green Zone story as three reports: first toll, higher toll, same toll."""
    extractor.script("GZ-1", [make_incident("Green Zone", killed=15)])
    extractor.script("GZ-2", [make_incident("Green Zone", killed=30)])
    extractor.script("GZ-3", [make_incident("Green Zone", killed=15)])
    return extractor


class TestNewIncidents:
    async def test_new_report_stores_incident_and_queues_alert(
        self, services: Services, storage: Storage, scripted: ScriptedExtractor
    ) -> None:
        await add_subscriber(services, 1, BAGHDAD)
        outcome = await services.ingestion.ingest_text(FIRST, url="https://example.org/gz1")
        assert not outcome.duplicate
        assert outcome.report.id is not None
        assert len(outcome.new_incidents) == 1
        assert outcome.alerts_queued == 1
        incident = outcome.new_incidents[0]
        assert incident.id is not None
        assert [s.url for s in incident.sources] == ["https://example.org/gz1"]
        assert incident.sources[0].report_id == outcome.report.id
        assert await storage.outbox.get_by_key(alert_key(1, incident.id)) is not None

    async def test_last_ingest_time_is_recorded(
        self, services: Services, scripted: ScriptedExtractor, clock: MutableClock
    ) -> None:
        await services.ingestion.ingest_text(FIRST)
        status = await services.admin.status()
        assert status.last_ingest_at == clock.now()
        assert status.reports == 1
        assert status.incidents == 1

    async def test_background_mentions_are_stored_without_a_first_alert(
        self,
        services: Services,
        storage: Storage,
        extractor: ScriptedExtractor,
        clock: MutableClock,
    ) -> None:
        await add_subscriber(services, 1, BAGHDAD)
        recent = clock.now().date() - dt.timedelta(days=2)
        news = make_incident("Baghdad", day=recent, killed=3)
        extractor.script("NEWS", [news])
        control = await services.ingestion.ingest_text("NEWS: clashes in Baghdad")
        assert control.alerts_queued == 1  # the same kind of incident as news does alert
        background = make_incident(
            "Baghdad", day=recent, killed=9, event=SubEventType.SHELLING
        ).model_copy(update={"is_background": True})
        extractor.script("BG", [background])
        outcome = await services.ingestion.ingest_text("BG: days after shelling in Baghdad")
        assert [i.is_background for i in outcome.new_incidents] == [True]
        assert await storage.incidents.count() == 2
        assert outcome.alerts_queued == 0

    async def test_vague_background_mentions_are_not_stored(
        self, services: Services, storage: Storage, extractor: ScriptedExtractor
    ) -> None:
        vague = make_incident("Basra", killed=3).model_copy(
            update={"is_background": True, "date_precision": DatePrecision.MONTH}
        )
        extractor.script("BG", [vague])
        outcome = await services.ingestion.ingest_text("BG: as in last year's clashes in Basra")
        assert outcome.new_incidents == []
        assert await storage.incidents.count() == 0


class TestDuplicates:
    async def test_same_text_is_a_duplicate_and_queues_nothing(
        self, services: Services, storage: Storage, scripted: ScriptedExtractor
    ) -> None:
        await add_subscriber(services, 1, BAGHDAD)
        await services.ingestion.ingest_text(FIRST)
        again = await services.ingestion.ingest_text("  " + FIRST.upper().replace(" ", "\n  "))
        assert again.duplicate
        assert again.alerts_queued == 0
        assert await storage.reports.count() == 1
        assert await outbox_counts(storage) == {"pending": 1}
        assert scripted.calls == 1

    async def test_same_url_is_a_duplicate(
        self, services: Services, storage: Storage, scripted: ScriptedExtractor
    ) -> None:
        await services.ingestion.ingest_text(FIRST, url="https://example.org/a")
        again = await services.ingestion.ingest_text(FOLLOW_UP, url="https://example.org/a")
        assert again.duplicate
        assert await storage.incidents.count() == 1

    async def test_another_report_of_the_same_toll_adds_a_source_but_no_message(
        self, services: Services, storage: Storage, scripted: ScriptedExtractor
    ) -> None:
        await add_subscriber(services, 1, BAGHDAD)
        first = await services.ingestion.ingest_text(FIRST, url="https://example.org/a")
        second = await services.ingestion.ingest_text(SAME_TOLL, url="https://example.org/b")
        assert second.new_incidents == []
        assert len(second.updated_incidents) == 1
        assert second.alerts_queued == second.updates_queued == 0
        incident_id = first.new_incidents[0].id
        assert incident_id is not None
        stored = await storage.incidents.get(incident_id)
        assert stored is not None
        assert len(stored.sources) == 2
        assert await outbox_counts(storage) == {"pending": 1}

    async def test_concurrent_ingests_of_one_story_store_it_once(
        self, services: Services, storage: Storage, scripted: ScriptedExtractor
    ) -> None:
        outcomes = await asyncio.gather(
            services.ingestion.ingest_text(FIRST), services.ingestion.ingest_text(FIRST)
        )
        assert sorted(o.duplicate for o in outcomes) == [False, True]
        assert await storage.incidents.count() == 1


class TestUpdates:
    async def test_a_higher_toll_becomes_an_update_replying_to_the_alert(
        self, services: Services, storage: Storage, scripted: ScriptedExtractor
    ) -> None:
        await add_subscriber(services, 1, BAGHDAD)
        first = await services.ingestion.ingest_text(FIRST, url="https://example.org/a")
        second = await services.ingestion.ingest_text(FOLLOW_UP, url="https://example.org/b")
        incident_id = first.new_incidents[0].id
        assert incident_id is not None
        assert second.new_incidents == []
        assert second.alerts_queued == 0
        assert second.updates_queued == 1
        assert second.notes == ["death toll rose from 15 to 30"]
        updated = second.updated_incidents[0]
        assert updated.id == incident_id
        assert updated.killed.best == 30
        assert updated.revision == 2
        update = await storage.outbox.get_by_key(update_key(1, incident_id, 2))
        assert update is not None
        assert update.kind is OutboxKind.UPDATE
        assert update.reply_to_key == alert_key(1, incident_id)
        assert isinstance(update.payload, UpdatePayload)
        assert update.payload.note == "death toll rose from 15 to 30"
        assert update.payload.incident.killed.min == 30
        detail = await services.queries.incident(incident_id)
        assert [r.note for r in detail.revisions] == ["death toll rose from 15 to 30"]
        assert len(detail.incident.sources) == 2

    async def test_reingesting_the_follow_up_changes_nothing(
        self, services: Services, storage: Storage, scripted: ScriptedExtractor
    ) -> None:
        await add_subscriber(services, 1, BAGHDAD)
        await services.ingestion.ingest_text(FIRST)
        await services.ingestion.ingest_text(FOLLOW_UP)
        again = await services.ingestion.ingest_text(FOLLOW_UP)
        assert again.duplicate
        assert await outbox_counts(storage) == {"pending": 2}

    async def test_a_chat_that_subscribed_later_gets_a_fresh_alert_not_an_update(
        self, services: Services, storage: Storage, scripted: ScriptedExtractor
    ) -> None:
        await add_subscriber(services, 1, BAGHDAD)
        first = await services.ingestion.ingest_text(FIRST)
        await add_subscriber(services, 2, BAGHDAD)
        second = await services.ingestion.ingest_text(FOLLOW_UP)
        incident_id = first.new_incidents[0].id
        assert incident_id is not None
        assert (second.alerts_queued, second.updates_queued) == (1, 1)
        late = await storage.outbox.get_by_key(alert_key(2, incident_id))
        assert late is not None
        assert late.kind is OutboxKind.ALERT
        assert late.reply_to_key is None
        assert isinstance(late.payload, AlertPayload)
        assert late.payload.note == "death toll rose from 15 to 30"
        assert await storage.outbox.get_by_key(update_key(2, incident_id, 2)) is None

    async def test_a_toll_crossing_the_threshold_alerts_for_the_first_time(
        self, services: Services, storage: Storage, scripted: ScriptedExtractor
    ) -> None:
        await add_chat(services, 1)
        await services.subscriptions.subscribe(1, BAGHDAD, min_killed=20)
        first = await services.ingestion.ingest_text(FIRST)
        assert first.alerts_queued == 0
        second = await services.ingestion.ingest_text(FOLLOW_UP)
        assert (second.alerts_queued, second.updates_queued) == (1, 0)


class TestRefusals:
    async def test_oversized_text_is_refused_politely(
        self, services: Services, storage: Storage, scripted: ScriptedExtractor
    ) -> None:
        with pytest.raises(UserError, match="too long") as info:
            await services.ingestion.ingest_text("GZ-1 " + "x" * 6_000)
        assert "5,000" in info.value.message
        assert await storage.reports.count() == 0
        assert scripted.calls == 0

    @pytest.mark.parametrize("text", ["", "   \n\t ", "\x00\x01\x02"])
    async def test_empty_text_is_refused(self, services: Services, text: str) -> None:
        with pytest.raises(UserError):
            await services.ingestion.ingest_text(text)

    async def test_control_and_bidi_characters_are_removed(
        self, services: Services, scripted: ScriptedExtractor
    ) -> None:
        outcome = await services.ingestion.ingest_text("GZ-1\x00 clashes \u202ein\u202c Baghdad")
        assert outcome.report.text == "GZ-1 clashes in Baghdad"

    async def test_undecodable_bytes_from_stdin_do_not_crash(self, services: Services) -> None:
        # Python reads bad UTF-8 on stdin as lone surrogates, which cannot be encoded.
        outcome = await services.ingestion.ingest_text("GZ-1 clashes in Baghdad \udcff\udcfe")
        assert outcome.report.text == "GZ-1 clashes in Baghdad"
        assert content_hash("a \udcff") == content_hash("a")

    def test_hash_ignores_case_and_spacing(self) -> None:
        assert content_hash("Fifteen  dead\nin Baghdad") == content_hash(
            " fifteen dead in BAGHDAD"
        )
        assert content_hash("fifteen dead") != content_hash("fifty dead")

    async def test_naive_publication_time_is_refused(self, services: Services) -> None:
        with pytest.raises(UserError):
            services.ingestion.make_report("text", published_at=dt.datetime(2022, 8, 29))


class TestAtomicity:
    async def test_a_failure_while_queueing_leaves_nothing_behind(
        self,
        services: Services,
        storage: Storage,
        scripted: ScriptedExtractor,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        await add_subscriber(services, 1, BAGHDAD)

        async def broken_enqueue(message: OutboxMessage) -> tuple[OutboxMessage, bool]:
            raise RuntimeError("disk full")

        monkeypatch.setattr(storage.outbox, "enqueue", broken_enqueue)
        with pytest.raises(RuntimeError, match="disk full"):
            await services.ingestion.ingest_text(FIRST)
        assert await storage.reports.count() == 0
        assert await storage.incidents.count() == 0
        assert await outbox_counts(storage) == {}
        status = await services.admin.status()
        assert status.last_ingest_at is None
        assert status.last_error is not None
        assert "disk full" in status.last_error

    async def test_an_extractor_failure_stores_nothing(
        self, services: Services, storage: Storage, scripted: ScriptedExtractor
    ) -> None:
        scripted.fail_with = ValueError("model crashed")
        with pytest.raises(ValueError, match="model crashed"):
            await services.ingestion.ingest_text(FIRST)
        assert await storage.reports.count() == 0
        scripted.fail_with = None
        outcome = await services.ingestion.ingest_text(FIRST)
        assert len(outcome.new_incidents) == 1


class TestReferenceTime:
    async def test_text_without_publication_time_is_read_relative_to_arrival(
        self, storage: Storage, clock: MutableClock, settings: Settings
    ) -> None:
        services = engine_services(storage, clock, settings)
        clock.set(dt.datetime(2022, 9, 2, 9, 0, tzinfo=dt.UTC))  # a Friday
        outcome = await services.ingestion.ingest_text(
            "Gunmen clashed with police at a checkpoint in Basra on Thursday, killing two "
            "people and wounding five, police said."
        )
        assert outcome.report.published_at is None
        assert [i.date for i in outcome.new_incidents] == [dt.date(2022, 9, 1)]
        assert outcome.link_day is None

    async def test_an_undated_report_with_a_dated_link_is_read_from_the_link(
        self, storage: Storage, clock: MutableClock, settings: Settings
    ) -> None:
        """A feed item fetched days late: its link's day, not the arrival, anchors "Thursday"."""
        services = engine_services(storage, clock, settings)
        clock.set(dt.datetime(2022, 9, 12, 9, 0, tzinfo=dt.UTC))  # ten days later, a Monday
        outcome = await services.ingestion.ingest_text(
            "Gunmen clashed with police at a checkpoint in Basra on Thursday, killing two "
            "people and wounding five, police said.",
            url="https://news.example.org/world/2022/09/02/basra-checkpoint-clash",
        )
        assert outcome.report.published_at is None  # still unknown, and stored as such
        assert outcome.link_day == dt.datetime(2022, 9, 2, 12, 0, tzinfo=dt.UTC)
        assert [i.date for i in outcome.new_incidents] == [dt.date(2022, 9, 1)]


SLOW = "SLOW-1: Gunmen attacked a checkpoint in the Green Zone, killing three."
DEADLINE = 30.0  # generous: a loaded machine must not make these flake


class TestSlowExtraction:
    """Extraction runs before the ingest lock, under a time limit (issue 13.1)."""

    async def test_a_report_over_the_time_limit_is_stored_unextracted_and_admins_told(
        self, storage: Storage, scripted: ScriptedExtractor, build: BuildServices
    ) -> None:
        services = build(
            make_settings(SITREP_EXTRACT_TIME_LIMIT_SECONDS=0.05, SITREP_ADMIN_IDS="42")
        )
        scripted.hold("SLOW-1")  # never released: the extractor would run forever
        outcome = await asyncio.wait_for(services.ingestion.ingest_text(SLOW), DEADLINE)
        assert outcome.unextracted is not None
        assert "longer than 0.05 s" in outcome.unextracted
        assert outcome.report.id is not None
        assert await storage.reports.count() == 1
        assert await storage.incidents.count() == 0
        notice = await storage.outbox.get_by_key(f"unextracted:{outcome.report.id}:42")
        assert notice is not None
        assert (notice.chat_id, notice.kind) == (42, OutboxKind.NOTICE)
        assert isinstance(notice.payload, TextPayload)
        assert f"Report {outcome.report.id}" in notice.payload.text
        assert await outbox_counts(storage) == {"pending": 1}
        status = await services.admin.status()
        assert status.last_error is not None
        assert "not extracted" in status.last_error
        # Sent again, it is a duplicate: the slow report is never read again in a loop.
        again = await services.ingestion.ingest_text(SLOW)
        assert again.duplicate
        assert scripted.calls == 1

    async def test_without_admins_the_report_is_still_stored(
        self, storage: Storage, scripted: ScriptedExtractor, build: BuildServices
    ) -> None:
        services = build(make_settings(SITREP_EXTRACT_TIME_LIMIT_SECONDS=0.05))
        scripted.hold("SLOW-1")
        outcome = await asyncio.wait_for(services.ingestion.ingest_text(SLOW), DEADLINE)
        assert outcome.unextracted is not None
        assert await storage.reports.count() == 1
        assert await outbox_counts(storage) == {}

    async def test_a_slow_extraction_does_not_hold_up_other_ingests(
        self, services: Services, storage: Storage, scripted: ScriptedExtractor
    ) -> None:
        scripted.hold("SLOW-1")
        slow = asyncio.create_task(services.ingestion.ingest_text(SLOW))
        await asyncio.wait_for(scripted.entered["SLOW-1"].wait(), DEADLINE)
        # With extraction inside the lock this would wait for the slow report forever.
        outcome = await asyncio.wait_for(services.ingestion.ingest_text(FIRST), DEADLINE)
        assert len(outcome.new_incidents) == 1
        assert not slow.done()
        scripted.release("SLOW-1")
        slow_outcome = await asyncio.wait_for(slow, DEADLINE)
        assert slow_outcome.unextracted is None
        assert await storage.reports.count() == 2
