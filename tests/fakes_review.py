"""The review repository of ``tests.fakes.InMemoryStorage``: the queue, reports, links."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from bot.domain import OutboxKind, OutboxMessage, OutboxStatus
from bot.domain.review import (
    FeedbackReport,
    IncidentLink,
    ReviewItem,
    ReviewReason,
    ReviewStatus,
)
from storage.review_base import Closing, ReviewRepository

_TOLD = (OutboxKind.ALERT, OutboxKind.UPDATE)


@dataclass
class ReviewState:
    """What the in-memory review tables hold (part of the storage state, so rolled back)."""

    queue: dict[int, ReviewItem] = field(default_factory=dict)
    feedback: dict[int, FeedbackReport] = field(default_factory=dict)
    links: dict[int, IncidentLink] = field(default_factory=dict)
    next_feedback: int = 1


class InMemoryReview(ReviewRepository):
    """``storage.review_base.ReviewRepository`` over the fake's state."""

    def __init__(self, state: Any) -> None:
        self._s = state  # tests.fakes._State: .review (ReviewState) and .outbox

    @property
    def _r(self) -> ReviewState:
        review: ReviewState = self._s.review
        return review

    async def enqueue(self, incident_id: int, reason: ReviewReason, at: dt.datetime) -> bool:
        current = self._r.queue.get(incident_id)
        if current is not None and current.status is ReviewStatus.OPEN:
            return False
        self._r.queue[incident_id] = ReviewItem(
            incident_id=incident_id, reason=reason, queued_at=at
        )
        return True

    async def item(self, incident_id: int) -> ReviewItem | None:
        return self._r.queue.get(incident_id)

    async def pending(
        self, limit: int = 20, offset: int = 0, queued_before: dt.datetime | None = None
    ) -> list[ReviewItem]:
        items = sorted(
            (
                item
                for item in self._r.queue.values()
                if item.status is ReviewStatus.OPEN
                and (queued_before is None or item.queued_at < queued_before)
            ),
            key=lambda item: (item.queued_at, item.incident_id),
        )
        return items[max(offset, 0) :][: max(limit, 0)]

    async def count_pending(self) -> int:
        return sum(1 for i in self._r.queue.values() if i.status is ReviewStatus.OPEN)

    async def _close(self, incident_id: int, closing: Closing) -> bool:
        item = self._r.queue.get(incident_id)
        if item is None or item.status is not ReviewStatus.OPEN:
            return False
        self._r.queue[incident_id] = item.model_copy(update=closing._asdict())
        return True

    async def add_feedback(self, report: FeedbackReport) -> FeedbackReport:
        stored = report.model_copy(update={"id": self._r.next_feedback})
        self._r.next_feedback += 1
        self._r.feedback[stored.id or 0] = stored
        return stored

    async def feedback_for(self, incident_id: int, open_only: bool = True) -> list[FeedbackReport]:
        return [
            r
            for _, r in sorted(self._r.feedback.items())
            if r.incident_id == incident_id and not (open_only and r.resolved_at is not None)
        ]

    async def feedback_count_since(self, user_id: int, since: dt.datetime) -> int:
        return sum(
            1 for r in self._r.feedback.values() if r.user_id == user_id and r.created_at >= since
        )

    async def resolve_feedback(
        self, incident_id: int, at: dt.datetime, resolution: str
    ) -> list[FeedbackReport]:
        closed = []
        for report in await self.feedback_for(incident_id):
            done = report.model_copy(update={"resolved_at": at, "resolution": resolution})
            self._r.feedback[report.id or 0] = done
            closed.append(done)
        return closed

    async def link(self, link: IncidentLink) -> None:
        self._r.links[link.absorbed_id] = link

    async def unlink(self, absorbed_id: int) -> IncidentLink | None:
        return self._r.links.pop(absorbed_id, None)

    async def link_of(self, absorbed_id: int) -> IncidentLink | None:
        return self._r.links.get(absorbed_id)

    async def links_into(self, into_id: int) -> list[IncidentLink]:
        return sorted(
            (link for link in self._r.links.values() if link.into_id == into_id),
            key=lambda link: (link.linked_at, link.absorbed_id),
        )

    def _told(self, incident_id: int) -> list[OutboxMessage]:
        return [
            m
            for _, m in sorted(self._s.outbox.items())
            if m.incident_id == incident_id and m.kind in _TOLD
        ]

    async def sent_for_incident(self, incident_id: int) -> list[OutboxMessage]:
        return [
            m
            for m in self._told(incident_id)
            if m.status is OutboxStatus.SENT and m.sent_message_id is not None
        ]

    async def cancel_unsent(self, incident_id: int, error: str) -> int:
        pending = [m for m in self._told(incident_id) if m.status is OutboxStatus.PENDING]
        for message in pending:
            self._s.outbox[message.id or 0] = message.model_copy(
                update={"status": OutboxStatus.FAILED, "last_error": error[:300]}
            )
        return len(pending)
