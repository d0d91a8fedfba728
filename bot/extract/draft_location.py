"""Where a draft's place lies: its gazetteer entry as a ``Location``, moved by the offset the
text gives ("60 km north of Niamey"), in the governorate the moved point lies in.

A town's offset can carry the point out of the town's governorate ("120 km north of the
capital, Niamey" is in Tillaberi, not in Niamey): past a few kilometres, the governorate is the
one the nearest towns of the same country share around the moved point.
"""

from __future__ import annotations

from collections import Counter

from bot.domain.enums import GeoPrecision
from bot.domain.models import Location
from bot.extract.bearings import shifted
from bot.extract.drafts import IncidentDraft, PlaceRole
from bot.extract.gazetteer import Gazetteer, GazetteerEntry
from bot.extract.local_places import PlaceLocator

__all__ = ["DraftLocations"]

# Closer than this to its town a moved point stays in the town's governorate.
_OWN_GOVERNORATE_KM = 20.0
# Towns this near the moved point tell its governorate (the few nearest, of its country).
_NEIGHBOURS_KM = 40.0
_NEIGHBOURS = 5


class DraftLocations:
    """Resolves drafts' places against one gazetteer (its towns indexed on first need)."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self._gazetteer = gazetteer
        self._locator = PlaceLocator(gazetteer)

    def of(self, draft: IncidentDraft) -> Location | None:
        """The gazetteer location of the draft's place (its country when none is named)."""
        place = draft.place
        entry = self._entry(draft)
        if entry is None:
            return None
        if place is None:
            return entry.to_location(GeoPrecision.COUNTRY)
        precision = None
        if place.role is PlaceRole.NEAR and entry.kind == "place":
            precision = GeoPrecision.NEAR
        location = entry.to_location(precision)
        if place.offset_km and place.bearing is not None and location.lat is not None:
            lat, lon = shifted(location.lat, location.lon or 0.0, place.offset_km, place.bearing)
            location = location.model_copy(update={"lat": lat, "lon": lon})
            if place.offset_km > _OWN_GOVERNORATE_KM:
                location = self._in_governorate_around(location)
        if location.timezone is None and entry.parent_key:
            parent = self._gazetteer.get(entry.parent_key)
            if parent is not None:
                location = location.model_copy(update={"timezone": parent.timezone})
        return location

    def _in_governorate_around(self, location: Location) -> Location:
        """The location in the governorate most of the nearest towns of its country share."""
        if location.lat is None or location.lon is None:
            return location
        nearby = self._locator.nearest(
            location.lat, location.lon, within_km=_NEIGHBOURS_KM, limit=_NEIGHBOURS * 4
        )
        towns = [n.entry for n in nearby if n.entry.country == location.country][:_NEIGHBOURS]
        votes = Counter((t.admin1, t.admin1_code) for t in towns if t.admin1)
        if not votes:
            return location
        (admin1, code), count = votes.most_common(1)[0]
        if admin1 == location.admin1 or count * 2 <= len(towns):
            return location
        return location.model_copy(update={"admin1": admin1, "admin1_code": code})

    def _entry(self, draft: IncidentDraft) -> GazetteerEntry | None:
        place = draft.place
        if place is None or place.role is PlaceRole.COUNTRY:
            country = (place.country if place is not None else None) or draft.country
            return self._gazetteer.get(country) if country else None
        if place.key is not None:
            entry = self._gazetteer.get(place.key)
            if entry is not None:
                return entry
        found = self._gazetteer.lookup(place.text, country=place.country or draft.country)
        return found[0] if found else None
