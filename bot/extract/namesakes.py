"""Namesake towns: which of several same-named (or same-spelled) towns a report means."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from bot.extract.bearings import shifted
from bot.extract.merge import haversine_km
from bot.extract.normalize import match_key, strip_article
from bot.extract.place_index import GazetteerEntry

__all__ = [
    "big_namesake",
    "country_by_name",
    "in_the_report_s_province",
    "measured_elsewhere",
    "spelling_variants",
]

# How far beyond half the distance told a town may lie from the point the text measures for
# it before it is read as a namesake (bearings and distances in reports are approximate).
_NAMESAKE_KM = 40.0
# "Kyaukpyu village, about 12 miles west of Shwebo": the words between a name and the town its
# distance is told from.
_APPOSITION_CHARS = 60


def measured_elsewhere(
    spans: Sequence[tuple[GazetteerEntry, int, tuple[float, float] | None, bool]],
) -> set[int]:
    """Indices of the towns that the next mention measures far from where the gazetteer has
    them ("Kyaukpyu village, about 12 miles west of Shwebo", when the only Kyaukpyu it knows
    lies 400 km away): a namesake of a village it lacks. Each span is (entry, start, offset
    from it, whether that offset points back at the event's place)."""
    far: set[int] = set()
    for index in range(len(spans) - 1):
        entry, start, own, _ = spans[index]
        anchor, at, offset, measured = spans[index + 1]
        if own is not None or offset is None or measured or at - start > _APPOSITION_CHARS:
            continue
        if entry.kind != "place" or anchor.kind != "place" or entry.key == anchor.key:
            continue
        lat, lon = shifted(anchor.lat, anchor.lon, *offset)
        if haversine_km(entry.lat, entry.lon, lat, lon) > _NAMESAKE_KM + offset[0] / 2:
            far.add(index)
    return far


def in_the_report_s_province(
    entry: GazetteerEntry | None, candidates: Sequence[GazetteerEntry], provinces: Counter[str]
) -> GazetteerEntry | None:
    """The chosen town, or its namesake in the same country when the report's other places
    lie in that namesake's province more than in the chosen one's."""
    if entry is None or entry.kind != "place" or not provinces:
        return entry
    namesakes = [
        c
        for c in candidates
        if c.kind == "place" and c.country == entry.country and c.admin1_code != entry.admin1_code
    ]
    if not namesakes:
        return entry
    best = max(namesakes, key=lambda c: provinces.get(c.admin1_code or "", 0))
    if provinces.get(best.admin1_code or "", 0) > provinces.get(entry.admin1_code or "", 0):
        return best
    return entry


def spelling_variants(
    candidates: tuple[GazetteerEntry, ...],
    context: Counter[str],
    beside: frozenset[str],
    *,
    region: bool,
) -> tuple[GazetteerEntry, ...]:
    """Another spelling of a known name: only in the article's own country, or in a country
    the same sentence places something else in (``beside``: "the Banibangou department of the
    Tillaberi region"), or a province the text calls one ("the Hiraan region") when only one
    country has a province of that spelling."""
    top = max(context.values(), default=0)
    kept = tuple(
        c for c in candidates if (top and context.get(c.country, 0) == top) or c.country in beside
    )
    if kept or not region:
        return kept
    provinces = tuple(c for c in candidates if c.kind == "admin1")
    return provinces if len({c.country for c in provinces}) == 1 else ()


def big_namesake(
    chosen: GazetteerEntry, candidates: Sequence[GazetteerEntry], population: int
) -> bool:
    """Whether a town of at least ``population`` in ``chosen``'s country has the name too."""
    return any(
        c.kind == "place" and c.country == chosen.country and c.population >= population
        for c in candidates
    )


def country_by_name(surface: str, candidates: Sequence[GazetteerEntry]) -> GazetteerEntry | None:
    """The country a mention names by its own name, when the other readings are towns
    (another name of a town abroad: GeoNames lists "Iraq" for an Iranian city)."""
    top = candidates[0]
    if top.kind != "country" or any(c.kind == "admin1" for c in candidates[1:]):
        return None
    return top if match_key(strip_article(surface)) == match_key(top.name) else None
