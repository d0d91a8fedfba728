"""How each model's fields are stored: one column spec per model, for reading and writing.

Both backends store the same columns; only a few value types differ (timestamps, dates and
times are text in SQLite and native in PostgreSQL, JSON is text or already decoded, booleans
are 0/1 or bool). Each backend supplies those few conversions as :class:`Converters` (reading)
and :class:`Encoders` (writing); a model's spec says which of its fields need which, so that a
row becomes a model (through :class:`storage.mapping.RowMapper`) and a model becomes the
values of an INSERT or UPDATE from the same knowledge.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from bot.domain import (
    Chat,
    ChatType,
    EventType,
    Feed,
    GeoPrecision,
    IncidentRevision,
    Location,
    OutboxKind,
    OutboxMessage,
    OutboxStatus,
    Report,
    SourceRef,
    Subscription,
    SubscriptionKind,
)
from bot.domain.learning import ActorAliasRecord, LocalPlace
from bot.domain.review import (
    FeedbackKind,
    FeedbackReport,
    IncidentLink,
    ReviewItem,
    ReviewReason,
    ReviewStatus,
)
from storage.base import IncidentBrief

if TYPE_CHECKING:
    from storage.mapping import Row, RowMapper

M = TypeVar("M")  # a pydantic model or a dataclass, built from keyword arguments


@dataclass(frozen=True, slots=True)
class Converters:
    """How one backend turns its stored values into Python ones (None is handled here)."""

    timestamp: Callable[[Any], dt.datetime]
    date: Callable[[Any], dt.date]
    time: Callable[[Any], dt.time]
    json: Callable[[Any], Any]


@dataclass(frozen=True, slots=True)
class Encoders:
    """How one backend stores the Python values whose column type differs between backends."""

    date: Callable[[dt.date], Any]
    json: Callable[[Any], Any]
    flag: Callable[[bool], Any]
    timestamp: Callable[[dt.datetime], Any]
    time: Callable[[dt.time], Any]

    def timestamp_opt(self, value: dt.datetime | None) -> Any:
        """A stored optional timestamp."""
        return None if value is None else self.timestamp(value)

    def date_opt(self, value: dt.date | None) -> Any:
        """A stored optional date."""
        return None if value is None else self.date(value)

    def time_opt(self, value: dt.time | None) -> Any:
        """A stored optional time of day."""
        return None if value is None else self.time(value)


def _ts(conv: Converters, value: Any) -> dt.datetime:
    return conv.timestamp(value)


def _ts_opt(conv: Converters, value: Any) -> dt.datetime | None:
    return None if value is None else conv.timestamp(value)


def _date_opt(conv: Converters, value: Any) -> dt.date | None:
    return None if value is None else conv.date(value)


def _time_opt(conv: Converters, value: Any) -> dt.time | None:
    return None if value is None else conv.time(value)


def _texts(conv: Converters, value: Any) -> list[str]:
    return [str(item) for item in conv.json(value) or []]


@dataclass(frozen=True, slots=True)
class _Column:
    """How a column whose type differs between backends is read (given the backend's
    :class:`Converters`) and written (given its :class:`Encoders`)."""

    read: Callable[[Converters, Any], Any]
    write: Callable[[Encoders, Any], Any]


_TS = _Column(_ts, lambda enc, value: enc.timestamp(value))
_TS_OPT = _Column(_ts_opt, Encoders.timestamp_opt)
_DATE = _Column(lambda conv, value: conv.date(value), lambda enc, value: enc.date(value))
_DATE_OPT = _Column(_date_opt, Encoders.date_opt)
_TIME_OPT = _Column(_time_opt, Encoders.time_opt)
_JSON = _Column(lambda conv, value: conv.json(value), lambda enc, value: enc.json(value))
_TEXTS = _Column(_texts, lambda enc, value: enc.json(list(value)))
_FLAG = _Column(lambda _conv, value: bool(value), lambda enc, value: enc.flag(value))


def _enum(kind: Callable[[Any], Any]) -> _Column:
    return _Column(lambda _conv, value: kind(value), lambda _enc, member: member.value)


@dataclass(frozen=True, slots=True)
class Spec(Generic[M]):
    """A model built from columns of the same names: some taken as stored, some converted.

    As an attribute of :class:`RowMapper` it reads as a function from a row to the model.
    """

    model: type[M]
    plain: tuple[str, ...]
    converted: Mapping[str, _Column]
    # The fields whose column has another name (a model nested in a wider row).
    renamed: Mapping[str, str] = field(default_factory=dict)

    def _column(self, name: str) -> str:
        return self.renamed.get(name, name)

    def columns(self) -> tuple[str, ...]:
        """The names of the columns the model is read from."""
        return tuple(self._column(name) for name in (*self.plain, *self.converted))

    def kwargs(self, row: Row, conv: Converters) -> dict[str, Any]:
        values = {name: row[self._column(name)] for name in self.plain}
        for name, column in self.converted.items():
            values[name] = column.read(conv, row[self._column(name)])
        return values

    def values(
        self,
        model: M,
        enc: Encoders,
        *,
        only: Iterable[str] | None = None,
        skip: Collection[str] = ("id",),
        now: dt.datetime | None = None,
    ) -> dict[str, Any]:
        """The stored values of ``model``'s columns (``only`` those, else all but ``skip``);
        a ``created_at`` still unset is ``now`` when given."""
        names = only if only is not None else [*self.plain, *self.converted]
        values: dict[str, Any] = {}
        for name in names:
            if only is None and name in skip:
                continue
            value = getattr(model, name)
            if name == "created_at" and value is None and now is not None:
                value = now
            column = self.converted.get(name)
            values[self._column(name)] = value if column is None else column.write(enc, value)
        return values

    def __get__(self, mapper: RowMapper, owner: type[RowMapper]) -> Callable[[Row], M]:
        conv = mapper.conv
        return lambda row: self.model(**self.kwargs(row, conv))


REPORT_SPEC = Spec(
    Report,
    (
        "id",
        "url",
        "content_hash",
        "title",
        "outlet",
        "language",
        "text",
        "origin",
        "forwarded_from",
    ),
    {"published_at": _TS_OPT, "fetched_at": _TS},
)
REVISION_SPEC = Spec(
    IncidentRevision,
    ("incident_id", "revision", "report_id", "note", "changed_by", "changed_by_name", "reason"),
    {"changed_at": _TS, "changes": _JSON},
)
CHAT_SPEC = Spec(
    Chat,
    ("id", "title", "timezone", "language"),
    {
        "type": _enum(ChatType),
        "digest_time": _TIME_OPT,
        "quiet_start": _TIME_OPT,
        "quiet_end": _TIME_OPT,
        "active": _FLAG,
        "last_digest_date": _DATE_OPT,
        "created_at": _TS,
        "digest_chart": _FLAG,
    },
)
SUBSCRIPTION_SPEC = Spec(
    Subscription,
    ("id", "chat_id", "key", "label", "min_killed"),
    {"kind": _enum(SubscriptionKind), "created_at": _TS},
)
FEED_SPEC = Spec(
    Feed,
    (
        "id",
        "url",
        "title",
        "interval_minutes",
        "etag",
        "last_modified",
        "failures",
        "last_error",
        "added_by",
    ),
    {"last_polled_at": _TS_OPT, "next_poll_at": _TS_OPT, "active": _FLAG, "created_at": _TS},
)
OUTBOX_SPEC = Spec(
    OutboxMessage,
    (
        "id",
        "chat_id",
        "idempotency_key",
        "attempts",
        "sent_message_id",
        "reply_to_key",
        "incident_id",
        "last_error",
    ),
    {
        "kind": _enum(OutboxKind),
        "payload": _JSON,
        "status": _enum(OutboxStatus),
        "next_attempt_at": _TS,
        "created_at": _TS,
        "sent_at": _TS_OPT,
    },
)

LOCAL_PLACE_SPEC = Spec(
    LocalPlace,
    (
        "id",
        "name",
        "lat",
        "lon",
        "country",
        "admin1",
        "admin1_code",
        "added_by",
        "incident_id",
        "note",
    ),
    {"aliases": _TEXTS, "added_at": _TS_OPT},
)
ALIAS_RECORD_SPEC = Spec(
    ActorAliasRecord,
    ("actor_id", "actor_name", "alias", "added_by", "note"),
    {"added_at": _TS_OPT},
)


def _sources_read(_conv: Converters, value: Any) -> list[SourceRef]:
    # JSON text (SQLite, and PostgreSQL's jsonb holding the text) or already decoded.
    sources = json.loads(value) if isinstance(value, str) else value
    return [SourceRef.model_validate(source) for source in sources]


def _sources_write(_enc: Encoders, sources: list[SourceRef]) -> str:
    return json.dumps([source.model_dump(mode="json") for source in sources], ensure_ascii=False)


REVIEW_ITEM_SPEC = Spec(
    ReviewItem,
    ("incident_id", "resolved_by", "resolution"),
    {
        "reason": _enum(ReviewReason),
        "queued_at": _TS,
        "status": _enum(ReviewStatus),
        "resolved_at": _TS_OPT,
    },
)
FEEDBACK_SPEC = Spec(
    FeedbackReport,
    ("id", "incident_id", "chat_id", "user_id", "resolution"),
    {"kind": _enum(FeedbackKind), "created_at": _TS, "resolved_at": _TS_OPT},
)
INCIDENT_LINK_SPEC = Spec(
    IncidentLink,
    ("absorbed_id", "into_id", "linked_by"),
    {"linked_at": _TS, "added_sources": _Column(_sources_read, _sources_write)},
)
# An incident's place and its brief are read from (part of) an incident row.
LOCATION_SPEC = Spec(
    Location,
    (
        "name",
        "place_key",
        "geonames_id",
        "admin1",
        "admin1_code",
        "admin2",
        "country",
        "lat",
        "lon",
        "timezone",
    ),
    {"geo_precision": _enum(GeoPrecision)},
    renamed={"name": "place_name", "timezone": "place_timezone"},
)
BRIEF_SPEC = Spec(
    IncidentBrief,
    ("id", "place_key", "place_name", "admin1", "admin1_code", "killed", "injured"),
    {
        "date": _DATE,
        "date_end": _DATE_OPT,
        "created_at": _TS,
        "updated_at": _TS,
        "event_type": _enum(EventType),
    },
    renamed={"killed": "killed_min", "injured": "injured_min"},
)


def report_values(report: Report, enc: Encoders) -> dict[str, Any]:
    """Every column a new report is inserted with (its id comes from the database)."""
    return REPORT_SPEC.values(report, enc)


def subscription_values(sub: Subscription, enc: Encoders, now: dt.datetime) -> dict[str, Any]:
    """Every column a new subscription is inserted with (``created_at`` defaults to ``now``)."""
    return SUBSCRIPTION_SPEC.values(sub, enc, now=now)


def feed_state_values(feed: Feed, enc: Encoders) -> dict[str, Any]:
    """A feed's columns that ``save`` rewrites: its settings and polling state."""
    return FEED_SPEC.values(feed, enc, skip=("id", "url", "added_by", "created_at"))


