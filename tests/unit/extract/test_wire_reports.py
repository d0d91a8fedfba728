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


class TestFollowUps:
    def test_origin_of_victims_is_no_event_place(self, engine: RulesExtractor) -> None:
        text = (
            "Gunmen stopped two buses near Kalat in Balochistan on Sunday and shot dead seven "
            "passengers, mostly labourers from Punjab, officials said."
        )
        incidents = engine.extract_text(text, PUBLISHED)
        assert [i.location.name for i in incidents] == ["Kalat"]

    def test_habits_of_sleeper_cells_are_no_incident(self, engine: RulesExtractor) -> None:
        text = (
            "Islamic State gunmen killed three shepherds near Tuz Khurmatu on Sunday. The "
            "group's sleeper cells still carry out attacks across Kirkuk and Diyala."
        )
        incidents = engine.extract_text(text, PUBLISHED)
        assert [i.location.name for i in incidents] == ["Tuz Khurmatu"]

    def test_a_later_death_from_wounds_is_the_same_incident(self, engine: RulesExtractor) -> None:
        text = (
            "A roadside bomb killed two soldiers near Tarmiyah on Sunday. A third soldier "
            "succumbed to his injuries in hospital on Monday."
        )
        [incident] = engine.extract_text(text, PUBLISHED)
        assert incident.date == dt.date(2023, 3, 12)

    def test_a_breakdown_of_the_toll_is_not_added(self, engine: RulesExtractor) -> None:
        text = (
            "A junta jet bombed a village in Kanbalu township, Myanmar, on Sunday, killing 13 "
            "civilians. Eleven people died at the scene and two more died of their wounds."
        )
        [incident] = engine.extract_text(text, PUBLISHED)
        assert (incident.killed.min, incident.killed.max) == (13, 13)

    def test_a_town_held_by_a_group_does_not_make_it_a_party(self, engine: RulesExtractor) -> None:
        text = (
            "A car bomb killed nine people in Azaz, a Syrian town held by Turkish-backed "
            "rebels, on Sunday."
        )
        [incident] = engine.extract_text(text, PUBLISHED)
        assert not [a for a in incident.actors if "turk" in a.id]


class TestDaysOfTheMonthAndRedescriptions:
    @pytest.mark.parametrize(
        "text",
        ["On March 20, three soldiers were killed.", "On 20 March, three soldiers were killed."],
    )
    def test_day_of_the_month_is_no_count(self, text: str) -> None:
        assert figures(text) == [("killed", 3)]

    def test_someone_elses_words_for_the_same_dead_are_not_added(self) -> None:
        texts = [
            "Four members of the brigade were killed in the attack.",
            '"Four of our brothers were martyred," a commander said.',
        ]
        statements = [Statement(tuple(find_figures(t)), None, t) for t in texts]
        count = combine(statements, "killed")
        assert (count.min, count.max) == (4, 4)


class TestSubsetsOfTheCounted:
    @pytest.mark.parametrize(
        "text",
        [
            "Relatives of one of the dead said he was a shepherd.",
            "Two of the wounded were flown to Erbil.",
        ],
    )
    def test_one_of_the_dead_is_no_toll(self, text: str) -> None:
        assert figures(text) == []

    def test_a_ministry_of_a_region_is_no_event_place(self, engine: RulesExtractor) -> None:
        text = (
            "Iranian drones hit a camp near Sulaymaniyah on Monday, killing one man. The "
            "Kurdistan Region's interior ministry put the number of wounded at five."
        )
        incidents = engine.extract_text(text, PUBLISHED)
        assert len(incidents) == 1
        assert incidents[0].injured.min == 5


