"""Villages the gazetteer does not know, placed where the text says they are (issue 11; texts
written for these tests, with invented village names): an offset from a town given in the
event's clause or in a sentence of its own, and a namesake in another province set aside."""

from __future__ import annotations

import datetime as dt

from bot.domain import Incident
from bot.extract.merge import haversine_km
from bot.extract.pipeline import RulesExtractor

PUBLISHED = dt.datetime(2022, 9, 28, 9, 0, tzinfo=dt.UTC)


def _lead(engine: RulesExtractor, text: str) -> Incident:
    return engine.pipeline.extract_text(text, PUBLISHED)[0]


def _km(incident: Incident, lat: float, lon: float) -> float:
    here = incident.location
    assert here.lat is not None
    assert here.lon is not None
    return haversine_km(here.lat, here.lon, lat, lon)


def test_the_offset_in_the_clause_places_it_whichever_mention_of_the_town_is_chosen(
    engine: RulesExtractor,
) -> None:
    text = (
        "Militiamen attacked the village of Wakilibe, some 20 km north of Bunia town in "
        "Bunia territory, on Monday night, killing seven people, the army said."
    )
    lead = _lead(engine, text)
    # Bunia lies near (1.56, 30.25); 20 km north is about 0.18 degrees of latitude.
    assert _km(lead, 1.74, 30.25) < 5
    assert lead.location.name == "Bunia"


def test_a_sentence_that_locates_the_village_places_the_attack(engine: RulesExtractor) -> None:
    text = (
        "Gunmen killed nine people in an overnight raid on Kunkuru, a farming village in "
        "Maru local government area of Zamfara State, residents said on Tuesday. Kunkuru "
        "lies about 30 kilometres south of Gusau, the state capital."
    )
    lead = _lead(engine, text)
    assert _km(lead, 12.16 - 0.27, 6.66) < 6  # Gusau (12.16, 6.66) moved 30 km south
    assert lead.killed.min == 9


def test_a_namesake_outside_the_province_the_clause_measures_from_is_set_aside(
    engine: RulesExtractor,
) -> None:
    # The gazetteer's only El Bejuco is in Guerrero; the text places its own in Michoacan.
    text = (
        "Drones dropped explosives on El Bejuco, about 10 kilometres south of Tepalcatepec, "
        "Michoacan, on Monday, killing two people, state officials said."
    )
    lead = _lead(engine, text)
    assert lead.location.admin1 is not None
    assert "Michoac" in lead.location.admin1


def test_the_attackers_struck_is_an_attack(engine: RulesExtractor) -> None:
    text = (
        "Gunmen killed eight herders in central Mali, officials said. The attackers struck "
        "the hamlet of Sogodaga, about 15 km east of Bankass, on Sunday evening."
    )
    lead = _lead(engine, text)
    assert lead.location.name == "Bankass"
    assert _km(lead, 14.08, -3.38) < 8


def test_a_village_in_a_region_measured_next_from_a_town_of_it(engine: RulesExtractor) -> None:
    text = (
        "Residents of a village in Mali's Segou region say soldiers killed at least nine "
        "civilians on Tuesday. A column of troops reached Sarakala-Peulh, a hamlet about 30 "
        "kilometres north-west of Niono, early in the morning."
    )
    lead = _lead(engine, text)
    assert lead.location.name == "Niono"
    assert _km(lead, 14.44, -6.18) < 5  # Niono (14.25, -5.99) moved 30 km north-west


def test_a_known_town_given_with_its_distance_from_the_capital_stays_itself(
    engine: RulesExtractor,
) -> None:
    text = (
        "A bomb killed six people in a market in the town of Iskandariyah in Iraq's province "
        "of Babil, some 45 km south of Baghdad, on Thursday, police said."
    )
    assert _lead(engine, text).location.name.startswith("Iskandari")
