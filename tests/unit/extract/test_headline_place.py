"""The headline's town refines a lead that names only the country (issue 11, granularity)."""

from __future__ import annotations

import datetime as dt

from bot.domain.enums import GeoPrecision
from bot.extract.pipeline import RulesExtractor

PUBLISHED = dt.datetime(2024, 3, 5, 12, 0, tzinfo=dt.UTC)
BODY = (
    "KYIV, Ukraine - Rockets slammed into a crowded market in the east of Ukraine on Monday, "
    "killing at least nine people, officials said."
)


def test_headline_town_places_a_country_wide_lead(engine: RulesExtractor) -> None:
    [incident] = engine.extract_text(
        BODY, PUBLISHED, title="Rocket strike on Kharkiv market kills nine"
    )
    assert incident.location.name == "Kharkiv"
    assert incident.killed.min == 9


def test_headline_in_another_country_does_not_move_the_lead(engine: RulesExtractor) -> None:
    incidents = engine.extract_text(
        BODY, PUBLISHED, title="Leaders meet in Berlin after market strike"
    )
    assert all(i.location.country == "UA" for i in incidents)


def test_a_year_in_a_comparison_does_not_make_the_lead_history(engine: RulesExtractor) -> None:
    text = (
        "Nine soldiers are dead after an ambush in Kidal, the deadliest day for the army "
        "since 2019."
    )
    [incident] = engine.extract_text(text, PUBLISHED)
    assert (incident.location.name, incident.killed.min) == ("Kidal", 9)
    assert incident.date == PUBLISHED.date()
    assert not incident.is_background


def test_a_headline_shortening_the_states_name_does_not_pick_its_capital(
    engine: RulesExtractor,
) -> None:
    body = "Armed men shot dead eight herders at a hamlet in Katsina State on Sunday, police said."
    [incident] = engine.extract_text(body, PUBLISHED, title="Gunmen kill eight in Katsina")
    assert incident.location.geo_precision == GeoPrecision.ADMIN1
    assert (incident.location.name, incident.location.country) == ("Katsina", "NG")
    assert incident.killed.min == 8


def test_a_headline_town_inside_the_named_state_still_refines_it(
    engine: RulesExtractor,
) -> None:
    body = "Armed men shot dead eight herders in Katsina State on Sunday, police said."
    [incident] = engine.extract_text(body, PUBLISHED, title="Gunmen kill eight in Funtua")
    assert incident.location.name == "Funtua"
    assert incident.location.geo_precision == GeoPrecision.POINT
