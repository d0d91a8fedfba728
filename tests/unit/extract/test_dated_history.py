"""History told beside today's news: an event named with its year, a remembrance headline
(issue 11, concrete events only)."""

from __future__ import annotations

import datetime as dt

from bot.extract.clause_roles import historical
from bot.extract.pipeline import RulesExtractor
from bot.extract.trust import would_alert

PUBLISHED = dt.datetime(2024, 9, 12, 8, 0, tzinfo=dt.UTC)


def test_an_old_bombing_named_with_its_year_lends_no_toll_to_today(
    engine: RulesExtractor,
) -> None:
    text = (
        "A tribunal in Kandahar on Monday jailed nine men over the 2019 wedding bombing that "
        "killed more than 60 guests in the city.\n"
        "Judges said the men had supplied the explosives."
    )
    incidents = engine.extract_text(text, PUBLISHED, title="Nine jailed over Kandahar bombing")
    assert all(not i.killed.known for i in incidents if i.date.year == 2024)
    assert not any(would_alert(i, PUBLISHED.date()) for i in incidents)


def test_a_new_attack_on_a_memorial_for_an_old_one_is_news(engine: RulesExtractor) -> None:
    text = (
        "A suicide bomber struck a memorial service for victims of the 2019 wedding bombing in "
        "Kandahar on Monday, killing seven mourners."
    )
    [incident] = engine.extract_text(text, PUBLISHED)
    assert incident.date == dt.date(2024, 9, 9)
    assert incident.killed.min == 7
    assert would_alert(incident, PUBLISHED.date())


def test_a_remembrance_headline_is_no_incident(engine: RulesExtractor) -> None:
    text = (
        "Families gathered in Mosul on Wednesday to mark the fifth anniversary of the ferry "
        "disaster.\nSpeakers called for the city's bridges to be rebuilt."
    )
    incidents = engine.extract_text(
        text, PUBLISHED, title="Mosul marks anniversary of Badush prison massacre"
    )
    assert not any(would_alert(i, PUBLISHED.date()) for i in incidents)


def test_a_calendar_day_beats_the_weekday_beside_it(engine: RulesExtractor) -> None:
    published = dt.datetime(2024, 3, 15, 8, 0, tzinfo=dt.UTC)  # a Friday
    text = (
        "The toll from last week's blast at a Sufi shrine in Peshawar has climbed to 31, "
        "hospital officials said.\n"
        "Scores of worshippers were hurt in the explosion during Friday prayers on March 8."
    )
    incidents = engine.extract_text(text, published, title="Peshawar shrine toll rises to 31")
    assert [(i.date, i.killed.min) for i in incidents] == [(dt.date(2024, 3, 8), 31)]


def test_a_day_said_to_be_last_year_is_a_year_back(engine: RulesExtractor) -> None:
    # written in February: a bare "January 6" would be five weeks ago, "last year" says 13 months
    doc, _ = engine.pipeline.read(
        "On January 6 last year, nine guards were killed when rebels bombed their truck near "
        "Kandahar. Last year in March, a mine killed two farmers there.",
        dt.datetime(2024, 2, 20, 9, 0, tzinfo=dt.UTC),
    )
    days = [d.date for clause in doc.clauses for d in clause.dates]
    assert days == [dt.date(2023, 1, 6), dt.date(2023, 3, 15)]


def test_the_day_a_toll_rose_gives_way_to_the_day_of_the_fighting(
    engine: RulesExtractor,
) -> None:
    text = (
        "The number of rebels killed in a gunfight with police in the hills of Kandahar "
        "province rose to 11 on Wednesday, officials said.\n\n"
        "The fighting broke out on Tuesday morning near Arghandab, about 20 km north-west of "
        "Kandahar city, when police raided a hideout. Seven bodies were recovered on Tuesday."
    )
    live = [i for i in engine.extract_text(text, PUBLISHED) if not i.is_background]
    assert len(live) == 1
    assert (live[0].date, live[0].killed.max) == (dt.date(2024, 9, 10), 11)


