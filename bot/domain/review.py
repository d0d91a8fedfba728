"""Review and feedback: what waits for a reviewer, what subscribers reported, merged pairs.

No I/O here. Every datetime is timezone-aware (UTC).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator

from bot.domain.models import SourceRef, _require_aware


class ReviewReason(StrEnum):
    """Why an incident waits for a reviewer."""

    UNCONFIRMED = "unconfirmed"  # below the alert threshold: its alerts are held back
    REPORTED = "reported"  # a subscriber reported a problem


class ReviewStatus(StrEnum):
    """Where a review is in its life."""

    OPEN = "open"
    RESOLVED = "resolved"  # a reviewer decided
    EXPIRED = "expired"  # nobody decided within the maximum wait


class FeedbackKind(StrEnum):
    """What a subscriber says is wrong with an incident."""

    WRONG_PLACE = "place"
    NOT_INCIDENT = "not"
    WRONG_TOLL = "toll"
    DUPLICATE = "dup"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ReviewItem(_Model):
    """One incident in the review queue."""

    incident_id: int
    reason: ReviewReason
    queued_at: dt.datetime
    status: ReviewStatus = ReviewStatus.OPEN
    resolved_at: dt.datetime | None = None
    resolved_by: int | None = None
    resolution: str = ""  # "confirmed", "retracted", "toll", "place", "merged", "expired" ...

    _aware = field_validator("queued_at", "resolved_at")(_require_aware)


class FeedbackReport(_Model):
    """A subscriber's "Report a problem": kept with who sent it, shown only to reviewers."""

    id: int | None = None
    incident_id: int
    chat_id: int
    user_id: int
    kind: FeedbackKind
    created_at: dt.datetime
    resolved_at: dt.datetime | None = None
    resolution: str = ""

    _aware = field_validator("created_at", "resolved_at")(_require_aware)


class IncidentLink(_Model):
    """ "Same as #N": ``absorbed_id`` was merged into ``into_id``, bringing these sources."""

    absorbed_id: int
    into_id: int
    linked_at: dt.datetime
    linked_by: int | None = None
    added_sources: list[SourceRef] = Field(default_factory=list)

    _aware = field_validator("linked_at")(_require_aware)
