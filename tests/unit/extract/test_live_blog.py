"""Live pages: timestamped entries (often newest first) read one by one, a later entry's toll
update folded into the event it updates (issue 11: "one event, one incident", tolls).

Every text here was written for these tests.
"""

from __future__ import annotations

import datetime as dt

import pytest

from bot.domain.enums import EventType
from bot.domain.models import Incident
from bot.extract.casualties import find_figures
from bot.extract.live_blog import MAX_ENTRIES, MIN_ENTRIES, live_page
from bot.extract.pipeline import RulesExtractor
from bot.extract.place_roles import not_an_event_place

PUBLISHED = dt.datetime(2025, 3, 12, 18, 0, tzinfo=dt.UTC)  # a Wednesday

NEWEST_FIRST = """WORLD DESK LIVE
Yemen live: death toll from Taiz market shelling climbs to nine; ceasefire envoy lands in Aden

Live coverage, Wednesday. All times GMT.

16:20
Taiz toll climbs to nine
Doctors at the city's main hospital said on Wednesday afternoon that two more of the wounded
had died, bringing the number killed in the morning shelling to nine. Another 26 people were
wounded, they said.

14:05
Envoy arrives in Aden
The UN envoy landed in Aden for a round of meetings on the stalled truce. He did not speak
to reporters.

11:30
Drone downs a pickup near Marib
A drone struck a pickup truck on a desert road west of Marib on Wednesday morning, killing
the driver and wounding a passenger, a local official said.

09:10
Shells hit Taiz market
Artillery shells slammed into a crowded vegetable market in Taiz shortly after 8 am,
killing seven people and wounding 18, a health official said.
"""


def figures(text: str) -> list[tuple[str, int | None]]:
    return [(f.kind, f.min) for f in find_figures(text)]


def _place(incidents: list[Incident], name: str) -> Incident:
    found = [i for i in incidents if name.casefold() in i.location.name.casefold()]
    assert len(found) == 1, [(i.location.name, i.killed.min) for i in incidents]
    return found[0]


class TestReadingTheEntries:
    def test_entries_come_oldest_first_with_their_headlines_and_times(self) -> None:
        page = live_page(NEWEST_FIRST, PUBLISHED)
        assert page is not None
        assert [e.title for e in page.entries] == [
            "Shells hit Taiz market",
            "Drone downs a pickup near Marib",
            "Envoy arrives in Aden",
            "Taiz toll climbs to nine",
        ]
        assert [e.clock for e in page.entries] == [
            dt.time(9, 10), dt.time(11, 30), dt.time(14, 5), dt.time(16, 20)
        ]  # fmt: skip
        assert page.headline is not None
        assert "Taiz" in page.headline

    def test_an_ordinary_report_with_a_time_in_it_is_no_live_page(self) -> None:
        text = (
            "Gunmen attacked a bus in Taiz at 09:10 on Wednesday.\n\n"
            "The attack ended by 10:30, police said, and the road reopened at 12:00."
        )
        assert live_page(text, PUBLISHED) is None

    def test_a_page_kept_open_past_midnight_dates_the_earlier_entries_a_day_before(
        self,
    ) -> None:
        text = (
            "00:40\nLate update\nNothing new from the front.\n\n"
            "23:15\nShelling reported\nShelling was heard after dark.\n\n"
            "21:05\nEvening summary\nA quiet evening so far.\n"
        )
        page = live_page(text, PUBLISHED)
        assert page is not None
        days = [e.at.date() if e.at else None for e in page.entries]
        assert days == [dt.date(2025, 3, 11), dt.date(2025, 3, 11), dt.date(2025, 3, 12)]

    def test_times_with_no_text_between_them_are_a_timetable(self) -> None:
        text = "Curfew hours:\n21:00\n22:00\n23:00\n"
        assert live_page(text, PUBLISHED) is None