def test_a_lead_dated_by_its_statement_takes_the_day_the_fighting_broke_out(
    engine: RulesExtractor,
) -> None:
    # published on Thursday 12 September 2024
    text = (
        "Nine militants were killed in a gunfight with soldiers in the forests of Kupwara "
        "district, an army officer said on Thursday.\n\n"
        "The gunfight broke out on Tuesday evening when troops searched a hideout in a hilly "
        "area close to the Ladakh border, the officer told reporters by phone from Srinagar."
    )
    live = [i for i in engine.extract_text(text, PUBLISHED) if not i.is_background]
    assert [(i.date, i.killed.max) for i in live] == [(dt.date(2024, 9, 10), 9)]


def test_a_lead_with_its_own_day_keeps_it(engine: RulesExtractor) -> None:
    text = (
        "Gunmen killed four shopkeepers in Kupwara district on Wednesday, police said.\n\n"
        "The attack began on Tuesday night with threats against the market's owners, "
        "residents said."
    )
    live = [i for i in engine.extract_text(text, PUBLISHED) if not i.is_background]
    assert [i.date for i in live] == [dt.date(2024, 9, 11)]


def test_a_later_death_keeps_the_day_of_the_attack_it_adds_to(engine: RulesExtractor) -> None:
    doc, _ = engine.pipeline.read(
        "A policeman died of his wounds on Wednesday, bringing to four the number of officers "
        "killed in a bomb attack on a checkpoint in Kupwara district on Monday night, "
        "officials said.",
        PUBLISHED,
    )
    days = [(d.date, d.reporting) for clause in doc.clauses for d in clause.dates]
    # the death's day is when the toll grew; the attack's own day stays an event day
    assert days == [(dt.date(2024, 9, 11), True), (dt.date(2024, 9, 9), False)]


def test_a_claim_on_a_later_day_still_dates_nothing(engine: RulesExtractor) -> None:
    text = (
        "Gunmen killed three soldiers at a checkpoint in Kupwara district on Monday night. "
        "A little-known group claimed the attack on Wednesday in a statement."
    )
    live = [i for i in engine.extract_text(text, PUBLISHED) if not i.is_background]
    assert [i.date for i in live] == [dt.date(2024, 9, 9)]


def test_the_day_an_eventless_first_part_names_dates_the_event_after_it(
    engine: RulesExtractor,
) -> None:
    text = (
        "The monitor recorded new losses among the militia on 9 September 2024, as gunmen "
        "attacked a militia post in the village of Ghaziabad in Kunar province, killing three "
        "guards.\n\n"
        "The monitor also recorded a roadside bomb on 7 September that wounded a driver on "
        "the road to Asadabad."
    )
    live = [i for i in engine.extract_text(text, PUBLISHED) if not i.is_background]
    first = next(i for i in live if i.killed.max == 3)
    assert first.date == dt.date(2024, 9, 9)


def test_an_opening_sentence_s_day_dates_a_lead_told_by_a_statement(
    engine: RulesExtractor,
) -> None:
    text = (
        "The raiders arrived before dawn on Tuesday, riding motorcycles.\n\n"
        "The army said in a statement from its headquarters in Kabul on Wednesday that "
        "insurgents had attacked an outpost in Kunar province, killing six soldiers."
    )
    doc, _ = engine.pipeline.read(text, PUBLISHED)
    stated = [d for c in doc.clauses for d in c.dates if d.date == dt.date(2024, 9, 11)]
    assert [d.reporting for d in stated] == [True]
    live = [i for i in engine.extract_text(text, PUBLISHED) if not i.is_background]
    assert [(i.date, i.killed.max) for i in live] == [(dt.date(2024, 9, 10), 6)]


def test_a_month_told_as_a_year_ago_is_history(engine: RulesExtractor) -> None:
    # No year is written, but "a year ago this month" dates the killings as surely as one.
    doc, _ = engine.pipeline.read(
        "A year ago this month, villagers near Gwoza buried six herders who were shot. "
        "Six months ago, gunmen burned the market. On Tuesday, gunmen killed 14 farmers.",
        PUBLISHED,
    )
    assert doc.reference is not None
    assert [historical(c, doc.reference) for c in doc.clauses] == [True, False, False]
