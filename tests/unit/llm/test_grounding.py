"""Grounding a model's reply: quotes checked against the text, numbers against their quotes.

The property test sends any reply the schema allows (and some it does not) through the
shared finisher: each incident either finishes into a valid incident whose every figure and
piece of evidence is in the text, or is rejected with a reason.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from bot.domain import CasualtyCount, GeoPrecision, Incident, Location, SubEventType
from bot.domain.enums import EventType
from bot.extract.finisher import Confidence, Finished
from bot.extract.pipeline import build_rules_extractor
from bot.llm.budget import CircuitBreaker, DailyBudget
from bot.llm.cache import ReplyCache
from bot.llm.client import ChatClient, Outcome
from bot.llm.extractor import ModelExtractor
from bot.llm.grounding import TextIndex, distrust_injected, stated_numbers, suspicious_lines
from bot.llm.reader import ModelReader, Reading
from bot.llm.schema import ModelReply, ReplyError, parse_reply
from tests.fakes import MutableClock
from tests.unit.llm.articles import CHECKPOINT, CHECKPOINT_EVENT, INJECTED, INJECTED_LINE, report


class TestNumbers:
    @pytest.mark.parametrize(
        ("quote", "number"),
        [
            ("killing two soldiers", 2),
            ("at least 1,200 people", 1200),
            ("twenty-five were wounded", 25),
            ("a policeman was killed", 1),
            ("dozens were hurt", 12),
        ],
    )
    def test_stated(self, quote: str, number: int) -> None:
        assert number in stated_numbers(quote)

    def test_not_stated(self) -> None:
        assert 5 not in stated_numbers("killing two soldiers")
        assert stated_numbers("no casualties") == set()


class TestInjection:
    def test_finds_lines_addressed_to_a_model(self) -> None:
        assert suspicious_lines(INJECTED) == [INJECTED_LINE]
        assert suspicious_lines(CHECKPOINT) == []

    def test_quotes_from_an_injected_line_do_not_count(self) -> None:
        index = TextIndex(INJECTED)
        assert index.quoted("Two shepherds were killed")
        assert not index.quoted("300 people were killed in Basra")
        assert not index.quoted("a sentence that is not there")

    def test_an_incident_read_only_from_it_is_distrusted(self) -> None:
        incident = Incident(
            date=dt.date(2026, 5, 1),
            location=Location(name="Basra", country="IQ", geo_precision=GeoPrecision.POINT),
            event_type=EventType.VIOLENCE_AGAINST_CIVILIANS,
            sub_event_type=SubEventType.ATTACK,
            killed=CasualtyCount(min=300, max=300),
            summary="x",
            evidence=[INJECTED_LINE],
        )
        index = TextIndex(INJECTED)
        flagged = distrust_injected(Finished(incident, Confidence(0.9)), index)
        assert flagged.confidence.score == pytest.approx(0.4)
        assert "its only evidence is a line addressed to a model" in flagged.confidence.reasons
        honest = incident.model_copy(update={"evidence": ["Two shepherds were killed"]})
        kept = distrust_injected(Finished(honest, Confidence(0.9)), index)
        assert kept.confidence == Confidence(0.9)


# ---------------------------------------------------------------- the property
QUOTES = [
    CHECKPOINT_EVENT,
    "Tarmiyah",
    "late on Sunday",
    "Gunmen",
    "army",
    "The attackers",
    "killing two soldiers",
    "wounding three others",
    "nearby orchards",
]
SUB_EVENTS = [s.value for s in SubEventType]
_quote = st.one_of(st.sampled_from(QUOTES), st.text(max_size=40))
_figure = st.fixed_dictionaries(
    {
        "kind": st.sampled_from(["killed", "injured", "arrested", "abducted"]),
        "count": st.one_of(st.none(), st.integers(0, 1_000_000)),
        "qualifier": st.sampled_from(["exact", "at_least", "approximate"]),
        "quote": _quote,
        "sentence": st.one_of(st.just(CHECKPOINT_EVENT), st.text(max_size=80)),
    }
)
_incident = st.fixed_dictionaries(
    {
        "sub_event_type": st.sampled_from(SUB_EVENTS),
        "event_quote": _quote,
        "place": st.one_of(st.none(), _quote, st.sampled_from(["Basra", "Atlantis", "IQ"])),
        "place_role": st.sampled_from(["at", "near", "country"]),
        "country": st.sampled_from([None, "IQ", "SY", "ZZ"]),
        "date_expression": st.one_of(st.none(), _quote, st.just("on 12 March 2031")),
        "actors": st.lists(_quote, max_size=3),
        "figures": st.lists(_figure, max_size=3),
        "main_event": st.booleans(),
        "earlier_event": st.booleans(),
    }
)
_reply = st.lists(_incident, max_size=3).map(lambda items: {"incidents": items})


@pytest.fixture(scope="module")
def offline(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModelExtractor]:
    """A model extractor whose model is never asked (readings are handed to it)."""
    clock = MutableClock(dt.datetime(2026, 5, 4, tzinfo=dt.UTC))
    client = ChatClient("http://127.0.0.1:9/v1", "never-called")
    cache = ReplyCache(tmp_path_factory.mktemp("llm-cache"))
    reader = ModelReader(client, cache, DailyBudget(clock, 0), CircuitBreaker(), clock)
    yield ModelExtractor(build_rules_extractor(), reader, "llm", deadline=1.0)
    asyncio.run(client.aclose())


@pytest.fixture(scope="module")
def offline_both(offline: ModelExtractor) -> ModelExtractor:
    """The same, in ``both``."""
    return ModelExtractor(build_rules_extractor(), offline.reader, "both", deadline=1.0)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=_reply)
def test_any_reply_finishes_or_is_rejected_clearly(
    offline: ModelExtractor, data: dict[str, Any]
) -> None:
    try:
        reply = ModelReply.model_validate(data)
    except ValidationError:
        # The schema refuses it: the client reports a schema violation, the rules answer.
        with pytest.raises(ReplyError) as info:
            parse_reply(json.dumps(data))
        assert info.value.kind == "schema"
        return
    text_report = report(CHECKPOINT)
    result = offline.finish_reading(text_report, Reading(reply, Outcome.OK))
    assert len(result.finished) + len(result.rejected) == len(reply.incidents)
    stated = stated_numbers(CHECKPOINT)
    assert text_report.published_at is not None
    for finished in result.finished:
        incident = Incident.model_validate(finished.incident.model_dump())
        assert 0.0 <= finished.confidence.score <= 1.0
        assert incident.date <= text_report.published_at.date()
        for count in (incident.killed, incident.injured, incident.arrested):
            assert count.min is None or count.min in stated
            assert count.max is None or count.max in stated
        for sentence in incident.evidence:
            assert " ".join(sentence.split()) in " ".join(CHECKPOINT.split())
    for rejected in result.rejected:
        assert rejected.reasons


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=_reply)
def test_in_both_no_reply_changes_what_the_rules_answer(
    offline_both: ModelExtractor, data: dict[str, Any]
) -> None:
    try:
        reply = ModelReply.model_validate(data)
    except ValidationError:
        return  # a schema violation: covered above; the rules answer alone
    text_report = report(CHECKPOINT)
    alone = offline_both.finish_reading(text_report, Reading(None, Outcome.SERVER_ERROR))
    checked = offline_both.finish_reading(text_report, Reading(reply, Outcome.OK))
    # Only the confidence may differ (the incident carries it, for the alert gate).
    unscored: dict[str, Any] = {"confidence": None, "confidence_reasons": []}
    assert [i.model_copy(update=unscored) for i in checked.incidents] == [
        i.model_copy(update=unscored) for i in alone.incidents
    ]
    for finished in checked.finished:
        assert finished.incident.confidence == finished.confidence.score
        assert 0.0 <= finished.confidence.score <= 1.0
    for number, fields in checked.disagreements.items():
        assert 0 <= number < len(checked.finished)
        assert all(d.rules != d.model or d.field in ("place", "actors") for d in fields)
