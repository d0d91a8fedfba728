"""Confidence from observable signals: each doubt lowers the score and names its reason."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.domain.enums import CountStatus, DatePrecision, EventType, GeoPrecision, SubEventType
from bot.domain.models import CasualtyCount, Incident, Location, SourceRef
from bot.extract.confidence import (
    Confidence,
    ReportView,
    companion_doubts,
    corroborate,
    score_incident,
    side_event_doubts,
)
from bot.extract.pipeline import RulesExtractor
from bot.extract.trust import would_alert

MOSUL = Location(name="Mosul", admin1="Nineveh", country="IQ", lat=36.34, lon=43.13)
NINEVEH = Location(
    name="Nineveh", admin1="Nineveh", country="IQ", geo_precision=GeoPrecision.ADMIN1
)
AMMAN = Location(name="Amman", admin1="Amman", country="JO", lat=31.95, lon=35.93)
IRAQ = Location(name="Iraq", country="IQ", geo_precision=GeoPrecision.COUNTRY)
EVENT = "A car bomb exploded at a market in Mosul on Sunday, killing four people."


def made(
    evidence: list[str],
    location: Location = MOSUL,
    *,
    killed: int | None = 4,
    precision: DatePrecision = DatePrecision.DAY,
) -> Incident:
    count = (
        CasualtyCount(min=killed, max=killed, status=CountStatus.EXACT)
        if killed is not None
        else CasualtyCount()
    )
    return Incident(
        date=dt.date(2023, 3, 5),
        date_precision=precision,
        location=location,
        event_type=EventType.EXPLOSIONS,
        sub_event_type=SubEventType.REMOTE_EXPLOSIVE,
        killed=count,
        summary="s",
        evidence=evidence,
    )


def view(title: str = "Car bomb kills four in Mosul market", *lead: str) -> ReportView:
    return ReportView.of(title, list(lead) or [EVENT])


def test_a_plainly_told_event_is_fully_trusted() -> None:
    confidence = score_incident(made([EVENT]), view())
    assert confidence.score == 1.0
    assert confidence.reasons == ()


def test_only_a_country_is_weak() -> None:
    sentence = "Four people were killed in a bombing in Iraq on Sunday."
    confidence = score_incident(made([sentence], IRAQ), view("Bombing in Iraq", sentence))
    assert confidence.score < 0.5
    assert "place: only the country is known" in confidence.reasons


def test_a_province_is_less_sure_than_a_town() -> None:
    sentence = "A car bomb killed four people in Nineveh province on Sunday."
    province = score_incident(made([sentence], NINEVEH), view("Bomb in Nineveh", sentence))
    assert 0.5 < province.score < 1.0
    assert "place: only the admin1 is known" in province.reasons


@pytest.mark.parametrize(
    "sentence",
    [
        "A car bomb killed four people in the village of Tel Warda in Nineveh province.",
        "A car bomb killed four people in Tel-Warda village, Nineveh province, on Sunday.",
        "A car bomb killed four people in Warda, a small town in Nineveh province, on Sunday.",
    ],
)
def test_a_named_village_placed_only_by_its_province_is_doubted(sentence: str) -> None:
    plain = "A car bomb killed four people in Nineveh province on Sunday."
    province = score_incident(made([plain], NINEVEH), view("Bomb in Nineveh", plain))
    village = score_incident(made([sentence], NINEVEH), view("Bomb in Nineveh", sentence))
    assert village.score < province.score
    assert "place: a village or town is named, only its region is known" in village.reasons


def test_a_village_that_was_placed_is_no_doubt() -> None:
    sentence = "A car bomb killed four people in the village of Mosul on Sunday."
    assert score_incident(made([sentence]), view("Bomb in Mosul", sentence)).score == 1.0


def test_a_speakers_city_is_not_an_event_place() -> None:
    sentence = "A car bomb killed four people at a market, the minister said on Sunday in Amman."
    confidence = score_incident(made([sentence], AMMAN), view("Market bombing", sentence))
    assert "place: named only as a tag, a speaker's place or a name" in confidence.reasons
    assert confidence.score <= 0.5


def test_a_dateline_alone_is_a_milder_doubt() -> None:
    sentence = "AMMAN, March 5 (Reuters) - A car bomb killed four people at a market on Sunday."
    confidence = score_incident(made([sentence], AMMAN), view("Market bombing", sentence))
    assert "place: named only in the dateline" in confidence.reasons
    # milder than a speaker's city, but on its own it keeps the incident from alerting: a
    # dateline is where the reporter filed, often the capital, not where the bomb went off
    assert 0.5 < confidence.score < 0.65


def test_a_country_the_headline_and_lead_do_not_name() -> None:
    lead = "A car bomb killed four people at a market in northern Iraq on Sunday."
    sentence = "The explosion came as officials met in Amman to discuss border security."
    confidence = score_incident(made([sentence], AMMAN), view("Iraq market bombing", lead))
    assert any(r.startswith("place: in JO, a country the headline") for r in confidence.reasons)


def test_a_place_absent_from_headline_and_lead_is_a_doubt() -> None:
    confidence = score_incident(made([EVENT]), view("Bombing kills four", "Police said so."))
    assert confidence.reasons == ("place: not in the headline or lead",)


def test_talk_without_a_violent_act_is_doubted() -> None:
    sentence = "Leaders met in Mosul on Sunday to discuss a truce."
    confidence = score_incident(
        made([sentence], killed=None), view("Truce talks in Mosul", sentence)
    )
    assert "event: no violent act or casualty stated in its sentences" in confidence.reasons


def test_vague_dates_lower_the_score() -> None:
    week = score_incident(made([EVENT], precision=DatePrecision.WEEK), view())
    month = score_incident(made([EVENT], precision=DatePrecision.MONTH), view())
    assert 1.0 > week.score > month.score
    assert "date: only the month is known" in month.reasons


def test_an_unstated_date_is_a_doubt() -> None:
    confidence = score_incident(made([EVENT]), view(), date_stated=False)
    assert confidence.reasons == ("date: no date stated, the publication day was assumed",)


def test_a_second_report_halves_the_doubt() -> None:
    first = made([EVENT]).model_copy(update={"confidence": 0.4, "confidence_reasons": ["x"]})
    second = made([EVENT]).model_copy(update={"confidence": 0.6, "confidence_reasons": ["y"]})
    merged = corroborate(first, second, reports=2)
    assert merged is not None
    assert merged.score == pytest.approx(0.8)
    assert merged.reasons == ("y", "reports: 2 tell it")
    third = first.model_copy(
        update={
            "confidence": merged.score,
            "confidence_reasons": list(merged.reasons),
            "sources": [SourceRef(url="a"), SourceRef(url="b")],
        }
    )
    again = corroborate(third, first, reports=3)
    assert again is not None
    assert again.score == pytest.approx(0.9)
    assert again.reasons == ("y", "reports: 3 tell it")


def test_unscored_incidents_stay_unscored() -> None:
    assert corroborate(made([EVENT]), made([EVENT]), reports=2) is None


def test_another_punctuation_of_the_name_still_names_the_place() -> None:
    place = Location(name="Bi'r al 'Abd", admin1="North Sinai", country="EG", lat=31.0, lon=33.0)
    sentence = "A bomb exploded at a mosque in Bir al-Abd on Friday, killing 30 worshippers."
    confidence = score_incident(made([sentence], place), view("Mosque attack", sentence))
    assert "place: not named in the sentences the incident was read from" not in confidence.reasons


def test_the_headline_names_the_place_of_a_lead_that_does_not() -> None:
    lead = "Shells hit a bus stop in the rebel-held city on Thursday, killing 13 people."
    confidence = score_incident(made([lead]), view("Shelling in Mosul kills 13", lead))
    assert confidence.reasons == ()


# Two towns about 20 km apart, and one far away, in the same invented raid reports.
HAMMAM = Location(name="Hammam al-Alil", admin1="Nineveh", country="IQ", lat=36.16, lon=43.26)
TAL_AFAR = Location(name="Tal Afar", admin1="Nineveh", country="IQ", lat=36.38, lon=42.45)
COMPANION = "toll: none given, beside a same-day incident nearby that gives one"


def _scored(incidents: list[Incident], score: float = 0.9) -> list[Confidence]:
    return companion_doubts(incidents, [Confidence(score, ("x",)) for _ in incidents])


def test_a_tollless_raid_beside_a_tolled_one_the_same_day_is_doubted() -> None:
    tolled = made([EVENT])
    beside = made(["Gunmen also stormed Hammam al-Alil the same night."], HAMMAM, killed=None)
    first, second = _scored([tolled, beside])
    assert first == Confidence(0.9, ("x",))
    assert second.score < 0.65 < 0.9
    assert second.reasons == ("x", COMPANION)


def test_a_tollless_incident_far_away_or_on_another_day_keeps_its_score() -> None:
    tolled = made([EVENT])
    far = made(["Fighters also attacked Tal Afar."], TAL_AFAR, killed=None)
    later = made(["A bomb went off in Hammam al-Alil."], HAMMAM, killed=None).model_copy(
        update={"date": dt.date(2023, 3, 7)}
    )
    province = made(["Clashes spread across Nineveh."], NINEVEH, killed=None)
    assert [c.score for c in _scored([tolled, far, later, province])] == [0.9] * 4


def test_two_tollless_incidents_or_a_background_toll_doubt_nothing() -> None:
    quiet = made(["Gunmen raided Mosul."], killed=None)
    beside = made(["Gunmen also stormed Hammam al-Alil."], HAMMAM, killed=None)
    old = made([EVENT]).model_copy(update={"is_background": True})
    assert [c.score for c in _scored([quiet, beside])] == [0.9, 0.9]
    assert [c.score for c in _scored([old, beside])] == [0.9, 0.9]


def test_the_engine_alerts_once_for_one_raid_on_two_neighbouring_towns(
    engine: RulesExtractor,
) -> None:
    text = (
        "Bandits on Sunday attacked Gusau in Zamfara State, killing seven people.\n"
        "The same night, gunmen also stormed Tsafe, setting fire to houses and abducting women."
    )
    published = dt.datetime(2024, 5, 14, 9, tzinfo=dt.UTC)
    incidents = engine.extract_text(text, published, title="Bandits kill seven in Zamfara")
    alerting = [i.location.name for i in incidents if would_alert(i, published.date())]
    quiet = [i for i in incidents if i.location.name == "Tsafe"]
    assert alerting == ["Gusau"]
    assert len(quiet) == 1
    assert COMPANION in quiet[0].confidence_reasons


def test_an_event_told_only_by_the_headline_is_doubted() -> None:
    title = "Car bomb kills four in Mosul market"
    lead = "Relatives gathered outside the morgue on Sunday."
    confidence = score_incident(made([title]), view(title, lead))
    assert "event: told only by the headline, in no sentence of the body" in confidence.reasons
    assert confidence.score < 0.75
    told = score_incident(made([EVENT, title]), view(title, EVENT))
    assert told.reasons == ()


# Side events: incidents besides the report's main event (issue 11, trust).
SIDE = "report: not its main event, and a smaller toll than the main event's"
BASRA = Location(name="Basra", admin1="Basra", country="IQ", lat=30.51, lon=47.81)
MAIN = (True, False)  # (lead, introduced as a separate incident)
LATER = (False, False)
SEPARATE = (False, True)


def _sides(
    incidents: list[Incident], roles: list[tuple[bool, bool]], title: str = ""
) -> list[float]:
    scores = [Confidence(1.0) for _ in incidents]
    return [c.score for c in side_event_doubts(incidents, scores, roles, title)]


def test_a_smaller_event_far_from_the_main_one_is_doubted() -> None:
    main = made([EVENT])
    aside = made(["Gunmen killed a man in Basra."], BASRA, killed=1)
    scores = side_event_doubts([main, aside], [Confidence(1.0), Confidence(1.0)], [MAIN, LATER])
    assert scores[0] == Confidence(1.0)
    assert scores[1].score < 0.65
    assert scores[1].reasons == (SIDE,)


def test_a_separate_incident_is_doubted_less() -> None:
    main = made([EVENT])
    aside = made(["In a separate attack, gunmen killed a man in Basra."], BASRA, killed=1)
    assert 0.65 <= _sides([main, aside], [MAIN, SEPARATE])[1] < 1.0


def test_a_side_event_that_is_news_of_its_own_keeps_its_score() -> None:
    main = made([EVENT])
    bigger = made(["Gunmen killed nine in Basra."], BASRA, killed=9)
    headline = made(["Gunmen killed a man in Basra."], BASRA, killed=1)
    twin = made(["A second bomb went off in Hammam al-Alil."], HAMMAM, killed=1)
    old = made(["Gunmen killed a man in Basra."], BASRA, killed=1).model_copy(
        update={"is_background": True}
    )
    assert _sides([main, bigger], [MAIN, LATER]) == [1.0, 1.0]
    assert _sides([main, headline], [MAIN, LATER], "Basra gunman kills shopkeeper") == [1.0, 1.0]
    assert _sides([main, twin], [MAIN, LATER]) == [1.0, 1.0]
    assert _sides([main, old], [MAIN, LATER]) == [1.0, 1.0]


def test_without_a_main_event_nothing_is_a_side_event() -> None:
    one = made([EVENT])
    other = made(["Gunmen killed a man in Basra."], BASRA, killed=1)
    assert _sides([one, other], [LATER, LATER]) == [1.0, 1.0]


@pytest.mark.parametrize(
    ("title", "lead"),
    [
        ("Iraq security round-up: attacks in three provinces", ""),
        ("News in brief", ""),
        ("", "weekly security update: the main incidents of the past seven days"),
        ("Our Monday digest of violence across the Sahel", ""),
        ("Kenya: police fire on protesters - plus Somalia, Sudan and Haiti", ""),
    ],
)
def test_a_round_up_tells_every_event_as_news(title: str, lead: str) -> None:
    main = made([EVENT])
    aside = made(["Gunmen killed a man in Basra."], BASRA, killed=1)
    scores = [Confidence(1.0), Confidence(1.0)]
    result = side_event_doubts([main, aside], scores, [MAIN, LATER], title, lead)
    assert [c.score for c in result] == [1.0, 1.0]
    plain = side_event_doubts([main, aside], scores, [MAIN, LATER], "Gunmen storm checkpoint")
    assert plain[1].score < 1.0


def test_arrests_without_casualties_are_doubted() -> None:
    arrest = made(["Police arrested four suspects in Basra."], BASRA, killed=None).model_copy(
        update={
            "event_type": EventType.STRATEGIC_DEVELOPMENTS,
            "sub_event_type": SubEventType.ARRESTS,
        }
    )
    confidence = score_incident(arrest, view("Police arrest four in Basra", ""))
    assert "event: arrests or seizures, no violence reported" in confidence.reasons
    assert confidence.score < 1.0
