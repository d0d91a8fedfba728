"""Where a drafted incident took place: the group's place, read with what the rest of the report
says about it ("Kabaro lies about 40 km south-west of Gusau", "a hospital in Jos, 30 km east of
the village", "a village in the region" being somewhere else in the governorate). Used by
``drafting``."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from itertools import chain

from bot.extract.bearings import near_only_start, offset_between, offset_start, shifted
from bot.extract.document import Document, PlaceSpan
from bot.extract.drafts import PlaceDraft, PlaceRole
from bot.extract.groups import Group, names_a_district
from bot.extract.local_places import distance_km

__all__ = [
    "Defined",
    "Located",
    "draft_place",
    "settlements_located",
    "top_country",
    "where_defined",
]


# "a village in the region", "another town in the province": somewhere in the governorate of
# the place in hand, not that place itself.
_ELSEWHERE_IN_REGION_RE = re.compile(
    r"\b(?:a|an|another|one|two|three|several)\s+(?:\w+\s+)?(?:villages?|towns?|hamlets?|"
    r"settlements?|communit(?:y|ies)|districts?)\s+(?:in|of|across)\s+the\s+(?:same\s+)?"
    r"(?:region|province|state|governorate|oblast)\b",
    re.IGNORECASE,
)


def draft_place(group: Group, doc: Document, defined: Defined | None) -> PlaceDraft | None:
    place = group.place
    if defined is not None and (place is None or not place.offset):
        anchor, (far, towards), _ = defined
        if not _district_elsewhere(place, anchor, far):
            return PlaceDraft(text=anchor.text, role=PlaceRole.NEAR, country=anchor.entry.country,
                              key=anchor.entry.key, offset_km=far, bearing=towards)  # fmt: skip
    if place is None:
        return None
    entry = place.entry
    if (
        entry.kind == "place"
        and entry.admin1_code
        and all(u.place is None for u in group.units)
        and any(_ELSEWHERE_IN_REGION_RE.search(u.text) for u in group.units)
    ):
        # the place came from the event before; this one names only its governorate
        return PlaceDraft(text=entry.admin1 or place.text, country=entry.country,
                          key=entry.admin1_code)  # fmt: skip
    # "the village of X, about 15 km north of Djugu centre, in Djugu territory": the town's
    # offset told in the group places the event, whichever mention of the town was chosen
    own = place.offset or _offset_told(group, doc, entry.key, own_units_only=not place.near)
    if entry.kind != "place" or not (place.near or own):
        return PlaceDraft(text=place.text, country=entry.country, key=entry.key)
    km, bearing = own or (None, None)
    return PlaceDraft(text=place.text, role=PlaceRole.NEAR, country=entry.country,
                      key=entry.key, offset_km=km, bearing=bearing)  # fmt: skip


def _lands_in(district: PlaceSpan | None, span: PlaceSpan) -> bool:
    """Whether the point a town's offset gives lies within reach of a district's own town."""
    if district is None or span.offset is None:
        return False
    home = district.entry
    lat, lon = shifted(span.entry.lat, span.entry.lon, *span.offset)
    reach = _IN_DIVISION_KM if home.coarseness == 1 else _IN_DISTRICT_KM
    return distance_km(lat, lon, home.lat, home.lon) <= reach


def _district_elsewhere(place: PlaceSpan | None, anchor: PlaceSpan, far: float) -> bool:
    """ "Hamza, 20 km from Kirkuk, in the Daquq district": a village told only as near a town
    that lies outside the district the group names is placed by the district."""
    if place is None or not names_a_district(place) or far:
        return False
    home, town = place.entry, anchor.entry
    return distance_km(home.lat, home.lon, town.lat, town.lon) > _IN_DISTRICT_KM


# "Kabaro lies about 40 km south-west of Gusau": a settlement the text locates itself.
_LIES_BEFORE_RE = re.compile(
    r"(?P<name>[A-Z][\w'’-]+(?:[ -][A-Z][\w'’-]+)?)(?:\s+(?:village|town|hamlet|camp))?,?\s+"
    r"(?:which\s+)?(?:lies|is\s+located|is\s+situated|sits|is|an?\s+(?:[\w-]+\s+)?(?:village|"
    r"town|hamlet|settlement|community|locality)(?:\s+(?:located|situated|lying))?)?,?\s*"
    r"(?:about|some|around|roughly|nearly|approximately)?\s*$"
)

# How far before a town's name a sentence that locates a settlement from it may begin.
_LOCATING_CHARS = 160
# A settlement the text locates: its name, the town measured from, the offset, the sentence.
Located = tuple[str, PlaceSpan, tuple[float, float], str]
# Where a group's settlement lies: the town measured from, the offset, the sentence telling it.
Defined = tuple[PlaceSpan, tuple[float, float], str]


def _known(
    doc: Document, index: int, name: str, town: PlaceSpan, places: Sequence[PlaceSpan]
) -> bool:
    """Whether the gazetteer knows a settlement's name as a town of the country of the town it
    is measured from (in this clause or another: "Balcad, which lies 30 km north of Mogadishu")."""
    if any(name in p.text for p in places):
        return True
    sentence = doc.sentences[index]
    return any(
        sentence.text[start:end] == name
        and any(c.kind == "place" and c.country == town.entry.country for c in candidates)
        for start, end, candidates in sentence.places
    )


def settlements_located(doc: Document) -> list[Located]:
    """The settlements the report locates by a distance from a town the gazetteer knows
    ("Kabaro lies about 40 km south-west of Gusau"), read once per report."""
    found: list[Located] = []
    for clause in doc.clauses:
        for span in clause.places:
            if span.entry.kind != "place":
                continue
            if span.offset and span.measured:  # "Jos, 30 km east of the village"
                found.append((span.measured, span, span.offset, clause.sentence_text))
                continue
            at = clause.start + span.start
            before = clause.sentence_text[max(0, at - _LOCATING_CHARS) : at]
            # "Mapou lies about 12 km from Oicha": no direction, but near the town
            low = before.lower()
            start = offset_start(low) if span.offset else near_only_start(low)
            if start is None:
                continue
            match = _LIES_BEFORE_RE.search(before[:start])
            if match is None or _known(doc, clause.sentence, match["name"], span, clause.places):
                continue  # a place the gazetteer knows ("Babil, some 45 km south of") is placed
            found.append((match["name"], span, span.offset or (0.0, 0.0), clause.sentence_text))
    return found


def _located_elsewhere(group: Group, located: Sequence[Located]) -> Defined | None:
    """The town and offset a sentence gives for a settlement the group names ("an attack on
    Kabaro ..." and "Kabaro lies about 40 km south-west of Gusau"; "a hospital in Jos, 30 km
    east of the village" for a group telling of a village): the settlement's own point."""
    for name, span, offset, sentence in located:
        word = name.rsplit(" ", 1)[-1] if name.startswith("the ") else name  # "village"
        if any(word in unit.text for unit in group.units):
            return span, offset, sentence
    return None


def _town_measured_inside(group: Group, doc: Document) -> Defined | None:
    """ "Residents of a village in Segou region say ..." then "a column arrived at the village,
    about 40 km north-west of Niono": the next sentences measure the village from a town of
    that region, a point inside it nearer than the region's middle; failing a distance, a town
    of the region it lies near ("a village of 300 people near the city of Kupiansk")."""
    place = group.place
    first = min((u.sentence for u in group.units if not u.heading), default=None)
    district = place is not None and names_a_district(place) and not place.offset
    if first is None or (place is not None and place.entry.kind != "admin1" and not district):
        return None
    # A lead placed by no more than its country may take a distance too ("... killed 14
    # soldiers in northern Burkina. The convoy came under fire 30 km south of Djibo"); one
    # placed by a district, a distance that lands in it ("in the Shahrak area of Kech
    # district ... The area, about 25 km east of Turbat, ...").
    country = top_country(doc.context) if place is None else None
    region = (place.entry.admin1_code if district else place.entry.key) if place else None
    near: Defined | None = None
    # a division no town stands for may take the lead's own distance ("... killed 14 soldiers
    # on a convoy 30 km south of Djibo", then "the convoy in Soum province")
    since = first if place is not None and place.entry.coarseness == 1 else first + 1
    for clause in doc.clauses:
        if not since <= clause.sentence <= first + 2 or (
            clause.triggers and clause.sentence > first
        ):
            continue
        for span in clause.places:
            inside = span.entry.admin1_code == region if region else span.entry.country == country
            if span.entry.kind != "place" or not inside:
                continue
            if span.offset and (not district or _lands_in(place, span)):
                return span, span.offset, clause.sentence_text
            if district:
                continue
            if span.near and near is None and region:
                near = span, (0.0, 0.0), clause.sentence_text
    return near


# How far from a district's own town the point another town's offset gives may lie and still be
# read as inside that district.
_IN_DISTRICT_KM = 30.0
# The same for a division placed at the centre of its towns (a province, a territory): its
# towns lie farther from that centre than a district's from its seat.
_IN_DIVISION_KM = 100.0


def _measured_in_district(group: Group) -> Defined | None:
    """ "The base, about 40 km west of Mogadishu in Afgoye district, was attacked": a group
    placed by a district named after a town, with a distance from another town before it in
    the clause that lands in that district, lies at the measured point."""
    place = group.place
    if place is None or not place.district or place.offset:
        return None
    home = place.entry
    for unit in group.units:
        for span in unit.places:
            if not span.offset or span.measured or span.entry.key == home.key:
                continue
            if not any(p.entry.key == home.key and p.start > span.start for p in unit.places):
                continue  # "in the Tarmiyah district, 50 km north of the capital": the district
            lat, lon = shifted(span.entry.lat, span.entry.lon, *span.offset)
            if distance_km(lat, lon, home.lat, home.lon) <= _IN_DISTRICT_KM:
                # named by the district's town (its governorate, its subscribers), at the point
                return place, offset_between(home.lat, home.lon, lat, lon), unit.sentence_text
    return None


def _offset_told(
    group: Group, doc: Document, key: str, *, own_units_only: bool = False
) -> tuple[float, float] | None:
    """ "North of Oicha" in the headline, "15 km north of Oicha" in the lead: the distance and
    bearing from the town given in the group, or in a clause that tells no event of its own
    ("the village, 15 km north of Oicha, ...")."""
    others = () if own_units_only else (u for u in doc.clauses if not u.triggers)
    units = chain(group.units, others)
    return next((p.offset for u in units for p in u.places if p.offset and p.entry.key == key),
                None)  # fmt: skip


def where_defined(group: Group, doc: Document, located: Sequence[Located]) -> Defined | None:
    """The town, offset and sentence the report gives for the group's settlement, if any."""
    return (
        _located_elsewhere(group, located)
        or _town_measured_inside(group, doc)
        or _measured_in_district(group)
        or _midway(group, doc)
    )


# "on the road between Mogadishu and Afgoye", "between the towns of Dori and Seytenga".
_BETWEEN_BEFORE_RE = re.compile(r"\bbetween\s+(?:the\s+(?:towns?|cities|villages)\s+of\s+)?$")
_BETWEEN_AND_RE = re.compile(r"\s+and\s+(?:the\s+(?:town|city|village)\s+of\s+)?")
# Farther apart than this, "between X and Y" says little about where along the way it was.
_MIDWAY_MAX_KM = 120.0


def _midway(group: Group, doc: Document) -> Defined | None:
    """ "A bomb hit a bus on the road between Mogadishu and Afgoye": halfway between the two
    towns (when they are near enough for the middle to mean something), named by the first;
    the second is a road's far end, which places nothing by itself."""
    for unit in group.units:
        sentence = doc.sentences[unit.sentence]
        low = sentence.low
        for first in unit.places:
            start = unit.start + first.start
            end = start + len(first.text)
            if first.entry.kind != "place" or not _BETWEEN_BEFORE_RE.search(
                low, max(0, start - 40), start
            ):
                continue
            gap = _BETWEEN_AND_RE.match(low, end)
            other = next((c for s, _, cs in sentence.places if gap and s == gap.end()
                          for c in cs[:1] if c.kind == "place"), None)  # fmt: skip
            if other is None:
                continue
            km, bearing = offset_between(first.entry.lat, first.entry.lon, other.lat, other.lon)
            if 0 < km <= _MIDWAY_MAX_KM:
                return first, (km / 2, bearing), unit.sentence_text
    return None


def top_country(context: Counter[str]) -> str | None:
    """The country most of the article's names vote for, if any."""
    return context.most_common(1)[0][0] if context else None
