"""The review repository on every backend: queue, subscribers' reports, merged pairs, revisions
with who and why, hidden incidents, and the outbox rows a correction replies to."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.domain import Incident, IncidentRevision, IncidentStatus, OutboxStatus, SourceRef
from bot.domain.review import (
    FeedbackKind,
    FeedbackReport,
    IncidentLink,
    ReviewReason,
    ReviewStatus,
)
from storage.base import Backend, IncidentQuery
from tests.fake_storage import InMemoryStorage
from tests.integration.storage.conftest import (
    AAH,
    T0,
    make_chat,
    make_incident,
    make_message,
    reopen,
)

HOUR = dt.timedelta(hours=1)


@asynccontextmanager
async def reopened(storage: Backend) -> AsyncIterator[Backend]:
    """The same database through a new connection (the fake has no other: itself)."""
    if isinstance(storage, InMemoryStorage):
        yield storage
        return
    other = await reopen(storage)
    try:
        yield other
    finally:
        await other.close()


async def _incident(storage: Backend, summary: str = "A roadside bomb struck a patrol.") -> int:
    return await _incident_with(storage, make_incident(summary=summary))


async def _set_status(storage: Backend, incident_id: int, status: IncidentStatus) -> Incident:
    stored = await storage.incidents.get(incident_id)
    assert stored is not None
    stored.status = status
    return await storage.incidents.update(stored)


async def _incident_with(storage: Backend, incident: Incident) -> int:
    stored = await storage.incidents.add(incident)
    assert stored.id is not None
    return stored.id


class TestQueue:
    async def test_oldest_first_with_pages(self, storage: Backend) -> None:
        ids = [await _incident(storage, f"Incident number {n}.") for n in range(3)]
        # Queued newest id first: the order is by queue time, not by id.
        for offset, incident_id in enumerate(reversed(ids)):
            assert await storage.review.enqueue(
                incident_id, ReviewReason.UNCONFIRMED, T0 + offset * HOUR
            )
        first = await storage.review.pending(limit=2)
        second = await storage.review.pending(limit=2, offset=2)
        assert [i.incident_id for i in first + second] == list(reversed(ids))
        assert await storage.review.count_pending() == 3
        older = await storage.review.pending(queued_before=T0 + HOUR)
        assert [i.incident_id for i in older] == [ids[-1]]

    async def test_enqueue_twice_keeps_the_first_time(self, storage: Backend) -> None:
        incident_id = await _incident(storage)
        assert await storage.review.enqueue(incident_id, ReviewReason.UNCONFIRMED, T0)
        assert not await storage.review.enqueue(incident_id, ReviewReason.REPORTED, T0 + HOUR)
        item = await storage.review.item(incident_id)
        assert item is not None
        assert item.queued_at == T0
        assert item.reason is ReviewReason.UNCONFIRMED

    async def test_resolve_then_reopen(self, storage: Backend) -> None:
        incident_id = await _incident(storage)
        await storage.review.enqueue(incident_id, ReviewReason.UNCONFIRMED, T0)
        assert await storage.review.resolve(incident_id, T0 + HOUR, 900, "confirmed")
        assert not await storage.review.resolve(incident_id, T0 + HOUR, 900, "confirmed")
        item = await storage.review.item(incident_id)
        assert item is not None
        assert (item.status, item.resolved_by, item.resolution) == (
            ReviewStatus.RESOLVED,
            900,
            "confirmed",
        )
        assert item.resolved_at == T0 + HOUR
        assert await storage.review.count_pending() == 0
        assert await storage.review.enqueue(incident_id, ReviewReason.REPORTED, T0 + 2 * HOUR)
        reopened = await storage.review.item(incident_id)
        assert reopened is not None
        assert (reopened.status, reopened.reason) == (ReviewStatus.OPEN, ReviewReason.REPORTED)
        assert reopened.resolution == ""

    async def test_expired(self, storage: Backend) -> None:
        incident_id = await _incident(storage)
        await storage.review.enqueue(incident_id, ReviewReason.UNCONFIRMED, T0)
        assert await storage.review.resolve(incident_id, T0, None, "expired", expired=True)
        item = await storage.review.item(incident_id)
        assert item is not None
        assert item.status is ReviewStatus.EXPIRED

    async def test_survives_reopening(self, storage: Backend) -> None:
        incident_id = await _incident(storage)
        await storage.review.enqueue(incident_id, ReviewReason.REPORTED, T0)
        async with reopened(storage) as again:
            assert [i.incident_id for i in await again.review.pending()] == [incident_id]


class TestFeedback:
    def _report(self, incident_id: int, user_id: int, at: dt.datetime) -> FeedbackReport:
        return FeedbackReport(
            incident_id=incident_id,
            chat_id=user_id,
            user_id=user_id,
            kind=FeedbackKind.WRONG_TOLL,
            created_at=at,
        )

    async def test_add_count_and_resolve(self, storage: Backend) -> None:
        incident_id = await _incident(storage)
        first = await storage.review.add_feedback(self._report(incident_id, 5, T0))
        second = await storage.review.add_feedback(self._report(incident_id, 6, T0 + HOUR))
        assert first.id is not None
        assert second.id is not None
        assert first.id != second.id
        assert await storage.review.feedback_count_since(5, T0) == 1
        assert await storage.review.feedback_count_since(6, T0 + 2 * HOUR) == 0
        found = await storage.review.feedback_for(incident_id)
        assert [(r.user_id, r.kind) for r in found] == [
            (5, FeedbackKind.WRONG_TOLL),
            (6, FeedbackKind.WRONG_TOLL),
        ]
        closed = await storage.review.resolve_feedback(incident_id, T0 + 3 * HOUR, "toll")
        assert sorted(r.user_id for r in closed) == [5, 6]
        assert all(r.resolution == "toll" for r in closed)
        assert await storage.review.feedback_for(incident_id) == []
        kept = await storage.review.feedback_for(incident_id, open_only=False)
        assert [r.resolved_at for r in kept] == [T0 + 3 * HOUR] * 2
        assert await storage.review.resolve_feedback(incident_id, T0 + 4 * HOUR, "x") == []


class TestLinks:
    async def test_link_and_unlink(self, storage: Backend) -> None:
        kept, absorbed = await _incident(storage, "First."), await _incident(storage, "Second.")
        source = SourceRef(url="https://news.example/b", outlet="Example", title="B")
        link = IncidentLink(
            absorbed_id=absorbed, into_id=kept, linked_at=T0, linked_by=900, added_sources=[source]
        )
        await storage.review.link(link)
        assert await storage.review.link_of(absorbed) == link
        assert await storage.review.links_into(kept) == [link]
        assert await storage.review.link_of(kept) is None
        assert await storage.review.unlink(absorbed) == link
        assert await storage.review.unlink(absorbed) is None
        assert await storage.review.links_into(kept) == []


class TestHiddenIncidents:
    async def test_hidden_incidents_leave_answers_but_not_storage(self, storage: Backend) -> None:
        shown = await _incident(storage, "A patrol was struck by a bomb.")
        hidden_id = await _incident(storage, "A patrol was fired on.")
        await _set_status(storage, hidden_id, IncidentStatus.RETRACTED)
        assert await storage.incidents.ids(IncidentQuery()) == [shown]
        assert await storage.incidents.count(IncidentQuery()) == 1
        assert (await storage.incidents.stats(IncidentQuery())).incidents == 1
        everything = await storage.incidents.ids(IncidentQuery(include_hidden=True))
        assert sorted(everything) == sorted([shown, hidden_id])
        again = await storage.incidents.get(hidden_id)
        assert again is not None
        assert again.status is IncidentStatus.RETRACTED
        assert [i.id for i in await storage.incidents.search("patrol")] == [shown]
        assert await storage.incidents.search_count("patrol") == 1

    async def test_a_hidden_incident_is_not_counted_for_its_faction(
        self, storage: Backend
    ) -> None:
        shown = [
            await _incident_with(storage, make_incident(actors=[AAH], summary=f"Raid {n}."))
            for n in range(3)
        ]
        hidden = await storage.incidents.get(shown.pop())
        assert hidden is not None
        hidden.status = IncidentStatus.MERGED
        await storage.incidents.update(hidden)
        faction = IncidentQuery(actor_id=AAH.id, since=dt.date(2026, 1, 1), limit=10)
        assert await storage.incidents.count(faction) == 2
        assert sorted(await storage.incidents.ids(faction)) == sorted(shown)
        assert (await storage.incidents.stats(faction)).incidents == 2
        everything = faction.model_copy(update={"include_hidden": True})
        assert await storage.incidents.count(everything) == 3

    async def test_a_hidden_incident_takes_no_place_on_a_search_page(
        self, storage: Backend
    ) -> None:
        older = await _incident(storage, "A patrol was struck by a bomb.")
        newer = await _incident(storage, "A patrol was ambushed at dawn.")
        hidden_id = await _incident(storage, "A patrol was fired on.")
        await _set_status(storage, hidden_id, IncidentStatus.MERGED)
        first = await storage.incidents.search("patrol", limit=1)
        second = await storage.incidents.search("patrol", limit=1, offset=1)
        assert len(first) == len(second) == 1  # the hidden one took no place on either page
        assert {first[0].id, second[0].id} == {older, newer}
        assert await storage.incidents.search("patrol", limit=1, offset=2) == []

    async def test_merged_incidents_take_no_more_reports(self, storage: Backend) -> None:
        merged = await _set_status(storage, await _incident(storage), IncidentStatus.MERGED)
        day = merged.date
        assert await storage.incidents.merge_candidates("IQ", day, day) == []


class TestRevisionAuthor:
    async def test_who_and_why_are_kept(self, storage: Backend) -> None:
        incident_id = await _incident(storage)
        incident = await storage.incidents.get(incident_id)
        assert incident is not None
        incident.revision = 2
        revision = IncidentRevision(
            incident_id=incident_id,
            revision=2,
            changed_at=T0,
            changes={"killed": {"old": 2, "new": 3}},
            note="toll corrected",
            changed_by=900,
            changed_by_name="Reviewer",
            reason="the ministry's figure",
        )
        await storage.incidents.update(incident, revision)
        async with reopened(storage) as again:
            [stored] = await again.incidents.revisions(incident_id)
        assert (stored.changed_by, stored.changed_by_name, stored.reason) == (
            900,
            "Reviewer",
            "the ministry's figure",
        )


class TestToldChats:
    async def test_sent_alerts_and_cancelled_pending(self, storage: Backend) -> None:
        incident_id = await _incident(storage)
        other = await _incident(storage, "Another one.")
        for chat_id in (100, 101, 102):
            await storage.chats.upsert(make_chat(chat_id))
        sent, _ = await storage.outbox.enqueue(
            make_message(100, f"alert:100:{incident_id}", incident_id=incident_id)
        )
        pending, _ = await storage.outbox.enqueue(
            make_message(101, f"alert:101:{incident_id}", incident_id=incident_id)
        )
        unrelated, _ = await storage.outbox.enqueue(
            make_message(102, f"alert:102:{other}", incident_id=other)
        )
        assert sent.id is not None
        assert unrelated.id is not None
        await storage.outbox.mark_sent(sent.id, 777, T0)
        await storage.outbox.mark_sent(unrelated.id, 778, T0)
        told = await storage.review.sent_for_incident(incident_id)
        assert [(m.chat_id, m.sent_message_id) for m in told] == [(100, 777)]
        assert await storage.review.cancel_unsent(incident_id, "retracted") == 1
        cancelled = await storage.outbox.get_by_key(pending.idempotency_key)
        assert cancelled is not None
        assert cancelled.status is OutboxStatus.FAILED
        assert await storage.review.cancel_unsent(incident_id, "retracted") == 0
