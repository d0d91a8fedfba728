"""Row mapping: PostgreSQL records to domain models and models to statement parameters.

Columns have native types (timestamptz, date, time, jsonb, boolean); asyncpg decodes them and
the jsonb codec installed by the connection turns JSON into Python values.
"""

from __future__ import annotations

from typing import Any

from bot.domain import (
    ActorRef,
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
from storage.postgres.search import fold_text
from storage.postgres.values import Row, _dt, _dt_opt


def report_search_text(title: str | None, text: str) -> str:
    """What the report's search column indexes: folded title and text."""
    return fold_text(f"{title or ''}\n{text}")


def incident_search_text(summary: str, evidence: list[str]) -> str:
    """What the incident's search column indexes: folded summary and evidence."""
    return fold_text("\n".join([summary, *evidence]))


def _report_from_row(row: Row) -> Report:
    return Report(
        id=row["id"],
        url=row["url"],
        content_hash=row["content_hash"],
        title=row["title"],
        outlet=row["outlet"],
        published_at=_dt_opt(row["published_at"]),
        fetched_at=_dt(row["fetched_at"]),
        language=row["language"],
        text=row["text"],
        origin=row["origin"],
        forwarded_from=row["forwarded_from"],
    )


def _count_args(count: CasualtyCount) -> list[Any]:
    claims = [claim.model_dump(mode="json") for claim in count.claims]
    return [count.min, count.max, count.status.value, count.source, claims]


def _count_from_row(row: Row, prefix: str) -> CasualtyCount:
    claims = row[f"{prefix}_claims"]
    return CasualtyCount(
        min=row[f"{prefix}_min"],
        max=row[f"{prefix}_max"],
        status=CountStatus(row[f"{prefix}_status"]),
        source=row[f"{prefix}_source"],
        claims=[CasualtyClaim.model_validate(c) for c in claims],
    )


# Column order of incident_args(); the repository names them in INSERT and UPDATE.
INCIDENT_COLUMNS = (
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
    "revision",
    "search_text",
)


def incident_args(incident: Incident) -> list[Any]:
    """Values for :data:`INCIDENT_COLUMNS`, in order."""
    loc = incident.location
    return [
        incident.date,
        incident.date_precision.value,
        incident.date_end,
        incident.time_of_day,
        loc.key,
        loc.geonames_id,
        loc.name,
        loc.admin1,
        loc.admin1_code,
        loc.admin2,
        loc.country,
        loc.lat,
        loc.lon,
        loc.geo_precision.value,
        loc.timezone,
        incident.event_type.value,
        incident.sub_event_type.value,
        *_count_args(incident.killed),
        *_count_args(incident.injured),
        *_count_args(incident.arrested),
        incident.summary,
        list(incident.evidence),
        incident.is_background,
        incident.confidence,
        list(incident.confidence_reasons),
        incident.revision,
        incident_search_text(incident.summary, list(incident.evidence)),
    ]


def _incident_from_row(row: Row, actors: list[ActorRef], sources: list[SourceRef]) -> Incident:
    location = Location(
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
    return Incident(
        id=row["id"],
        date=row["date"],
        date_precision=DatePrecision(row["date_precision"]),
        date_end=row["date_end"],
        time_of_day=row["time_of_day"],
        location=location,
        actors=actors,
        event_type=EventType(row["event_type"]),
        sub_event_type=SubEventType(row["sub_event_type"]),
        killed=_count_from_row(row, "killed"),
        injured=_count_from_row(row, "injured"),
        arrested=_count_from_row(row, "arrested"),
        summary=row["summary"],
        evidence=list(row["evidence"]),
        sources=sources,
        is_background=row["is_background"],
        confidence=row["confidence"],
        confidence_reasons=list(row["confidence_reasons"]),
        revision=row["revision"],
        created_at=_dt(row["created_at"]),
        updated_at=_dt(row["updated_at"]),
    )


def _revision_from_row(row: Row) -> IncidentRevision:
    return IncidentRevision(
        incident_id=row["incident_id"],
        revision=row["revision"],
        changed_at=_dt(row["changed_at"]),
        report_id=row["report_id"],
        changes=row["changes"],
        note=row["note"],
    )


def _chat_from_row(row: Row) -> Chat:
    return Chat(
        id=row["id"],
        type=ChatType(row["type"]),
        title=row["title"],
        timezone=row["timezone"],
        digest_time=row["digest_time"],
        quiet_start=row["quiet_start"],
        quiet_end=row["quiet_end"],
        language=row["language"],
        active=row["active"],
        last_digest_date=row["last_digest_date"],
        created_at=_dt(row["created_at"]),
        digest_chart=row["digest_chart"],
    )


def _subscription_from_row(row: Row) -> Subscription:
    return Subscription(
        id=row["id"],
        chat_id=row["chat_id"],
        kind=SubscriptionKind(row["kind"]),
        key=row["key"],
        label=row["label"],
        min_killed=row["min_killed"],
        created_at=_dt(row["created_at"]),
    )


def _feed_from_row(row: Row) -> Feed:
    return Feed(
        id=row["id"],
        url=row["url"],
        title=row["title"],
        interval_minutes=row["interval_minutes"],
        etag=row["etag"],
        last_modified=row["last_modified"],
        last_polled_at=_dt_opt(row["last_polled_at"]),
        next_poll_at=_dt_opt(row["next_poll_at"]),
        failures=row["failures"],
        last_error=row["last_error"],
        active=row["active"],
        added_by=row["added_by"],
        created_at=_dt(row["created_at"]),
    )


def _outbox_from_row(row: Row) -> OutboxMessage:
    return OutboxMessage(
        id=row["id"],
        chat_id=row["chat_id"],
        kind=OutboxKind(row["kind"]),
        idempotency_key=row["idempotency_key"],
        payload=row["payload"],
        status=OutboxStatus(row["status"]),
        attempts=row["attempts"],
        next_attempt_at=_dt(row["next_attempt_at"]),
        sent_message_id=row["sent_message_id"],
        reply_to_key=row["reply_to_key"],
        incident_id=row["incident_id"],
        last_error=row["last_error"],
        created_at=_dt(row["created_at"]),
        sent_at=_dt_opt(row["sent_at"]),
    )
