"""Namesake towns: which of several same-named (or same-spelled) towns a report means."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from bot.extract.place_index import GazetteerEntry

__all__ = ["big_namesake", "in_the_report_s_province", "spelling_variants"]


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
