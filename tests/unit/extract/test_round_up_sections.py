"""A weekly round-up read section by section (issue 11, report set G): a town spelled another
way placed by the region the same sentence names, a statement read on television in the
capital, a government's silence from its seat, a description of the town set off by commas,
weapons seized in an attack with victims, a range of dead, soldiers and a civilian killed.

Every text here was written for these tests.
"""

from __future__ import annotations

import datetime as dt

import pytest

from bot.domain.enums import EventType
from bot.domain.models import Incident
from bot.extract.casualties import find_figures
from bot.extract.follow_ups import refers_back
from bot.extract.pipeline import RulesExtractor
from bot.extract.place_roles import not_an_event_place

PUBLISHED = dt.datetime(2025, 2, 17, 9, 0, tzinfo=dt.UTC)  # a Monday

ROUND_UP = "\n".join(
    [
        "Security round-up for the central Sahel",
        "",
        "BURKINA FASO - Kaya",
        "On Tuesday, armed men attacked a gendarmerie post on the outskirts of Kaya, the "
        "capital of Sanmatenga province, which has been besieged for years. Local sources said "
        "nine gendarmes were killed. The group claimed to have killed 30 gendarmes and seized "
        "weapons and motorbikes. The junta in Ouagadougou has not commented on the attack.",
        "",
        "NIGER - Makalondi",
        "On Friday, gunmen raided a market in the Makalondi commune of the Tillaberi region, "
        "killing between 6 and 11 traders, according to a statement read on national "
        "television in Niamey.",
    ]
)


def _by_place(engine: RulesExtractor) -> dict[str, Incident]:
    incidents = engine.extract_text(ROUND_UP, PUBLISHED)
    return {i.location.name: i for i in incidents if not i.is_background}


def test_each_section_is_its_own_incident_at_its_own_place(engine: RulesExtractor) -> None:
    found = _by_place(engine)
    assert set(found) == {"Kaya", "Makalondi"}, found
    assert found["Kaya"].date == dt.date(2025, 2, 11)
    assert found["Makalondi"].date == dt.date(2025, 2, 14)


def test_weapons_seized_in_a_deadly_attack_leave_it_a_battle(engine: RulesExtractor) -> None:
    kaya = _by_place(engine)["Kaya"]
    assert kaya.event_type is EventType.BATTLES
    assert (kaya.killed.min, kaya.killed.max) == (9, 30)


def test_a_range_of_dead_is_kept_as_a_range(engine: RulesExtractor) -> None:
    market = _by_place(engine)["Makalondi"]
    assert (market.killed.min, market.killed.max) == (6, 11)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("according to a statement read on national television in ", "."),
        ("the minister told a news conference in ", " that"),
        ("the junta in ", " has not commented"),
        ("attacks have not slowed since the agreement between the sdf and ", ", and"),
    ],
)
def test_where_a_statement_was_made_places_nothing(before: str, after: str) -> None:
    assert not_an_event_place(before, after)


@pytest.mark.parametrize(
    "text",
    [
        "The army has not communicated on the attack.",
        "The government did not comment on the raid.",
        "Officials have not responded to the bombing.",
    ],
)
def test_a_silence_about_the_attack_refers_back_to_it(text: str) -> None:
    assert refers_back(text)


def test_soldiers_and_a_civilian_killed_in_an_attack_on_a_post_is_a_battle(
    engine: RulesExtractor,
) -> None:
    text = (
        "Twelve soldiers and a civilian were killed on Sunday when militants attacked an "
        "army post near Mopti, the army said. The attack targeted a unit guarding the bridge."
    )
    (incident,) = engine.extract_text(text, PUBLISHED)
    assert incident.event_type is EventType.BATTLES
    assert incident.killed.min == 13


def test_a_range_after_the_verb_is_read() -> None:
    (figure,) = find_figures("killing between 4 and 7 herders")
    assert (figure.kind, figure.min, figure.max) == ("killed", 4, 7)


def test_a_paragraph_wrapped_over_several_lines_reads_as_one(engine: RulesExtractor) -> None:
    wrapped = (
        "Market raid in Niger\n\n"
        "On Friday, gunmen raided a market in the Makalondi commune of the Tillaberi region,\n"
        "killing between 6 and 11 traders, according to a statement read on national\n"
        "television in Niamey.\n"
    )
    (incident,) = engine.extract_text(wrapped, PUBLISHED)
    assert incident.location.name == "Makalondi"
    assert (incident.killed.min, incident.killed.max) == (6, 11)


def test_a_short_headline_line_is_not_joined_to_the_body() -> None:
    from bot.extract.text import prepare

    article = prepare("Gunmen kill six in market raid\nOn Friday, gunmen raided a market.")
    assert [s.heading for s in article.sentences] == [True, False]


def test_a_namesake_town_is_read_in_the_province_the_report_is_about(
    engine: RulesExtractor,
) -> None:
    # Bishnupur is a larger town in West Bengal and a smaller one in Manipur.
    text = (
        "Firing near Bishnupur leaves one dead\n\n"
        "IMPHAL: A farmer was shot dead and two others were wounded when gunmen fired from "
        "the hills near Bishnupur on Tuesday night, police said. The wounded were taken to "
        "Moirang and later to Imphal. Shops stayed shut in Churachandpur on Wednesday."
    )
    incident = next(i for i in engine.extract_text(text, PUBLISHED) if not i.is_background)
    assert incident.location.name == "Bishnupur"
    assert incident.location.admin1 == "Manipur"


def test_the_province_votes_never_move_a_town_the_report_places_itself() -> None:
    from collections import Counter

    from bot.extract.gazetteer import Gazetteer
    from bot.extract.namesakes import in_the_report_s_province

    candidates = Gazetteer.default().lookup("Bishnupur")
    west_bengal = next(c for c in candidates if c.admin1 == "West Bengal")
    manipur = next(c for c in candidates if c.admin1 == "Manipur")
    votes = Counter({manipur.admin1_code or "": 3})
    assert in_the_report_s_province(west_bengal, candidates, votes) == manipur
    assert in_the_report_s_province(west_bengal, candidates, Counter()) == west_bengal
    level = Counter({manipur.admin1_code or "": 1, west_bengal.admin1_code or "": 1})
    assert in_the_report_s_province(west_bengal, candidates, level) == west_bengal


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("the wounded were transported by donkey cart and car to ", ", about 60"),
        ("thousands have fled the villages towards ", " since the attack"),
    ],
)
def test_where_the_wounded_or_the_displaced_went_places_nothing(before: str, after: str) -> None:
    assert not_an_event_place(before, after)