class TestInsurgentRaids:
    def test_torched_houses_without_a_crowd_are_an_attack(self, engine: RulesExtractor) -> None:
        text = (
            "Insurgents beheaded three villagers and set fire to dozens of houses in Macomia, "
            "Mozambique, on Friday. Six people were killed in total, with two bodies found on "
            "Saturday morning, a local source said."
        )
        [incident] = engine.extract_text(text, PUBLISHED)
        assert incident.event_type is EventType.VIOLENCE_AGAINST_CIVILIANS
        assert incident.date == dt.date(2023, 3, 10)
        assert incident.killed.max == 6

    def test_a_conflict_toll_with_its_first_battle_is_no_incident(
        self, engine: RulesExtractor
    ) -> None:
        text = (
            "Insurgents killed four villagers in Macomia, Mozambique, on Friday. The "
            "insurgency, which began with an attack on Mocímboa da Praia in 2017, has killed "
            "more than 4,000 people."
        )
        incidents = engine.extract_text(text, PUBLISHED)
        assert [i.location.name for i in incidents] == ["Macomia"]

    def test_a_town_inside_a_longer_unknown_name_is_skipped(self) -> None:
        gazetteer = Gazetteer.default()
        assert gazetteer.find_mentions("Jets bombed Nyaung Kone village.") == []
        assert [m.surface for m in gazetteer.find_mentions("Gunmen stormed Bunia Prison.")] == [
            "Bunia"
        ]


class TestDirectionsAndOtherEvents:
    def test_a_counted_killing_elsewhere_is_not_a_refinement(self, engine: RulesExtractor) -> None:
        text = (
            "Eight people were killed in a tribal clash north of Amarah, Iraq, on Tuesday. "
            "Separately, a tribal sheikh was killed in front of his house in Qalat Salih."
        )
        incidents = engine.extract_text(text, PUBLISHED)
        assert len(incidents) == 2


class TestPatronsAndNames:
    def test_a_patron_named_before_linked_is_no_party(self, engine: RulesExtractor) -> None:
        text = (
            "The al-Qaeda-linked JNIM attacked an army post in Bourzanga, Burkina Faso, on "
            "Sunday, killing ten soldiers."
        )
        [incident] = engine.extract_text(text, PUBLISHED)
        assert "al-qaeda" not in [a.id for a in incident.actors]
        assert "jnim" in [a.id for a in incident.actors]

    def test_a_title_after_a_town_keeps_the_town(self) -> None:
        gazetteer = Gazetteer.default()
        text = "The police commander in Beledweyne Major Abdi Nur said nine were killed."
        assert [m.surface for m in gazetteer.find_mentions(text)] == ["Beledweyne"]

    def test_gold_names_with_a_bracketed_form(self, engine: RulesExtractor) -> None:
        from bot.extract.evaluation import engine_matchers

        registry = engine.pipeline.actors
        actor_matches, _ = engine_matchers(registry, engine.pipeline.gazetteer)
        [houthis] = registry.lookup("Houthis")
        assert actor_matches("Houthis (Ansar Allah)", houthis)
        assert not actor_matches("Hezbollah (Party of God)", houthis)


class TestSeizuresAndNegations:
    def test_seized_explosives_are_no_explosion(self, engine: RulesExtractor) -> None:
        text = (
            "Counter-terrorism forces raided a hideout in Badush, Iraq, on Sunday and arrested "
            "four suspects without clashes. Two explosive belts and three IEDs were seized."
        )
        [incident] = engine.extract_text(text, PUBLISHED)
        assert incident.event_type is EventType.STRATEGIC_DEVELOPMENTS

    def test_a_look_back_at_a_movements_dead_is_no_count(self, engine: RulesExtractor) -> None:
        text = (
            "Riot police fired tear gas at protesters in Amarah, Iraq, on Monday. Nearly 600 "
            "people were killed in the 2019 protests, and dozens of activists have since been "
            "abducted."
        )
        [incident] = engine.extract_text(text, PUBLISHED)
        assert incident.killed.min is None


