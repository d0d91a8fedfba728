"""Backend-neutral row mapping: a stored row (any mapping by column name) to a domain model.

Both backends store the same columns; only a few value types differ (timestamps, dates and
times are text in SQLite and native in PostgreSQL, JSON is text or already decoded, booleans
are 0/1 or bool). Each backend supplies those few conversions as :class:`Converters` and gets
one :class:`RowMapper`; the field-by-field knowledge of every model lives here once.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel

from bot.domain import (
    ActorRef,
    ActorType,
    CasualtyClaim,
    CasualtyCount,
    Chat,
    ChatType,
    CountStatus,
    DatePrecision,
    EventType,
    Feed,
    GeoPrecision,
    Incident,
    IncidentRevision,
    IncidentStatus,
    Location,
    OutboxKind,
    OutboxMessage,
    OutboxStatus,
    Report,
    SourceRef,
    SubEventType,
    Subscription,
    SubscriptionKind,
)
from bot.domain.learning import LocalPlace
from storage.base import IncidentBrief

M = TypeVar("M", bound=BaseModel)


class Row(Protocol):
    """A stored row read by column name (``sqlite3.Row``, ``asyncpg.Record``, a dict)."""

    def __getitem__(self, key: str, /) -> Any: ...


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

    def timestamp_opt(self, value: dt.datetime | None) -> Any:
        """A stored optional timestamp."""
        return None if value is None else self.timestamp(value)


# A field conversion: given the backend's converters and the stored value, the model's value.
Convert = Callable[[Converters, Any], Any]


def _ts(conv: Converters, value: Any) -> dt.datetime:
    return conv.timestamp(value)


def _ts_opt(conv: Converters, value: Any) -> dt.datetime | None:
    return None if value is None else conv.timestamp(value)


def _date_opt(conv: Converters, value: Any) -> dt.date | None:
    return None if value is None else conv.date(value)


def _time_opt(conv: Converters, value: Any) -> dt.time | None:
    return None if value is None else conv.time(value)


def _json(conv: Converters, value: Any) -> Any:
    return conv.json(value)


def _flag(_conv: Converters, value: Any) -> bool:
    return bool(value)


def _enum(kind: Callable[[Any], Any]) -> Convert:
    def convert(_conv: Converters, value: Any) -> Any:
        return kind(value)

    return convert


@dataclass(frozen=True, slots=True)
class _Spec:
    """A model built from columns of the same names: some taken as stored, some converted."""

    plain: tuple[str, ...]
    converted: Mapping[str, Convert]

    def kwargs(self, row: Row, conv: Converters) -> dict[str, Any]:
        values = {name: row[name] for name in self.plain}
        for name, convert in self.converted.items():
            values[name] = convert(conv, row[name])
        return values


_REPORT = _Spec(
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
    {"published_at": _ts_opt, "fetched_at": _ts},
)
_REVISION = _Spec(
    ("incident_id", "revision", "report_id", "note", "changed_by", "changed_by_name", "reason"),
    {"changed_at": _ts, "changes": _json},
)
_CHAT = _Spec(
    ("id", "title", "timezone", "language"),
    {
        "type": _enum(ChatType),
        "digest_time": _time_opt,
        "quiet_start": _time_opt,
        "quiet_end": _time_opt,
        "active": _flag,
        "last_digest_date": _date_opt,
        "created_at": _ts,
        "digest_chart": _flag,
    },
)
_SUBSCRIPTION = _Spec(
    ("id", "chat_id", "key", "label", "min_killed"),
    {"kind": _enum(SubscriptionKind), "created_at": _ts},
)
_FEED = _Spec(
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
    {"last_polled_at": _ts_opt, "next_poll_at": _ts_opt, "active": _flag, "created_at": _ts},
)
_OUTBOX = _Spec(
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
        "payload": _json,
        "status": _enum(OutboxStatus),
        "next_attempt_at": _ts,
        "created_at": _ts,
        "sent_at": _ts_opt,
    },
)


def plain_range(low: object, high: object) -> bool:
    """Non-negative integers (or None) in order: what ``CasualtyCount`` accepts unchanged."""
    for value in (low, high):
        if value is not None and (type(value) is not int or value < 0):
            return False
    return low is None or high is None or low <= high  # type: ignore[operator]


# The columns incident_values() returns, in its order.
INCIDENT_FIELDS = (
    "date",
    "date_precision",
    "date_end",
    "time_of_day",
    "place_key",
    "geonames_id",
    "place_name",
    "admin1",
    "admin1_code",
    "admin2",
    "country",
    "lat",
    "lon",
    "geo_precision",
    "place_timezone",
    "event_type",
    "sub_event_type",
    *(
        f"{prefix}_{part}"
        for prefix in ("killed", "injured", "arrested")
        for part in ("min", "max", "status", "source", "claims")
    ),
    "summary",
    "evidence",
    "is_background",
    "confidence",
    "confidence_reasons",
    "status",
    "revision",
)


def _count_values(prefix: str, count: CasualtyCount, enc: Encoders) -> dict[str, Any]:
    return {
        f"{prefix}_min": count.min,
        f"{prefix}_max": count.max,
        f"{prefix}_status": count.status.value,
        f"{prefix}_source": count.source,
        f"{prefix}_claims": enc.json([claim.model_dump(mode="json") for claim in count.claims]),
    }


def incident_values(incident: Incident, enc: Encoders) -> dict[str, Any]:
    """The stored columns of an incident (the row's own, not its actors or sources)."""
    loc = incident.location
    return {
        "date": enc.date(incident.date),
        "date_precision": incident.date_precision.value,
        "date_end": None if incident.date_end is None else enc.date(incident.date_end),
        "time_of_day": incident.time_of_day,
        "place_key": loc.key,
        "geonames_id": loc.geonames_id,
        "place_name": loc.name,
        "admin1": loc.admin1,
        "admin1_code": loc.admin1_code,
        "admin2": loc.admin2,
        "country": loc.country,
        "lat": loc.lat,
        "lon": loc.lon,
        "geo_precision": loc.geo_precision.value,
        "place_timezone": loc.timezone,
        "event_type": incident.event_type.value,
        "sub_event_type": incident.sub_event_type.value,
        **_count_values("killed", incident.killed, enc),
        **_count_values("injured", incident.injured, enc),
        **_count_values("arrested", incident.arrested, enc),
        "summary": incident.summary,
        "evidence": enc.json(list(incident.evidence)),
        "is_background": enc.flag(incident.is_background),
        "confidence": incident.confidence,
        "confidence_reasons": enc.json(list(incident.confidence_reasons)),
        "status": incident.status.value,
        "revision": incident.revision,
    }


def report_values(report: Report, enc: Encoders) -> dict[str, Any]:
    """Every column a new report is inserted with (its id comes from the database)."""
    return {
        "url": report.url,
        "content_hash": report.content_hash,
        "title": report.title,
        "outlet": report.outlet,
        "published_at": enc.timestamp_opt(report.published_at),
        "fetched_at": enc.timestamp(report.fetched_at),
        "language": report.language,
        "text": report.text,
        "origin": report.origin,
        "forwarded_from": report.forwarded_from,
    }


def subscription_values(sub: Subscription, enc: Encoders, now: dt.datetime) -> dict[str, Any]:
    """Every column a new subscription is inserted with (``created_at`` defaults to ``now``)."""
    return {
        "chat_id": sub.chat_id,
        "kind": sub.kind.value,
        "key": sub.key,
        "label": sub.label,
        "min_killed": sub.min_killed,
        "created_at": enc.timestamp(sub.created_at or now),
    }


def feed_state_values(feed: Feed, enc: Encoders) -> dict[str, Any]:
    """A feed's columns that ``save`` rewrites: its settings and polling state."""
    return {
        "title": feed.title,
        "interval_minutes": feed.interval_minutes,
        "etag": feed.etag,
        "last_modified": feed.last_modified,
        "last_polled_at": enc.timestamp_opt(feed.last_polled_at),
        "next_poll_at": enc.timestamp_opt(feed.next_poll_at),
        "failures": feed.failures,
        "last_error": feed.last_error,
        "active": enc.flag(feed.active),
    }


def feed_values(feed: Feed, enc: Encoders, now: dt.datetime) -> dict[str, Any]:
    """Every column a new feed is inserted with (``created_at`` defaults to ``now``)."""
    return {
        "url": feed.url,
        **feed_state_values(feed, enc),
        "added_by": feed.added_by,
        "created_at": enc.timestamp(feed.created_at or now),
    }


# The columns of an incident's actor and source references, in the order actor() and source()
# read them; the stored child rows add incident_id and position (and the actor's date).
ACTOR_REF_COLUMNS = ("actor_id", "name", "type", "country")
SOURCE_REF_COLUMNS = ("report_id", "url", "outlet", "title", "published_at")
ACTOR_ROW_COLUMNS = ("incident_id", "position", *ACTOR_REF_COLUMNS, "date")
SOURCE_ROW_COLUMNS = ("incident_id", "position", *SOURCE_REF_COLUMNS)
REVISION_COLUMNS = (
    "incident_id",
    "revision",
    "changed_at",
    "report_id",
    "changes",
    "note",
    "changed_by",
    "changed_by_name",
    "reason",
)


def actor_rows(incident_id: int, incident: Incident, enc: Encoders) -> list[tuple[Any, ...]]:
    """The incident's actors as rows of :data:`ACTOR_ROW_COLUMNS`."""
    date = enc.date(incident.date)
    return [
        (incident_id, pos, a.id, a.name, a.type.value, a.country, date)
        for pos, a in enumerate(incident.actors)
    ]


def source_rows(incident_id: int, incident: Incident, enc: Encoders) -> list[tuple[Any, ...]]:
    """The incident's sources as rows of :data:`SOURCE_ROW_COLUMNS`."""
    return [
        (
            incident_id,
            pos,
            s.report_id,
            s.url,
            s.outlet,
            s.title,
            enc.timestamp_opt(s.published_at),
        )
        for pos, s in enumerate(incident.sources)
    ]


def revision_row(incident_id: int, revision: IncidentRevision, enc: Encoders) -> tuple[Any, ...]:
    """A revision as a row of :data:`REVISION_COLUMNS`."""
    return (
        incident_id,
        revision.revision,
        enc.timestamp(revision.changed_at),
        revision.report_id,
        enc.json(revision.changes),
        revision.note,
        revision.changed_by,
        revision.changed_by_name,
        revision.reason,
    )


def parse_utc(text: str) -> dt.datetime:
    """An ISO timestamp as an aware UTC datetime (one without an offset is taken as UTC)."""
    value = dt.datetime.fromisoformat(text)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


# The incident columns an IncidentBrief is made of.
BRIEF_COLUMNS = (
    "id",
    "date",
    "date_end",
    "created_at",
    "updated_at",
    "place_key",
    "place_name",
    "admin1",
    "admin1_code",
    "event_type",
    "killed_min",
    "injured_min",
)


class RowMapper:
    """Builds every domain model from a row of one backend, given its :class:`Converters`."""

    def __init__(self, converters: Converters) -> None:
        """Map rows whose special values ``converters`` decode."""
        self.conv = converters

    def _build(self, model: type[M], spec: _Spec, row: Row) -> M:
        return model(**spec.kwargs(row, self.conv))

    def report(self, row: Row) -> Report:
        """A stored report."""
        return self._build(Report, _REPORT, row)

    def revision(self, row: Row) -> IncidentRevision:
        """One entry of an incident's revision history."""
        return self._build(IncidentRevision, _REVISION, row)

    def chat(self, row: Row) -> Chat:
        """A stored chat with its settings."""
        return self._build(Chat, _CHAT, row)

    def subscription(self, row: Row) -> Subscription:
        """A chat's subscription."""
        return self._build(Subscription, _SUBSCRIPTION, row)

    def feed(self, row: Row) -> Feed:
        """A polled feed."""
        return self._build(Feed, _FEED, row)

    def outbox(self, row: Row) -> OutboxMessage:
        """A queued or sent outbox message."""
        return self._build(OutboxMessage, _OUTBOX, row)

    def count(self, row: Row, prefix: str) -> CasualtyCount:
        """The casualty count stored in the ``{prefix}_*`` columns."""
        low, high = row[f"{prefix}_min"], row[f"{prefix}_max"]
        status = CountStatus(row[f"{prefix}_status"])
        source = row[f"{prefix}_source"]
        claims = self.conv.json(row[f"{prefix}_claims"])
        if not claims and plain_range(low, high) and (source is None or type(source) is str):
            # Three counts per incident made validation most of the cost of loading incidents;
            # a stored figure that already satisfies every rule of the model is built as is
            # (the same object validation would produce), anything else is validated.
            return CasualtyCount.model_construct(
                min=low, max=high, status=status, source=source, claims=[]
            )
        return CasualtyCount(
            min=low,
            max=high,
            status=status,
            source=source,
            claims=[CasualtyClaim.model_validate(c) for c in claims],
        )

    def actor(self, values: Sequence[Any]) -> ActorRef:
        """An actor reference from the values of :data:`ACTOR_REF_COLUMNS`."""
        actor_id, name, kind, country = values
        return ActorRef(id=actor_id, name=name, type=ActorType(kind), country=country)

    def source(self, values: Sequence[Any]) -> SourceRef:
        """A source reference from the values of :data:`SOURCE_REF_COLUMNS` (time as ISO text)."""
        report_id, url, outlet, title, published = values
        return SourceRef(
            report_id=report_id,
            url=url,
            outlet=outlet,
            title=title,
            published_at=None if published is None else parse_utc(published),
        )

    def actors_with_aliases(
        self, actors: Iterable[Sequence[Any]], aliases: Iterable[Sequence[Any]]
    ) -> list[tuple[ActorRef, list[str]]]:
        """Actors (rows of :data:`ACTOR_REF_COLUMNS`) with their (actor id, alias) rows."""
        by_actor: dict[str, list[str]] = defaultdict(list)
        for actor_id, alias in aliases:
            by_actor[actor_id].append(alias)
        refs = [self.actor(values) for values in actors]
        return [(ref, by_actor[ref.id]) for ref in refs]

    def location(self, row: Row) -> Location:
        """An incident's place, from the incident row."""
        return Location(
            name=row["place_name"],
            place_key=row["place_key"],
            geonames_id=row["geonames_id"],
            admin1=row["admin1"],
            admin1_code=row["admin1_code"],
            admin2=row["admin2"],
            country=row["country"],
            lat=row["lat"],
            lon=row["lon"],
            geo_precision=GeoPrecision(row["geo_precision"]),
            timezone=row["place_timezone"],
        )

    def local_place(self, row: Row) -> LocalPlace:
        """A place admins taught, from a ``local_places`` row."""
        aliases = self.conv.json(row["aliases"])
        return LocalPlace(
            id=row["id"],
            name=row["name"],
            aliases=[str(alias) for alias in aliases or []],
            lat=row["lat"],
            lon=row["lon"],
            country=row["country"],
            admin1=row["admin1"],
            admin1_code=row["admin1_code"],
            added_by=row["added_by"],
            added_at=_ts_opt(self.conv, row["added_at"]),
            incident_id=row["incident_id"],
            note=row["note"],
        )

    def brief(self, row: Row) -> IncidentBrief:
        """An :class:`IncidentBrief` from a row of :data:`BRIEF_COLUMNS`."""
        conv = self.conv
        return IncidentBrief(
            id=row["id"],
            date=conv.date(row["date"]),
            date_end=_date_opt(conv, row["date_end"]),
            created_at=conv.timestamp(row["created_at"]),
            updated_at=conv.timestamp(row["updated_at"]),
            place_key=row["place_key"],
            place_name=row["place_name"],
            admin1=row["admin1"],
            admin1_code=row["admin1_code"],
            event_type=EventType(row["event_type"]),
            killed=row["killed_min"],
            injured=row["injured_min"],
        )

    def briefs_by_part(
        self, rows: Iterable[Sequence[Any]], parts: int
    ) -> list[list[IncidentBrief]]:
        """Rows of ``part`` then :data:`BRIEF_COLUMNS` (a UNION ALL of brief queries) as each
        part's briefs, newest first (by date, then id). An incident several parts found (a
        city and its governorate) is mapped once."""
        found: list[list[IncidentBrief]] = [[] for _ in range(parts)]
        mapped: dict[int, IncidentBrief] = {}
        for part, incident_id, *values in rows:
            brief = mapped.get(incident_id)
            if brief is None:
                named = dict(zip(BRIEF_COLUMNS, (incident_id, *values), strict=True))
                brief = mapped[incident_id] = self.brief(named)
            found[part].append(brief)
        return [sorted(briefs, key=lambda b: (b.date, b.id), reverse=True) for briefs in found]

    def incident(self, row: Row, actors: list[ActorRef], sources: list[SourceRef]) -> Incident:
        """An incident row with its actors and sources (loaded by the caller)."""
        conv = self.conv
        return Incident(
            id=row["id"],
            date=conv.date(row["date"]),
            date_precision=DatePrecision(row["date_precision"]),
            date_end=_date_opt(conv, row["date_end"]),
            time_of_day=row["time_of_day"],
            location=self.location(row),
            actors=actors,
            event_type=EventType(row["event_type"]),
            sub_event_type=SubEventType(row["sub_event_type"]),
            killed=self.count(row, "killed"),
            injured=self.count(row, "injured"),
            arrested=self.count(row, "arrested"),
            summary=row["summary"],
            evidence=list(conv.json(row["evidence"])),
            sources=sources,
            is_background=bool(row["is_background"]),
            confidence=row["confidence"],
            confidence_reasons=list(conv.json(row["confidence_reasons"])),
            status=IncidentStatus(row["status"]),
            revision=row["revision"],
            created_at=conv.timestamp(row["created_at"]),
            updated_at=conv.timestamp(row["updated_at"]),
        )
