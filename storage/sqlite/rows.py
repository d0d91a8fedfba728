"""Row mapping: SQLite rows to domain models and models to statement parameters."""

from __future__ import annotations

import datetime as dt
import json
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
from storage.sqlite.values import Row, _date_opt, _dt, _dt_opt, _json, _time_opt

# --- row mapping ------------------------------------------------------------------------------


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


def _count_params(prefix: str, count: CasualtyCount) -> dict[str, Any]:
    return {
        f"{prefix}_min": count.min,
        f"{prefix}_max": count.max,
        f"{prefix}_status": count.status.value,
        f"{prefix}_source": count.source,
        f"{prefix}_claims": _json([claim.model_dump(mode="json") for claim in count.claims]),
    }


def _count_from_row(row: Row, prefix: str) -> CasualtyCount:
    low, high = row[f"{prefix}_min"], row[f"{prefix}_max"]
    status = CountStatus(row[f"{prefix}_status"])
    source = row[f"{prefix}_source"]
    claims_json = row[f"{prefix}_claims"]
    if claims_json == "[]" and _plain_range(low, high) and (source is None or type(source) is str):
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
        claims=[CasualtyClaim.model_validate(c) for c in json.loads(claims_json)],
    )


def _plain_range(low: object, high: object) -> bool:
    """Non-negative integers (or None) in order: what ``CasualtyCount`` accepts unchanged."""
    for value in (low, high):
        if value is not None and (type(value) is not int or value < 0):
            return False
    return low is None or high is None or low <= high  # type: ignore[operator]


def _incident_params(incident: Incident) -> dict[str, Any]:
    loc = incident.location
    return {
        "date": incident.date.isoformat(),
        "date_precision": incident.date_precision.value,
        "date_end": None if incident.date_end is None else incident.date_end.isoformat(),
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
        **_count_params("killed", incident.killed),
        **_count_params("injured", incident.injured),
        **_count_params("arrested", incident.arrested),
        "summary": incident.summary,
        "evidence": _json(incident.evidence),
        "is_background": int(incident.is_background),
        "confidence": incident.confidence,
        "confidence_reasons": _json(incident.confidence_reasons),
        "revision": incident.revision,
    }


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
        date=dt.date.fromisoformat(row["date"]),
        date_precision=DatePrecision(row["date_precision"]),
        date_end=_date_opt(row["date_end"]),
        time_of_day=row["time_of_day"],
        location=location,
        actors=actors,
        event_type=EventType(row["event_type"]),
        sub_event_type=SubEventType(row["sub_event_type"]),
        killed=_count_from_row(row, "killed"),
        injured=_count_from_row(row, "injured"),
        arrested=_count_from_row(row, "arrested"),
        summary=row["summary"],
        evidence=list(json.loads(row["evidence"])),
        sources=sources,
        is_background=bool(row["is_background"]),
        confidence=row["confidence"],
        confidence_reasons=list(json.loads(row["confidence_reasons"])),
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
        changes=json.loads(row["changes"]),
        note=row["note"],
    )


def _chat_from_row(row: Row) -> Chat:
    return Chat(
        id=row["id"],
        type=ChatType(row["type"]),
        title=row["title"],
        timezone=row["timezone"],
        digest_time=_time_opt(row["digest_time"]),
        quiet_start=_time_opt(row["quiet_start"]),
        quiet_end=_time_opt(row["quiet_end"]),
        language=row["language"],
        active=bool(row["active"]),
        last_digest_date=_date_opt(row["last_digest_date"]),
        created_at=_dt(row["created_at"]),
        digest_chart=bool(row["digest_chart"]),
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
        active=bool(row["active"]),
        added_by=row["added_by"],
        created_at=_dt(row["created_at"]),
    )


def _outbox_from_row(row: Row) -> OutboxMessage:
    return OutboxMessage(
        id=row["id"],
        chat_id=row["chat_id"],
        kind=OutboxKind(row["kind"]),
        idempotency_key=row["idempotency_key"],
        payload=json.loads(row["payload"]),
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
