"""Local places over the packaged gazetteer: found in text inside their country only."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.domain import GeoPrecision
from bot.extract.gazetteer import Gazetteer
from bot.extract.local_places import (
    BIG_NAMESAKE_POPULATION,
    LocalGazetteer,
    LocalName,
    PlaceLocator,
)
from bot.extract.pipeline import build_rules_extractor

PUBLISHED = dt.datetime(2026, 3, 3, 9, 0, tzinfo=dt.UTC)
# An invented village in Nineveh (the packaged gazetteer has no such name).
QASRAWI = LocalName(
    key="local:7",
    name="Tell Qasrawi",
    aliases=("Qasrawi Hill", "تل قصراوي"),
    lat=36.21,
    lon=42.95,
    country="IQ",
    admin1="Nineveh",
    admin1_code="IQ-NI",
)
# Reports written for these tests (facts invented).
IN_IRAQ = (
    "A roadside bomb hit an army patrol in Tell Qasrawi, a village in northern Iraq, on Monday, "
    "killing two soldiers, officials said."
)
IN_SYRIA = (
    "A roadside bomb hit an army patrol in Tell Qasrawi near Aleppo in northern Syria on "
    "Monday, killing two soldiers, Syrian officials said."
)


@pytest.fixture(scope="module")
def base() -> Gazetteer:
    return Gazetteer.default()


@pytest.fixture(scope="module")
def local(base: Gazetteer) -> LocalGazetteer:
    return LocalGazetteer(base, [QASRAWI])


class TestLookups:
    def test_the_packaged_gazetteer_lacks_the_name(self, base: Gazetteer) -> None:
        assert base.lookup("Tell Qasrawi") == []

    def test_name_alias_and_key(self, local: LocalGazetteer) -> None:
        entry = local.lookup("tell qasrawi")[0]
        assert (entry.key, entry.country, entry.admin1_code) == ("local:7", "IQ", "IQ-NI")
        assert entry.timezone == "Asia/Baghdad"  # from its governorate
        assert local.lookup("Qasrawi Hill")[0].key == "local:7"
        assert local.get("local:7") == entry
        assert local.get("IQ-BA") == local.base.get("IQ-BA")
        assert len(local) == len(local.base) + 1

    def test_suggests_a_close_spelling(self, local: LocalGazetteer) -> None:
        assert local.suggest("Tel Qasrawi")[0].key == "local:7"

    def test_packaged_lookups_are_unchanged(self, local: LocalGazetteer) -> None:
        assert [e.key for e in local.lookup("Basra")] == [
            e.key for e in local.base.lookup("Basra")
        ]

    def test_rebuilding_from_a_local_gazetteer_starts_from_the_packaged_one(
        self, local: LocalGazetteer
    ) -> None:
        again = LocalGazetteer(local, [])
        assert again.base is local.base
        assert again.lookup("Tell Qasrawi") == []


class TestMentions:
    def test_found_in_running_text_as_a_country_bound_mention(self, local: LocalGazetteer) -> None:
        mentions = local.find_mentions("Gunmen attacked Tell Qasrawi at dawn.")
        found = [m for m in mentions if m.surface == "Tell Qasrawi"]
        assert len(found) == 1
        assert found[0].variant  # it never votes for a country; it needs its country named
        assert found[0].candidates[0].key == "local:7"

    def test_arabic_spelling_with_a_proclitic(self, local: LocalGazetteer) -> None:
        mentions = local.find_mentions("قصف مدفعي على وتل قصراوي في شمال العراق")
        assert [(m.surface, m.candidates[0].key) for m in mentions] == [
            ("تل قصراوي", "local:7"),
            ("العراق", "IQ"),
        ]

    def test_lower_case_words_are_not_the_name(self, local: LocalGazetteer) -> None:
        assert not any(
            m.candidates[0].key == "local:7"
            for m in local.find_mentions("they tell qasrawi stories")
        )

    def test_packaged_mentions_stay(self, local: LocalGazetteer) -> None:
        text = "Clashes in Basra and Tell Qasrawi."
        keys = [m.candidates[0].key for m in local.find_mentions(text)]
        assert keys[0] == local.base.find_mentions(text)[0].candidates[0].key
        assert keys[-1] == "local:7"

    def test_a_longer_local_name_replaces_the_packaged_one_inside_it(
        self, base: Gazetteer
    ) -> None:
        mosul = base.lookup("Mosul", country="IQ")[0]
        gate = LocalName("local:9", "Mosul Gate Camp", (), mosul.lat, mosul.lon, "IQ", None, None)
        mentions = LocalGazetteer(base, [gate]).find_mentions("A drone struck Mosul Gate Camp.")
        assert [(m.surface, m.candidates[0].key) for m in mentions] == [
            ("Mosul Gate Camp", "local:9")
        ]

    def test_same_name_as_a_small_packaged_town_ranks_first_in_its_own_country(
        self, base: Gazetteer
    ) -> None:
        rawa = base.lookup("Rawa", country="IQ")[0]  # 13,000 people
        namesake = LocalName("local:3", "Rawa", (), 33.9, 43.9, "IQ", None, None)
        mention = LocalGazetteer(base, [namesake]).find_mentions("Fighting in Rawa.")[0]
        assert [c.key for c in mention.candidates[:2]] == ["local:3", rawa.key]
        assert not mention.variant

    def test_never_before_a_big_namesake(self, base: Gazetteer) -> None:
        mosul = base.lookup("Mosul", country="IQ")[0]
        assert mosul.population >= BIG_NAMESAKE_POPULATION
        namesake = LocalName("local:3", "Mosul", (), 36.5, 43.5, "IQ", None, None)
        mention = LocalGazetteer(base, [namesake]).find_mentions("Fighting in Mosul.")[0]
        assert mention.candidates[0] == mosul
        assert "local:3" in [c.key for c in mention.candidates]


class TestExtraction:
    def test_extracted_at_the_local_place_in_an_article_about_its_country(
        self, local: LocalGazetteer
    ) -> None:
        extractor = build_rules_extractor(local)
        incidents = extractor.extract_text(IN_IRAQ, PUBLISHED)
        assert [i.location.key for i in incidents] == ["local:7"]
        location = incidents[0].location
        assert (location.name, location.country, location.admin1) == (
            "Tell Qasrawi",
            "IQ",
            "Nineveh",
        )
        assert location.geo_precision is GeoPrecision.POINT
        assert (location.lat, location.lon) == (36.21, 42.95)

    def test_never_places_an_article_about_another_country(self, local: LocalGazetteer) -> None:
        extractor = build_rules_extractor(local)
        incidents = extractor.extract_text(IN_SYRIA, PUBLISHED)
        assert incidents
        assert all(i.location.country == "SY" for i in incidents)
        assert all(i.location.key != "local:7" for i in incidents)

    def test_use_swaps_the_gazetteer_for_the_next_report(
        self, base: Gazetteer, local: LocalGazetteer
    ) -> None:
        extractor = build_rules_extractor(base)
        before = extractor.extract_text(IN_IRAQ, PUBLISHED)
        assert all(i.location.key != "local:7" for i in before)
        extractor.use(gazetteer=local)
        assert extractor.pipeline.gazetteer is local
        assert [i.location.key for i in extractor.extract_text(IN_IRAQ, PUBLISHED)] == ["local:7"]


class TestLocator:
    def test_nearest_towns_give_the_country_and_governorate(self, base: Gazetteer) -> None:
        nearby = PlaceLocator(base).nearest(36.21, 42.95, within_km=150)
        assert nearby
        assert nearby[0].entry.country == "IQ"
        assert nearby[0].entry.admin1_code == "IQ-NI"
        assert [n.km for n in nearby] == sorted(n.km for n in nearby)
        assert all(n.km <= 150 for n in nearby)

    @pytest.mark.parametrize(
        ("lat", "lon"),
        [(0.0, -30.0), (-60.0, 100.0), (999.0, 999.0), (91.0, 0.0), (0.0, 181.0)],
    )
    def test_no_town_at_sea_or_off_the_globe(
        self, base: Gazetteer, lat: float, lon: float
    ) -> None:
        assert PlaceLocator(base).nearest(lat, lon, within_km=150) == []

    def test_across_the_date_line(self, base: Gazetteer) -> None:
        # A point just east of 180 degrees finds Labasa (Fiji), just west of it.
        nearby = PlaceLocator(base).nearest(-16.6, -179.9, within_km=150)
        assert [n.entry.name for n in nearby] == ["Labasa"]
        assert nearby[0].entry.lon > 179
        assert 50 < nearby[0].km < 110
