"""Second-level divisions in the gazetteer index (``bot/data/admin2_world.json``, made by
``scripts/build_admin2.py``): a district, province, LGA or territory that no town of its name
stands for ("the Arghandab district", "Northern Samar", "Guma LGA").

A division becomes a place entry keyed ``a2:<country>.<admin1 code>:<name>``, at the centre of
its towns, which the extractor reports at district precision. One named after a town of its
governorate or within reach (the seat "Masisi" of Masisi territory) or after its governorate is
left out: the town or the governorate already answers to the name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from bot.extract.local_places import distance_km
from bot.extract.normalize import match_key
from bot.extract.place_index import ADMIN2_KEY_PREFIX

__all__ = ["ADMIN2_PREFIX", "REACH_KM", "add_admin2"]

ADMIN2_PREFIX = ADMIN2_KEY_PREFIX
# A town of the division's name within this distance of the division's centre stands for it.
REACH_KM = 60.0


class _Builder(Protocol):
    entries: dict[str, list[Any]]
    names: dict[str, dict[str, bool]]

    def add_entry(self, row: list[Any], rank_pop: int | None = None) -> None: ...

    def add_name(self, entry_key: str, name: str, *, primary: bool) -> None: ...


def _answered(builder: _Builder, row: Mapping[str, Any], admin1_key: str | None) -> bool:
    """Whether a town of its governorate or within reach, or the governorate itself, has its
    name (a district is most often named after its seat)."""
    for name in (row["name"], *row.get("aliases", ())):
        for key in builder.names.get(match_key(name), {}):
            entry = builder.entries[key]
            if entry[3] != row["country"] or key.startswith(ADMIN2_PREFIX):
                continue
            if entry[1] == "admin1" and entry[0] == admin1_key:
                return True
            if entry[1] != "place":
                continue
            if (admin1_key and entry[4] == admin1_key) or distance_km(
                entry[5], entry[6], row["lat"], row["lon"]
            ) <= REACH_KM:
                return True
    return False


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", match_key(name)).strip("-")


def add_admin2(
    builder: _Builder,
    rows: Iterable[Mapping[str, Any]],
    *,
    gn_admin1: Mapping[tuple[str, str], str],
    cities: Mapping[str, Mapping[str, Any]],
) -> int:
    """Add the divisions no town or governorate answers for; returns how many were added."""
    added = 0
    for row in rows:
        country = str(row["country"])
        admin1_key = gn_admin1.get((country, str(row["geonames_admin1"])))
        if _answered(builder, row, admin1_key):
            continue
        key = f"{ADMIN2_PREFIX}{country}.{row['geonames_admin1']}:{_slug(row['name'])}"
        if key in builder.entries:
            continue  # two divisions of one name in one governorate: the first (sorted) stays
        seat = cities.get(str(row["seat"]))
        seat_population = int(seat.get("population") or 0) if seat else 0
        builder.add_entry(
            [
                key, "place", row["name"], country, admin1_key, row["lat"], row["lon"],
                int(row["population"]), seat["timezone"] if seat else None, None,
            ],
            # Like a governorate: a town of the same name as large as the seat comes first.
            rank_pop=seat_population // 2,
        )  # fmt: skip
        for name in (row["name"], *row.get("aliases", ())):
            builder.add_name(key, name, primary=True)
        added += 1
    return added
