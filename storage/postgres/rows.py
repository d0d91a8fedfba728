"""Row mapping: PostgreSQL records to domain models and models to statement parameters.

Columns have native types (timestamptz, date, time, jsonb, boolean); asyncpg decodes them and
the jsonb codec installed by the connection turns JSON into Python values.
"""

from __future__ import annotations

from typing import Any

from bot.domain import CasualtyCount, Incident
from storage.mapping import Converters, RowMapper
from storage.postgres.search import fold_text
from storage.postgres.values import _dt


def _as_is(value: Any) -> Any:
    return value


MAPPER = RowMapper(Converters(timestamp=_dt, date=_as_is, time=_as_is, json=_as_is))
_report_from_row = MAPPER.report
_count_from_row = MAPPER.count
_incident_from_row = MAPPER.incident
_revision_from_row = MAPPER.revision
_chat_from_row = MAPPER.chat
_subscription_from_row = MAPPER.subscription
_feed_from_row = MAPPER.feed
_outbox_from_row = MAPPER.outbox


def report_search_text(title: str | None, text: str) -> str:
    """What the report's search column indexes: folded title and text."""
    return fold_text(f"{title or ''}\n{text}")


def incident_search_text(summary: str, evidence: list[str]) -> str:
    """What the incident's search column indexes: folded summary and evidence."""
    return fold_text("\n".join([summary, *evidence]))


def _count_args(count: CasualtyCount) -> list[Any]:
    claims = [claim.model_dump(mode="json") for claim in count.claims]
    return [count.min, count.max, count.status.value, count.source, claims]


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