class TestFoldingUpdates:
    def test_a_later_entry_raising_the_toll_updates_the_first_one(
        self, engine: RulesExtractor
    ) -> None:
        incidents = engine.extract_text(NEWEST_FIRST, PUBLISHED)
        taiz = _place(incidents, "Taiz")
        assert (taiz.killed.min, taiz.killed.max) == (9, 9)
        assert taiz.injured.min == 26
        assert taiz.event_type is EventType.EXPLOSIONS
        assert taiz.date == dt.date(2025, 3, 12)
        assert "9 killed" in taiz.summary

    def test_the_headline_event_comes_first_and_each_entry_keeps_its_own_place(
        self, engine: RulesExtractor
    ) -> None:
        incidents = engine.extract_text(NEWEST_FIRST, PUBLISHED)
        assert "Taiz" in incidents[0].location.name
        marib = _place(incidents, "Marib")
        assert (marib.killed.min, marib.injured.min) == (1, 1)
        assert not any("Aden" in i.location.name and i.killed.min for i in incidents)

    def test_two_attacks_of_different_kinds_in_one_city_stay_two(
        self, engine: RulesExtractor
    ) -> None:
        text = (
            "10:45\nGunfight at checkpoint\nGunmen and police fought at a checkpoint in "
            "Kirkuk on Wednesday morning, killing two policemen.\n\n"
            "13:30\nRoadside bomb on Kirkuk outskirts\nA roadside bomb exploded next to a "
            "minibus on the southern edge of Kirkuk on Wednesday, killing four passengers.\n\n"
            "15:00\nCurfew announced\nThe governor ordered a curfew from 8 pm.\n"
        )
        incidents = [i for i in engine.extract_text(text, PUBLISHED) if i.killed.min]
        assert sorted(i.killed.min or 0 for i in incidents) == [2, 4]


class TestOnePersonNamedByRole:
    def test_killing_the_driver_counts_one_dead(self, engine: RulesExtractor) -> None:
        text = (
            "An armed drone hit a fuel tanker near Sinjar on Wednesday, killing its driver "
            "and wounding three bystanders, officials said."
        )
        (incident,) = engine.extract_text(text, PUBLISHED)
        assert (incident.killed.min, incident.injured.min) == (1, 3)

    def test_a_drone_dropping_explosives_is_a_strike(self, engine: RulesExtractor) -> None:
        text = (
            "A quadcopter drone dropped explosives on a tractor in a field outside Kharkiv on "
            "Wednesday, wounding two farm workers, the regional governor said."
        )
        (incident,) = engine.extract_text(text, PUBLISHED)
        assert incident.event_type is EventType.EXPLOSIONS
        assert incident.injured.min == 2


def test_a_page_of_more_entries_than_any_newsroom_keeps_is_read_as_one_text() -> None:
    entry = "Shelling was heard overnight.\n\n"
    many = "".join(f"{h:02d}:{m:02d}\n{entry}" for h in range(24) for m in range(0, 60, 5))
    assert many.count("\n\n") > MAX_ENTRIES
    assert live_page(many, PUBLISHED) is None
    few = "".join(f"{h:02d}:00\n{entry}" for h in range(MIN_ENTRIES))
    assert live_page(few, PUBLISHED) is not None


class TestFiguresAndRoles:
    def test_bodies_of_some_of_the_dead_add_nothing(self) -> None:
        text = (
            "At least nine rebels were killed in the clash, an officer said, adding that the "
            "bodies of six of them had been recovered"
        )
        assert figures(text) == [("killed", 9)]

    def test_martyrs_are_the_dead(self) -> None:
        assert figures("the raid left three martyrs and five wounded") == [
            ("killed", 3),
            ("injured", 5),
        ]

    @pytest.mark.parametrize(
        "before",
        [
            "the injured were flown to the army's command hospital at ",
            "the gunmen escaped into the forests that stretch towards ",
        ],
    )
    def test_a_hospital_at_a_town_and_where_a_forest_stretches_are_no_scene(
        self, before: str
    ) -> None:
        assert not_an_event_place(before, ", police said.")
        assert not not_an_event_place("militants ambushed a patrol near ", ", police said.")


