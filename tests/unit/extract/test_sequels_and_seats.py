"""Later events of the day told after the main one, running totals over a span of years, and
the seat of an office (issue 11: "one event, one incident", concrete events only, place roles).

Every text here was written for these tests.
"""

from __future__ import annotations

import datetime as dt

import pytest

from bot.domain.enums import EventType
from bot.extract.casualties import find_figures
from bot.extract.follow_ups import opens_on_a_later_moment
from bot.extract.history import years_named
from bot.extract.pipeline import RulesExtractor, stated_day
from bot.extract.place_roles import mention_role, not_an_event_place

PUBLISHED = dt.datetime(2026, 2, 9, 10, 0, tzinfo=dt.UTC)  # a Monday


@pytest.mark.parametrize(
    ("opening", "later"),
    [
        ("Hours later, a bomb went off", True),
        ("About 12 hours later, on the ring road, gunmen", True),
        ("An hour later, a second blast", True),
        ("Less than two hours after, police", True),
        ("Twelve people were killed hours later", False),
        ("Hours earlier, a drone", False),
    ],
)
def test_a_clause_opening_on_a_later_moment(opening: str, later: bool) -> None:
    assert opens_on_a_later_moment(opening) is later


def test_a_span_of_years_is_history() -> None:
    assert years_named("more than 40 officers were killed between 2019 and 2025") == [2019]
    assert years_named("attacks rose during 2024, officials said") == [2024]


def test_an_office_based_in_a_city_is_no_scene() -> None:
    assert not_an_event_place("the prosecutor's office, based in the state capital ", " said")
    assert not_an_event_place("the commission, based in ", ", said")
    assert not not_an_event_place("gunmen opened fire on a bus in ", " on sunday")


class TestTwoAttacksOfADay:
    TEXT = (
        "Gunmen kill 5 in Irapuato cafe; hours later, 2 police officers shot dead in same city\n\n"
        "Armed men walked into a cafe in Irapuato before dawn on Sunday and opened fire on "
        "customers, killing five people and wounding three, prosecutors said. About ten hours "
        "later, on the other side of the city, gunmen ambushed a police patrol car at a "
        "traffic light, killing two officers, the city's police said. More than 50 police "
        "officers were killed in the state between 2019 and 2025, a rights group says."
    )

    def test_the_later_attack_is_its_own_incident(self, engine: RulesExtractor) -> None:
        incidents = engine.extract_text(self.TEXT, PUBLISHED)
        tolls = sorted((i.killed.min or 0, i.killed.max or 0) for i in incidents)
        assert tolls == [(2, 2), (5, 5)]

    def test_the_first_stays_an_attack_on_civilians(self, engine: RulesExtractor) -> None:
        incidents = engine.extract_text(self.TEXT, PUBLISHED)
        cafe = next(i for i in incidents if i.killed.min == 5)
        assert cafe.event_type is EventType.VIOLENCE_AGAINST_CIVILIANS
        assert cafe.date == dt.date(2026, 2, 8)


def test_the_police_command_of_a_province_is_where_the_speaker_sits() -> None:
    before = "a spokesman of the police command of "
    assert not_an_event_place(before, " told reporters that seven were killed")
    assert not_an_event_place("the army headquarters in ", " said the toll rose")


def test_an_undated_report_is_read_from_the_date_it_states_else_from_its_receipt() -> None:
    dateline = "MOSUL, 3 March 2024 (Wire) - Gunmen killed two farmers on Saturday."
    assert stated_day(dateline) == dt.datetime(2024, 3, 3, 12, tzinfo=dt.UTC)
    assert stated_day("Gunmen killed two farmers on Saturday.") is None


def test_an_ordinal_death_gives_the_toll_so_far() -> None:
    found = [(f.kind, f.min, f.update) for f in find_figures("a third shepherd has died")]
    assert found == [("killed", 3, True)]
    assert find_figures("it was the second time the road was closed") == []


def test_what_came_after_a_later_death_is_the_news(engine: RulesExtractor) -> None:
    # The sentence's own clause tells no event: the attack it came "two days after" is the
    # lead, dated two days before the day the death was announced.
    text = (
        "A third shepherd has died of his wounds, a doctor in Kirkuk said on Sunday, two days "
        "after gunmen opened fire on a flock near Hawija. Two men were killed at the scene."
    )
    incidents = [i for i in engine.extract_text(text, PUBLISHED) if not i.is_background]
    assert [(i.killed.min, i.date) for i in incidents] == [(3, dt.date(2026, 2, 6))]


def test_a_tally_of_many_attacks_is_no_incident_unless_it_counts_victims(
    engine: RulesExtractor,
) -> None:
    tally = (
        "Artillery hit frontline villages in the Kherson region 57 times on Sunday, officials "
        "said."
    )
    assert engine.extract_text(tally, PUBLISHED) == []
    hurt = "Artillery hit the town of Nikopol 12 times on Sunday, wounding three people."
    [incident] = engine.extract_text(hurt, PUBLISHED)
    assert incident.injured.min == 3


@pytest.mark.parametrize("verb", ["called", "blamed", "urged", "described"])
def test_a_name_that_speaks_is_a_person_not_a_place(verb: str) -> None:
    assert mention_role("governor libia dennise ", f" {verb} the attacks cowardly") == "person"
    assert mention_role("gunmen attacked a bus in ", f" on monday; police {verb}") is None


@pytest.mark.parametrize(
    "before",
    [
        "the gunmen burnt the market before withdrawing toward the hills of ",
        "the raiders were last seen fleeing towards ",
        "eight wounded are being treated at the regional hospital centre (chr) of ",
    ],
)
def test_where_attackers_went_or_the_wounded_lie_is_no_scene(before: str) -> None:
    assert not_an_event_place(before, " on Sunday, officials said.")
