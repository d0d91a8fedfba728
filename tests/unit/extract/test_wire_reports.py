"""What wire and web reports do that short test sentences do not: datelines in many styles,
other romanisations of place names, running tolls, claims, directions, districts and roads.

Every text here was written for these tests.
"""

from __future__ import annotations

import datetime as dt

import pytest

from bot.domain.enums import DatePrecision, EventType, GeoPrecision
from bot.extract.casualties import Statement, combine, find_figures, mentions_unknown
from bot.extract.evaluation import spellings_match
from bot.extract.gazetteer import Gazetteer
from bot.extract.normalize import translit_keys
from bot.extract.pipeline import RulesExtractor
from bot.extract.text import strip_dateline

PUBLISHED = dt.datetime(2023, 3, 14, 9, 0, tzinfo=dt.UTC)  # a Tuesday


def figures(text: str) -> list[tuple[str, int | None]]:
    return [(f.kind, f.min) for f in find_figures(text)]


class TestTransliterationKeys:
    @pytest.mark.parametrize(
        ("a", "b"),
        [
            ("muqdadiyah", "miqdadiya"),
            ("khanaqin", "khanakin"),
            ("qayyarah", "qayara"),
            ("tikrit", "tekrit"),
            ("kerbala", "karbala"),
            ("jabalia", "jabaliya"),
            ("jisr ash shughur", "jisr al shughur"),
            ("hajin", "hajeen"),
        ],
    )
    def test_spellings_of_one_name_share_a_key(self, a: str, b: str) -> None:
        assert set(translit_keys(a)) & set(translit_keys(b))

    @pytest.mark.parametrize(("a", "b"), [("basra", "bosra"), ("mosul", "amara")])
    def test_different_names_keep_different_keys(self, a: str, b: str) -> None:
        assert not set(translit_keys(a)) & set(translit_keys(b))

    def test_non_latin_text_has_no_key(self) -> None:
        assert translit_keys("البصرة") == ()
        assert translit_keys("route 66") == ()


class TestVariantSpellingsInText:
    def test_other_spelling_of_a_focus_town_is_found(self, engine: RulesExtractor) -> None:
        [incident] = engine.extract_text(
            "Gunmen killed two farmers near Miqdadiya in Diyala province on Sunday.", PUBLISHED
        )
        assert incident.location.name == "Muqdadiya"
        assert incident.location.admin1 == "Diyala"

    def test_variant_is_marked(self) -> None:
        gazetteer = Gazetteer.default()
        [mention] = [m for m in gazetteer.find_mentions("Clashes hit Baqoubah.") if m.variant]
        assert mention.candidates[0].name == "Baqubah"

    def test_given_name_before_a_family_name_is_no_place(self) -> None:
        gazetteer = Gazetteer.default()
        mentions = gazetteer.find_mentions("Hajeen al-Douri, a local official, spoke on Monday.")
        assert not [m for m in mentions if m.variant]

    def test_exact_names_are_not_matched_twice(self) -> None:
        gazetteer = Gazetteer.default()
        mentions = gazetteer.find_mentions("A bomb went off in Kirkuk.")
        assert [(m.surface, m.variant) for m in mentions] == [("Kirkuk", False)]


class TestDatelines:
    @pytest.mark.parametrize(
        ("text", "dateline", "rest"),
        [
            ("YAOUNDÉ — Soldiers fired on a crowd.", "YAOUNDÉ", "Soldiers fired on a crowd."),
            (
                "Shafaq News / KUT, Iraq, 2 May 2023 — Two clans fought.",
                "KUT, Iraq, 2 May 2023",
                "Two clans fought.",
            ),
            ("Goma, DR Congo (AFP) - Rebels shelled a camp.", "Goma, DR Congo (AFP)", None),
            ("May 3, 2024 (NYALA) – Shells hit a market.", "May 3, 2024 (NYALA)", None),
            ("3 May 2024 (KADUGLI) - Shells hit a market.", "3 May 2024 (KADUGLI)", None),
        ],
    )
    def test_dateline_forms(self, text: str, dateline: str, rest: str | None) -> None:
        found, remainder = strip_dateline(text)
        assert found == dateline
        if rest is not None:
            assert remainder == rest

    def test_accented_capital_dateline_is_not_the_event_place(
        self, engine: RulesExtractor
    ) -> None:
        text = (
            "YAOUNDÉ — Separatist fighters killed two gendarmes in an attack on a post in "
            "Bamenda on Saturday, the army said."
        )
        [incident] = engine.extract_text(text, PUBLISHED)
        assert incident.location.name == "Bamenda"

    def test_date_first_dateline_does_not_date_the_event(self, engine: RulesExtractor) -> None:
        text = (
            "March 14, 2023 (NYALA) – Shells fired by the RSF killed five people in Nyala "
            "yesterday, a local group said."
        )
        [incident] = engine.extract_text(text, PUBLISHED)
        assert incident.date == dt.date(2023, 3, 13)