def test_last_month_of_the_same_name_is_a_year_ago(engine: RulesExtractor) -> None:
    # Published in March: "last March" is a year before, history, never today's toll.
    text = (
        "Gunmen killed two guards at a bank in Kirkuk on Tuesday, police said. A similar "
        "raid in the same area last March killed six people."
    )
    incidents = engine.extract_text(text, PUBLISHED)
    today = [i for i in incidents if not i.is_background]
    assert [(i.killed.min, i.date) for i in today] == [(2, dt.date(2025, 3, 11))]
    assert all(i.date.year == 2024 for i in incidents if i.killed.min == 6)


def test_a_city_and_its_district_in_two_entries_are_one_strike(engine: RulesExtractor) -> None:
    text = (
        "08:10\nMissiles hit Dnipro\nTwo people were killed and 11 wounded when missiles hit "
        "Dnipro early on Wednesday, the regional governor said.\n\n"
        "11:40\nOther news\nThe parliament met in a closed session.\n\n"
        "15:05\nDnipro toll rises\nThe toll from the morning strike on Dnipro's Shevchenkivskyi "
        "district has risen to five, the governor said.\n"
    )
    incidents = [i for i in engine.extract_text(text, PUBLISHED) if i.killed.min]
    assert [(i.killed.min, i.injured.min) for i in incidents] == [(5, 11)]


def test_entries_whose_headline_follows_the_time_on_its_line() -> None:
    text = (
        "Live: day two of the clashes\n\n"
        "17:30 — Aden: hospital toll\nDoctors said four fighters died.\n\n"
        "14:10 — Aden: port closed\nShips were turned away.\n\n"
        "09:00 – Morning summary\nFighting went on overnight.\n"
    )
    page = live_page(text, PUBLISHED)
    assert page is not None
    assert [(e.clock, e.title) for e in page.entries] == [
        (dt.time(9, 0), "Morning summary"),
        (dt.time(14, 10), "Aden: port closed"),
        (dt.time(17, 30), "Aden: hospital toll"),
    ]


def test_months_sharing_an_earlier_year_are_history(engine: RulesExtractor) -> None:
    text = (
        "Militiamen attacked a police post in Hawija on Tuesday, killing three officers. "
        "The town was the scene of fighting in June and July 2021 that killed 60 people."
    )
    incidents = engine.extract_text(text, PUBLISHED)
    today = [i for i in incidents if i.date == dt.date(2025, 3, 11)]
    assert [(i.killed.min, i.killed.max) for i in today] == [(3, 3)]


def test_an_article_with_a_timeline_is_read_as_one_text() -> None:
    text = (
        "Two bombs hit Mosul's old market on Wednesday morning, killing nine people and "
        "wounding 30, police and hospital officials said.\n\n"
        "The first device went off near the fish stalls; the second exploded as rescuers "
        "arrived, a police officer told reporters at the scene.\n\n"
        "How the morning unfolded:\n"
        "07:40 - first blast near the fish stalls\n"
        "07:55 - second blast as ambulances arrive\n"
        "09:30 - police seal off the market\n"
    )
    assert live_page(text, PUBLISHED) is None


SAME_TOWN_ALL_DAY = """Live: raid on Qabatiya

Live coverage, Wednesday.

17:10
Israeli troops have pulled out of Qabatiya in the West Bank after a 12-hour raid in which they
exchanged fire with gunmen, the mayor said.

15:30
Medics said the three men killed in the morning drone strike in Qabatiya were all in their
twenties.

09:20
An Israeli drone strike killed three men in a car in Qabatiya, in the northern West Bank, on
Wednesday morning, medics said.
"""


class TestOneStoryPerTown:
    def test_entries_with_nothing_new_fold_into_the_town_s_event(
        self, engine: RulesExtractor
    ) -> None:
        incidents = [i for i in engine.extract_text(SAME_TOWN_ALL_DAY, PUBLISHED)
                     if i.location.name == "Qabatiya"]  # fmt: skip
        # the firefight of the same raid adds no figures: one story, one alert
        assert [i.killed.max for i in incidents] == [3]
