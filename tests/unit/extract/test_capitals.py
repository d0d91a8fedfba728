"""A capital named by its country places the event at that capital (issue 11, place)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

import pytest

from bot.domain.enums import GeoPrecision
from bot.extract.capitals import (
    CapitalMention,
    CapitalReader,
    Span,
    article_country,
    capital_names,
    merge_capitals,
    parse_capitals,
)
from bot.extract.gazetteer import Gazetteer
from bot.extract.nationals import Nationality
from bot.extract.pipeline import RulesExtractor
from bot.extract.trust import would_alert

PUBLISHED = dt.datetime(2024, 7, 2, 9, 0, tzinfo=dt.UTC)
CHAD = Nationality("TD", ("Chad",), ("Chadian",))


@pytest.fixture(scope="module")
def reader() -> CapitalReader:
    return CapitalReader(Gazetteer.default(), {"TD": "N'Djamena"}, [CHAD])


@pytest.mark.parametrize(
    ("sentence", "country"),
    [
        ("a grenade went off in the chadian capital on friday", "TD"),
        ("a grenade went off in chad's capital on friday", "TD"),
        ("a grenade went off in chad’s capital on friday", "TD"),
        ("a grenade went off in the capital on friday", None),
    ],
)
def test_capital_phrases(reader: CapitalReader, sentence: str, country: str | None) -> None:
    [found] = reader.find(sentence)
    assert found.country == country
    assert sentence[found.start : found.end].endswith("capital")


@pytest.mark.parametrize(
    "sentence",
    [
        "a grenade went off in the state capital",
        "a grenade went off in the regional capital",
        "a grenade went off in the capital of the lake province",
        "a grenade went off in the capital city of the province",
        "capital flight worries the bank",
    ],
)
def test_other_capitals_are_left_alone(reader: CapitalReader, sentence: str) -> None:
    assert reader.find(sentence) == []


def test_the_capitals_town(reader: CapitalReader) -> None:
    entry = reader.entry("TD")
    assert entry is not None
    assert (entry.country, entry.kind) == ("TD", "place")
    assert reader.entry("NE") is None


def test_an_article_country_needs_a_clear_lead() -> None:
    assert article_country(Counter({"SO": 6, "KE": 2})) == "SO"
    assert article_country(Counter({"SO": 3, "KE": 3})) is None
    assert article_country(Counter()) is None


def test_the_packaged_table_and_its_errors() -> None:
    assert capital_names()["SO"] == "Mogadishu"
    assert parse_capitals("# note\nML\tBamako\n") == {"ML": "Bamako"}
    with pytest.raises(ValueError, match="entry 1"):
        parse_capitals("Mali Bamako\n")


def test_a_mention_is_a_plain_record() -> None:
    assert CapitalMention(3, 14, None) == CapitalMention(3, 14, None)


@pytest.mark.parametrize(
    "where",
    ["in the Sudanese capital", "in Sudan's capital", "in the capital"],
)
def test_the_engine_places_the_event_at_the_capital(engine: RulesExtractor, where: str) -> None:
    text = (
        f"Shells fell on a crowded bus station {where} on Monday, killing 14 people, "
        "medics in Sudan said."
    )
    [incident] = engine.extract_text(text, PUBLISHED, title="Shelling kills 14")
    assert (incident.location.name, incident.location.country) == ("Khartoum", "SD")
    assert incident.location.geo_precision is GeoPrecision.POINT
    assert would_alert(incident, PUBLISHED.date())


def test_a_bare_capital_in_an_article_about_two_countries_places_nothing_there(
    engine: RulesExtractor,
) -> None:
    text = (
        "Chad and Sudan traded accusations. Shells fell on a market in the capital on Monday, "
        "killing 14 people, medics said."
    )
    incidents = engine.extract_text(text, PUBLISHED)
    assert incidents
    assert all(i.location.geo_precision is GeoPrecision.COUNTRY for i in incidents)


@dataclass
class _Sentence:
    low: str
    places: list[Span]
    variants: set[int] = field(default_factory=set)
    own_votes: dict[int, Counter[str]] = field(default_factory=dict)


def test_a_capital_phrase_replaces_the_country_inside_it(reader: CapitalReader) -> None:
    chad = next(e for e in Gazetteer.default().lookup("Chad") if e.kind == "country")
    low = "shots in chad's capital"
    sentence = _Sentence(low, [(9, 13, (chad,))], {9}, {9: Counter({"TD": 4})})
    [found] = reader.find(low)
    merge_capitals(sentence, [(found, reader.entry("TD"))])
    [(start, end, (entry,))] = sentence.places
    assert (start, end, entry.country, entry.kind) == (9, 23, "TD", "place")
    assert sentence.variants == set()
    assert sentence.own_votes == {}


def test_a_capital_phrase_crossing_a_longer_name_is_left_alone(reader: CapitalReader) -> None:
    chad = next(e for e in Gazetteer.default().lookup("Chad") if e.kind == "country")
    low = "the capital city hall"
    sentence = _Sentence(low, [(4, 16, (chad,))])
    merge_capitals(sentence, [(CapitalMention(0, 11, "TD"), reader.entry("TD"))])
    assert sentence.places == [(4, 16, (chad,))]


@pytest.mark.parametrize(
    ("text", "place"),
    [
        (
            "A roadside bomb killed two soldiers in Tarmiyah district, north of the capital, "
            "Baghdad, on Sunday.",
            "Tarmiyah",
        ),
        (
            "Gunmen shot dead three traders in Afgooye, west of the capital, Mogadishu, "
            "on Friday.",
            "Afgooye",
        ),
    ],
)
def test_the_capital_named_after_its_phrase_keeps_the_phrases_role(
    engine: RulesExtractor, text: str, place: str
) -> None:
    # "north of the capital, Baghdad": the name is the phrase again, a direction's reference
    [incident] = engine.extract_text(text, PUBLISHED)
    assert incident.location.name == place
