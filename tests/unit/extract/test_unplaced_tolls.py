"""A toll at a settlement the gazetteer does not know is another event (issue 11, tolls)."""

from __future__ import annotations

import datetime as dt

from bot.extract.pipeline import RulesExtractor

PUBLISHED = dt.datetime(2024, 3, 5, 12, 0, tzinfo=dt.UTC)


def test_an_unknown_villages_wounded_are_not_added(engine: RulesExtractor) -> None:
    text = (
        "A drone struck a minibus near Kherson on Monday, killing one man, the governor said. "
        "He said earlier that three soldiers had been wounded in a shelling attack on the "
        "village of Zorvanka."
    )
    incidents = engine.extract_text(text, PUBLISHED)
    [lead] = [i for i in incidents if i.location.name == "Kherson"]
    assert (lead.killed.min, lead.injured.min) == (1, None)
    assert any(i.injured.min == 3 for i in incidents if i is not lead)


def test_a_known_village_of_the_same_event_still_joins(engine: RulesExtractor) -> None:
    text = (
        "Gunmen attacked the village of Anka in Zamfara State on Monday, killing six "
        "people. Two more villagers were wounded, residents said."
    )
    [incident] = engine.extract_text(text, PUBLISHED)
    assert (incident.killed.min, incident.injured.min) == (6, 2)


def test_the_lead_naming_an_unknown_village_keeps_its_toll(engine: RulesExtractor) -> None:
    text = (
        "Gunmen stormed the village of Zorvanka in Zamfara State on Monday, killing nine "
        "people, police said."
    )
    [incident] = engine.extract_text(text, PUBLISHED)
    assert (incident.location.admin1, incident.killed.min) == ("Zamfara", 9)