class TestOnePersonForms:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("A source reported the death of a woman and the injury of two children.", 1),
            ("One villager who tried to resist was shot dead, he said.", 1),
            ('The militant, code-named "Zagros", was killed in a drone strike.', 1),
        ],
    )
    def test_one_killed(self, text: str, expected: int) -> None:
        assert ("killed", expected) in figures(text)

    def test_the_killing_that_started_it_is_no_toll(self) -> None:
        assert figures("The killing of a member of the tribe last month started it.") == []

    def test_the_same_toll_in_a_village_refines_a_direction(self, engine: RulesExtractor) -> None:
        text = (
            "A mortar attack on a village north-east of Baqubah killed a woman and wounded two "
            "children on Monday, a source said.\\n\\nThree shells fell on houses in the Abu Saida "
            "sub-district, killing one and injuring two."
        )
        [incident] = engine.extract_text(text, PUBLISHED)
        assert incident.location.name in {"Abu Saida", "Abu Sayda"}


class TestMoreDatelines:
    def test_double_hyphen_dateline(self) -> None:
        assert strip_dateline("SANAA, April 8 (Xinhua) -- At least four people died.") == (
            "SANAA, April 8 (Xinhua)",
            "At least four people died.",
        )

    def test_a_group_blamed_for_decades_of_deaths_is_no_incident(
        self, engine: RulesExtractor
    ) -> None:
        text = (
            "A drone strike killed a PKK commander in the Metina region of Duhok, Iraq, on "
            "Tuesday. In its campaign against Turkey, the PKK has been responsible for the "
            "deaths of more than 40,000 people."
        )
        incidents = engine.extract_text(text, PUBLISHED)
        assert [i.location.country for i in incidents] == ["IQ"]


class TestAsides:
    def test_the_sentence_after_an_aside_returns_to_the_event(
        self, engine: RulesExtractor
    ) -> None:
        text = (
            "A crowd in Bunia, Congo, beat and burned to death two men on Saturday, hours after "
            "militia fighters killed 14 people in a village in Djugu. A police officer who "
            "tried to intervene was injured."
        )
        incidents = engine.extract_text(text, PUBLISHED)
        lead = incidents[0]
        assert lead.location.name == "Bunia"
        assert (lead.killed.min, lead.injured.min) == (2, 1)
        assert any(i.location.name == "Djugu" and i.killed.min == 14 for i in incidents[1:])


class TestTellingDays:
    def test_the_day_someone_told_a_reporter_is_a_reporting_day(self) -> None:
        from bot.extract.dates import find_dates

        text = "A militia member in Konduga told our correspondent in Maiduguri on Saturday."
        [mention] = find_dates(text, dt.date(2023, 7, 16), day_first=True)
        assert mention.reporting


class TestRelatives:
    def test_wounded_his_son(self) -> None:
        text = "Gunmen shot dead a village chief and wounded his son in Tarmiyah late Sunday."
        assert figures(text) == [("killed", 1), ("injured", 1)]

    def test_killed_a_farmer_and_his_two_sons(self) -> None:
        assert figures("Gunmen killed a farmer and his two sons.") == [("killed", 3)]


class TestJailAttack:
    def test_police_and_an_attacker_add_up_and_rpgs_are_a_battle(
        self, engine: RulesExtractor
    ) -> None:
        text = (
            "Two policemen were killed and four others injured when militants attacked the "
            "Bannu jail in Pakistan with rocket-propelled grenades late on Monday. One attacker "
            "was killed in the exchange of fire, police said."
        )
        [incident] = engine.extract_text(text, PUBLISHED)
        assert incident.killed.min == 3
        assert incident.event_type is EventType.BATTLES


class TestWhoSaidIt:
    def test_the_place_of_the_person_giving_the_toll_is_no_event_place(
        self, engine: RulesExtractor
    ) -> None:
        text = (
            "M23 shells killed five civilians in Sake, Congo, on Wednesday. The toll rose to "
            "seven on Thursday, a civil society leader in Masisi territory said."
        )
        [incident] = engine.extract_text(text, PUBLISHED)
        assert incident.location.name == "Sake"
        assert incident.killed.max == 7

    def test_a_victim_in_a_town_keeps_the_town(self, engine: RulesExtractor) -> None:
        text = "Gunmen shot dead a former rebel commander in Tafas, Syria, on Monday."
        [incident] = engine.extract_text(text, PUBLISHED)
        assert incident.location.name == "Tafas"


