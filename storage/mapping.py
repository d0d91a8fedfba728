"""Backend-neutral row mapping: a stored row (any mapping by column name) to a domain model.

Each backend supplies its few value conversions as :class:`~storage.columns.Converters` and
gets one :class:`RowMapper`; the models with a column spec (:mod:`storage.columns`) are read
from it, incidents (with their counts, places, actors and sources) are mapped here.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel

from bot.domain import (
    ActorRef,
    CasualtyClaim,
    CasualtyCount,
    CountStatus,
    EventType,
    Incident,
    IncidentRevision,
    SourceRef,
)
from storage.base import BRIEF_NEWEST, IncidentBrief, IncidentStats
from storage.columns import (
    ALIAS_RECORD_SPEC,
    BRIEF_SPEC,
    CHAT_SPEC,
    FEED_SPEC,
    FEEDBACK_SPEC,
    INCIDENT_LINK_SPEC,
    LOCAL_PLACE_SPEC,
    LOCATION_SPEC,
    OUTBOX_SPEC,
    REPORT_SPEC,
    REVIEW_ITEM_SPEC,
    REVISION_SPEC,
    SUBSCRIPTION_SPEC,
    Converters,
    _date_opt,
)
from storage.columns import Encoders as Encoders  # noqa: PLC0414 - re-exported

M = TypeVar("M", bound=BaseModel)


class Row(Protocol):
    """A stored row read by column name (``sqlite3.Row``, ``asyncpg.Record``, a dict)."""

    def __getitem__(self, key: str, /) -> Any: ...


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
    *LOCATION_SPEC.columns(),
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
        "date_end": enc.date_opt(incident.date_end),
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


_EVENT_TYPES = {member.value: member for member in EventType}
_COUNT_COLUMNS = {
    prefix: tuple(f"{prefix}_{part}" for part in ("min", "max", "status", "source", "claims"))
    for prefix in ("killed", "injured", "arrested")
}


def _json_list(conv: Converters, value: Any) -> list[Any]:
    """A stored JSON array as a list; the empty array (most evidence-free counts and
    reasons), stored as text, without parsing it."""
    if value == "[]":
        return []
    return list(conv.json(value) or [])


# The incident columns an IncidentBrief is made of (in this order: briefs_by_part reads them
# by position).
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

    # Each model below is read from its columns (see storage.columns.Spec).
    report = REPORT_SPEC
    revision = REVISION_SPEC  # one entry of an incident's revision history
    chat = CHAT_SPEC
    subscription = SUBSCRIPTION_SPEC
    feed = FEED_SPEC
    outbox = OUTBOX_SPEC
    local_place = LOCAL_PLACE_SPEC  # a place admins taught
    alias_record = ALIAS_RECORD_SPEC  # an admin-added alias with who and when
    review_item = REVIEW_ITEM_SPEC
    feedback_report = FEEDBACK_SPEC
    incident_link = INCIDENT_LINK_SPEC
    location = LOCATION_SPEC  # an incident's place, from the incident row
    brief = BRIEF_SPEC  # from a row of BRIEF_COLUMNS

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
        return ActorRef.model_validate(self.actor_fields(values))

    def source(self, values: Sequence[Any]) -> SourceRef:
        """A source reference from the values of :data:`SOURCE_REF_COLUMNS` (time as ISO text)."""
        return SourceRef.model_validate(self.source_fields(values))

    def actors_with_aliases(
        self, actors: Iterable[Sequence[Any]], aliases: Iterable[Sequence[Any]]
    ) -> list[tuple[ActorRef, list[str]]]:
        """Actors (rows of :data:`ACTOR_REF_COLUMNS`) with their (actor id, alias) rows."""
        by_actor: dict[str, list[str]] = defaultdict(list)
        for actor_id, alias in aliases:
            by_actor[actor_id].append(alias)
        refs = [self.actor(values) for values in actors]
        return [(ref, by_actor[ref.id]) for ref in refs]

    def briefs_by_part(
        self, rows: Iterable[Sequence[Any]], parts: int, *, masks: bool = False
    ) -> list[list[IncidentBrief]]:
        """Rows of ``part`` then :data:`BRIEF_COLUMNS` (a UNION ALL of brief queries) as each
        part's briefs, newest first (by date, then id). An incident several parts found (a
        city and its governorate) is mapped once. With ``masks`` a row's first value is a
        bit mask of the parts that found it (bit ``n``: part ``n``).

        The columns are read by position, as :data:`BRIEF_SPEC` reads them by name (a test
        holds the two to the same briefs): a digest maps hundreds of briefs, and the generic
        mapping by name cost 4 us each. The day's few dates are parsed once each.
        """
        found: list[list[IncidentBrief]] = [[] for _ in range(parts)]
        mapped: dict[int, IncidentBrief] = {}
        timestamp = self.conv.timestamp
        days: dict[Any, dt.date] = {}

        def day(value: Any) -> dt.date:
            parsed = days.get(value)
            if parsed is None:
                parsed = days[value] = self.conv.date(value)
            return parsed

        for tag, incident_id, *values in rows:
            brief = mapped.get(incident_id)
            if brief is None:
                date, end, created, updated, key, name, admin1, code, event, killed, injured = (
                    values
                )
                created_at = timestamp(created)
                # Most incidents were never changed: one stamp parsed for both.
                brief = mapped[incident_id] = IncidentBrief(
                    incident_id,
                    day(date),
                    None if end is None else day(end),
                    created_at,
                    created_at if updated == created else timestamp(updated),
                    key,
                    name,
                    admin1,
                    code,
                    _EVENT_TYPES[event],
                    killed,
                    injured,
                )
            if not masks:
                found[tag].append(brief)
                continue
            part = 0
            while tag:
                if tag & 1:
                    found[part].append(brief)
                tag >>= 1
                part += 1
        return [sorted(briefs, key=BRIEF_NEWEST, reverse=True) for briefs in found]

    def briefs_and_totals(
        self, rows: Sequence[Sequence[Any]], parts: int
    ) -> tuple[list[list[IncidentBrief]], IncidentStats]:
        """:meth:`briefs_by_part` of the rows of parts below ``parts``, and the totals of the
        row of part ``parts`` (``statements.totals_row_sql``; none: nothing was counted)."""
        briefs = [row for row in rows if row[0] != parts]
        totals = IncidentStats()
        for _part, incidents, *values in (row for row in rows if row[0] == parts):
            totals = IncidentStats(incidents=incidents, killed=values[-2], injured=values[-1])
        return self.briefs_by_part(briefs, parts), totals

    def _count_fields(self, row: Row, prefix: str) -> dict[str, Any]:
        """The fields of the casualty count stored in the ``{prefix}_*`` columns."""
        low, high, status, source, claims = _COUNT_COLUMNS[prefix]
        return {
            "min": row[low],
            "max": row[high],
            "status": row[status],
            "source": row[source],
            "claims": _json_list(self.conv, row[claims]),
        }

    def actor_fields(self, values: Sequence[Any]) -> dict[str, Any]:
        """An actor's fields from the values of :data:`ACTOR_REF_COLUMNS` (validated by
        :meth:`actor`, or with the incident by :meth:`incident`)."""
        actor_id, name, kind, country = values
        return {"id": actor_id, "name": name, "type": kind, "country": country}

    def source_fields(self, values: Sequence[Any]) -> dict[str, Any]:
        """A source's fields from the values of :data:`SOURCE_REF_COLUMNS` (validated by
        :meth:`source`, or with the incident by :meth:`incident`)."""
        report_id, url, outlet, title, published = values
        return {
            "report_id": report_id,
            "url": url,
            "outlet": outlet,
            "title": title,
            "published_at": None if published is None else parse_utc(published),
        }

    def incident(
        self,
        row: Row,
        actors: Sequence[ActorRef | dict[str, Any]],
        sources: Sequence[SourceRef | dict[str, Any]],
    ) -> Incident:
        """An incident row with its actors and sources (loaded by the caller: models, or the
        fields of :meth:`actor_fields` and :meth:`source_fields`).

        One validation of the whole incident, its place, counts, actors and sources given as
        plain fields: pydantic validates nested fields in one pass far faster than a model
        per part built here (a digest loads 25 incidents; this was most of their cost).
        Every rule of every model still applies.
        """
        conv = self.conv
        return Incident.model_validate(
            {
                "id": row["id"],
                "date": conv.date(row["date"]),
                "date_precision": row["date_precision"],
                "date_end": _date_opt(conv, row["date_end"]),
                "time_of_day": row["time_of_day"],
                "location": {
                    "name": row["place_name"],
                    "place_key": row["place_key"],
                    "geonames_id": row["geonames_id"],
                    "admin1": row["admin1"],
                    "admin1_code": row["admin1_code"],
                    "admin2": row["admin2"],
                    "country": row["country"],
                    "lat": row["lat"],
                    "lon": row["lon"],
                    "geo_precision": row["geo_precision"],
                    "timezone": row["place_timezone"],
                },
                "actors": actors,
                "event_type": row["event_type"],
                "sub_event_type": row["sub_event_type"],
                "killed": self._count_fields(row, "killed"),
                "injured": self._count_fields(row, "injured"),
                "arrested": self._count_fields(row, "arrested"),
                "summary": row["summary"],
                "evidence": _json_list(conv, row["evidence"]),
                "sources": sources,
                "is_background": bool(row["is_background"]),
                "confidence": row["confidence"],
                "confidence_reasons": _json_list(conv, row["confidence_reasons"]),
                "status": row["status"],
                "revision": row["revision"],
                "created_at": conv.timestamp(row["created_at"]),
                "updated_at": conv.timestamp(row["updated_at"]),
            }
        )
