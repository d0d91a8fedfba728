"""A village the gazetteer knows only abroad, bodies a hospital received, a count "by Sunday
evening", and "since April, when ..." (issue 11; reports written for these tests)."""

from __future__ import annotations

import datetime as dt

from bot.domain import GeoPrecision, Incident
from bot.extract.pipeline import RulesExtractor

PUBLISHED = dt.datetime(2025, 7, 21, 9, 0, tzinfo=dt.UTC)  # a Monday


def _alerting(incidents: list[Incident]) -> list[Incident]:
    return [i for i in incidents if not i.is_background]


class TestLookAlikeVillage:
    """ "al-Mazraa in Sweida province": the gazetteer's only al-Mazraa villages are in Israel
    and Jordan, so the name is an unknown Syrian village and the province places the event."""

    def test_the_province_places_it(self, engine: RulesExtractor) -> None:
        text = (
            "Clashes between local gunmen and government troops killed 20 people in "
            "al-Mazraa in Sweida province on Saturday, medics said."
        )
        [incident] = engine.extract_text(text, PUBLISHED)
        assert incident.location.country == "SY"
        assert incident.location.geo_precision is GeoPrecision.ADMIN1
        assert incident.location.admin1_code == "SY-SU"

    def test_a_later_bare_mention_stays_in_syria(self, engine: RulesExtractor) -> None:
        text = (
            "Clashes between local gunmen and government troops killed dozens of people in "
            "the village of al-Mazraa in Sweida province on Saturday. A monitoring group "
            "later put the toll from the fighting in al-Mazraa at 47."
        )
        incidents = _alerting(engine.extract_text(text, PUBLISHED))
        assert {i.location.country for i in incidents} == {"SY"}
        assert max(i.killed.max or 0 for i in incidents) == 47

    def test_a_town_that_does_lie_there_is_kept(self, engine: RulesExtractor) -> None:
        text = "A roadside bomb killed three soldiers in Shahba in Sweida province on Monday."
        [incident] = engine.extract_text(text, PUBLISHED)
        assert incident.location.geo_precision is GeoPrecision.POINT
        assert incident.location.admin1_code == "SY-SU"


class TestBodiesTakenIn:
    def test_a_hospital_receiving_bodies_counts_the_dead(self, engine: RulesExtractor) -> None:
        text = (
            "Heavy fighting broke out in Tal Afar on Saturday. The town hospital said it had "
            "received the bodies of 14 people and treated 30 wounded."
        )
        [incident] = engine.extract_text(text, PUBLISHED)
        assert (incident.killed.min, incident.killed.max) == (14, 14)
        assert (incident.injured.min, incident.injured.max) == (30, 30)

    def test_bodies_and_wounded_are_not_added(self, engine: RulesExtractor) -> None:
        text = (
            "Heavy fighting broke out in Tal Afar on Saturday. The hospital took in nine "
            "bodies and 25 wounded."
        )
        [incident] = engine.extract_text(text, PUBLISHED)
        assert incident.killed.max == 9
        assert incident.injured.max == 25

    def test_more_bodies_add_to_the_toll_read_before(self, engine: RulesExtractor) -> None:
        text = (
            "Police killed seven militants in a gunfight in the forests of Chhattisgarh's Sukma "
            "district on Saturday. The number killed rose to 10 on Sunday after search teams "
            "recovered three more bodies, officials said."
        )
        [incident] = engine.extract_text(text, PUBLISHED)
        assert incident.killed.max == 10


class TestCountsAsOfADay:
    def test_a_count_by_a_later_evening_is_the_same_event(self, engine: RulesExtractor) -> None:
        text = (
            "Heavy fighting broke out in Tal Afar on Saturday. The town hospital said it had "
            "received 14 bodies by Sunday evening."
        )
        [incident] = engine.extract_text(text, PUBLISHED)
        assert incident.date == dt.date(2025, 7, 19)
        assert incident.killed.max == 14

    def test_a_possessive_day_is_the_event_s(self, engine: RulesExtractor) -> None:
        text = "Six people were killed by Sunday's car bomb in Kirkuk, police said on Monday."
        [incident] = engine.extract_text(text, PUBLISHED)
        assert incident.date == dt.date(2025, 7, 20)


class TestSinceAMonthWhen:
    def test_the_event_after_when_is_that_month_s(self, engine: RulesExtractor) -> None:
        text = (
            "A car bomb killed 11 people in Kirkuk on Saturday. It was the deadliest attack "
            "in the city since March, when a suicide bomber killed 30 people in Tikrit."
        )
        incidents = engine.extract_text(text, PUBLISHED)
        [today] = _alerting(incidents)
        assert today.location.name == "Kirkuk"
        assert today.killed.max == 11
        [earlier] = [i for i in incidents if i.is_background]
        assert earlier.killed.max == 30
        assert earlier.date is not None
        assert earlier.date.month == 3

    def test_since_alone_is_still_a_period(self, engine: RulesExtractor) -> None:
        text = (
            "A car bomb killed 11 people in Kirkuk on Saturday, the deadliest attack in the "
            "city since March."
        )
        [incident] = engine.extract_text(text, PUBLISHED)
        assert incident.date == dt.date(2025, 7, 19)
