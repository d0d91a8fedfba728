"""A round-up read the way its writer laid it out (issue 11; texts written for these tests):
section headings introduce the paragraph after them, a sentence can announce the day of the
next one's event, the headline's province names the main event, animals are no casualties."""

from __future__ import annotations

import datetime as dt

from bot.domain import Incident
from bot.extract.casualties import find_figures
from bot.extract.pipeline import RulesExtractor
from bot.extract.trust import would_alert

PUBLISHED = dt.datetime(2026, 2, 14, 9, 0, tzinfo=dt.UTC)  # a Saturday

ROUND_UP = """Gunmen kill four farmers in Diyala as attacks spread across central Iraq

BAGHDAD - A roadside bomb, a firefight north of the capital and the killing of four farmers \
in Diyala made this a bloody week.

Kirkuk: bomb hits army truck

The first attack came on Thursday morning, when a roadside bomb struck an army truck in Dibis \
district, north-west of Kirkuk city. One soldier was killed and two were wounded.

Tarmiyah: night clash

Late on Thursday, troops clashed with suspected Islamic State militants on the edge of \
Tarmiyah. Two militants were killed.

Diyala: farmers shot dead

The deadliest attack came on Friday afternoon.
Gunmen on motorbikes opened fire on four farmers near Muqdadiyah in Diyala province, killing \
all four. The gunmen also killed about 40 sheep before they fled."""


def _by_place(incidents: list[Incident]) -> dict[str, Incident]:
    return {i.location.name: i for i in incidents if not i.is_background}


class TestRoundUp:
    def test_a_section_heading_is_no_incident(self, engine: RulesExtractor) -> None:
        names = set(_by_place(engine.extract_text(ROUND_UP, PUBLISHED)))
        assert "Kirkuk" not in names
        assert {"Dibis", "Tarmiyah", "Muqdadiya"} <= names

    def test_the_announced_day_and_all_four(self, engine: RulesExtractor) -> None:
        farmers = _by_place(engine.extract_text(ROUND_UP, PUBLISHED))["Muqdadiya"]
        assert farmers.date == dt.date(2026, 2, 13)
        assert (farmers.killed.min, farmers.killed.max) == (4, 4)

    def test_the_headline_s_province_names_the_main_event(self, engine: RulesExtractor) -> None:
        incidents = _by_place(engine.extract_text(ROUND_UP, PUBLISHED))
        assert would_alert(incidents["Muqdadiya"], PUBLISHED.date())
        assert incidents["Muqdadiya"].confidence_reasons == []

    def test_the_clash_keeps_its_own_day(self, engine: RulesExtractor) -> None:
        clash = _by_place(engine.extract_text(ROUND_UP, PUBLISHED))["Tarmiyah"]
        assert clash.date == dt.date(2026, 2, 12)
        assert clash.killed.max == 2


class TestAnimals:
    def test_animals_are_no_casualties(self) -> None:
        assert find_figures("the raiders also killed about 40 sheep and 12 goats") == []
        [people] = find_figures("killing nine villagers and more than 100 head of cattle")
        assert (people.min, people.subject) == (9, "villagers")

    def test_people_named_by_their_animals_are_casualties(self) -> None:
        [raiders] = find_figures("police shot dead three suspected cattle raiders")
        assert raiders.min == 3


class TestOverviews:
    def test_a_day_of_violence_listed_adds_nothing_to_one_town(
        self, engine: RulesExtractor
    ) -> None:
        text = (
            "QUETTA: The province saw a day of violence on Friday, with gunmen killing six "
            "passengers in Kalat district, a bomb killing two policemen in Quetta and a grenade "
            "wounding nine people in Turbat.\n\n"
            "The day began with a blast on a road in Quetta early on Friday that killed two "
            "policemen, police said.\n\n"
            "In the evening, men on a motorcycle threw a grenade into a market in Turbat, "
            "wounding nine people."
        )
        incidents = _by_place(engine.extract_text(text, PUBLISHED))
        assert incidents["Quetta"].killed.max == 2
        assert incidents["Turbat"].injured.max == 9
