"""The review service and corrections: queue, Confirm, Not an incident, reports, expiry, toll,
place (with the learning seam), merge and split; hostile answers change nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.domain import (
    AlertPayload,
    CorrectionPayload,
    FeedbackResolvedPayload,
    IncidentStatus,
    OutboxKind,
    OutboxMessage,
    OutboxStatus,
    ReviewPayload,
    SourceRef,
)
from bot.domain.learning import LocalPlace
from bot.domain.review import FeedbackKind, ReviewReason, ReviewStatus
from bot.services import Services
from bot.services.alerts import alert_key, update_key
from bot.services.corrections import PlaceAnswer, TollAnswer, parse_place, parse_toll
from bot.services.review import REPORTS_PER_HOUR, Reviewer, ReviewRefused
from storage.base import IncidentQuery, Storage
from tests.fakes import BAGHDAD, MutableClock, ScriptedExtractor
from tests.unit.services.conftest import (
    BuildServices,
    add_chat,
    add_subscriber,
    make_incident,
    make_settings,
)

ADMIN = 900
SUBSCRIBER = 1
REVIEWER = Reviewer(ADMIN, "Rana")


class RecordingLearner:
    """A PlaceLearner that remembers what it was given."""

    def __init__(self) -> None:
        self.learned: list[LocalPlace] = []

    async def learn_place(
        self,
        name: str,
        lat: float,
        lon: float,
        *,
        country: str | None,
        admin1: str | None,
        added_by: int,
        incident_id: int | None,
    ) -> LocalPlace:
        place = LocalPlace(
            name=name,
            lat=lat,
            lon=lon,
            country=country or "",
            admin1=admin1,
            added_by=added_by,
            incident_id=incident_id,
        )
        self.learned.append(place)
        return place


@pytest.fixture
def learner() -> RecordingLearner:
    return RecordingLearner()


@pytest.fixture
def services(build: BuildServices, learner: RecordingLearner) -> Services:
    """Alerts need a confidence of 0.6; one admin reviews."""
    settings = make_settings(SITREP_ALERT_MIN_CONFIDENCE=0.6, SITREP_ADMIN_IDS=str(ADMIN))
    return build(settings, real_merge=True, place_learner=learner)


async def _held(services: Services, extractor: ScriptedExtractor, name: str = "R1") -> int:
    """A subscriber follows Baghdad; an incident there scored 0.4 is stored and held back."""
    await add_subscriber(services, SUBSCRIBER, BAGHDAD)
    incident = make_incident("Baghdad", killed=2, day=dt.date(2022, 8, 30))
    incident.confidence = 0.4
    incident.confidence_reasons = ["place: not in the lead"]
    extractor.script(name, [incident])
    outcome = await services.ingestion.ingest_text(f"{name}: a clash in Baghdad")
    assert outcome.alerts_queued == 0
    stored = outcome.new_incidents[0]
    assert stored.id is not None
    return stored.id


async def _review_message(storage: Storage, chat_id: int, incident_id: int) -> OutboxMessage:
    """The review message queued to ``chat_id`` for the incident's current queue entry."""
    item = await storage.review.item(incident_id)
    assert item is not None
    key = f"review:{chat_id}:{incident_id}:{item.queued_at.isoformat()}"
    message = await storage.outbox.get_by_key(key)
    assert message is not None, key
    assert isinstance(message.payload, ReviewPayload)
    return message


class TestQueue:
    async def test_held_incident_waits_with_one_review_message_per_admin(
        self, services: Services, storage: Storage, extractor: ScriptedExtractor
    ) -> None:
        incident_id = await _held(services, extractor)
        item = await storage.review.item(incident_id)
        assert item is not None
        assert item.reason is ReviewReason.UNCONFIRMED
        review = await _review_message(storage, ADMIN, incident_id)
        assert isinstance(review.payload, ReviewPayload)
        assert review.payload.incident.id == incident_id
        assert review.kind is OutboxKind.NOTICE
        page = await services.review.page()
        assert [e.incident.id for e in page.entries] == [incident_id]

    async def test_review_group_chat_gets_the_messages(
        self, services: Services, storage: Storage, extractor: ScriptedExtractor
    ) -> None:
        await add_chat(services, -100)
        await services.review.set_review_chat(-100)
        incident_id = await _held(services, extractor)
        group = await _review_message(storage, -100, incident_id)
        assert group.chat_id == -100
        with pytest.raises(AssertionError):
            await _review_message(storage, ADMIN, incident_id)
        assert await services.review.may_review(12345, -100)
        assert not await services.review.may_review(12345, 12345)
        assert await services.review.may_review(ADMIN, 12345)

    async def test_pages_are_oldest_first(
        self, services: Services, storage: Storage, clock: MutableClock
    ) -> None:
        ids = []
        for n in range(7):
            stored = await storage.incidents.add(make_incident("Basra", killed=n + 1))
            ids.append(stored.id)
            await services.review.held(stored)
            clock.advance(dt.timedelta(minutes=1))
        first, second = await services.review.page(1), await services.review.page(2)
        assert (first.pages, first.total) == (2, 7)
        assert [e.incident.id for e in first.entries + second.entries] == ids
        assert (await services.review.page(99)).page == 2  # past the end: the last page