class TestFiguresInReports:
    def test_put_the_toll_at(self) -> None:
        assert figures("A monitoring group put the death toll at seven.") == [("killed", 7)]

    def test_a_toll_that_is_an_undercount_gives_no_number(self) -> None:
        assert figures("a councillor said the official toll was an undercount") == []
        assert figures("the death toll was a dozen by nightfall") == [("killed", 12)]

    def test_the_number_of_a_long_named_force_killed_rose_to(self) -> None:
        found = find_figures(
            "The number of Border Security Force (BSF) personnel killed in the landmine blast "
            "near the river crossing rose to four on Friday, officials said."
        )
        assert [(f.kind, f.min) for f in found if f.update] == [("killed", 4)]

    def test_bringing_the_toll_to_is_an_update(self) -> None:
        found = find_figures("One of the wounded died later, bringing the toll to four.")
        assert [(f.kind, f.min) for f in found if f.update] == [("killed", 4)]

    def test_and_a_civilian_counts_one_more(self) -> None:
        assert figures("Fighters killed three policemen and a civilian.") == [("killed", 4)]
        assert figures("Fighters killed three policemen and a dog.") == [("killed", 3)]

    def test_one_person_described_at_length(self) -> None:
        assert figures("A boy selling bread nearby was wounded.") == [("injured", 1)]

    def test_running_total_in_a_later_part_does_not_hide_the_event(self) -> None:
        text = (
            "Gunmen shot dead a village chief on Monday, the latest of many killings that "
            "have shaken the area since 2019."
        )
        assert figures(text) == [("killed", 1)]

    def test_running_total_itself_is_no_figure(self) -> None:
        assert figures("Since June, bandits have killed 60 villagers in the district.") == []

    def test_a_claim_widens_the_range_and_is_not_added(self) -> None:
        texts = [
            "Twelve soldiers were killed in the assault, officers said.",
            "The group claimed that its fighters had killed 30 soldiers.",
        ]
        statements = [
            Statement(
                tuple(find_figures(t)),
                None,
                t,
                mentions_unknown(t),
                claim="claimed that" in t,
            )
            for t in texts
        ]
        count = combine(statements, "killed")
        assert (count.min, count.max) == (12, 30)

    def test_one_person_elaborates_an_earlier_count(self) -> None:
        texts = [
            "Attackers killed two guards and a civilian at the post.",
            "A teacher who lived next to the post was shot dead as he ran.",
        ]
        statements = [Statement(tuple(find_figures(t)), None, t) for t in texts]
        count = combine(statements, "killed")
        assert (count.min, count.max) == (3, 3)


class TestReportsEndToEnd:
    def test_conflict_wide_toll_is_not_added(self, engine: RulesExtractor) -> None:
        text = (
            "Separatists killed three soldiers in an ambush near Batibo in Cameroon on Sunday. "
            "Rights groups say more than 6,000 people have been killed in the conflict."
        )
        [incident] = engine.extract_text(text, PUBLISHED)
        assert (incident.killed.min, incident.killed.max) == (3, 3)

    def test_border_reference_is_no_incident(self, engine: RulesExtractor) -> None:
        text = (
            "Jihadists ambushed an army patrol near Ayorou in Niger on Sunday, killing ten "
            "soldiers. Ayorou lies close to the border with Mali."
        )
        incidents = engine.extract_text(text, PUBLISHED)
        assert [i.location.country for i in incidents] == ["NE"]

    def test_opened_fire_is_an_event(self, engine: RulesExtractor) -> None:
        text = "Men on motorbikes opened fire on a checkpoint in Hajin, Syria, on Sunday."
        [incident] = engine.extract_text(text, PUBLISHED)
        assert incident.event_type is EventType.BATTLES

    def test_village_in_a_district_refines_a_direction(self, engine: RulesExtractor) -> None:
        text = (
            "A roadside bomb hit an army patrol south of Kirkuk on Monday, killing two soldiers. "
            "The bomb went off on a farm road in the Daquq district, the army said."
        )
        [incident] = engine.extract_text(text, PUBLISHED)
        assert incident.location.name == "Daquq"

    def test_near_a_town_beats_the_district_seat(self, engine: RulesExtractor) -> None:
        text = (
            "Soldiers killed 12 villagers in a hamlet near Sokolo, in the Niono district of "
            "Mali, on Saturday, residents said."
        )
        [incident] = engine.extract_text(text, PUBLISHED)
        assert incident.location.name == "Sokolo"
        assert incident.location.geo_precision is GeoPrecision.NEAR

    def test_district_of_a_governorate(self, engine: RulesExtractor) -> None:
        text = (
            "Houthi fighters attacked army positions in the Harib district of southern Marib on "
            "Sunday, killing four soldiers."
        )
        [incident] = engine.extract_text(text, PUBLISHED)
        assert incident.location.name == "Harib"

    def test_hospital_and_highway_names_are_no_event_place(self, engine: RulesExtractor) -> None:
        text = (
            "Gunmen killed six travellers on the Quetta-Karachi highway near Kalat in "
            "Balochistan on Sunday. The wounded were taken to Quetta's civil hospital."
        )
        [incident] = engine.extract_text(text, PUBLISHED)
        assert incident.location.name == "Kalat"

    def test_the_day_a_toll_rose_is_not_the_event_day(self, engine: RulesExtractor) -> None:
        text = (
            "The death toll from a Russian strike on Kharkiv rose to nine on Tuesday. Russian "
            "forces hit the city with glide bombs on Monday afternoon."
        )
        [incident] = engine.extract_text(text, PUBLISHED)
        assert incident.date == dt.date(2023, 3, 13)
        assert incident.event_type is EventType.EXPLOSIONS

    def test_the_next_sentence_may_give_the_day(self, engine: RulesExtractor) -> None:
        text = (
            "Armed men killed five bus passengers near Kalat in Balochistan, officials said on "
            "Tuesday.\n\nAbout 20 men blocked the road late on Sunday, the officials said."
        )
        [incident] = engine.extract_text(text, PUBLISHED)
        assert incident.date == dt.date(2023, 3, 12)
        assert incident.date_precision is DatePrecision.DAY

    def test_firefighters_are_no_firefight(self, engine: RulesExtractor) -> None:
        text = "A missile strike destroyed a house in Kramatorsk on Monday; firefighters worked."
        [incident] = engine.extract_text(text, PUBLISHED)
        assert incident.event_type is EventType.EXPLOSIONS


