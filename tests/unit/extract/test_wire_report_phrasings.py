"""More of what wire and web reports do: follow-ups, asides, relatives, roads, breakdowns
of a toll, parts of a governorate and targeted killings.

Every text here was written for these tests.
"""

from __future__ import annotations

import datetime as dt

import pytest

from bot.domain.enums import EventType, GeoPrecision
from bot.extract.casualties import Statement, combine, find_figures
from bot.extract.gazetteer import Gazetteer
from bot.extract.pipeline import RulesExtractor
from bot.extract.text import strip_dateline
from tests.unit.extract.test_wire_reports import PUBLISHED, figures


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

    def test_what_a_side_says_of_its_strikes_is_no_incident(self, engine: RulesExtractor) -> None:
        text = (
            "An army jet bombed a village in Kanbalu township, Myanmar, on Sunday, killing six "
            "people. The junta has previously described its air strikes in Sagaing as "
            "operations against terrorists."
        )
        incidents = engine.extract_text(text, PUBLISHED)
        assert [i.location.name for i in incidents] == ["Kanbalu"]

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

    @pytest.mark.parametrize(
        ("later", "killed"),
        [
            ("Three guards died on the spot; one of the wounded died in hospital overnight.", 4),
            ("Three more soldiers died of their wounds on Monday.", 7),  # more than the lead
        ],
    )
    def test_a_death_from_wounds_completing_the_lead_s_toll_is_not_added_again(
        self, engine: RulesExtractor, later: str, killed: int
    ) -> None:
        # the lead was written after the death: "four" already holds the one who died later
        text = (
            "Insurgents killed four soldiers in an attack on a checkpoint near Tarmiyah on "
            "Sunday, officials said. " + later
        )
        [incident] = engine.extract_text(text, PUBLISHED)
        assert (incident.killed.min, incident.killed.max) == (killed, killed)

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


@pytest.mark.parametrize(
    "text",
    [
        "Suspected herders slaughtered 12 people in Bokkos, Plateau State, Nigeria, on Sunday.",
        "Twelve villagers were slaughtered in Bokkos, Plateau State, Nigeria, on Sunday.",
        "Armed men butchered 12 villagers in Bokkos, Plateau State, Nigeria, on Sunday.",
        "Attackers hacked 12 farmers to death in Bokkos, Plateau State, Nigeria, on Sunday.",
    ],
)
def test_killing_told_by_a_butcher_s_verb_is_an_attack_with_its_toll(
    engine: RulesExtractor, text: str
) -> None:
    [incident] = engine.extract_text(text, PUBLISHED)
    assert incident.event_type is EventType.VIOLENCE_AGAINST_CIVILIANS
    assert incident.killed.min == 12
    assert incident.location.name == "Bokkos"


def test_an_army_that_neutralised_fighters_fought_a_battle(engine: RulesExtractor) -> None:
    text = (
        "Troops neutralised 14 terrorists during a clearance operation near Bama, Borno State, "
        "Nigeria, on Monday, the army said."
    )
    [incident] = engine.extract_text(text, PUBLISHED)
    assert incident.event_type is EventType.BATTLES
    assert incident.killed.min == 14


def test_fighters_neutralised_in_an_air_strike_were_struck_from_the_air(
    engine: RulesExtractor,
) -> None:
    text = (
        "The army said it had neutralised 20 terrorists in an air strike near Djibo, "
        "Burkina Faso, on Sunday."
    )
    [incident] = engine.extract_text(text, PUBLISHED)
    assert incident.event_type is EventType.EXPLOSIONS


def test_members_of_a_family_are_civilians(engine: RulesExtractor) -> None:
    text = "Gunmen shot and killed four members of a family in Culiacan, Mexico, on Tuesday."
    [incident] = engine.extract_text(text, PUBLISHED)
    assert incident.event_type is EventType.VIOLENCE_AGAINST_CIVILIANS


def test_policemen_martyred_by_an_active_verb_are_counted(engine: RulesExtractor) -> None:
    text = (
        "Terrorists attacked a police station in Dera Ismail Khan, Pakistan, overnight, "
        "martyring three policemen."
    )
    [incident] = engine.extract_text(text, PUBLISHED)
    assert incident.killed.min == 3


def test_a_bomb_named_as_the_killer_is_an_explosion_and_keeps_its_own_day(
    engine: RulesExtractor,
) -> None:
    text = (
        "A bomb in Kandahar, Afghanistan, on Tuesday killed 12 people, a day after a similar "
        "attack in Herat killed nine."
    )
    incidents = [i for i in engine.extract_text(text, PUBLISHED) if not i.is_background]
    [kandahar] = [i for i in incidents if i.location.name == "Kandahar"]
    assert kandahar.event_type is EventType.EXPLOSIONS
    assert (kandahar.killed.min, kandahar.killed.max) == (12, 12)


def test_a_bomb_threat_is_no_explosion(engine: RulesExtractor) -> None:
    text = "A bomb threat forced the evacuation of a school in Kandahar, Afghanistan, on Tuesday."
    assert not [
        i for i in engine.extract_text(text, PUBLISHED) if i.event_type is EventType.EXPLOSIONS
    ]


@pytest.mark.parametrize("victim", ["priest", "imam", "village headman", "teacher"])
def test_one_named_by_his_calling_is_one_dead(engine: RulesExtractor, victim: str) -> None:
    text = (
        f"Jihadists torched a church and killed the {victim} in Seytenga, Burkina Faso, on Sunday."
    )
    [incident] = engine.extract_text(text, PUBLISHED)
    assert incident.killed.min == 1


def test_the_previous_night_is_the_night_before_the_report(engine: RulesExtractor) -> None:
    text = (
        "Five people were killed when gunmen attacked a village near Kaduna, Nigeria, the "
        "previous night, police said."
    )
    [incident] = engine.extract_text(text, PUBLISHED)
    assert incident.date == PUBLISHED.date() - dt.timedelta(days=1)
