"""Namesake towns: which of several same-named towns in one country a report means."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from bot.extract.place_index import GazetteerEntry

__all__ = ["in_the_report_s_province"]


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
