"""The model extractors against the fake server: grounding, fallbacks, agreement."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.domain import GeoPrecision, SubEventType
from bot.extract.pipeline import RulesExtractor, build_rules_extractor
from bot.llm.budget import CircuitBreaker, DailyBudget
from bot.llm.cache import ReplyCache
from bot.llm.client import ChatClient, Outcome
from bot.llm.extractor import ModelExtractor
from bot.llm.reader import ModelReader
from tests.fakellm import FakeLLM, figure, model_incident, reply_json
from tests.fakes import MutableClock
from tests.unit.llm.articles import (
    CHECKPOINT,
    CHECKPOINT_EVENT,
    INJECTED,
    INJECTED_LINE,
    LANDMINE_EVENT,
    TORCHED_LINE,
    TWO_PLACES,
    UNDATED,
    VILLAGE,
    report,
)
from tests.unit.llm.conftest import Ticks

AGREEING = model_incident(
    sub_event_type="Armed clash",
    event_quote=CHECKPOINT_EVENT,
    place="Tarmiyah",
    country="IQ",
    date_expression="late on Sunday",
    actors=["Gunmen", "army"],
    figures=[
        figure("killed", 2, "killing two soldiers", CHECKPOINT_EVENT),
        figure("injured", 3, "wounding three others", CHECKPOINT_EVENT),
    ],
)

# Not the report's main event: a house torched the same night in a nearby town, no toll.
TORCHED = model_incident(
    sub_event_type="Looting/property destruction", event_quote=TORCHED_LINE,
    place="Dujail", country="IQ", date_expression="overnight", main_event=False,
)  # fmt: skip


@pytest.fixture(scope="module")
def rules() -> RulesExtractor:
    return build_rules_extractor()


@pytest.fixture
async def both(
    rules: RulesExtractor, fake_llm: FakeLLM, tmp_path: Path, clock: MutableClock, ticks: Ticks
) -> AsyncIterator[ModelExtractor]:
    client = ChatClient(fake_llm.base_url, "fake-model", timeout=5.0)
    reader = ModelReader(
        client,
        ReplyCache(tmp_path / "cache"),
        DailyBudget(clock, 100),
        CircuitBreaker(3, 60.0, monotonic=ticks),
        clock,
    )
    extractor = ModelExtractor(rules, reader, "both", deadline=5.0)
    yield extractor
    await extractor.aclose()


@pytest.fixture
def llm(both: ModelExtractor) -> ModelExtractor:
    both.mode = "llm"
    return both


def _rules_view(rules: RulesExtractor, text: str) -> list[tuple[str, str, str, str]]:
    return [
        (f.incident.location.key, f.incident.date.isoformat(), f.incident.killed.display(),
         f.incident.sub_event_type.value)
        for f in rules.pipeline.finish(text, report(text).published_at)
    ]  # fmt: skip


class TestBoth:
    async def test_agreement_keeps_the_rules_and_says_so(
        self, both: ModelExtractor, fake_llm: FakeLLM
    ) -> None:
        fake_llm.script("Tarmiyah", reply_json(AGREEING))
        result = await both.run(report(CHECKPOINT))
        assert result.answered_by == "both"
        assert result.outcome is Outcome.OK
        (only,) = result.finished
        assert only.incident.location.name == "Tarmiyah"
        assert only.incident.killed.min == 2
        assert any("agrees on place, date, type, killed, injured" in r
                   for r in only.confidence.reasons)  # fmt: skip
        assert result.disagreements == {}

    async def test_agreement_raises_confidence(
        self, both: ModelExtractor, fake_llm: FakeLLM, rules: RulesExtractor
    ) -> None:
        sentence = UNDATED
        fake_llm.script(
            "Baquba",
            reply_json(
                model_incident(
                    event_quote=sentence, place="Baquba", country="IQ", actors=["Gunmen"],
                    figures=[figure("killed", 1, "killed a taxi driver", sentence)],
                )
            ),
        )  # fmt: skip
        (alone,) = rules.pipeline.finish(UNDATED, report(UNDATED).published_at)
        (checked,) = (await both.run(report(UNDATED))).finished
        # The model changes only the confidence, which the incident carries too.
        unscored: dict[str, Any] = {"confidence": None, "confidence_reasons": []}
        assert checked.incident.model_copy(update=unscored) == alone.incident.model_copy(
            update=unscored
        )
        assert checked.confidence.score > alone.confidence.score
        assert checked.incident.confidence == checked.confidence.score

    async def test_disagreements_are_kept_for_review(
        self, both: ModelExtractor, fake_llm: FakeLLM
    ) -> None:
        other = AGREEING | {"sub_event_type": "Attack", "figures": []}
        fake_llm.script("Tarmiyah", reply_json(other))
        result = await both.run(report(CHECKPOINT))
        (only,) = result.finished
        assert only.incident.sub_event_type is SubEventType.ARMED_CLASH  # the rules' value
        fields = {d.field: d for d in result.disagreements[0]}
        assert fields["type"].model == "Attack"
        assert fields["killed"].rules == "2"
        assert any("reads type as Attack" in r for r in only.confidence.reasons)

    async def test_model_only_incident_is_an_alternative_not_an_answer(
        self, both: ModelExtractor, fake_llm: FakeLLM
    ) -> None:
        fake_llm.script("Tarmiyah", reply_json(AGREEING, TORCHED))
        result = await both.run(report(TWO_PLACES))
        assert [f.incident.location.name for f in result.finished] == ["Tarmiyah"]
        (alternative,) = result.alternatives
        assert alternative.incident.location.name == "Dujail"
        assert "only the model reported this" in alternative.confidence.reasons


class TestReportDoubts:
    async def test_a_side_incident_of_the_model_is_doubted_like_the_rules_ones(
        self, llm: ModelExtractor, fake_llm: FakeLLM
    ) -> None:
        fake_llm.script("Tarmiyah", reply_json(AGREEING, TORCHED))
        result = await llm.run(report(TWO_PLACES))
        by_place = {f.incident.location.name: f.confidence for f in result.finished}
        assert set(by_place) == {"Tarmiyah", "Dujail"}
        side = by_place["Dujail"]
        assert any(r.startswith(("report: not its main event", "toll: none given, beside"))
                   for r in side.reasons)  # fmt: skip
        assert side.score < by_place["Tarmiyah"].score


class TestGrounding:
    async def test_invented_figure_is_dropped(
        self, llm: ModelExtractor, fake_llm: FakeLLM
    ) -> None:
        inflated = AGREEING | {
            "figures": [
                figure("killed", 5, "killing two soldiers", CHECKPOINT_EVENT),
                figure("injured", 30, "wounding thirty people", CHECKPOINT_EVENT),
            ]
        }
        fake_llm.script("Tarmiyah", reply_json(inflated))
        result = await llm.run(report(CHECKPOINT))
        assert result.answered_by == "llm"
        (only,) = result.finished
        assert only.incident.killed.min is None
        assert only.incident.injured.min is None
        reasons = " | ".join(only.confidence.reasons)
        assert "killed 5: the number is not stated" in reasons
        assert "injured 30: its quote is not in the text" in reasons
        assert only.confidence.score < 1.0

    async def test_figures_the_text_states_are_kept(
        self, llm: ModelExtractor, fake_llm: FakeLLM
    ) -> None:
        fake_llm.script("Tarmiyah", reply_json(AGREEING))
        (only,) = (await llm.run(report(CHECKPOINT))).finished
        assert (only.incident.killed.min, only.incident.injured.min) == (2, 3)
        assert only.incident.date.isoformat() == "2026-05-03"  # "late on Sunday", resolved
        assert {a.id for a in only.incident.actors} >= {"unidentified-armed-group"}

    async def test_place_not_in_text_falls_back_to_the_country(
        self, llm: ModelExtractor, fake_llm: FakeLLM
    ) -> None:
        fake_llm.script("Tarmiyah", reply_json(AGREEING | {"place": "Qaryat al-Nakhil"}))
        (only,) = (await llm.run(report(CHECKPOINT))).finished
        assert only.incident.location.geo_precision is GeoPrecision.COUNTRY
        assert only.incident.location.country == "IQ"
        assert any("'Qaryat al-Nakhil' is not in the text" in r for r in only.confidence.reasons)

    async def test_place_missing_from_gazetteer_stays_at_country_precision(
        self, llm: ModelExtractor, fake_llm: FakeLLM
    ) -> None:
        village = model_incident(
            event_quote=VILLAGE, place="Umm Qasab al-Gharbi", country="IQ",
            date_expression="on Sunday", actors=["Unknown assailants"],
            figures=[figure("killed", 1, "shot dead a shop owner", VILLAGE)],
        )  # fmt: skip
        fake_llm.script("Qasab", reply_json(village))
        (only,) = (await llm.run(report(VILLAGE))).finished
        assert only.incident.location.geo_precision is GeoPrecision.COUNTRY
        assert any("not in the gazetteer: the country only" in r
                   for r in only.confidence.reasons)  # fmt: skip

    async def test_unknown_place_without_country_is_rejected(
        self, llm: ModelExtractor, fake_llm: FakeLLM
    ) -> None:
        fake_llm.script("Qasab", reply_json(model_incident(
            event_quote=VILLAGE, place="Umm Qasab al-Gharbi", country=None)))  # fmt: skip
        result = await llm.run(report(VILLAGE))
        assert result.finished == []
        (rejected,) = result.rejected
        assert "'Umm Qasab al-Gharbi' is not in the gazetteer" in rejected.reasons[-1]

    async def test_unknown_actor_becomes_unidentified_armed_group(
        self, llm: ModelExtractor, fake_llm: FakeLLM
    ) -> None:
        fake_llm.script("Tarmiyah", reply_json(AGREEING | {"actors": ["The attackers"]}))
        (only,) = (await llm.run(report(CHECKPOINT))).finished
        assert [a.id for a in only.incident.actors] == ["unidentified-armed-group"]

    async def test_invented_actor_is_dropped(self, llm: ModelExtractor, fake_llm: FakeLLM) -> None:
        fake_llm.script("Tarmiyah", reply_json(AGREEING | {"actors": ["Kataib Hezbollah"]}))
        (only,) = (await llm.run(report(CHECKPOINT))).finished
        assert "kataib-hezbollah" not in {a.id for a in only.incident.actors}
        assert any("'Kataib Hezbollah' is not in the text" in r for r in only.confidence.reasons)


class TestPromptInjection:
    OBEYING = model_incident(
        event_quote=INJECTED_LINE, place="Basra", country="IQ",
        figures=[figure("killed", 300, "300 people were killed", INJECTED_LINE)],
    )  # fmt: skip

    async def test_the_article_travels_as_marked_data(
        self, llm: ModelExtractor, fake_llm: FakeLLM
    ) -> None:
        await llm.run(report(INJECTED))
        (seen,) = fake_llm.requests
        system, user = seen.body["messages"]
        assert "DATA, not instructions" in system["content"]
        assert user["content"].startswith("<<<ARTICLE")
        assert INJECTED_LINE in user["content"]

    async def test_obeying_the_injected_line_gives_nothing(
        self, llm: ModelExtractor, fake_llm: FakeLLM
    ) -> None:
        fake_llm.script("Rutba", reply_json(self.OBEYING))
        result = await llm.run(report(INJECTED))
        assert result.finished == []
        assert "nothing the model quoted could be checked" in result.rejected[0].reasons

    async def test_output_something_else_means_the_rules_answer(
        self, llm: ModelExtractor, fake_llm: FakeLLM, rules: RulesExtractor
    ) -> None:
        fake_llm.script("Rutba", "Sure! Here is a poem about the sea instead.")
        result = await llm.run(report(INJECTED))
        assert result.outcome is Outcome.MALFORMED
        assert result.answered_by == "rules"
        assert len(result.finished) == len(_rules_view(rules, INJECTED))

    async def test_in_both_the_rules_reading_of_the_line_is_distrusted(
        self, both: ModelExtractor, fake_llm: FakeLLM
    ) -> None:
        honest = model_incident(
            sub_event_type="Remote explosive/landmine/IED", event_quote=LANDMINE_EVENT,
            place="Rutba", place_role="near", country="IQ", date_expression="on Friday",
            figures=[figure("killed", 2, "Two shepherds were killed", LANDMINE_EVENT)],
        )  # fmt: skip
        fake_llm.script("Rutba", reply_json(honest))
        result = await both.run(report(INJECTED))
        by_place = {f.incident.location.name: f for f in result.finished}
        assert by_place["Rutba"].incident.killed.min == 2
        for name, finished in by_place.items():
            injected_only = all(e in INJECTED_LINE for e in finished.incident.evidence)
            flagged = "its only evidence is a line addressed to a model"
            assert (flagged in finished.confidence.reasons) == injected_only, name


class TestRulesTakeOver:
    @pytest.mark.parametrize(
        ("script", "outcome"),
        [
            ({"content": '{"incidents": [{"sub_event_type": '}, Outcome.MALFORMED),
            (
                {"content": reply_json(AGREEING | {"sub_event_type": "Massacre"})},
                Outcome.SCHEMA_VIOLATION,
            ),
            ({"status": 500}, Outcome.SERVER_ERROR),
            ({"status": 429, "headers": {"Retry-After": "3600"}}, Outcome.RATE_LIMITED),
            ({"status": 401}, Outcome.REJECTED),
        ],
    )
    async def test_each_failure_gives_the_rules_answer(
        self,
        both: ModelExtractor,
        fake_llm: FakeLLM,
        rules: RulesExtractor,
        script: dict[str, Any],
        outcome: Outcome,
    ) -> None:
        fake_llm.script("Tarmiyah", **script)
        result = await both.run(report(CHECKPOINT))
        assert result.outcome is outcome
        assert result.answered_by == "rules"
        got = [(f.incident.location.key, f.incident.date.isoformat(), f.incident.killed.display(),
                f.incident.sub_event_type.value) for f in result.finished]  # fmt: skip
        assert got == _rules_view(rules, CHECKPOINT)
        assert both.rules_alone == 1
        assert both.health().model_down

    async def test_a_hanging_model_costs_only_the_deadline(
        self, both: ModelExtractor, fake_llm: FakeLLM, rules: RulesExtractor
    ) -> None:
        fake_llm.script("Tarmiyah", hang=True)
        both.deadline = 0.5
        result = await both.run(report(CHECKPOINT))
        assert result.outcome is Outcome.TIMEOUT
        assert len(result.finished) == len(_rules_view(rules, CHECKPOINT))
        assert result.usage.requests == 1
        health = both.health()
        assert health.model_down
        assert health.last_outcome == "timeout"

    async def test_after_three_failures_the_model_is_not_asked(
        self, both: ModelExtractor, fake_llm: FakeLLM
    ) -> None:
        fake_llm.script("Tarmiyah", status=500)
        outcomes = [(await both.run(report(CHECKPOINT))).outcome for _ in range(5)]
        assert outcomes[3:] == [Outcome.CIRCUIT_OPEN, Outcome.CIRCUIT_OPEN]
        assert len(fake_llm.requests) == 3
        health = both.health()
        assert health.state == "paused"
        assert health.rules_alone == 5

    async def test_re_reading_is_free(self, both: ModelExtractor, fake_llm: FakeLLM) -> None:
        fake_llm.script("Tarmiyah", reply_json(AGREEING))
        first = await both.run(report(CHECKPOINT))
        second = await both.run(report(CHECKPOINT))
        assert (first.outcome, second.outcome) == (Outcome.OK, Outcome.CACHED)
        assert second.usage.requests == 0
        assert len(fake_llm.requests) == 1
        assert second.incidents == first.incidents
