"""Rows of the review tables as domain models, for either backend (given its converters)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from bot.domain import SourceRef
from bot.domain.review import (
    FeedbackKind,
    FeedbackReport,
    IncidentLink,
    ReviewItem,
    ReviewReason,
    ReviewStatus,
)

Row = Any
ToTime = Callable[[Any], dt.datetime]

# The outbox kinds a correction replies to: what told a chat about the incident.
TOLD_KINDS = ("alert", "update")


def _opt(value: Any, to_time: ToTime) -> dt.datetime | None:
    return None if value is None else to_time(value)


def review_item(row: Row, to_time: ToTime) -> ReviewItem:
    """A ``review_queue`` row."""
    return ReviewItem(
        incident_id=int(row["incident_id"]),
        reason=ReviewReason(row["reason"]),
        queued_at=to_time(row["queued_at"]),
        status=ReviewStatus(row["status"]),
        resolved_at=_opt(row["resolved_at"], to_time),
        resolved_by=row["resolved_by"],
        resolution=row["resolution"],
    )


def feedback_report(row: Row, to_time: ToTime) -> FeedbackReport:
    """A ``feedback_reports`` row."""
    return FeedbackReport(
        id=int(row["id"]),
        incident_id=int(row["incident_id"]),
        chat_id=int(row["chat_id"]),
        user_id=int(row["user_id"]),
        kind=FeedbackKind(row["kind"]),
        created_at=to_time(row["created_at"]),
        resolved_at=_opt(row["resolved_at"], to_time),
        resolution=row["resolution"],
    )


def incident_link(row: Row, to_time: ToTime) -> IncidentLink:
    """An ``incident_links`` row (``added_sources`` JSON text or already decoded)."""
    sources = row["added_sources"]
    if isinstance(sources, str):
        sources = json.loads(sources)
    return IncidentLink(
        absorbed_id=int(row["absorbed_id"]),
        into_id=int(row["into_id"]),
        linked_at=to_time(row["linked_at"]),
        linked_by=row["linked_by"],
        added_sources=[SourceRef.model_validate(source) for source in sources],
    )


def sources_json(link: IncidentLink) -> str:
    """The link's sources as JSON text."""
    return json.dumps(
        [source.model_dump(mode="json") for source in link.added_sources], ensure_ascii=False
    )
