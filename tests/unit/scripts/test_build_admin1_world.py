"""Tests for naming GeoNames admin1 codes and matching ISO 3166-2 codes (pure parts)."""

from __future__ import annotations

import json
from typing import Any

from scripts.build_admin1_world import (
    build_rows,
    display_name,
    iso_aliases,
    iso_code,
    name_codes,
    render,
)


def _city(cc: str, code: str, lat: float, lon: float) -> dict[str, Any]:
    return {"countrycode": cc, "admin1code": code, "latitude": lat, "longitude": lon}


class TestNameCodes:
    def test_majority_of_joined_cities_names_the_code(self) -> None:
        cities = [
            _city("NG", "57", 12.1, 6.2),
            _city("NG", "57", 12.2, 6.3),
            _city("NG", "57", 12.3, 6.4),
            _city("IQ", "02", 30.5, 47.8),  # hand-checked table: skipped
        ]
        rows = [
            {"country_code": "NG", "latitude": 12.1, "longitude": 6.2, "state": "Zamfara State"},
            {"country_code": "NG", "latitude": 12.2, "longitude": 6.3, "state": "Zamfara State"},
            {"country_code": "NG", "latitude": 12.3, "longitude": 6.4, "state": "Sokoto"},
            {"country_code": "IQ", "latitude": 30.5, "longitude": 47.8, "state": "Basra"},
        ]
        assert name_codes(cities, rows) == {("NG", "57"): "Zamfara State"}

    def test_ties_are_broken_alphabetically(self) -> None:
        cities = [_city("XX", "01", 1.0, 1.0), _city("XX", "01", 2.0, 2.0)]
        rows = [
            {"country_code": "XX", "latitude": 1.0, "longitude": 1.0, "state": "Beta"},
            {"country_code": "XX", "latitude": 2.0, "longitude": 2.0, "state": "Alpha"},
        ]
        assert name_codes(cities, rows) == {("XX", "01"): "Alpha"}


class TestIsoCode:
    def test_generic_words_are_ignored(self) -> None:
        subs = [("NG-ZA", "Zamfara"), ("NG-SO", "Sokoto")]
        assert iso_code("NG", "Zamfara State", subs) == "NG-ZA"

    def test_prefix_match(self) -> None:
        subs = [("UA-35", "Kirovohradska oblast"), ("UA-12", "Dnipropetrovska oblast")]
        assert iso_code("UA", "Kirovohrad", subs) == "UA-35"

    def test_no_match_gives_none(self) -> None:
        assert iso_code("NG", "Atlantis", [("NG-ZA", "Zamfara")]) is None


class TestRows:
    def test_display_names_drop_descriptors(self) -> None:
        assert display_name("Zamfara State") == "Zamfara"
        assert display_name("Ilam Province") == "Ilam"
        assert display_name("Sahel") == "Sahel"

    def test_shared_iso_codes_are_dropped_and_overrides_apply(self) -> None:
        names = {("CD", "01"): "Nord Kivu", ("XX", "01"): "North", ("XX", "02"): "North Region"}
        subs = {"CD": [("CD-NK", "Nord-Kivu")], "XX": [("XX-N", "North")]}
        rows = build_rows(names, subs)
        by_code = {(r["country"], r["geonames"]): r for r in rows}
        assert by_code[("CD", "01")]["name"] == "North Kivu"
        assert by_code[("CD", "01")]["iso"] == "CD-NK"
        assert "Nord Kivu" in by_code[("CD", "01")]["aliases"]
        assert by_code[("XX", "01")]["iso"] is None
        assert by_code[("XX", "02")]["iso"] is None

    def test_render_is_json_with_one_row_per_line(self) -> None:
        rows = build_rows({("NG", "57"): "Zamfara State"}, {"NG": [("NG-ZA", "Zamfara")]})
        text = render({"about": "x", "admin1": rows})
        assert json.loads(text)["admin1"] == rows
        assert len(text.splitlines()) == 6


class TestIsoRespellings:
    def test_the_iso_name_adds_its_spelling_of_the_division(self) -> None:
        rows = build_rows(
            {("KE", "05"): "Elegeyo-Marakwet"},
            {"KE": [("KE-05", "Elgeyo/Marakwet County"), ("KE-06", "Embu County")]},
        )
        assert rows[0]["iso"] == "KE-05"
        assert {"Elgeyo-Marakwet", "Elgeyo Marakwet"} <= set(rows[0]["aliases"])

    def test_a_shorter_or_different_name_is_not_added(self) -> None:
        # "Ouham" is another prefecture; "Amara" a town elsewhere: neither is a respelling.
        rows = build_rows(
            {("CF", "17"): "Ouham-Fafa", ("ET", "46"): "Amhara"},
            {"CF": [("CF-OF", "Ouham")], "ET": [("ET-AM", "Amara")]},
        )
        assert all(row["aliases"] == [] for row in rows)

    def test_slashes_and_descriptor_words_give_spellings(self) -> None:
        assert iso_aliases("Taita/Taveta County") >= {"Taita-Taveta", "Taita Taveta"}
