"""Incidents -> CSV with ACLED-compatible column names (plus Sitrep's extra columns) or JSONL."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import IO, Any

from bot.domain import (
    ActorType,
    DatePrecision,
    EventType,
    GeoPrecision,
    Incident,
    IncidentRevision,
)
from bot.ingest.files import ACLED_COLUMNS, ACLED_SOURCE_PREFIX, country_info

EXTRA_COLUMNS: tuple[str, ...] = (
    "killed_max",
    "injured_min",
    "injured_max",
    "sitrep_id",
    "source_urls",
    # How each figure was stated ("about", "at least") and who gave it: an import of this file
    # gives back "about 570 injured (medics)", not an exact 570 credited to the outlets.
    "killed_status",
    "killed_source",
    "injured_status",
    "injured_source",
    # Reviewers' work: "active", "retracted" (not an incident) or "merged" (a duplicate), and
    # every revision with when, who and why, as JSON.
    "sitrep_status",
    "sitrep_revisions",
)
CSV_COLUMNS: tuple[str, ...] = ACLED_COLUMNS + EXTRA_COLUMNS

_TIME_CODE = {DatePrecision.DAY: 1, DatePrecision.WEEK: 2, DatePrecision.MONTH: 3}
_GEO_CODE = {
    GeoPrecision.POINT: 1,
    GeoPrecision.NEAR: 2,
    GeoPrecision.ADMIN2: 3,
    GeoPrecision.ADMIN1: 3,
    GeoPrecision.COUNTRY: 3,
}
_DISORDER = {
    EventType.BATTLES: "Political violence",
    EventType.EXPLOSIONS: "Political violence",
    EventType.VIOLENCE_AGAINST_CIVILIANS: "Political violence",
    EventType.RIOTS: "Political violence",
    EventType.PROTESTS: "Demonstrations",
    EventType.STRATEGIC_DEVELOPMENTS: "Strategic developments",
}


def _cell(value: object) -> str:
    """A CSV cell that spreadsheets will not run as a formula (untrusted text)."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _interaction(inter1: int, inter2: int) -> int | str:
    codes = sorted(code for code in (inter1, inter2) if code)
    if not codes:
        return ""
    return codes[0] * 10 + (codes[1] if len(codes) > 1 else 0)


def acled_event_id(incident: Incident) -> str:
    """ACLED's id when the incident came from an ACLED import, else ``SITREP<id>``."""
    for source in incident.sources:
        if source.url and source.url.startswith(ACLED_SOURCE_PREFIX):
            return source.url.removeprefix(ACLED_SOURCE_PREFIX)
    return f"SITREP{incident.id}" if incident.id is not None else "SITREP"


