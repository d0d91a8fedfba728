"""An incident's group of clauses, and whether a place and a day fit it: the model the
segmenter (``segment``) builds and drafting reads."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from bot.domain.enums import DatePrecision
from bot.extract.date_order import better_date, days_meant
from bot.extract.dates import DateMention
from bot.extract.document import Clause, PlaceSpan
from bot.extract.merge import NEAR_KM, haversine_km
from bot.extract.place_anchors import same_area

__all__ = [
    "DIRECTION_KM",
    "JOIN_WINDOW",
    "Group",
    "attach",
    "fits",
    "may_refine",
    "more_specific",
    "other_toll",
    "refines",
]

# A clause may join any of the last this many incidents, and a draft go on with any of the last
# this many: real reports have a few dozen at most; hostile text naming thousands of places
# must not make each clause scan them all.
JOIN_WINDOW = 64

# "South of Kirkuk" may be a village this far away (reports give "35 km south of Kirkuk").
DIRECTION_KM = 80.0


@dataclass(slots=True)
class Group:
    """Clauses that describe one incident."""

    units: list[Clause] = field(default_factory=list)
    place: PlaceSpan | None = None
    date: DateMention | None = None
    background: bool = False
    lead: bool = False
    separate: bool = False  # introduced as "a separate incident": never folded into another
    # Kept as clauses are added, so each test is O(1) however long the group grows.
    counted: set[tuple[str, int]] = field(default_factory=set)  # (kind, number) of figures
    sentences: set[int] = field(default_factory=set)

    def add(self, unit: Clause) -> None:
        """Add a clause (and what it counts) without choosing the group's place or date."""
        self.units.append(unit)
        self.sentences.add(unit.sentence)
        self.counted.update((f.kind, f.min) for f in unit.figures if f.min is not None)


def attach(group: Group, unit: Clause) -> None:
    group.add(unit)
    place, date = unit.place, unit.date
    if place is not None and (group.place is None or more_specific(place, group.place)):
        group.place = place
    if date is not None and (group.date is None or better_date(date, group.date)):
        group.date = date


def more_specific(new: PlaceSpan, old: PlaceSpan) -> bool:
    rank_new, rank_old = new.entry.coarseness, old.entry.coarseness
    if rank_new != rank_old:
        return rank_new < rank_old
    if (
        new.entry.parent_key
        and new.entry.parent_key == old.entry.key
        and same_area(new.entry, old.entry)
    ):
        return True
    same = new.entry.key == old.entry.key  # "north of Baghdad", then "Baghdad": still outside
    return old.near and not new.near and ((same and not old.directional) or refines(old, new))


def fits(
    group: Group,
    place: PlaceSpan | None,
    date: DateMention | None,
    ref: dt.date,
    *,
    strict: bool = False,
    refine: bool = True,
) -> bool:
    if place is not None and group.place is not None:
        if not (
            same_area(place.entry, group.place.entry, strict=strict)
            or (not strict and refine and refines(group.place, place))
        ):
            return False
    elif strict and place is not None and group.place is None:
        return False
    if date is not None and group.date is not None:
        if date.anchor_offset is not None or group.date.anchor_offset is not None:
            return date.anchor_offset == group.date.anchor_offset
        if date.date is not None and group.date.date is not None:
            if date.earlier and not group.date.earlier and date.date < group.date.date:
                return date.reporting
            slack = 1 if date.fuzzy or group.date.fuzzy else 0  # "today" in a quote
            start_a, end_a = days_meant(date)
            start_b, end_b = days_meant(group.date)
            gap = max((start_a - end_b).days, (start_b - end_a).days)
            if gap > slack:
                # A reporting date never splits an incident off.
                return date.reporting or group.date.reporting
    elif (
        date is not None
        and date.date is not None
        and group.lead
        and group.date is None
        and (
            date.earlier
            or (date.precision is DatePrecision.DAY and abs((date.date - ref).days) > 7)
        )
    ):
        # The lead without a stated date happened around publication.
        return date.reporting
    return True


def other_toll(group: Group, unit: Clause) -> bool:
    """Whether a clause counts victims the group does not ("a sheikh was killed" after "eight
    were killed"; not a repeat of the toll): then it may be another event."""
    counted = group.counted
    own = {(f.kind, f.min) for f in unit.figures if f.min is not None}
    return bool(own) and not own <= counted


def may_refine(group: Group, unit: Clause) -> bool:
    """A clause with a toll of its own refines the group's direction only on the group's day."""
    day, group_day = unit.date, group.date
    same = day is not None and group_day is not None and day.date == group_day.date
    return same or not other_toll(group, unit)


def refines(a: PlaceSpan, b: PlaceSpan) -> bool:
    """Whether one place is a direction from a town ("south of Kirkuk") and the other a town
    of the same governorate within reach of it ("near Albu Shaban, in Daquq district")."""
    if a.near == b.near or a.entry.kind != "place" or b.entry.kind != "place":
        return False
    if a.entry.country != b.entry.country or a.entry.admin1_code != b.entry.admin1_code:
        return False
    distance = haversine_km(a.entry.lat, a.entry.lon, b.entry.lat, b.entry.lon)
    # "near Sokolo" is close by: a district seat 60 km away is no refinement, a town 20 km
    # away is ("near Cali", then "in Jamundi, just south of Cali")
    return distance <= (DIRECTION_KM if a.directional or b.directional else NEAR_KM)


def inside_district(place: PlaceSpan, district: PlaceSpan) -> bool:
    """ "an operation in North Waziristan district ... carried out in the area of Datta Khel":
    a town within reach of the district the group was placed by."""
    if not names_a_district(district) or place.entry.kind != "place":
        return False
    far = haversine_km(place.entry.lat, place.entry.lon, district.entry.lat, district.entry.lon)
    return far <= _DISTRICT_REACH_KM


# A town this near a district's own point may lie in it.
_DISTRICT_REACH_KM = 60.0


def names_a_district(span: PlaceSpan) -> bool:
    """ "the Niono district" (a district named after its town) or "Kech district" (one the
    gazetteer knows by that name)."""
    return (
        span.district or span.entry.coarseness == 1 or span.text.lower().endswith(_DISTRICT_WORDS)
    )


_DISTRICT_WORDS = (" district", " county", " lga", " territory", " tehsil", " township")