def feed_values(feed: Feed, enc: Encoders, now: dt.datetime) -> dict[str, Any]:
    """Every column a new feed is inserted with (``created_at`` defaults to ``now``)."""
    return FEED_SPEC.values(feed, enc, now=now)


def outbox_values(message: OutboxMessage, enc: Encoders, now: dt.datetime) -> dict[str, Any]:
    """Every column a new outbox message is inserted with (``created_at`` defaults to ``now``)."""
    return OUTBOX_SPEC.values(message, enc, now=now)


# What a chat's settings are (chats.save_settings() writes them); the rest is its identity.
CHAT_SETTINGS = (
    "timezone",
    "digest_time",
    "quiet_start",
    "quiet_end",
    "language",
    "last_digest_date",
    "digest_chart",
)


def chat_values(chat: Chat, enc: Encoders, now: dt.datetime | None = None) -> dict[str, Any]:
    """Every column of a chat, its id included (``created_at`` defaults to ``now``)."""
    return CHAT_SPEC.values(chat, enc, skip=(), now=now)


def chat_settings_values(chat: Chat, enc: Encoders) -> dict[str, Any]:
    """The chat's :data:`CHAT_SETTINGS` columns, in that order."""
    return CHAT_SPEC.values(chat, enc, only=CHAT_SETTINGS)


def local_place_values(place: LocalPlace, enc: Encoders) -> dict[str, Any]:
    """Every column of a new local place but its name key (its id comes from the database)."""
    return LOCAL_PLACE_SPEC.values(place, enc)