class TestConfirm:
    async def test_confirm_sends_the_held_alerts_once(
        self, services: Services, storage: Storage, extractor: ScriptedExtractor
    ) -> None:
        incident_id = await _held(services, extractor)
        decision = await services.review.confirm(incident_id, REVIEWER)
        assert decision.alerts == 1
        alert = await storage.outbox.get_by_key(alert_key(SUBSCRIBER, incident_id))
        assert alert is not None
        assert isinstance(alert.payload, AlertPayload)
        assert alert.payload.unconfirmed_ids == []  # confirmed: an ordinary alert
        assert (await services.review.confirm(incident_id, REVIEWER)).alerts == 0
        [revision, _] = await storage.incidents.revisions(incident_id)
        assert (revision.changed_by, revision.changed_by_name, revision.note) == (
            ADMIN,
            "Rana",
            "confirmed",
        )
        stored = await storage.incidents.get(incident_id)
        assert stored is not None
        assert stored.confidence == 1.0
        item = await storage.review.item(incident_id)
        assert item is not None
        assert item.status is ReviewStatus.RESOLVED


class TestRetract:
    async def test_retract_hides_cancels_and_replies_to_each_sent_alert(
        self, services: Services, storage: Storage, extractor: ScriptedExtractor
    ) -> None:
        incident_id = await _held(services, extractor)
        await add_subscriber(services, 2, BAGHDAD)
        await services.review.confirm(incident_id, REVIEWER)
        sent = await storage.outbox.get_by_key(alert_key(SUBSCRIBER, incident_id))
        assert sent is not None
        assert sent.id is not None
        await storage.outbox.mark_sent(sent.id, 4242, dt.datetime(2022, 8, 30, tzinfo=dt.UTC))

        decision = await services.review.retract(incident_id, REVIEWER, "a drill, not a clash")
        assert decision.corrections == 1
        correction = await storage.outbox.get_by_key(f"retract:{sent.idempotency_key}")
        assert correction is not None
        assert isinstance(correction.payload, CorrectionPayload)
        assert correction.reply_to_key == sent.idempotency_key
        assert correction.chat_id == SUBSCRIBER
        unsent = await storage.outbox.get_by_key(alert_key(2, incident_id))
        assert unsent is not None
        assert unsent.status is OutboxStatus.FAILED  # never sent: nothing to correct
        assert await storage.incidents.ids(IncidentQuery()) == []
        with pytest.raises(ReviewRefused) as refused:
            await services.review.retract(incident_id, REVIEWER)
        assert refused.value.code == "already_retracted"
        revisions = await storage.incidents.revisions(incident_id)
        assert revisions[-1].reason == "a drill, not a clash"

    async def test_one_correction_per_chat_replying_to_its_alert(
        self, services: Services, storage: Storage, extractor: ScriptedExtractor
    ) -> None:
        incident_id = await _held(services, extractor)
        await services.review.confirm(incident_id, REVIEWER)
        at = dt.datetime(2022, 8, 30, tzinfo=dt.UTC)
        sent = await storage.outbox.get_by_key(alert_key(SUBSCRIBER, incident_id))
        assert sent is not None
        assert sent.id is not None
        await storage.outbox.mark_sent(sent.id, 4242, at)
        decision = await services.corrections.correct_toll(
            incident_id, TollAnswer(3, 0, "police"), REVIEWER
        )
        assert decision.corrections == 1  # an update, replying to the alert
        update = await storage.outbox.get_by_key(
            update_key(SUBSCRIBER, incident_id, decision.incident.revision)
        )
        assert update is not None
        assert update.id is not None
        assert update.reply_to_key == sent.idempotency_key
        await storage.outbox.mark_sent(update.id, 4243, at)

        assert (await services.review.retract(incident_id, REVIEWER)).corrections == 1
        assert await storage.outbox.get_by_key(f"retract:{sent.idempotency_key}") is not None
        assert await storage.outbox.get_by_key(f"retract:{update.idempotency_key}") is None


