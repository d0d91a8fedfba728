"""The review repository Protocol: the queue, subscribers' reports and merged pairs."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple, Protocol

from bot.domain import OutboxMessage
from bot.domain.review import (
    FeedbackReport,
    IncidentLink,
    ReviewItem,
    ReviewReason,
    ReviewStatus,
)


class Closing(NamedTuple):
    """How an open review item is closed: the :class:`ReviewItem` fields that change."""

    status: ReviewStatus
    resolved_at: dt.datetime
    resolved_by: int | None
    resolution: str


class ReviewRepository(Protocol):
    """What reviewers work through, and what they decided."""

    async def enqueue(self, incident_id: int, reason: ReviewReason, at: dt.datetime) -> bool:
        """Put an incident in the queue (reopen it if it was decided); True if newly open."""
        ...

    async def item(self, incident_id: int) -> ReviewItem | None:
        """The queue row of an incident, open or decided."""
        ...

    async def pending(
        self, limit: int = 20, offset: int = 0, queued_before: dt.datetime | None = None
    ) -> list[ReviewItem]:
        """Open items, oldest first (only those queued before ``queued_before`` if given)."""
        ...

    async def count_pending(self) -> int:
        """How many items are open."""
        ...

    async def resolve(
        self,
        incident_id: int,
        at: dt.datetime,
        by: int | None,
        resolution: str,
        *,
        expired: bool = False,
    ) -> bool:
        """Close an open item; True if it was open.

        Written here once: an implementation that subclasses this Protocol gives
        :meth:`_close`.
        """
        status = ReviewStatus.EXPIRED if expired else ReviewStatus.RESOLVED
        return await self._close(incident_id, Closing(status, at, by, resolution))

    async def _close(self, incident_id: int, closing: Closing) -> bool:
        """Set the item's ``closing`` fields if it is open; True if it was."""
        ...

    async def add_feedback(self, report: FeedbackReport) -> FeedbackReport:
        """Store a subscriber's report; return it with its id."""
        ...

    async def feedback_for(self, incident_id: int, open_only: bool = True) -> list[FeedbackReport]:
        """The reports about an incident, oldest first."""
        ...

    async def feedback_count_since(self, user_id: int, since: dt.datetime) -> int:
        """How many reports a user sent since ``since`` (the rate limit)."""
        ...

    async def resolve_feedback(
        self, incident_id: int, at: dt.datetime, resolution: str
    ) -> list[FeedbackReport]:
        """Close the open reports about an incident; return them as closed now."""
        ...

    async def link(self, link: IncidentLink) -> None:
        """Record that one incident was merged into another (replaces an earlier link)."""
        ...

    async def unlink(self, absorbed_id: int) -> IncidentLink | None:
        """Remove the merge of ``absorbed_id``; return the link it had, if any."""
        ...

    async def link_of(self, absorbed_id: int) -> IncidentLink | None:
        """Where ``absorbed_id`` was merged into, if it was."""
        ...

    async def links_into(self, into_id: int) -> list[IncidentLink]:
        """The incidents merged into ``into_id``, oldest link first."""
        ...

    async def sent_for_incident(self, incident_id: int) -> list[OutboxMessage]:
        """Alerts and updates about an incident that reached a chat (to reply corrections to)."""
        ...

    async def cancel_unsent(self, incident_id: int, error: str) -> int:
        """Fail the alerts and updates about an incident not sent yet; return how many."""
        ...