def incident_row(incident: Incident) -> dict[str, str]:
    """One incident as a CSV row keyed by ACLED column names (and the extra columns)."""
    location = incident.location
    numeric, country_name, region = country_info(location.country)
    actors = incident.actors
    first = actors[0] if actors else None
    # Sitrep keeps no sides: the second side is the first actor of another type.
    second = next((a for a in actors[1:] if first and a.type is not first.type), None)
    if second is None and len(actors) > 1:
        second = actors[1]
    rest = [a for a in actors if a is not first and a is not second]
    assoc_1 = [a for a in rest if second is None or a.type is not second.type]
    assoc_2 = [a for a in rest if a not in assoc_1]
    inter1 = first.type.inter_code if first else 0
    inter2 = second.type.inter_code if second else 0
    civilian = incident.event_type is EventType.VIOLENCE_AGAINST_CIVILIANS or any(
        actor.type is ActorType.CIVILIANS for actor in actors
    )
    outlets = [s.outlet for s in incident.sources if s.outlet]
    urls = [s.url for s in incident.sources if s.url and not s.url.startswith(ACLED_SOURCE_PREFIX)]
    stamp = incident.updated_at or incident.created_at
    row: dict[str, object] = {
        "event_id_cnty": acled_event_id(incident),
        "event_date": incident.date.isoformat(),
        "year": incident.date.year,
        "time_precision": _TIME_CODE[incident.date_precision],
        "disorder_type": _DISORDER[incident.event_type],
        "event_type": incident.event_type.value,
        "sub_event_type": incident.sub_event_type.value,
        "actor1": first.name if first else "",
        "assoc_actor_1": "; ".join(actor.name for actor in assoc_1),
        "inter1": inter1 or "",
        "actor2": second.name if second else "",
        "assoc_actor_2": "; ".join(actor.name for actor in assoc_2),
        "inter2": inter2 or "",
        # ACLED writes the lower code first ("13" for rebels against state forces).
        "interaction": _interaction(inter1, inter2),
        "civilian_targeting": "Civilian targeting" if civilian else "",
        "iso": numeric if numeric is not None else "",
        "region": region,
        "country": country_name,
        "admin1": location.admin1 or "",
        "admin2": location.admin2 or "",
        "admin3": "",
        "location": location.name,
        "latitude": f"{location.lat:.4f}" if location.lat is not None else "",
        "longitude": f"{location.lon:.4f}" if location.lon is not None else "",
        "geo_precision": _GEO_CODE[location.geo_precision],
        "source": "; ".join(dict.fromkeys(outlets)),
        "source_scale": "",
        "notes": incident.summary,
        "fatalities": incident.killed.best,
        "tags": "",
        "timestamp": int(stamp.timestamp()) if stamp else "",
        "killed_max": incident.killed.max if incident.killed.max is not None else "",
        "injured_min": incident.injured.min if incident.injured.min is not None else "",
        "injured_max": incident.injured.max if incident.injured.max is not None else "",
        "sitrep_id": incident.id if incident.id is not None else "",
        "source_urls": " ".join(dict.fromkeys(urls)),
        "killed_status": incident.killed.status.value,
        "killed_source": incident.killed.source or "",
        "injured_status": incident.injured.status.value,
        "injured_source": incident.injured.source or "",
        "sitrep_status": incident.status.value,
        "sitrep_revisions": "",  # filled by write_csv, which has the revisions
    }
    return {column: _cell(row[column]) for column in CSV_COLUMNS}


Revisions = Mapping[int, Sequence[IncidentRevision]]


def revision_records(revisions: Sequence[IncidentRevision]) -> list[dict[str, Any]]:
    """An incident's revisions as plain data: when, who, what changed, the note and why."""
    return [
        {
            "revision": r.revision,
            "changed_at": r.changed_at.isoformat(),
            "changed_by": r.changed_by,
            "changed_by_name": r.changed_by_name,
            "note": r.note,
            "reason": r.reason,
            "changes": r.changes,
        }
        for r in revisions
    ]


def write_csv(
    incidents: Iterable[Incident], handle: IO[str], revisions: Revisions | None = None
) -> int:
    """Write incidents as CSV with a header row; return how many rows were written."""
    writer = csv.DictWriter(handle, fieldnames=list(CSV_COLUMNS), lineterminator="\n")
    writer.writeheader()
    count = 0
    for incident in incidents:
        row = incident_row(incident)
        history = (revisions or {}).get(incident.id or 0, ())
        row["sitrep_revisions"] = _cell(
            json.dumps(revision_records(history), ensure_ascii=False, default=str)
            if history
            else ""
        )
        writer.writerow(row)
        count += 1
    return count


def write_jsonl(
    incidents: Iterable[Incident], handle: IO[str], revisions: Revisions | None = None
) -> int:
    """Write one JSON object per incident per line; return how many.

    With ``revisions`` (``sitrep export`` passes them) each object also has a ``revisions``
    list: every change with when, who and why.
    """
    count = 0
    for incident in incidents:
        if revisions is None:  # the incident alone: it reads back as an Incident
            handle.write(incident.model_dump_json() + "\n")
        else:
            record = incident.model_dump(mode="json")
            record["revisions"] = revision_records(revisions.get(incident.id or 0, ()))
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    return count
