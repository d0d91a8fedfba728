"""Planned, threatened, feared or negotiated acts are not events (issue 11, mechanism 3)."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.domain.enums import EventType
from bot.extract.casualties import find_figures
from bot.extract.events import find_triggers
from bot.extract.pipeline import RulesExtractor

PUBLISHED = dt.datetime(2024, 3, 5, 12, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    "clause",
    [
        "envoys met for truce talks aimed at ending the fighting",
        "three men were held on suspicion of planning attacks on churches",
        "the commander vowed to attack the airport",
        "officials warned of further bombings during the holiday",
        "the group threatened to launch new attacks",
        "a push to halt the shelling of the port",
    ],
)
def test_no_trigger_for_what_did_not_happen(clause: str) -> None:
    assert find_triggers(clause) == []


@pytest.mark.parametrize(
    "clause",
    [
        "a roadside bomb exploded near the market",
        "fighters vowed revenge after clashes at the checkpoint",
        "despite the truce, shelling hit the port",
    ],
)
def test_real_acts_keep_their_trigger(clause: str) -> None:
    assert find_triggers(clause)


def test_truce_talks_are_no_incident(engine: RulesExtractor) -> None:
    text = (
        "Army and rebel delegates met in Doha on Monday for truce talks aimed at ending the "
        "fighting, mediators said."
    )
    assert engine.extract_text(text, PUBLISHED) == []


def test_an_arrest_for_a_plot_is_no_attack(engine: RulesExtractor) -> None:
    text = "Police detained four men in Lahore on Monday on suspicion of plotting attacks."
    incidents = engine.extract_text(text, PUBLISHED)
    assert all(i.event_type is EventType.STRATEGIC_DEVELOPMENTS for i in incidents)


def test_fire_turned_on_unarmed_people_is_no_clash(engine: RulesExtractor) -> None:
    text = (
        "Gunmen sprayed gunfire on panicked shoppers at a market in Maiduguri on Friday, "
        "killing eleven people."
    )
    [incident] = engine.extract_text(text, PUBLISHED)
    assert incident.event_type is EventType.VIOLENCE_AGAINST_CIVILIANS


def test_an_exchange_of_fire_stays_a_clash(engine: RulesExtractor) -> None:
    text = "Soldiers and militants exchanged fire near Maiduguri on Friday, killing three."
    [incident] = engine.extract_text(text, PUBLISHED)
    assert incident.event_type is EventType.BATTLES


@pytest.mark.parametrize(
    "clause",
    [
        "the group warned that it would kill 50 hostages",
        "the commander vowed to kill every soldier in the town",
        "two men were charged with killing three police officers",
    ],
)
def test_no_toll_for_what_did_not_happen(clause: str) -> None:
    assert [f for f in find_figures(clause) if f.min is not None] == []


def test_a_toll_before_a_threat_stays() -> None:
    figures = find_figures("gunmen killed four guards and threatened to return")
    assert [(f.kind, f.min) for f in figures] == [("killed", 4)]


def test_a_threat_is_no_incident(engine: RulesExtractor) -> None:
    text = "The militia threatened to storm Beledweyne on Monday, warning it would kill 80 troops."
    assert all(i.killed.min is None for i in engine.extract_text(text, PUBLISHED))


def test_an_anniversary_remembers_an_old_event(engine: RulesExtractor) -> None:
    text = (
        "Residents of Izium gathered on Monday for the second anniversary of the shelling of "
        "the town's hospital, in which 30 people were killed."
    )
    assert engine.extract_text(text, PUBLISHED) == []


def test_an_attack_on_an_anniversary_rally_is_an_event(engine: RulesExtractor) -> None:
    text = (
        "A suicide bomber struck a crowd marking the anniversary of the uprising in Maiduguri "
        "on Monday, killing nine people."
    )
    [incident] = engine.extract_text(text, PUBLISHED)
    assert (incident.location.name, incident.killed.min) == ("Maiduguri", 9)