class TestSpellingsMatch:
    @pytest.mark.parametrize(
        ("a", "b"), [("North-West", "Northwest"), ("Az Zāwiyah", "Zawiya"), ("Ninawa", "Ninawa")]
    )
    def test_same_name(self, a: str, b: str) -> None:
        assert spellings_match(a, b)

    def test_different_names(self) -> None:
        assert not spellings_match("Basra", "Maysan")
        assert not spellings_match("", "Basra")


class TestRanges:
    def test_between_two_numbers_is_a_range(self) -> None:
        [figure] = find_figures("Between 25 and 30 people were killed, a local official said.")
        assert (figure.min, figure.max) == (25, 30)

    def test_a_range_keeps_its_upper_end_in_the_count(self) -> None:
        text = "A local official put the number of dead at between 25 and 30."
        count = combine([Statement(tuple(find_figures(text)), "a local official", text)], "killed")
        assert (count.min, count.max) == (25, 30)

    def test_killings_during_a_round_up_are_no_arrests(self, engine: RulesExtractor) -> None:
        text = (
            "Soldiers rounded up dozens of men in Sokolo in Mali on Saturday and shot 14 of them "
            "dead, residents said."
        )
        [incident] = engine.extract_text(text, PUBLISHED)
        assert incident.event_type is EventType.VIOLENCE_AGAINST_CIVILIANS


class TestPackagedTransliterationIndex:
    def test_stored_index_matches_the_rules(self) -> None:
        """The build stores the transliteration index; it must be what the code computes
        (rebuild with ``make gazetteer`` after changing the rules or the word lists)."""
        gazetteer = Gazetteer.default()
        stored = gazetteer._translit_index()
        assert stored
        assert gazetteer._build_translit_index() == stored


class TestRegions:
    def test_region_of_a_governorate_and_held_areas(self, engine: RulesExtractor) -> None:
        text = (
            "Government forces shelled a village in the rebel-held Jabal al-Zawiya region of "
            "southern Idlib on Monday, killing four civilians. The shells hit homes in "
            "Kansafra, rescuers said. On Sunday, Russian jets struck near Jisr al-Shughur, "
            "killing one man."
        )
        incidents = engine.extract_text(text, PUBLISHED)
        assert incidents[0].location.name in {"Jabal al-Zawiya", "Kansafra"}
        assert incidents[0].date == dt.date(2023, 3, 13)
        assert incidents[0].killed.min == 4
        assert "Jisr al-Shughur" in {i.location.name for i in incidents[1:]}


class TestHospitalsAndSources:
    def test_bodies_brought_to_hospital_are_dead(self) -> None:
        assert figures("Nine bodies were brought to the hospital in Aden.") == [("killed", 9)]

    def test_a_list_of_hospital_towns_is_no_event_place(self, engine: RulesExtractor) -> None:
        text = (
            "Fighting near Shuqra in Abyan killed ten fighters on Sunday. A medical source in "
            "Abyan said 30 wounded men were taken to hospitals in Shuqra and Lawdar."
        )
        incidents = engine.extract_text(text, PUBLISHED)
        assert [i.location.name for i in incidents] == ["Shuqra"]
        assert incidents[0].injured.min == 30
