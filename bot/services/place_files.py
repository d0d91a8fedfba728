"""Local places as a data file: ``sitrep places export FILE`` / ``sitrep places import FILE``.

The file is JSON: ``{"format": "sitrep-local-places/1", "places": [{"name": ..., "lat": ...,
"lon": ..., "country": ..., "admin1": ..., "aliases": [...], "added_by": ..., "added_at": ...,
"incident_id": ..., "note": ...}]}``. An import checks every place as ``/place_add`` does
(the same refusals), skips names already known, and reports each skipped place with why.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.domain.learning import LocalPlace
from bot.services.errors import UserError
from bot.services.learning import MAX_NOTE_CHARS, LearningError, LearningService

PLACES_FORMAT = "sitrep-local-places/1"
MAX_PLACES_PER_FILE = 10_000


class _FilePlace(BaseModel):
    """One place as the file holds it (unknown keys are ignored: newer files still load)."""

    model_config = ConfigDict(extra="ignore")

    name: str = Field(max_length=1_000)
    lat: float
    lon: float
    country: str | None = Field(default=None, max_length=10)
    admin1: str | None = Field(default=None, max_length=200)
    aliases: list[str] = Field(default_factory=list, max_length=50)
    added_by: int | None = None
    added_at: dt.datetime | None = None
    incident_id: int | None = None
    note: str = Field(default="", max_length=5_000)


@dataclass
class PlaceImport:
    """What an import did."""

    added: list[LocalPlace] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (name, why)


async def export_places(learning: LearningService, now: dt.datetime) -> dict[str, Any]:
    """Every local place as the file document."""
    places = await learning.local_places()
    return {
        "format": PLACES_FORMAT,
        "exported_at": now.isoformat(),
        "places": [
            place.model_dump(mode="json", exclude={"id"}, exclude_none=True) for place in places
        ],
    }


def _entries(document: Any) -> list[Any]:
    if not isinstance(document, dict) or document.get("format") != PLACES_FORMAT:
        raise UserError(
            'not a Sitrep places file (expected "format": "{format}")',
            values={"format": PLACES_FORMAT},
        )
    places = document.get("places")
    if not isinstance(places, list):
        raise UserError('a places file needs a "places" list')
    if len(places) > MAX_PLACES_PER_FILE:
        raise UserError(
            "too many places in one file ({count}; at most {limit})",
            values={"count": len(places), "limit": f"{MAX_PLACES_PER_FILE:,}"},
        )
    return places


async def import_places(
    learning: LearningService, document: Any, *, now: dt.datetime, note: str
) -> PlaceImport:
    """Check and store the file's places; one reload at the end."""
    result = PlaceImport()
    for position, raw in enumerate(_entries(document), start=1):
        label = str(raw.get("name"))[:80] if isinstance(raw, dict) else f"#{position}"
        try:
            entry = _FilePlace.model_validate(raw)
            checked = await learning.check_place(
                entry.name,
                entry.lat,
                entry.lon,
                country=entry.country,
                admin1=entry.admin1,
                aliases=entry.aliases,
            )
            place = checked.model_copy(
                update={
                    "added_by": entry.added_by,
                    "added_at": _aware(entry.added_at) or now,
                    "incident_id": entry.incident_id,
                    "note": " ".join((entry.note or note).split())[:MAX_NOTE_CHARS],
                }
            )
            result.added.append(await learning.store_place(place))
        except ValidationError as exc:
            problem = exc.errors()[0]
            where = ".".join(str(part) for part in problem["loc"]) or "entry"
            result.skipped.append((label, f"{where}: {problem['msg']}"))
        except LearningError as exc:
            result.skipped.append((label, exc.message))
    if result.added:
        await learning.changed()
    return result


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=dt.UTC)
