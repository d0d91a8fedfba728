"""ACLED event types from trigger words."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.domain.enums import EventType, SubEventType
from bot.extract.events import choose_event_type, find_triggers, score_triggers
from bot.extract.pipeline import RulesExtractor

S = SubEventType


def classify(text: str, *, civilians: bool = False) -> SubEventType | None:
    chosen = choose_event_type(
        score_triggers(find_triggers(text)), text=text, civilian_victims=civilians
    )
    return None if chosen is None else chosen[1]


class TestSubEventTypes:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("heavy clashes broke out between the two groups", S.ARMED_CLASH),
            ("a gunfight erupted at the checkpoint", S.ARMED_CLASH),
            ("rockets and mortars hit the base", S.SHELLING),
            ("a drone strike hit a car", S.AIR_DRONE_STRIKE),
            ("warplanes carried out an airstrike", S.AIR_DRONE_STRIKE),
            ("the air force had struck fighters' positions", S.AIR_DRONE_STRIKE),
            ("the bus was hit by a kamikaze drone", S.AIR_DRONE_STRIKE),
            ("a quadcopter dropped explosives on a car", S.AIR_DRONE_STRIKE),
            ("a roadside bomb exploded near a patrol", S.REMOTE_EXPLOSIVE),
            ("an IED went off", S.REMOTE_EXPLOSIVE),
            ("a bomb fixed under a parked car blew up", S.REMOTE_EXPLOSIVE),
            ("troops carried out an intelligence based operation", S.ARMED_CLASH),
            ("tribal fighters attacked positions of the militia", S.ARMED_CLASH),
            ("gunmen stormed an army checkpoint at dawn", S.ARMED_CLASH),
            ("police began a cordon and search operation in the hamlet", S.ARMED_CLASH),
            ("a suicide bomber detonated his vest, then an explosion", S.SUICIDE_BOMB),
            ("someone threw a grenade at the house", S.GRENADE),
            ("gunmen kidnapped two engineers", S.ABDUCTION),
            ("the lawyer was assassinated outside his home", S.ATTACK),
            ("police arrested five suspects", S.ARRESTS),
            ("engineers defused a bomb under the bridge", S.DISRUPTED_WEAPONS_USE),
            ("hundreds held a peaceful protest", S.PEACEFUL_PROTEST),
            ("rioters stormed and torched the council building", S.VIOLENT_DEMONSTRATION),
        ],
    )
    def test_trigger(self, text: str, expected: SubEventType) -> None:
        assert classify(text) is expected

    def test_parent_type_matches(self) -> None:
        chosen = choose_event_type(score_triggers(find_triggers("a drone strike")))
        assert chosen == (EventType.EXPLOSIONS, S.AIR_DRONE_STRIKE)

    def test_no_trigger(self) -> None:
        assert classify("the minister visited the city") is None


class TestPrecedence:
    def test_artillery_inside_a_battle_stays_a_battle(self) -> None:
        text = "heavy clashes continued and the army used artillery; fighting went on"
        assert classify(text) is S.ARMED_CLASH

    def test_attack_on_soldiers_is_a_battle(self) -> None:
        assert classify("militants attacked an army checkpoint") is S.ARMED_CLASH

    def test_attack_that_killed_fighters_is_a_battle(self) -> None:
        text = "two fighters were killed in an attack near the town"
        chosen = choose_event_type(
            score_triggers(find_triggers(text)), text=text, armed_victims=True
        )
        assert chosen == (EventType.BATTLES, S.ARMED_CLASH)

    def test_attack_on_villagers_is_violence_against_civilians(self) -> None:
        assert classify("bandits attacked several villages", civilians=True) is S.ATTACK

    def test_attack_with_a_bomb_is_remote_violence(self) -> None:
        assert classify("two attacks: a roadside bomb hit a police car") is S.REMOTE_EXPLOSIVE

    def test_protest_met_with_live_fire(self) -> None:
        text = "security forces fired live ammunition at protesters, killing two"
        assert classify(text) is S.EXCESSIVE_FORCE

    def test_demonstrators_clashing_with_police_riot(self) -> None:
        assert classify("demonstrators clashed with police outside the council") is (
            S.VIOLENT_DEMONSTRATION
        )

    def test_protest_dispersed_with_tear_gas(self) -> None:
        assert classify("police fired tear gas to disperse the protest") is (
            S.PROTEST_WITH_INTERVENTION
        )

    def test_in_protest_at_is_not_a_demonstration(self) -> None:
        assert classify("the minister resigned in protest at the decision") is None


class TestDrones:
    @pytest.mark.parametrize(
        "text",
        ["Drones attacked a fuel depot overnight.", "Two drones crashed into a warehouse."],
    )
    def test_drones_as_subject_are_drone_strikes(self, text: str) -> None:
        kinds = {t.sub_event_type for t in find_triggers(text)}
        assert SubEventType.AIR_DRONE_STRIKE in kinds


@pytest.mark.parametrize(
    "clause",
    [
        "gunmen raided the village before dawn",
        "bandits invaded the market town",
        "a raid on a farm",
    ],
)
def test_a_raid_is_an_attack(clause: str) -> None:
    triggers = find_triggers(clause)
    assert [t.sub_event_type for t in triggers] == [SubEventType.ATTACK]


def test_a_police_raid_with_arrests_stays_arrests() -> None:
    triggers = find_triggers("police raided a house and arrested four suspects")
    chosen = choose_event_type(score_triggers(triggers, 1.0))
    assert chosen is not None
    assert chosen[1] is SubEventType.ARRESTS


@pytest.mark.parametrize(
    ("clause", "expected"),
    [
        ("a bomb tore through a bus station", SubEventType.REMOTE_EXPLOSIVE),
        ("Russian strikes on the port killed four", SubEventType.AIR_DRONE_STRIKE),
        ("an intelligence-based operation in the hills", SubEventType.ARMED_CLASH),
    ],
)
def test_more_ways_to_name_the_act(clause: str, expected: SubEventType) -> None:
    assert expected in {t.sub_event_type for t in find_triggers(clause)}


@pytest.mark.parametrize("clause", ["dock workers went on strike", "a hunger strike in prison"])
def test_a_labour_strike_is_no_air_strike(clause: str) -> None:
    assert SubEventType.AIR_DRONE_STRIKE not in {t.sub_event_type for t in find_triggers(clause)}


def test_a_protestant_church_is_no_protest() -> None:
    clause = "gunmen opened fire on worshippers at a Protestant chapel during the Sunday service"
    subs = {t.sub_event_type for t in find_triggers(clause)}
    assert SubEventType.PEACEFUL_PROTEST not in subs
    assert SubEventType.ATTACK in subs


def test_the_engine_codes_a_raid_on_a_protestant_church_as_an_attack(
    engine: RulesExtractor,
) -> None:
    text = (
        "Armed men stormed a Protestant church in Djibo on Sunday during the morning service, "
        "killing eleven worshippers, local officials said."
    )
    [incident] = engine.extract_text(text, dt.datetime(2024, 6, 4, tzinfo=dt.UTC))
    assert incident.event_type is EventType.VIOLENCE_AGAINST_CIVILIANS
    assert incident.killed.min == 11


def test_a_suicide_car_bomb_opening_hours_of_fighting_is_a_battle(engine: RulesExtractor) -> None:
    text = (
        "Militants attacked an army base near Jowhar on Sunday, setting off hours of fighting "
        "in which five soldiers were killed, an officer said. They began the assault with a "
        "suicide car bomb at the gate."
    )
    (incident,) = engine.extract_text(text, dt.datetime(2024, 5, 7, tzinfo=dt.UTC))
    assert incident.event_type is EventType.BATTLES
    assert classify("a suicide bomber blew himself up at a checkpoint") is S.SUICIDE_BOMB