class TestPerfectDeaths:
    def test_had_died(self) -> None:
        text = "An outlet close to the group said two of its members had died in the strike."
        assert figures(text) == [("killed", 2)]

    def test_have_killed_keeps_the_victim(self) -> None:
        assert figures("Two gunmen have killed a policeman.") == [("killed", 1)]


class TestRoads:
    def test_a_road_out_of_a_town_places_the_event_near_it(self, engine: RulesExtractor) -> None:
        text = (
            "A roadside bomb killed two soldiers on the Mogadishu-Afgooye highway in Somalia on "
            "Wednesday, officials said."
        )
        [incident] = engine.extract_text(text, PUBLISHED)
        assert incident.location.name == "Mogadishu"
        assert incident.location.geo_precision is GeoPrecision.NEAR


class TestCompanions:
    def test_a_long_role_and_a_companion(self) -> None:
        text = (
            "A member of the negotiations committee in the western countryside of Daraa was "
            "killed, and his companion was injured, after gunmen opened fire."
        )
        assert figures(text) == [("killed", 1), ("injured", 1)]

    def test_a_wounded_relative_is_one_of_the_counted(self) -> None:
        texts = [
            "A child was killed and four other people were injured by mortar fire.",
            "One round hit a house, killing a boy and wounding his mother.",
        ]
        statements = [Statement(tuple(find_figures(t)), None, t) for t in texts]
        count = combine(statements, "injured")
        assert (count.min, count.max) == (4, 4)


class TestLongTollPhrases:
    def test_a_toll_rising_after_an_appositive(self) -> None:
        text = (
            "The death toll from a car bomb attack on a livestock market in Beledweyne, the "
            "capital of Hiiraan region, has risen to 12, officials said."
        )
        [figure] = find_figures(text)
        assert (figure.kind, figure.min, figure.update) == ("killed", 12, True)

    def test_a_soldier_killed_per_the_other_side_adds_to_civilians(
        self, engine: RulesExtractor
    ) -> None:
        text = (
            "At least four civilians were killed in clashes in Spin Boldak, Afghanistan, on "
            "Saturday, officials said. Pakistani sources said one Pakistani soldier was killed "
            "and accused the Afghan forces of unprovoked firing."
        )
        [incident] = engine.extract_text(text, PUBLISHED)
        assert incident.killed.min == 5


class TestBreakdowns:
    def test_a_breakdown_of_the_dead_is_not_added_to_the_wounded(self) -> None:
        text = (
            "Three people were killed, two of them fighters and one of them a passer-by, and "
            "nine were wounded, a source said."
        )
        assert figures(text) == [("killed", 3), ("injured", 9)]

    def test_of_them_takes_the_group_named_before(self) -> None:
        [figure] = find_figures("Troops pursued the attackers and killed four of them.")
        assert (figure.min, figure.subject) == (4, "attackers")


class TestPartsOfAGovernorate:
    def test_northern_basra_is_the_governorate_and_a_district_refines_it(
        self, engine: RulesExtractor
    ) -> None:
        text = (
            "Six people were killed in a clash between two clans in northern Basra, Iraq, on "
            "Sunday. The fighting broke out in a village in the Qurna district over farmland."
        )
        [incident] = engine.extract_text(text, PUBLISHED)
        assert incident.location.name == "Qurna"

    def test_bani_alone_is_no_place(self) -> None:
        gazetteer = Gazetteer.default()
        assert gazetteer.find_mentions("Members of the Bani Malik tribe fought.") == []


class TestTargetedKillings:
    def test_an_activist_shot_dead_is_an_attack_not_a_protest(
        self, engine: RulesExtractor
    ) -> None:
        text = (
            "Gunmen on a motorcycle shot dead a civil society activist outside his home in "
            "Amarah, Iraq, on Sunday. He was one of the organisers of the 2019 protests."
        )
        [incident] = engine.extract_text(text, PUBLISHED)
        assert incident.event_type is EventType.VIOLENCE_AGAINST_CIVILIANS
