"""A place named right after another says where the first lies (issue 11, granularity)."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.extract.pipeline import RulesExtractor
from bot.extract.place_anchors import anchored_entry, anchors, possessed

PUBLISHED = dt.datetime(2024, 5, 10, 12, 0, tzinfo=dt.UTC)


class TestWords:
    @pytest.mark.parametrize(
        ("text", "kind"),
        [
            ("Ivanivka near Izium", "place"),
            ("Ivanivka, near the city of Izium", "place"),
            ("Ivanivka in Donetsk", "admin1"),
            ("Ivanivka, Donetsk", "admin1"),
            ("Ivanivka district of northern Donetsk", "admin1"),
            ("Ivanivka, a frontline village in Donetsk", "admin1"),
            ("Ivanivka, a village near Izium", "place"),
            ("Ivanivka neighbourhood in the northern part of Donetsk", "admin1"),
            ("Ivanivka camp, near the western edge of Donetsk", "admin1"),
        ],
    )
    def test_anchoring_words(self, text: str, kind: str, engine: RulesExtractor) -> None:
        anchor = next(
            e
            for e in engine.pipeline.gazetteer.lookup(text.rsplit(maxsplit=1)[-1])
            if e.kind == kind
        )
        low = text.lower()
        assert anchors(low, len("Ivanivka"), low.rindex(" ") + 1, anchor)

    @pytest.mark.parametrize(
        "text",
        [
            "Ivanivka, Izium",
            "Ivanivka and Izium",
            "Ivanivka of Izium",
            "Ivanivka, a town of Izium",
        ],
    )
    def test_a_list_of_towns_is_no_anchor(self, text: str, engine: RulesExtractor) -> None:
        anchor = next(e for e in engine.pipeline.gazetteer.lookup("Izium") if e.kind == "place")
        low = text.lower()
        assert not anchors(low, len("Ivanivka"), low.rindex(" ") + 1, anchor)


class TestChoice:
    def test_the_candidate_inside_the_named_province_wins(self, engine: RulesExtractor) -> None:
        gazetteer = engine.pipeline.gazetteer
        candidates = gazetteer.lookup("Ivanivka")
        donetsk = next(e for e in gazetteer.lookup("Donetsk") if e.kind == "admin1")
        assert candidates[0].admin1 != "Donetsk"
        chosen = anchored_entry(candidates[0], candidates, donetsk)
        assert chosen is not None
        assert chosen.admin1 == "Donetsk"

    def test_no_candidate_there_places_nothing(self, engine: RulesExtractor) -> None:
        gazetteer = engine.pipeline.gazetteer
        [kaura] = gazetteer.lookup("Kaura")
        zamfara = next(e for e in gazetteer.lookup("Zamfara") if e.kind == "admin1")
        assert anchored_entry(kaura, [kaura], zamfara) is None

    def test_a_province_is_not_anchored_by_a_town(self, engine: RulesExtractor) -> None:
        gazetteer = engine.pipeline.gazetteer
        donetsk = next(e for e in gazetteer.lookup("Donetsk") if e.kind == "admin1")
        izium = next(e for e in gazetteer.lookup("Izium") if e.kind == "place")
        assert anchored_entry(donetsk, [donetsk], izium) is donetsk


class TestExtraction:
    def test_a_look_alike_far_from_its_anchor_gives_way_to_it(
        self, engine: RulesExtractor
    ) -> None:
        # The only Kaura the gazetteer knows is in Kaduna; the sentence puts this one in Zamfara.
        text = "Bandits stormed Kaura in Zamfara State on Tuesday, killing six farmers."
        [incident] = engine.extract_text(text, PUBLISHED)
        assert (incident.location.admin1, incident.location.geo_precision.value) == (
            "Zamfara",
            "admin1",
        )

    def test_an_unknown_village_near_a_town_is_placed_near_the_town(
        self, engine: RulesExtractor
    ) -> None:
        # Every Andriivka the gazetteer knows lies far from Kharkiv.
        text = "A drone hit the village of Andriivka near Kharkiv on Tuesday, killing two women."
        [incident] = engine.extract_text(text, PUBLISHED)
        assert (incident.location.name, incident.location.geo_precision.value) == (
            "Kharkiv",
            "near",
        )

    def test_the_look_alike_of_the_named_province_is_chosen(self, engine: RulesExtractor) -> None:
        text = "Shelling hit Ivanivka in Kherson province on Tuesday, killing three civilians."
        [incident] = engine.extract_text(text, PUBLISHED)
        assert (incident.location.name, incident.location.admin1) == ("Ivanivka", "Kherson")

    def test_a_town_in_its_own_province_is_kept(self, engine: RulesExtractor) -> None:
        text = "Gunmen killed four traders in Funtua, Katsina State, on Tuesday."
        [incident] = engine.extract_text(text, PUBLISHED)
        assert (incident.location.name, incident.location.admin1) == ("Funtua", "Katsina")


class TestApposition:
    def test_a_foreign_namesake_gives_way_to_the_province_in_the_apposition(
        self, engine: RulesExtractor
    ) -> None:
        text = (
            "Insurgents beheaded five farmers in Palma, a coastal town in Cabo Delgado "
            "province, on Tuesday, officials said."
        )
        incidents = engine.extract_text(text, PUBLISHED)
        assert [(i.location.country, i.location.admin1) for i in incidents] == [
            ("MZ", "Cabo Delgado")
        ]

    def test_the_apposed_state_picks_its_own_look_alike(self, engine: RulesExtractor) -> None:
        text = "Bandits killed six herders in Ivanivka, a village in Kherson province, on Tuesday."
        [incident] = engine.extract_text(text, PUBLISHED)
        assert (incident.location.name, incident.location.admin1) == ("Ivanivka", "Kherson")


class TestElsewhereInTheRegion:
    def test_a_village_in_the_region_is_the_governorate_not_the_city(
        self, engine: RulesExtractor
    ) -> None:
        text = (
            "A Russian missile hit a depot in Kharkiv on Thursday, killing four workers, the "
            "governor said.\n"
            "On Wednesday, a glide bomb struck a village in the region, wounding three people."
        )
        incidents = engine.extract_text(text, PUBLISHED)
        assert [(i.location.name, i.location.geo_precision.value) for i in incidents] == [
            ("Kharkiv", "point"),
            ("Kharkiv", "admin1"),
        ]

    def test_a_named_village_in_the_region_keeps_its_own_place(
        self, engine: RulesExtractor
    ) -> None:
        text = (
            "A Russian missile hit a depot in Kharkiv on Thursday, killing four workers.\n"
            "On Wednesday, a glide bomb struck Kupiansk, a town in the region, wounding three."
        )
        places = [i.location.name for i in engine.extract_text(text, PUBLISHED)]
        assert places[0] == "Kharkiv"
        assert "Kupiansk" in places[1]


class TestPossessive:
    def test_the_owner_of_a_possessive_places_the_name_after_it(self) -> None:
        low = "a shell hit mosul's old city and kirkuk's southern outskirts"
        assert possessed(low, low.index("'s"), low.index("old city"))
        assert not possessed(low, low.index(" old") + 4, low.index(" city"))

    def test_a_neighbourhood_that_is_a_town_abroad_leaves_its_city_to_place_it(
        self, engine: RulesExtractor
    ) -> None:
        # "Zeitoun" is also a Turkish village's alternate name; the text puts it in Gaza City.
        text = (
            "An air strike on a house in Gaza City's Zeitoun neighbourhood killed five "
            "people on Thursday, medics said."
        )
        (incident,) = engine.extract_text(text, PUBLISHED)
        assert incident.location.country == "PS"
        assert incident.killed.min == 5
