"""A place named right after another anchors it (issue 11, granularity).

"the village of Otradnoye near Belgorod", "Kaura in Zamfara State", "Dand district of
Kandahar", "Palma, a town in Cabo Delgado province": the second name says where the first
one lies. When the town the gazetteer chose for the first name is not there (another region's,
or another country's, town of that name), the text meant a look-alike: a candidate of the same
name that does lie there wins; when the gazetteer knows none, the first name places nothing
and the anchor places the event (near a town, or in the named province).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TypeAlias

from bot.extract.merge import NEAR_KM, haversine_km
from bot.extract.place_index import GazetteerEntry

__all__ = [
    "ANCHOR_KM",
    "anchor_all",
    "anchored_entry",
    "anchors",
    "look_alike",
    "possessed",
    "same_area",
]

# A town "near" another, or named with it, lies within this distance of it.
ANCHOR_KM = 120.0
# The words between a name and the name that anchors it (lower-cased): "X, Y", "X in Y",
# "X near Y", "X, near the city of Y", "X district of northern Y".
_ANCHOR_GAP = re.compile(
    r"(?:\s+(?P<unit>district|sub-?district|county|lga|local\s+government(?:\s+area)?|"
    r"municipality|village|town|area|region|province|state|governorate|oblast|"
    r"neighbou?rhood|quarter|suburb|camp))?"
    r"(?:\s*(?:,\s*|\s+)(?:(?P<word>in|near|outside|of|close\s+to|not\s+far\s+from)\s+)?|"
    # an apposition: "Palma, a coastal town in ...", "Kaura, a district of ..."
    r"\s*,\s*(?:a|an)\s+(?:[a-z'-]+\s+){0,2}?(?:town|village|city|district|area|community|"
    r"locality|settlement|hamlet|municipality|county|commune|suburb|neighbou?rhood)\s+"
    r"(?P<apposed>in|of|near|outside)\s+)"
    r"(?:the\s+)?(?:(?:city|town|village|province|state|region)\s+of\s+)?"
    r"(?:(?:northern|southern|eastern|western|central|north-?eastern|north-?western|"
    r"south-?eastern|south-?western)\s+)?"
    # "... in the northern part of Taiz", "on the eastern outskirts of"
    r"(?:(?:part|outskirts|edge|side|suburbs)\s+of\s+(?:the\s+)?(?:(?:city|town)\s+of\s+)?)?"
)
# Only these words let a town anchor another: "X, Y" and "X of Y" between two towns is more
# often a list or a name ("Mosul, Baghdad and Basra") than a position.
_TOWN_ANCHOR_WORDS = frozenset({"in", "near", "outside", "close to", "not far from"})
_CITY_PARTS = frozenset({"district", "neighbourhood", "neighborhood", "quarter", "suburb"})
# "Gaza City's Zeitoun neighbourhood", "Kirkuk's southern Domiz district": the name before
# the possessive says where the next one lies.
_POSSESSIVE_GAP = re.compile(
    r"['’]s\s+(?:(?:northern|southern|eastern|western|central|north-?eastern|north-?western|"
    r"south-?eastern|south-?western|old|new)\s+)?"
)
Span: TypeAlias = tuple[int, int, GazetteerEntry]  # (start, end, chosen entry) of a mention
# (start, end, candidates) of a mention, as the gazetteer found it
Mention: TypeAlias = tuple[int, int, Sequence[GazetteerEntry]]


def possessed(low: str, first_end: int, second_start: int) -> bool:
    """True when the first name owns the second ("Gaza City's Zeitoun")."""
    return _POSSESSIVE_GAP.fullmatch(low, first_end, second_start) is not None


def anchors(low: str, first_end: int, second_start: int, second: GazetteerEntry) -> bool:
    """True when the (lower-cased) words between two place names make the second one say where
    the first lies."""
    if second_start <= first_end or second_start - first_end > 60:
        return False
    match = _ANCHOR_GAP.fullmatch(low, first_end, second_start)
    if match is None:
        return False
    if second.kind != "place":
        return True
    word = match.group("word") or match.group("apposed")
    unit = match.group("unit") or low[max(0, first_end - 14) : first_end].rsplit(" ", 1)[-1]
    if word == "of" and unit in _CITY_PARTS:
        return True  # "the Dniprovskyi district of Kherson": a part of the city
    return word is not None and " ".join(word.split()) in _TOWN_ANCHOR_WORDS


def _lies_in(entry: GazetteerEntry, anchor: GazetteerEntry) -> bool:
    """True when ``entry`` lies where ``anchor`` says (its country, province or town)."""
    if entry.country != anchor.country:
        return False
    if anchor.kind == "country":
        return True
    if anchor.kind == "admin1":
        return entry.admin1_code is None or entry.admin1_code == anchor.admin1_code
    return haversine_km(entry.lat, entry.lon, anchor.lat, anchor.lon) <= ANCHOR_KM


def anchored_entry(
    chosen: GazetteerEntry,
    candidates: Sequence[GazetteerEntry],
    anchor: GazetteerEntry,
) -> GazetteerEntry | None:
    """The entry a name means given the place that anchors it: ``chosen`` when it lies there,
    else the first candidate that does, else None (a look-alike the gazetteer does not know).

    A province anchored by a country, or a town anchored by its own province, always lies
    there; a bigger unit is never anchored by a smaller one ("Kirkuk, near Hawija" keeps
    Kirkuk)."""
    if chosen.kind == "country" or (chosen.kind == "admin1" and anchor.kind != "country"):
        return chosen
    if _lies_in(chosen, anchor):
        return chosen
    for candidate in candidates:
        if candidate.kind == chosen.kind and _lies_in(candidate, anchor):
            return candidate
    return None


def look_alike(low: str, mentions: Sequence[Mention], index: int) -> GazetteerEntry | None:
    """The place the name after mention ``index`` of a (lower-cased) sentence says it lies in
    ("al-Mazraa in Sweida province", "Kaura, a town in Zamfara") when no town the gazetteer
    knows by that name lies there: a look-alike, which must not vote for its own country (the
    anchor's country is the one the sentence gives); else None."""
    if index + 1 >= len(mentions):
        return None
    _, end, candidates = mentions[index]
    after, _, anchor_candidates = mentions[index + 1]
    anchor = anchor_candidates[0]
    if candidates[0].kind != "place" or anchor.kind == "place":
        return None  # a town as anchor may be a look-alike itself ("Bourzanga, in Bam")
    if not anchors(low, end, after, anchor):
        return None
    places = [a for a in anchor_candidates if a.kind == anchor.kind]
    if any(_lies_in(c, a) for c in candidates if c.kind == "place" for a in places):
        return None
    return anchor


def anchor_all(
    low: str, spans: Sequence[Span], candidates: Sequence[Sequence[GazetteerEntry]]
) -> list[tuple[int, GazetteerEntry]]:
    """(index, entry) of the mentions that still place something once each is read where
    its anchor says: the name after it ("Otradnoye near Belgorod") or the name that owns it
    ("Gaza City's Zeitoun"); a look-alike the gazetteer does not know there is left out."""
    kept: list[tuple[int, GazetteerEntry]] = []
    regions: dict[int, GazetteerEntry] = {}
    for index, (start, end, entry) in enumerate(spans):
        entry = regions.get(index, entry)
        after = spans[index + 1] if index + 1 < len(spans) else None
        before = spans[index - 1] if index else None
        anchor: GazetteerEntry | None = None
        if after is not None and anchors(low, end, after[0], after[2]):
            anchor = after[2]
            region = (
                _its_province(entry, candidates[index + 1]) if anchor.kind == "place" else None
            )
            if region is not None:  # "Tame, in Arauca": the department, not the town
                anchor = regions[index + 1] = region
        elif before is not None and possessed(low, before[1], start):
            # "the Kurdistan Region's Soran district": a region may span provinces; only a
            # town or a country owning the name says where it lies
            anchor = before[2] if before[2].kind != "admin1" else None
        chosen = entry if anchor is None else anchored_entry(entry, candidates[index], anchor)
        if chosen is not None:
            kept.append((index, chosen))
    return kept


def _its_province(
    entry: GazetteerEntry, candidates: Sequence[GazetteerEntry]
) -> GazetteerEntry | None:
    """The province among a following name's readings that holds ``entry`` ("Tame, in Arauca":
    Arauca department, not Arauca town), or None."""
    if entry.kind != "place" or entry.admin1_code is None:
        return None
    return next(
        (
            c
            for c in candidates
            if c.kind == "admin1"
            and c.country == entry.country
            and c.admin1_code == entry.admin1_code
        ),
        None,
    )


def same_area(a: GazetteerEntry, b: GazetteerEntry, *, strict: bool = False) -> bool:
    """Whether two entries are one area: the same place, a place of a province or country
    named (unless ``strict``), or towns within ``NEAR_KM`` (a neighbourhood and its city)."""
    if a.key == b.key:
        return True
    if a.country != b.country:
        return False
    if "country" in (a.kind, b.kind):
        return not strict
    if a.kind == "admin1" or b.kind == "admin1":
        return a.admin1_code == b.admin1_code and not strict
    near = haversine_km(a.lat, a.lon, b.lat, b.lon) <= NEAR_KM
    if a.parent_key == b.key or b.parent_key == a.key:
        return near  # a neighbourhood of the city, not a town of its district
    return near and not strict
