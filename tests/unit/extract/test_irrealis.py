"""Planned, threatened, feared or negotiated acts are not events (issue 11, mechanism 3)."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.domain.enums import EventType
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
