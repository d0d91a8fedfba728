"""Row mapping: SQLite rows to domain models and models to statement parameters.

SQLite stores timestamps, dates and times as ISO text, JSON as text and booleans as 0/1; the
models themselves are built by the backend-neutral :mod:`storage.mapping`.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from bot.domain import CasualtyCount, Incident
from storage.mapping import Converters, RowMapper
from storage.sqlite.values import _dt, _json

MAPPER = RowMapper(
    Converters(
        timestamp=_dt,
        date=dt.date.fromisoformat,
        time=dt.time.fromisoformat,
        json=json.loads,
    )
)
_report_from_row = MAPPER.report
_count_from_row = MAPPER.count
_incident_from_row = MAPPER.incident
_revision_from_row = MAPPER.revision
_chat_from_row = MAPPER.chat
_subscription_from_row = MAPPER.subscription
_feed_from_row = MAPPER.feed
_outbox_from_row = MAPPER.outbox


def _count_params(prefix: str, count: CasualtyCount) -> dict[str, Any]:
    return {
        f"{prefix}_min": count.min,
        f"{prefix}_max": count.max,
        f"{prefix}_status": count.status.value,
        f"{prefix}_source": count.source,
        f"{prefix}_claims": _json([claim.model_dump(mode="json") for claim in count.claims]),
    }


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