class TestFeedback:
    async def test_report_is_queued_and_the_reporter_hears_back(
        self, services: Services, storage: Storage
    ) -> None:
        await add_chat(services, SUBSCRIBER)
        stored = await storage.incidents.add(make_incident("Basra", killed=3))
        assert stored.id is not None
        report = await services.review.report_problem(
            stored.id, FeedbackKind.WRONG_TOLL, chat_id=SUBSCRIBER, user_id=SUBSCRIBER
        )
        review = await _review_message(storage, ADMIN, stored.id)
        assert isinstance(review.payload, ReviewPayload)
        assert review.payload.reason == "reported"
        assert review.payload.reports == ["toll"]
        with pytest.raises(ReviewRefused) as again:
            await services.review.report_problem(
                stored.id, FeedbackKind.DUPLICATE, chat_id=SUBSCRIBER, user_id=SUBSCRIBER
            )
        assert again.value.code == "already_reported"

        await services.corrections.correct_toll(stored.id, TollAnswer(4, 1, "medics"), REVIEWER)
        told = await storage.outbox.get_by_key(f"feedback:{report.id}:resolved")
        assert told is not None
        assert told.chat_id == SUBSCRIBER
        assert isinstance(told.payload, FeedbackResolvedPayload)
        assert (told.payload.incident_id, told.payload.resolution) == (stored.id, "toll")

    async def test_reports_are_rate_limited(
        self, services: Services, storage: Storage, clock: MutableClock
    ) -> None:
        await add_chat(services, SUBSCRIBER)
        ids = []
        for n in range(REPORTS_PER_HOUR + 1):
            stored = await storage.incidents.add(make_incident("Basra", killed=n + 1))
            ids.append(stored.id or 0)
        for incident_id in ids[:REPORTS_PER_HOUR]:
            await services.review.report_problem(
                incident_id, FeedbackKind.NOT_INCIDENT, chat_id=SUBSCRIBER, user_id=SUBSCRIBER
            )
        with pytest.raises(ReviewRefused) as refused:
            await services.review.report_problem(
                ids[-1], FeedbackKind.NOT_INCIDENT, chat_id=SUBSCRIBER, user_id=SUBSCRIBER
            )
        assert refused.value.code == "too_many_reports"
        assert await storage.review.count_pending() == REPORTS_PER_HOUR
        clock.advance(dt.timedelta(hours=1, seconds=1))
        await services.review.report_problem(
            ids[-1], FeedbackKind.NOT_INCIDENT, chat_id=SUBSCRIBER, user_id=SUBSCRIBER
        )


class TestExpiry:
    @pytest.mark.parametrize(("allowed", "alerts"), [(False, 0), (True, 1)])
    async def test_overdue_items_expire_and_alert_only_if_allowed(
        self,
        services: Services,
        storage: Storage,
        extractor: ScriptedExtractor,
        clock: MutableClock,
        allowed: bool,
        alerts: int,
    ) -> None:
        incident_id = await _held(services, extractor)
        await services.review.set_unconfirmed_alerts(allowed)
        await services.review.set_max_wait(6)
        clock.advance(dt.timedelta(hours=5))
        assert await services.review.expire_overdue() == 0
        clock.advance(dt.timedelta(hours=2))
        assert await services.review.expire_overdue() == 1
        item = await storage.review.item(incident_id)
        assert item is not None
        assert item.status is ReviewStatus.EXPIRED
        alert = await storage.outbox.get_by_key(alert_key(SUBSCRIBER, incident_id))
        assert (alert is not None) == bool(alerts)
        if alert is not None:  # released without a Confirm: the alert says so
            assert isinstance(alert.payload, AlertPayload)
            assert alert.payload.unconfirmed_ids == [incident_id]

    async def test_unknown_wait_is_refused(self, services: Services) -> None:
        with pytest.raises(ReviewRefused):
            await services.review.set_max_wait(5)
        assert (await services.review.settings()).max_wait_hours == 24


class TestPlace:
    async def test_gazetteer_name_moves_the_incident(
        self, services: Services, storage: Storage, learner: RecordingLearner
    ) -> None:
        stored = await storage.incidents.add(make_incident("Basra", killed=1))
        assert stored.id is not None
        location, unknown = await services.corrections.resolve_place(
            stored.id, PlaceAnswer("Baqubah")
        )
        assert (location.place_key, unknown) == ("gn:98717", False)
        await services.corrections.correct_place(stored.id, location, REVIEWER)
        moved = await storage.incidents.get(stored.id)
        assert moved is not None
        assert moved.location.name == "Baqubah"
        assert learner.learned == []

    async def test_unknown_name_is_refused_with_suggestions(
        self, services: Services, storage: Storage
    ) -> None:
        stored = await storage.incidents.add(make_incident("Basra", killed=1))
        assert stored.id is not None
        with pytest.raises(ReviewRefused) as refused:
            await services.corrections.resolve_place(stored.id, PlaceAnswer("Baghdadd"))
        assert refused.value.code == "unknown_place"
        assert "Baghdad" in refused.value.values["suggestions"]
        assert (await storage.incidents.get(stored.id)) == stored

    async def test_supplied_place_goes_through_the_learning_seam(
        self, services: Services, storage: Storage, learner: RecordingLearner
    ) -> None:
        stored = await storage.incidents.add(make_incident("Basra", killed=1))
        assert stored.id is not None
        answer = parse_place("30.61,47.72 Old Fish Market")
        location, unknown = await services.corrections.resolve_place(stored.id, answer)
        assert unknown
        await services.corrections.correct_place(stored.id, location, REVIEWER, unknown=unknown)
        [learned] = learner.learned
        assert (learned.name, learned.country, learned.lat, learned.added_by) == (
            "Old Fish Market",
            "IQ",
            30.61,
            ADMIN,
        )
        assert learned.incident_id == stored.id


