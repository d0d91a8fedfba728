"""What long feature pages and wire copy do to an extractor (issue 11; texts written for these
tests): an Indian wire's dateline, a paragraph of history opening with "In 2014", a group's
claim of dead and wounded together, officials speaking from a capital, a campaign's running
toll in vague hundreds, a village placed by distance in a clause of its own, "the count"."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.domain import GeoPrecision, Incident
from bot.domain.enums import SubEventType
from bot.extract.events import find_triggers
from bot.extract.pipeline import RulesExtractor
from bot.extract.text import parse_header, strip_dateline
from bot.extract.trust import would_alert

PUBLISHED = dt.datetime(2025, 9, 5, 9, 0, tzinfo=dt.UTC)  # a Friday


def _current(incidents: list[Incident]) -> list[Incident]:
    return [i for i in incidents if not i.is_background]


class TestWireDatelines:
    @pytest.mark.parametrize(
        ("text", "dateline"),
        [
            ("Raipur, Sep 4 (PTI) Nine Maoists were killed.", "Raipur, Sep 4 (PTI)"),
            ("NEW DELHI, September 4 (IANS): Gunmen fired.", "NEW DELHI, September 4 (IANS)"),
            ("Quetta, Jan 12 (APP) - A bomb went off.", "Quetta, Jan 12 (APP)"),
            ("Bogota, Mar 2 (EFE).- Rebels attacked a post.", "Bogota, Mar 2 (EFE)"),
            ("Kabul, Jul 9 (dpa) - A mine exploded.", "Kabul, Jul 9 (dpa)"),
        ],
    )
    def test_city_day_and_agency(self, text: str, dateline: str) -> None:
        found, rest = strip_dateline(text)
        assert found == dateline
        assert rest[0].isupper()

    @pytest.mark.parametrize(
        "text",
        ["Sinjar Resistance Units (YBS) said two fighters died.", "Gunmen, Sep 4 attack"],
    )
    def test_no_dateline(self, text: str) -> None:
        assert strip_dateline(text) == (None, text)

    def test_the_dateline_city_is_not_the_place(self, engine: RulesExtractor) -> None:
        text = (
            "Raipur, Sep 4 (PTI) Nine Maoists were killed in a gunfight with security forces "
            "in the forests of Chhattisgarh's Sukma district on Wednesday, police said."
        )
        [incident] = engine.extract_text(text, PUBLISHED)
        assert incident.location.name == "Sukma"
        assert incident.date == dt.date(2025, 9, 3)


class TestHistoryParagraphs:
    def test_a_sentence_opening_with_a_year_is_history(self, engine: RulesExtractor) -> None:
        text = (
            "A roadside bomb killed three soldiers near Rutba on Tuesday. In 2014 the militants "
            "overran Fallujah, Ramadi and Hit, killing hundreds of people."
        )
        incidents = engine.extract_text(text, PUBLISHED)
        [today] = _current(incidents)
        assert today.location.name == "Rutba"
        assert today.killed.max == 3


class TestCombinedCounts:
    @pytest.mark.parametrize(
        "claim",
        [
            "The group said it had killed and wounded 11 soldiers.",
            "The group said the blast left 11 soldiers dead or wounded.",
            "The group said 11 soldiers were killed or injured.",
        ],
    )
    def test_killed_and_wounded_together_is_neither_toll(
        self, claim: str, engine: RulesExtractor
    ) -> None:
        text = f"A roadside bomb killed three soldiers near Rutba on Tuesday. {claim}"
        [incident] = engine.extract_text(text, PUBLISHED)
        assert incident.killed.max == 3
        assert incident.injured.max is None

    def test_separate_figures_still_count(self, engine: RulesExtractor) -> None:
        text = "A roadside bomb killed three soldiers and wounded 11 others near Rutba on Tuesday."
        [incident] = engine.extract_text(text, PUBLISHED)
        assert (incident.killed.max, incident.injured.max) == (3, 11)


class TestSpeakersAndCampaigns:
    def test_officials_in_a_capital_speak_there(self, engine: RulesExtractor) -> None:
        text = (
            "Rebels killed 14 villagers near Beni in North Kivu province on Thursday, local "
            "officials said. Ugandan officials in Kampala say their joint operation has killed "
            "hundreds of rebel fighters since 2021."
        )
        incidents = _current(engine.extract_text(text, PUBLISHED))
        assert {i.location.country for i in incidents} == {"CD"}
        assert [i.killed.max for i in incidents] == [14]

    def test_a_campaign_s_hundreds_are_a_running_toll(self, engine: RulesExtractor) -> None:
        text = (
            "Rebels killed 14 villagers near Beni in North Kivu province on Thursday. The army "
            "says its operation has killed hundreds of rebel fighters."
        )
        [incident] = _current(engine.extract_text(text, PUBLISHED))
        assert incident.killed.max == 14


class TestPlacesAndCounts:
    def test_a_village_placed_by_distance_in_a_clause_of_its_own(
        self, engine: RulesExtractor
    ) -> None:
        text = (
            "Rebels raid village north of Oicha\n\n"
            "Rebels attacked a village north of Oicha in North Kivu province on Thursday night, "
            "killing 20 people, local officials said. The village, some 20 kilometres north of "
            "Oicha, was empty by Friday."
        )
        [incident] = _current(engine.extract_text(text, PUBLISHED))
        oicha = next(e for e in engine.pipeline.gazetteer.lookup("Oicha") if e.kind == "place")
        assert incident.location.geo_precision is GeoPrecision.NEAR
        assert incident.location.lat is not None
        assert incident.location.lat == pytest.approx(oicha.lat + 20 / 111.32, abs=0.01)

    def test_the_count_rose(self, engine: RulesExtractor) -> None:
        text = (
            "Rebels killed 12 people near Beni in North Kivu province on Wednesday. By Friday "
            "the count had risen to 19. The count of displaced families rose to 3,000."
        )
        [incident] = _current(engine.extract_text(text, PUBLISHED))
        assert incident.killed.max == 19


class TestStandfirstsAndGarrisons:
    def test_an_undated_standfirst_does_not_push_the_event_into_the_past(
        self, engine: RulesExtractor
    ) -> None:
        # Set J's analysis of a raid on a provincial capital (written for Sitrep): a section
        # label, a headline and a standfirst with no date come before the dated raid.
        path = Path(__file__).resolve().parents[2] / "fixtures" / "reports" / "j" / "1121.txt"
        headers, body = parse_header(path.read_text(encoding="utf-8"))
        published = dt.datetime(2026, 10, 7, 12, 0, tzinfo=dt.UTC)
        assert headers["published"] == "2026-10-07"
        incidents = engine.extract_text(body, published)
        [raid] = [i for i in incidents if i.location.name == "Diapaga"]
        assert raid.date == dt.date(2026, 10, 2)
        assert would_alert(raid, published.date())

    @pytest.mark.parametrize(
        "attack",
        [
            "struck the army's detachment and looted the market",
            "assaulted a military base",
            "stormed the gendarmerie's garrison",
        ],
    )
    def test_an_assault_on_a_garrison_is_a_clash(self, attack: str) -> None:
        kinds = {t.sub_event_type for t in find_triggers(f"jnim fighters {attack} on monday")}
        assert SubEventType.ARMED_CLASH in kinds


class TestNearThenNamed:
    def test_a_town_named_later_refines_near_a_city(self, engine: RulesExtractor) -> None:
        text = (
            "A drone attack on a police station near Medellín and clashes in the north made for "
            "a violent weekend in Colombia.\n\n"
            "On Sunday, drones carrying explosives struck the police station in Itagüí, a town "
            "just south of Medellín, killing two officers, police said."
        )
        incidents = _current(engine.extract_text(text, PUBLISHED))
        assert [i.location.name for i in incidents] == ["Itagüí"]

    def test_a_town_far_from_the_city_does_not(self, engine: RulesExtractor) -> None:
        text = (
            "Gunmen attacked a checkpoint near Medellín on Sunday, killing two soldiers. On "
            "Sunday night, a bomb killed a farmer in Yarumal, police said."
        )
        names = {i.location.name for i in _current(engine.extract_text(text, PUBLISHED))}
        assert names == {"Medellín", "Yarumal"}


class TestNamesThatAreNotPlacesOrDays:
    def test_a_mosque_named_after_a_town_elsewhere(self, engine: RulesExtractor) -> None:
        text = (
            "A suicide bomber struck the Imam Sahib mosque in Pul-e-Khumri, Baghlan province, "
            "during Friday prayers on 29 August, killing seven worshippers, police said."
        )
        [incident] = _current(engine.extract_text(text, PUBLISHED))
        assert incident.location.name.startswith("Pul")

    def test_a_town_s_own_mosque_is_placed(self, engine: RulesExtractor) -> None:
        text = (
            "A suicide bomber struck a Kunduz mosque on 29 August, killing seven worshippers, "
            "police said."
        )
        [incident] = _current(engine.extract_text(text, PUBLISHED))
        assert incident.location.name == "Kunduz"

    def test_a_weekday_given_name(self, engine: RulesExtractor) -> None:
        text = (
            "Gunmen killed 19 villagers in Bokkos in Plateau State on Tuesday night. The local "
            "council chairman, Monday Dakum, put the toll at 19."
        )
        [incident] = _current(engine.extract_text(text, PUBLISHED))
        assert incident.date == dt.date(2025, 9, 2)

    def test_where_a_statement_was_signed(self, engine: RulesExtractor) -> None:
        text = (
            "Gunmen killed 19 villagers in Bokkos in Plateau State on Tuesday night. The state "
            "police, in a statement signed by their spokesman in Jos, confirmed 15 deaths."
        )
        names = {i.location.name for i in _current(engine.extract_text(text, PUBLISHED))}
        assert names == {"Bokkos"}


class TestWhenTheAttackHappened:
    def test_a_scene_clause_dates_the_event(self, engine: RulesExtractor) -> None:
        text = (
            "Villagers in Bokkos, Plateau State, on Thursday buried 19 people killed in an "
            "overnight raid by gunmen. The attack happened on the night of Monday, 1 September, "
            "residents said."
        )
        [incident] = _current(engine.extract_text(text, PUBLISHED))
        assert incident.date == dt.date(2025, 9, 1)
        assert incident.killed.max == 19

    def test_two_earlier_events_in_one_sentence_are_not_added(
        self, engine: RulesExtractor
    ) -> None:
        text = (
            "Gunmen killed 19 villagers in Bokkos in Plateau State on Tuesday. The raid came a "
            "week after gunmen killed 40 people in Bokkos on 26 August, and more than a year "
            "after the 2023 attacks in Barkin Ladi, in which nearly 200 people were killed."
        )
        incidents = engine.extract_text(text, PUBLISHED)
        assert {i.killed.max for i in incidents} <= {19, 40, 200}
        assert [i.killed.max for i in _current(incidents)] == [19]
