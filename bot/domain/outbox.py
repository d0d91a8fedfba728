"""What the outbox carries: one typed payload per kind of message, told apart by ``type``.

The services write these; ``handlers.outbox_render`` renders each by kind. Rows queued by
earlier versions hold plain dicts without ``type``: :func:`upgrade_payload` reads them into the
same models, so a database from before still delivers. A new kind of message (a review request,
a correction) is one more model here and one more case in the renderer.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    field_validator,
    model_validator,
)

from bot.domain.enums import OutboxKind, OutboxStatus
from bot.domain.models import Incident, _require_aware
from bot.domain.views import Digest
from bot.domain.visuals import StatsSeries


class _Payload(BaseModel):
    model_config = ConfigDict(extra="forbid")

    disable_notification: bool = False  # quiet hours: the message arrives without a sound


class AlertPayload(_Payload):
    """A new incident for the chats that follow it (several when delivery groups them)."""

    type: Literal["alert"] = "alert"
    incidents: list[Incident] = Field(min_length=1)
    note: str | None = None
    matched: list[str] = Field(default_factory=list)  # the subscriptions it matched
    # Incidents alerted though no reviewer confirmed them (released after the maximum wait).
    unconfirmed_ids: list[int] = Field(default_factory=list)

    def with_more(self, other: AlertPayload) -> AlertPayload:
        """This alert and ``other`` as one message (the note belongs to a single incident)."""
        matched = [*self.matched, *(m for m in other.matched if m not in self.matched)]
        return self.model_copy(
            update={
                "incidents": [*self.incidents, *other.incidents],
                "note": None,
                "matched": matched,
                "unconfirmed_ids": [*self.unconfirmed_ids, *other.unconfirmed_ids],
            }
        )


class UpdatePayload(_Payload):
    """A changed incident (a higher toll, a corrected place), replying to its alert."""

    type: Literal["update"] = "update"
    incident: Incident
    note: str | None = None
    matched: list[str] = Field(default_factory=list)
    changes: dict[str, Any] | None = None  # field -> (old, new), as JSON


class DigestPayload(_Payload):
    """A chat's daily digest."""

    type: Literal["digest"] = "digest"
    digest: Digest


class ChartPayload(_Payload):
    """The week's chart under a digest (sent as a photo; never rings a second time)."""

    type: Literal["chart"] = "chart"
    chart: StatsSeries
    disable_notification: bool = True


class TextPayload(_Payload):
    """Plain text (a notice to the admins): escaped when rendered."""

    type: Literal["text"] = "text"
    text: str
    disable_preview: bool = False


class ReviewPayload(_Payload):
    """An incident for the reviewers: summary, evidence, source link and the decision buttons."""

    type: Literal["review"] = "review"
    incident: Incident
    reason: str  # a ReviewReason value: held back as unconfirmed, or reported by a subscriber
    reports: list[str] = Field(default_factory=list)  # FeedbackKind values; never who sent them
    language: str = "en"
    # Several arriving at once go out as one message: the others, listed with "Open" buttons.
    more: list[Incident] = Field(default_factory=list)

    def with_more(self, other: ReviewPayload) -> ReviewPayload:
        """This request and ``other`` as one message."""
        return self.model_copy(update={"more": [*self.more, other.incident, *other.more]})


class CorrectionPayload(_Payload):
    """A retraction, replying to an alert that went out: the incident was a false alarm."""

    type: Literal["correction"] = "correction"
    incident_id: int
    summary: str
    language: str = "en"


class FeedbackResolvedPayload(_Payload):
    """Tells a subscriber that the problem they reported was looked at, and what was done."""

    type: Literal["feedback_resolved"] = "feedback_resolved"
    incident_id: int
    summary: str
    resolution: str  # "confirmed", "retracted", "toll", "place", "merged", "split"
    language: str = "en"


class UnreadablePayload(_Payload):
    """A stored payload no model reads (damaged, or from a newer version): fails at send.

    Reading a row never raises, so one bad row cannot stop the dispatcher claiming the rest.
    """

    type: Literal["unreadable"] = "unreadable"
    data: Any = None
    error: str = ""


OutboxPayload = Annotated[
    AlertPayload
    | UpdatePayload
    | DigestPayload
    | ChartPayload
    | TextPayload
    | ReviewPayload
    | CorrectionPayload
    | FeedbackResolvedPayload
    | UnreadablePayload,
    Field(discriminator="type"),
]
_PAYLOAD: TypeAdapter[OutboxPayload] = TypeAdapter(OutboxPayload)


def read_payload(kind: OutboxKind, data: Any) -> Any:
    """A payload as stored (typed, or an earlier version's dict) read into its model."""
    if isinstance(data, BaseModel):
        return data
    try:
        return _PAYLOAD.validate_python(upgrade_payload(kind, data))
    except ValidationError as exc:
        return UnreadablePayload(data=data, error=str(exc)[:300])


def upgrade_payload(kind: OutboxKind, data: Any) -> Any:
    """An earlier version's plain dict (no ``type``) as the typed payload's fields."""
    if not isinstance(data, dict) or "type" in data:
        return data
    legacy = dict(data)
    flags = {k: legacy[k] for k in ("disable_notification", "disable_preview") if k in legacy}
    if "digest" in legacy:
        return {
            "type": "digest",
            "digest": legacy["digest"],
            **_only(flags, "disable_notification"),
        }
    if "chart" in legacy:
        return {"type": "chart", "chart": legacy["chart"], **_only(flags, "disable_notification")}
    common = {
        "note": legacy.get("note"),
        "matched": list(legacy.get("matched") or []),
        **_only(flags, "disable_notification"),
    }
    if kind is OutboxKind.UPDATE and "incident" in legacy:
        return {
            "type": "update",
            "incident": legacy["incident"],
            **common,
            "changes": legacy.get("changes"),
        }
    if "incidents" in legacy or "incident" in legacy:
        incidents = legacy.get("incidents") or [legacy["incident"]]
        return {"type": "alert", "incidents": incidents, **common}
    if "text" in legacy:
        return {"type": "text", "text": legacy["text"], **flags}
    return legacy


def _only(flags: dict[str, Any], *names: str) -> dict[str, Any]:
    return {name: flags[name] for name in names if name in flags}


class OutboxMessage(BaseModel):
    """One message to send, queued durably; the dispatcher delivers it exactly once."""

    model_config = ConfigDict(frozen=False, extra="forbid", validate_assignment=False)

    id: int | None = None
    chat_id: int
    kind: OutboxKind
    idempotency_key: str  # e.g. "alert:<chat>:<incident>", "digest:<chat>:<date>"
    payload: OutboxPayload
    status: OutboxStatus = OutboxStatus.PENDING
    attempts: int = 0
    next_attempt_at: dt.datetime
    sent_message_id: int | None = None
    reply_to_key: str | None = None  # idempotency key of the message this one answers
    incident_id: int | None = None
    last_error: str | None = None
    created_at: dt.datetime | None = None
    sent_at: dt.datetime | None = None

    _aware = field_validator("next_attempt_at", "created_at", "sent_at")(_require_aware)

    @model_validator(mode="before")
    @classmethod
    def _upgrade(cls, data: Any) -> Any:
        """Rows queued before payloads were typed hold plain dicts: read them as typed ones."""
        if isinstance(data, dict) and "payload" in data and "kind" in data:
            kind = OutboxKind(data["kind"])
            return {**data, "payload": read_payload(kind, data["payload"])}
        return data
