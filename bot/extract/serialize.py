"""The stable JSON shape of an extracted incident (``sitrep extract --json``).

Documented in docs/extract-json.md.
"""

from __future__ import annotations

from typing import Any

from bot.domain.models import CasualtyCount, Incident

__all__ = ["SCHEMA_VERSION", "count_to_json", "incident_to_json"]

SCHEMA_VERSION = 1


def count_to_json(count: CasualtyCount) -> dict[str, Any]:
    """``{"min", "max", "status", "source", "claims": [...]}``."""
    return {
        "min": count.min,
        "max": count.max,
        "status": count.status.value,
        "source": count.source,
        "claims": [
            {
                "min": claim.min,
                "max": claim.max,
                "status": claim.status.value,
                "source": claim.source,
            }
            for claim in count.claims
        ],
    }


def incident_to_json(incident: Incident, *, alert: bool | None = None) -> dict[str, Any]:
    """One incident as a JSON-ready dict with a fixed set of keys.

    ``alert``: whether it would alert a subscriber (the caller knows the publication day and
    the threshold); None when not judged.
    """
    location = incident.location
    return {
        "date": incident.date.isoformat(),
        "date_end": incident.date_end.isoformat() if incident.date_end else None,
        "date_precision": incident.date_precision.value,
        "time_of_day": incident.time_of_day,
        "location": {
            "name": location.name,
            "admin1": location.admin1,
            "admin1_code": location.admin1_code,
            "country": location.country,
            "lat": location.lat,
            "lon": location.lon,
            "geo_precision": location.geo_precision.value,
            "geonames_id": location.geonames_id,
        },
        "actors": [
            {"id": actor.id, "name": actor.name, "type": actor.type.value}
            for actor in incident.actors
        ],
        "event_type": incident.event_type.value,
        "sub_event_type": incident.sub_event_type.value,
        "killed": count_to_json(incident.killed),
        "injured": count_to_json(incident.injured),
        "arrested": count_to_json(incident.arrested),
        "is_background": incident.is_background,
        "summary": incident.summary,
        "evidence": list(incident.evidence),
        "confidence": incident.confidence,
        "confidence_reasons": list(incident.confidence_reasons),
        "alert": alert,
    }
