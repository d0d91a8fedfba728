"""Every correction people made, with the original extraction beside it (docs/corrections.md).

Three kinds of row: ``incident_revision`` (a revision of an incident no report caused: a
person's correction), ``local_place`` and ``actor_alias`` (what admins taught). Each incident
revision carries ``original``: the incident's fields as first extracted from its report (a
field a later revision changed is taken from the earliest recorded "old" value), so extraction
work can be measured against what people corrected. Written as JSON Lines or CSV.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from typing import IO, Any

from pydantic_core import to_jsonable_python

from bot.domain import Incident, IncidentRevision
from bot.domain.learning import ActorAliasRecord, LocalPlace
from storage.base import Storage

FORMAT = "sitrep-corrections/1"
_PLACE_FIELDS = {"id", "name", "aliases", "lat", "lon", "country", "admin1", "admin1_code"}
CSV_COLUMNS = (
    "kind",
    "at",
    "by",
    "incident_id",
    "revision",
    "subject",
    "note",
    "reason",
    "changes",
    "original",
    "current",
    "source_report_id",
    "source_url",
)


def snapshot(incident: Incident) -> dict[str, Any]:
    """The fields of an incident that corrections change, in the form revisions record them."""
    location = incident.location
    return {
        "date": incident.date.isoformat(),
        "location": location.name,
        "place_key": location.key,
        "admin1": location.admin1,
        "country": location.country,
        "lat": location.lat,
        "lon": location.lon,
        "geo_precision": location.geo_precision.value,
        "event_type": incident.event_type.value,
        "sub_event_type": incident.sub_event_type.value,
        "killed": incident.killed.display(),
        "injured": incident.injured.display(),
        "actors": [actor.name for actor in incident.actors],
        "sources": len(incident.sources),
        "confidence": incident.confidence,
        "summary": incident.summary,
    }


def original_fields(incident: Incident, history: Sequence[IncidentRevision]) -> dict[str, Any]:
    """The incident as first extracted: today's fields with every change rolled back."""
    fields = snapshot(incident)
    rolled: set[str] = set()
    for revision in sorted(history, key=lambda r: r.revision):
        for name, change in revision.changes.items():
            if name in rolled or not isinstance(change, dict) or "old" not in change:
                continue
            fields[name] = change["old"]
            rolled.add(name)
    return fields


class CorrectionExport:
    """Reads the corrections out of storage as plain rows (dicts)."""

    def __init__(self, storage: Storage) -> None:
        """Read from ``storage``."""
        self._storage = storage

    async def rows(self) -> list[dict[str, Any]]:
        """Every correction, oldest first within each kind: revisions, places, aliases."""
        learning = self._storage.learning
        rows = [await self._revision_row(r) for r in await learning.manual_revisions()]
        rows.extend([await self._place_row(p) for p in await learning.places()])
        rows.extend(_alias_row(record) for record in await learning.alias_records())
        return rows

    async def _incident_fields(
        self, incident_id: int
    ) -> tuple[Incident | None, dict[str, Any] | None]:
        incident = await self._storage.incidents.get(incident_id)
        if incident is None:
            return None, None
        history = await self._storage.incidents.revisions(incident_id)
        return incident, original_fields(incident, history)

    async def _revision_row(self, revision: IncidentRevision) -> dict[str, Any]:
        incident, original = await self._incident_fields(revision.incident_id)
        first = incident.sources[0] if incident is not None and incident.sources else None
        return {
            "format": FORMAT,
            "kind": "incident_revision",
            "at": revision.changed_at.isoformat(),
            "by": revision.changed_by,  # the reviewer's Telegram user id (None: not recorded)
            "incident_id": revision.incident_id,
            "revision": revision.revision,
            "subject": None,
            "note": revision.note,
            "reason": revision.reason,  # why, as the reviewer gave it (a toll's source, ...)
            "changes": to_jsonable_python(revision.changes, fallback=str),
            "original": original,
            "current": snapshot(incident) if incident is not None else None,
            "source_report_id": first.report_id if first is not None else None,
            "source_url": first.url if first is not None else None,
        }

    async def _place_row(self, place: LocalPlace) -> dict[str, Any]:
        original: dict[str, Any] | None = None
        current: dict[str, Any] | None = None
        if place.incident_id is not None:
            incident, original = await self._incident_fields(place.incident_id)
            current = snapshot(incident) if incident is not None else None
        return {
            "format": FORMAT,
            "kind": "local_place",
            "at": place.added_at.isoformat() if place.added_at else None,
            "by": place.added_by,
            "incident_id": place.incident_id,
            "revision": None,
            "subject": place.name,
            "note": place.note,
            "reason": "",
            "changes": {
                "place": {"old": None, "new": place.model_dump(mode="json", include=_PLACE_FIELDS)}
            },
            "original": original,
            "current": current,
            "source_report_id": None,
            "source_url": None,
        }


def _alias_row(record: ActorAliasRecord) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "kind": "actor_alias",
        "at": record.added_at.isoformat() if record.added_at else None,
        "by": record.added_by,
        "incident_id": None,
        "revision": None,
        "subject": record.alias,
        "note": record.note,
        "reason": "",
        "changes": {
            "alias": {"old": None, "new": {"actor_id": record.actor_id, "alias": record.alias}}
        },
        "original": None,
        "current": {"actor_id": record.actor_id, "actor_name": record.actor_name},
        "source_report_id": None,
        "source_url": None,
    }


def _cell(value: object) -> str:
    """A CSV cell; nested values as JSON, and text a spreadsheet would run as a formula
    (names and notes are people's input) made inert with a leading apostrophe."""
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        try:
            float(text)
        except ValueError:
            return "'" + text
    return text


def write_jsonl(rows: Iterable[dict[str, Any]], handle: IO[str]) -> int:
    """One JSON object per correction per line; return how many."""
    count = 0
    for row in rows:
        handle.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
        count += 1
    return count


def write_csv(rows: Iterable[dict[str, Any]], handle: IO[str]) -> int:
    """One CSV row per correction (nested fields as JSON text); return how many."""
    writer = csv.DictWriter(handle, fieldnames=list(CSV_COLUMNS), lineterminator="\n")
    writer.writeheader()
    count = 0
    for row in rows:
        writer.writerow({name: _cell(row[name]) for name in CSV_COLUMNS})
        count += 1
    return count