class TestMergeSplit:
    async def test_merge_then_split_restores_both(
        self, services: Services, storage: Storage
    ) -> None:
        first = await storage.incidents.add(
            make_incident("Basra", killed=1).model_copy(
                update={"sources": [SourceRef(url="https://a.example/1")]}
            )
        )
        second = await storage.incidents.add(
            make_incident("Basra", killed=2).model_copy(
                update={"sources": [SourceRef(url="https://b.example/2")]}
            )
        )
        assert first.id is not None
        assert second.id is not None
        with pytest.raises(ReviewRefused):
            await services.corrections.merge(first.id, first.id, REVIEWER)
        await services.corrections.merge(second.id, first.id, REVIEWER)
        kept = await storage.incidents.get(first.id)
        assert kept is not None
        assert [s.url for s in kept.sources] == ["https://a.example/1", "https://b.example/2"]
        assert await storage.incidents.ids(IncidentQuery()) == [first.id]
        with pytest.raises(ReviewRefused) as twice:
            await services.corrections.merge(second.id, first.id, REVIEWER)
        assert twice.value.code == "already_merged"

        await services.corrections.split(second.id, REVIEWER)
        kept = await storage.incidents.get(first.id)
        back = await storage.incidents.get(second.id)
        assert kept is not None
        assert back is not None
        assert [s.url for s in kept.sources] == ["https://a.example/1"]
        assert back.status is IncidentStatus.ACTIVE
        assert sorted(await storage.incidents.ids(IncidentQuery())) == sorted(
            [first.id, second.id]
        )
        notes = [r.note for r in await storage.incidents.revisions(first.id)]
        assert notes == [f"#{second.id} merged in", f"#{second.id} split off"]


class TestHostileAnswers:
    @pytest.mark.parametrize(
        ("text", "code"),
        [
            ("-5 2 police", "toll_range"),
            ("1000000000000 0 police", "toll_range"),
            (str(10**30) + " 0 police", "toll_range"),
            ("3 2", "toll_form"),
            ("three two police", "toll_form"),
            ("x" * 10_000, "too_long"),
            ("<b>3</b> 2 police", "markup"),
            ("3 2 <script>alert(1)</script>", "markup"),
        ],
    )
    def test_bad_tolls_are_refused(self, text: str, code: str) -> None:
        with pytest.raises(ReviewRefused) as refused:
            parse_toll(text)
        assert refused.value.code == code

    def test_a_good_toll(self) -> None:
        assert parse_toll(" 3  12 Health\tministry ") == TollAnswer(3, 12, "Health ministry")

    @pytest.mark.parametrize(
        ("text", "code"),
        [
            ("91,44 Somewhere", "bad_point"),
            ("33,190 Somewhere", "bad_point"),
            ("0,0 Null Island", "bad_point"),
            ("33.3,44.4 12345", "place_name"),
            ("y" * 10_000, "too_long"),
            ("<a href='x'>Basra</a>", "markup"),
            ("   ", "place_form"),
        ],
    )
    def test_bad_places_are_refused(self, text: str, code: str) -> None:
        with pytest.raises(ReviewRefused) as refused:
            parse_place(text)
        assert refused.value.code == code

    async def test_refused_corrections_change_nothing(
        self, services: Services, storage: Storage
    ) -> None:
        stored = await storage.incidents.add(make_incident("Basra", killed=1))
        assert stored.id is not None
        for bad in ("-5 1 x", "10000000000000 1 x", "<i>1</i> 1 x"):
            with pytest.raises(ReviewRefused):
                await services.corrections.correct_toll(stored.id, parse_toll(bad), REVIEWER)
        with pytest.raises(ReviewRefused):
            await services.corrections.resolve_place(stored.id, PlaceAnswer("Atlantis Qqq"))
        assert await storage.incidents.get(stored.id) == stored
        assert await storage.incidents.revisions(stored.id) == []
