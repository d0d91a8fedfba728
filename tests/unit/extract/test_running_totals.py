"""Running totals in any tense never become, or add to, today's toll (issue 11, mechanism 3)."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.extract.casualties import find_figures
from bot.extract.pipeline import RulesExtractor

PUBLISHED = dt.datetime(2024, 3, 5, 12, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    "clause",
    [
        "the region has been torn by gang wars for nearly four years, with more than 3,000 "
        "people killed, by some unofficial counts",
        "rebels killed 900 villagers in the past two years, according to a rights group",
        "more than 2,000 people died since the start of the uprising",
        "at least 400 civilians killed, by local estimates",
        "at least 14 protesters had been killed in the weeks after the coup, doctors said",
        "a monitoring group said some 900 civilians were killed in the first six months of 2019",
        "during the first half of the year, 410 people died in such raids",
    ],
)
def test_running_totals_give_no_figure(clause: str) -> None:
    assert find_figures(clause) == []


@pytest.mark.parametrize(
    ("clause", "killed"),
    [
        ("gunmen killed eleven guests at a wedding on Saturday", 11),
        ("nine soldiers were killed on Monday, the second such ambush in two years", 9),
    ],
)
def test_one_days_toll_stays(clause: str, killed: int) -> None:
    [figure] = find_figures(clause)
    assert figure.min == killed


def test_the_days_toll_is_not_swollen_by_the_war_total(engine: RulesExtractor) -> None:
    text = (
        "Gunmen killed eleven guests at a wedding in Culiacan on Saturday, police said. "
        "The state has been torn by cartel wars for nearly four years, with more than 3,000 "
        "people killed, by some unofficial counts."
    )
    [incident] = engine.extract_text(text, PUBLISHED)
    assert (incident.killed.min, incident.killed.max) == (11, 11)


def test_of_them_is_the_nearest_people_named(engine: RulesExtractor) -> None:
    # "seven of them" are the officers just named, not the raiders named before them:
    # the officers were already counted, so the toll stays nineteen.
    text = (
        "Gunmen killed 12 villagers and seven policemen in Zamfara on Thursday. "
        "The police chief said the gunmen, about 200 of them, surrounded our men and opened "
        "fire on them, killing seven of them."
    )
    [incident] = engine.extract_text(text, PUBLISHED)
    assert incident.killed.min == 19


@pytest.mark.parametrize(
    "clause",
    [
        "eleven police officers were killed in separate rebel attacks on Monday",
        "six people died in two suicide bombings in the capital",
        "20 soldiers were killed in a series of ambushes",
    ],
)
def test_a_figure_over_several_events_is_no_single_toll(clause: str) -> None:
    assert find_figures(clause) == []


def test_each_of_several_attacks_keeps_its_own_toll(engine: RulesExtractor) -> None:
    text = (
        "Eleven police officers were killed in separate rebel attacks on Monday. In Kandahar, "
        "gunmen stormed a checkpoint, killing eight officers. Later, in Zabul, three officers "
        "died when a roadside bomb hit their car."
    )
    tolls = {i.location.name: i.killed.min for i in engine.extract_text(text, PUBLISHED)}
    assert tolls.get("Kandahar") == 8


@pytest.mark.parametrize(
    ("clause", "expected"),
    [
        ("four raiders first shot dead three guards at the gate", [("killed", 3)]),
        ("two militants killed a shepherd", [("killed", 1)]),
        ("four guards were shot dead at the gate", [("killed", 4)]),
        ("four guards killed in an ambush", [("killed", 4)]),
    ],
)
def test_a_number_before_an_active_verb_counts_the_attackers(
    clause: str, expected: list[tuple[str, int]]
) -> None:
    assert [(f.kind, f.min) for f in find_figures(clause)] == expected


def test_what_came_after_at_an_earlier_time_is_background(engine: RulesExtractor) -> None:
    # The talks are no incident; the fighting "last month" is background, not today's toll.
    text = (
        "Mediators gathered in Cairo on Monday for ceasefire talks after clashes in Khan "
        "Younis killed 14 people last month."
    )
    incidents = engine.extract_text(text, PUBLISHED)
    assert all(i.location.name != "Cairo" for i in incidents)
    assert all(i.is_background for i in incidents if i.killed.min == 14)


def test_an_after_clause_of_the_same_day_stays_the_event(engine: RulesExtractor) -> None:
    text = "A bomb killed six people at a bus station in Jos on Monday after a brief standoff."
    [incident] = engine.extract_text(text, PUBLISHED)
    assert (incident.location.name, incident.killed.min, incident.is_background) == (
        "Jos",
        6,
        False,
    )


def test_the_past_few_days_are_this_event_not_history(engine: RulesExtractor) -> None:
    # A country-wide lead is placed by the sentence that names where the recent fighting was.
    text = (
        "Fighting between the army and rebels near the border has left 30 soldiers dead, "
        "officials in Myanmar said. Officials said there had been a dozen clashes in the past "
        "few days near Myawaddy."
    )
    [incident] = engine.extract_text(text, PUBLISHED)
    assert (incident.location.name, incident.killed.min) == ("Myawaddy", 30)


def test_in_the_past_alone_is_still_history(engine: RulesExtractor) -> None:
    text = (
        "Rebels attacked an army post in Kayin State on Monday, killing four soldiers. In the "
        "past, clashes near Myawaddy killed dozens."
    )
    [incident] = engine.extract_text(text, PUBLISHED)
    assert (incident.location.name, incident.killed.min) == ("Kayin", 4)


@pytest.mark.parametrize(
    "trend",
    [
        "the fighting around Kaduna is becoming ever deadlier",
        "armed groups fighting around Kaduna are tightening their grip on the roads",
        "the fighting around Kaduna has grown increasingly violent",
    ],
)
def test_the_state_of_a_conflict_is_context(engine: RulesExtractor, trend: str) -> None:
    text = f"Gunmen killed five farmers in Kano on Monday. Officials said {trend}."
    assert [i.location.name for i in engine.extract_text(text, PUBLISHED)] == ["Kano"]


def test_a_toll_beside_a_trend_stays(engine: RulesExtractor) -> None:
    text = "Gunmen killed five farmers in Kano on Monday, in a war that is becoming deadlier."
    [incident] = engine.extract_text(text, PUBLISHED)
    assert incident.killed.min == 5


def test_the_sentence_after_an_aside_that_goes_on_about_it_keeps_its_toll(
    engine: RulesExtractor,
) -> None:
    # The raid named in the aside killed the 30; the lead's toll stays its own 12.
    text = (
        "Gunmen killed 12 villagers in an attack near Gao on Sunday, officials said. The "
        "killings come three days after the army carried out an air raid on a camp in the "
        "region. The operation reportedly killed 30 suspected militants."
    )
    incidents = engine.extract_text(text, PUBLISHED)
    lead = next(i for i in incidents if not i.is_background)
    assert lead.killed.min == lead.killed.max == 12
    assert any(i.killed.min == 30 and i.is_background for i in incidents)


def test_the_lead_s_own_next_sentence_is_not_taken_by_an_aside(
    engine: RulesExtractor,
) -> None:
    text = (
        "Gunmen killed 12 villagers near Gao on Sunday, two days after the army carried out "
        "an air raid on a camp in the region. The attack also wounded five people."
    )
    incidents = engine.extract_text(text, PUBLISHED)
    lead = next(i for i in incidents if not i.is_background)
    assert (lead.killed.min, lead.injured.min) == (12, 5)


def test_the_raid_of_an_aside_keeps_its_own_toll(engine: RulesExtractor) -> None:
    text = (
        "Gunmen killed 12 villagers near Gao on Sunday, two days after the army carried out "
        "an air raid on a camp in the region. The raid killed 30 militants."
    )
    incidents = engine.extract_text(text, PUBLISHED)
    lead = next(i for i in incidents if not i.is_background)
    assert lead.killed.min == lead.killed.max == 12


def test_a_period_after_an_event_is_not_another_event(engine: RulesExtractor) -> None:
    text = (
        "Soldiers shot dead four protesters in Omdurman on Monday, medics said. At least 14 "
        "protesters had been killed in the days after the coup, a doctors' group said."
    )
    live = [i for i in engine.extract_text(text, PUBLISHED) if not i.is_background]
    assert [(i.location.name, i.killed.min, i.killed.max) for i in live] == [("Omdurman", 4, 4)]


def test_the_latest_in_a_wave_of_attacks_keeps_its_own_toll() -> None:
    clause = (
        "gunmen killed at least 20 people in a raid on a village in Katsina state, the latest "
        "in a wave of attacks by armed gangs"
    )
    assert [(f.kind, f.min) for f in find_figures(clause)] == [("killed", 20)]


def test_a_state_s_record_over_years_is_no_incident(engine: RulesExtractor) -> None:
    text = (
        "Gunmen killed eight people at a party in Salvatierra, Mexico, late on Monday, "
        "prosecutors said. Guanajuato has been the most violent state in Mexico for several "
        "years, with cartels fighting over drug routes."
    )
    live = [i for i in engine.extract_text(text, PUBLISHED) if not i.is_background]
    assert [i.location.name for i in live] == ["Salvatierra"]


def test_a_town_described_by_its_years_of_blockade_keeps_its_event(
    engine: RulesExtractor,
) -> None:
    text = (
        "Jihadists attacked army positions on the outskirts of Djibo, which has been under "
        "blockade for years, on Monday, killing 14 soldiers, security sources said."
    )
    [incident] = engine.extract_text(text, PUBLISHED)
    assert incident.location.name == "Djibo"
    assert incident.killed.min == 14
