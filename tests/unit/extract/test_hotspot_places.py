"""Conflict hot spots outside the Middle East (bot/data/hotspots.json): towns and villages that
GeoNames' city lists lack, their other spellings, and ambiguous words kept out."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.extract.gazetteer import Gazetteer
from bot.extract.merge import haversine_km
from bot.extract.pipeline import RulesExtractor
from tests.unit.extract.place_checks import assert_place, location_of

HOTSPOTS = Path(__file__).resolve().parents[3] / "bot" / "data" / "hotspots.json"


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.default()


@pytest.fixture(scope="module")
def table() -> list[dict[str, Any]]:
    places: list[dict[str, Any]] = json.loads(HOTSPOTS.read_text(encoding="utf-8"))["places"]
    return places


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
    ("Police said a bomb killed two people in the Tirah valley, Khyber district, on Sunday.",
     "Tirah", "PK-KP", 33.83, 70.95),
    # Afghanistan
    ("Gunmen shot dead three people in Dasht-e-Barchi, Kabul, on Sunday.",
     "Dasht-e-Barchi", "AF-KAB", 34.49, 69.10),
    ("An explosion in Dasht-e Barchi, in western Kabul, wounded four students on Sunday.",
     "Dasht-e-Barchi", "AF-KAB", 34.49, 69.10),
    ("Al-Shabaab fighters overran an army base in Bulo Burde, Hiiraan, Somalia, on Sunday,"
     " killing six soldiers.", "Bulo Burte", "SO-HI", 3.85, 45.57),
    ("Taliban forces clashed with resistance fighters in Rokha, Panjshir, on Sunday, killing"
     " three.",
     "Rukha", "AF.42", 35.23, 69.47),
    # Sahel and Lake Chad
    ("Gunmen killed five villagers in Gorgadji, in Burkina Faso's Sahel region, on Sunday.",
     "Gorgadji", "BF-12", 14.05, -0.52),
    ("Militants killed six people in Sima, Yatenga province, Burkina Faso, on Sunday.",
     "Sima", "BF-10", 13.88, -2.57),
    ("Jihadists attacked an army post in Banibangou, western Niger, on Sunday, killing seven"
     " soldiers.", "Bani Bangou", "NE-6", 15.04, 2.70),
    ("Gunmen killed 12 villagers in Diallassagou, central Mali, on Sunday.",
     "Diallassagou", "ML-5", 13.85, -3.55),
    ("Boko Haram fighters raided a fishing camp near Ngouboua in Chad's Lac province on Sunday,"
     " killing four.", "Ngouboua", "TD-LC", 13.45, 14.13),
    # Nigeria
    ("Bandits killed 12 people in Kucheri village, Tsafe LGA, Zamfara State, on Sunday.",
     "Kucheri", "NG-ZA", 11.90, 6.98),
    ("Boko Haram fighters attacked a military base in Baga, Borno State, on Sunday, killing"
     " five soldiers.", "Baga", "NG-BO", 13.11, 13.83),
    ("Boko Haram fighters killed nine farmers near Wajiroko in Borno State on Sunday.",
     "Wajiroko", "NG-BO", 11.30, 12.90),
    ("Herders attacked Yelwata in Benue State on Sunday, killing 20 villagers.",
     "Yelwata", "NG-BE", 7.87, 8.35),
    # Great Lakes, Horn, Sudan, Mozambique, Cameroon
    ("ADF rebels killed 20 civilians in Komanda, Ituri province, on Sunday.",
     "Komanda", "CD-IT", 1.37, 29.77),
    ("CODECO militiamen attacked a displacement camp at Plaine Savo, Djugu territory, Ituri,"
     " on Sunday, killing eight.", "Plaine Savo", "CD-IT", 1.82, 30.30),
    ("M23 rebels shelled Kitchanga in North Kivu on Sunday, killing three civilians.",
     "Kitshanga", "CD-NK", -1.39, 29.05),
    ("Al-Shabaab fighters attacked a base in Adan Yabaal, Middle Shabelle, Somalia, on"
     " Sunday, killing five soldiers.", "Adan Yabaal", "SO.13", 3.43, 46.08),
    ("Fano militiamen clashed with the army in Merawi, Amhara region, Ethiopia, on Sunday;"
     " 12 people were killed.", "Merawi", "ET-AM", 11.41, 37.16),
    ("RSF shelling hit the Abu Shouk camp in North Darfur, Sudan, on Sunday, killing six.",
     "Abu Shouk camp", "SD.55", 13.66, 25.33),
    ("Insurgents attacked Chai, Macomia district, in Mozambique's Cabo Delgado province on"
     " Sunday, killing three.", "Chai", "MZ-P", -11.95, 40.03),
    ("Boko Haram fighters killed four people in Kolofata, Far North region, Cameroon, on"
     " Sunday.", "Kolofata", "CM-EN", 11.17, 14.02),
    # Myanmar, Haiti, Colombia, Ukraine
    ("The Arakan Army seized Maungdaw in Myanmar's Rakhine State on Sunday after fighting"
     " that killed 10 soldiers.", "Maungdaw", "MM-16", 20.82, 92.37),
    ("Junta airstrikes killed eight civilians in Tabayin township, Sagaing region, Myanmar,"
     " on Sunday.", "Depayin", "MM-01", 22.93, 95.42),
    ("Gangs attacked Petite-Rivière-de-l'Artibonite on Sunday, killing 15 people, Haitian"
     " officials said.", "Petite-Rivière-de-l'Artibonite", "HT-AR", 19.13, -72.48),
    ("Gangs killed 10 people in Cité Soleil on Sunday, Haitian police said.",
     "Cité Soleil", "HT-OU", 18.58, -72.33),
    ("Russian troops attacked Ukrainian positions near Klishchiivka, south of Bakhmut, on"
     " Sunday, killing three soldiers.", "Klishchiivka", "UA-14", 48.52, 37.97),
    ("A drone strike killed two people in Robotyne, Zaporizhzhia region, Ukraine, on Sunday.",
     "Robotyne", "UA.26", 47.45, 35.83),
]  # fmt: skip


class TestHotSpotsResolve:
    @pytest.mark.parametrize(("text", "name", "admin1", "lat", "lon"), CASES)
    def test_sentence_resolves_to_the_place(
        self, engine: RulesExtractor, text: str, name: str, admin1: str, lat: float, lon: float
    ) -> None:
        assert_place(engine, text, (name, admin1, lat, lon))


# (spelling variant, canonical spelling): both resolve to the same entry.
VARIANTS = [
    ("Miram Shah", "Miranshah"),
    ("Miran Shah", "Miranshah"),
    ("Mirali", "Mir Ali"),
    ("Chodhwan", "Chaudhwan"),
    ("Noshki", "Nushki"),
    ("Killa Abdullah", "Qila Abdullah"),
    ("Aribinda", "Arbinda"),
    ("Kitchanga", "Kitshanga"),
    ("Tin Zaouatene", "Tinzaouaten"),
    ("Mallam Fatori", "Malam Fatori"),
    ("Tabayin", "Depayin"),
    ("Sandoway", "Thandwe"),
    ("Avdeevka", "Avdiivka"),
    ("D.I. Khan", "Dera Ismail Khan"),
    ("Kleshcheevka", "Klishchiivka"),
    ("Las Anod", "Lasanod"),
    ("Xuddur", "Hudur"),
    ("Petite Riviere de l'Artibonite", "Petite-Rivière-de-l'Artibonite"),
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
    ("The missile flew at Mach 5 before it hit a warehouse in Kharkiv on Sunday, killing two"
     " workers.", "Kharkiv"),
    ("Ann Clarke, a nurse in Mosul, said two patients died after the attack on Sunday.", "Mosul"),
    ("For the sake of security, police closed roads in Kano after gunmen killed two people on"
     " Sunday.", "Kano"),
    ("Gunmen killed two guards at a Zamzam water depot in Mogadishu on Sunday.", "Mogadishu"),
    ("Samira Ahmed said gunmen killed two shepherds near Kidal on Sunday.", "Kidal"),
    ("CODECO, a Lendu militia, killed six people in Djugu, Ituri, on Sunday.", "Djugu"),
    ("Insurgents attacked a checkpoint in the Dand-e-Shahabuddin area of Baghlan, Afghanistan,"
     " on Sunday, killing two.", "Baghlan"),
    ("Sima Samar said gunmen killed two aid workers in Kabul on Sunday.", "Kabul"),
    ("Bara traders said gunmen killed two people in Kano on Sunday.", "Kano"),
    ("Shewa Robit residents said fighting killed four people in the town on Sunday.",
     "Shewa Robit"),
]  # fmt: skip


class TestAmbiguousWords:
    @pytest.mark.parametrize(("text", "place"), NOT_PLACES)
    def test_word_is_not_taken_as_a_place(
        self, engine: RulesExtractor, text: str, place: str
    ) -> None:
        # The incident is placed at the real place the sentence names.
        assert location_of(engine, text).name == place

    def test_multi_word_forms_of_stoplisted_names_still_match(self, gaz: Gazetteer) -> None:
        text = "Two soldiers were killed in Mach, Bolan, and in Ann, Rakhine, on Sunday."
        found = {m.candidates[0].key for m in gaz.find_mentions(text)}
        assert {"gn:1171757", "gn:1328872"} <= found


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

    def test_every_added_place_lies_in_reach_of_its_admin1(
        self, gaz: Gazetteer, table: list[dict[str, Any]]
    ) -> None:
        # Catches swapped or mistyped coordinates (a sign lost puts a town on another
        # continent); the widest divisions (Balochistan, Kidal) span under 700 km from centre.
        for place in table:
            if "key" not in place:
                continue
            admin1 = gaz.get(place["admin1"])
            assert admin1 is not None
            distance = haversine_km(admin1.lat, admin1.lon, place["lat"], place["lon"])
            assert distance < 700.0, f"{place['key']} is {distance:.0f} km from its admin1"

    def test_refinements_add_their_aliases(
        self, gaz: Gazetteer, table: list[dict[str, Any]]
    ) -> None:
        for place in table:
            if "gn" not in place:
                continue
            for alias in place["aliases"]:
                keys = [e.key for e in gaz.lookup(alias)]
                assert f"gn:{place['gn']}" in keys, alias
