"""Conflict hot spots outside the Middle East (bot/data/hotspots.json): towns and villages that
GeoNames' city lists lack, their other spellings, and ambiguous words kept out."""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path
from typing import Any

import pytest

from bot.domain.models import Location
from bot.extract.engine import RulesEngine
from bot.extract.gazetteer import Gazetteer

PUBLISHED = dt.datetime(2024, 5, 9, 9, 0, tzinfo=dt.UTC)
HOTSPOTS = Path(__file__).resolve().parents[3] / "bot" / "data" / "hotspots.json"


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.default()


@pytest.fixture(scope="module")
def table() -> list[dict[str, Any]]:
    places: list[dict[str, Any]] = json.loads(HOTSPOTS.read_text(encoding="utf-8"))["places"]
    return places


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(a))


def _location(engine: RulesEngine, text: str) -> Location:
    incidents = engine.extract(text, PUBLISHED)
    assert incidents, f"no incident in {text!r}"
    location = incidents[0].location
    assert location is not None, f"no location in {text!r}"
    return location


# (sentence written for the test, expected display name, admin1 code, lat, lon)
CASES = [
    # Pakistan
    ("Militants attacked a checkpoint in Mir Ali, North Waziristan, on Sunday, killing two"
     " soldiers.", "Mir Ali", "PK-KP", 32.98, 70.28),
    ("A drone strike hit a compound near Miramshah in North Waziristan on Sunday, killing four"
     " people.", "Miran Shah", "PK-KP", 33.00, 70.07),
    ("Gunmen ambushed a security convoy near Razmak in Pakistan's tribal belt on Sunday, killing"
     " three soldiers.", "Razmak", "PK-KP", 32.69, 69.83),
    ("Police said a bomb killed two officers in Chaudhwan, Dera Ismail Khan district, Pakistan,"
     " on Sunday.", "Chaudhwan", "PK-KP", 31.56, 70.30),
    ("Clashes between tribes in Sadda, Kurram district, killed six people on Sunday, Pakistani"
     " officials said.", "Sadda", "PK-KP", 33.70, 70.33),
    ("Separatists attacked a Frontier Corps camp in Mangochar, Kalat district, Balochistan, on"
     " Sunday, killing five soldiers.", "Mangochar", "PK-BA", 29.10, 66.60),
    ("Two men were shot dead in Lyari, Karachi, on Sunday, police said.",
     "Lyari", "PK-SD", 24.86, 67.00),
]  # fmt: skip


class TestHotSpotsResolve:
    @pytest.mark.parametrize(("text", "name", "admin1", "lat", "lon"), CASES)
    def test_sentence_resolves_to_the_place(
        self, engine: RulesEngine, text: str, name: str, admin1: str, lat: float, lon: float
    ) -> None:
        location = _location(engine, text)
        assert location.name == name
        assert location.admin1_code == admin1
        assert location.lat is not None
        assert location.lon is not None
        assert _km(location.lat, location.lon, lat, lon) <= 10.0


# (spelling variant, canonical spelling): both resolve to the same entry.
VARIANTS = [
    ("Miram Shah", "Miranshah"),
    ("Miran Shah", "Miranshah"),
    ("Mirali", "Mir Ali"),
    ("Chodhwan", "Chaudhwan"),
    ("Noshki", "Nushki"),
    ("Killa Abdullah", "Qila Abdullah"),
]


class TestSpellings:
    @pytest.mark.parametrize(("variant", "canonical"), VARIANTS)
    def test_variant_resolves_like_the_canonical_name(
        self, gaz: Gazetteer, variant: str, canonical: str
    ) -> None:
        found = gaz.lookup(variant)
        expected = gaz.lookup(canonical)
        assert found
        assert expected
        assert found[0].key == expected[0].key


# Sentences where a hot-spot name is an ordinary word or part of a person's name.
NOT_PLACES = [
    "The tank commander said the unit lost two vehicles in the attack on Sunday.",
]


class TestAmbiguousWords:
    @pytest.mark.parametrize("text", NOT_PLACES)
    def test_word_is_not_taken_as_a_place(self, engine: RulesEngine, text: str) -> None:
        incidents = engine.extract(text, PUBLISHED)
        for incident in incidents:
            assert incident.location is None or incident.location.country != "PK"


class TestTable:
    def test_keys_are_unique_and_prefixed_with_the_country(
        self, table: list[dict[str, Any]]
    ) -> None:
        keys = [p["key"] for p in table if "key" in p]
        assert len(keys) == len(set(keys))
        for place in table:
            if "key" in place:
                assert place["key"].startswith(place["country"].lower() + ":")

    def test_every_added_place_is_in_the_index_with_its_admin1(
        self, gaz: Gazetteer, table: list[dict[str, Any]]
    ) -> None:
        for place in table:
            if "key" not in place:
                continue
            entry = gaz.get(place["key"])
            assert entry is not None, place["key"]
            assert entry.country == place["country"]
            assert entry.admin1_code == place["admin1"]
            assert gaz.get(place["admin1"]) is not None, place["admin1"]

    def test_refinements_add_their_aliases(
        self, gaz: Gazetteer, table: list[dict[str, Any]]
    ) -> None:
        for place in table:
            if "gn" not in place:
                continue
            for alias in place["aliases"]:
                keys = [e.key for e in gaz.lookup(alias)]
                assert f"gn:{place['gn']}" in keys, alias
