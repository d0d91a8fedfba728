"""The shared finisher, used the way a non-rules extractor (a language model) would use it."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.domain.enums import DatePrecision, EventType, GeoPrecision, SubEventType
from bot.extract.drafts import (
    ActorDraft,
    DateDraft,
    FigureDraft,
    FigureStatementDraft,
    IncidentDraft,
    PlaceDraft,
    PlaceRole,
)
from bot.extract.finisher import Finished, Finisher
from bot.extract.pipeline import RulesExtractor
from bot.extract.source_text import SourceText

REFERENCE = dt.date(2024, 5, 9)  # a Thursday
TEXT = (
    "Gunmen attacked a police checkpoint near Kirkuk on Monday, killing three officers. "
    "Islamic State claimed the attack."
)
EVIDENCE = "Gunmen attacked a police checkpoint near Kirkuk on Monday, killing three officers."


@pytest.fixture(scope="module")
def finisher(engine: RulesExtractor) -> Finisher:
    """The finisher the rules pipeline uses."""
    return engine.pipeline.finisher


def _draft(**changes: object) -> IncidentDraft:
    values: dict[str, object] = {
        "place": PlaceDraft(text="Kirkuk", role=PlaceRole.NEAR, country="IQ"),
        "date": DateDraft(expression="on Monday"),
        "event_type": EventType.VIOLENCE_AGAINST_CIVILIANS,
        "sub_event_type": SubEventType.ATTACK,
        "actors": (ActorDraft(name="Islamic State"),),
        "statements": (
            FigureStatementDraft(
                figures=(
                    FigureDraft(kind="killed", min=3, max=3, surface="killing three officers"),
                ),
                evidence=EVIDENCE,
            ),
        ),
        "evidence": (EVIDENCE,),
        "lead": True,
    }
    values.update(changes)
    return IncidentDraft.model_validate(values)


def _finish(finisher: Finisher, draft: IncidentDraft) -> list[Finished]:
    return finisher.finish_all([draft], reference=REFERENCE, source=SourceText(TEXT))


class TestResolution:
    def test_a_draft_in_the_text_own_words_is_resolved(self, finisher: Finisher) -> None:
        [done] = _finish(finisher, _draft())
        incident = done.incident
        assert incident.location.name == "Kirkuk"
        assert incident.location.geo_precision is GeoPrecision.NEAR
        assert incident.date == dt.date(2024, 5, 6)
        assert incident.date_precision is DatePrecision.DAY
        assert [a.id for a in incident.actors] == ["islamic-state"]
        assert incident.killed.min == 3
        assert incident.summary.endswith(".")
        assert done.confidence.score == 1.0
        assert done.dropped_figures == 0

    def test_an_unknown_place_gives_no_incident(self, finisher: Finisher) -> None:
        draft = _draft(place=PlaceDraft(text="Atlantis Minor", country="IQ"))
        assert _finish(finisher, draft) == []

    def test_no_place_falls_back_to_the_country_with_lower_confidence(
        self, finisher: Finisher
    ) -> None:
        [done] = _finish(finisher, _draft(place=None, country="IQ"))
        assert done.incident.location.geo_precision is GeoPrecision.COUNTRY
        assert done.confidence.score < 1.0
        assert any("country" in reason for reason in done.confidence.reasons)

    def test_an_actor_the_registry_does_not_know_is_not_invented(self, finisher: Finisher) -> None:
        draft = _draft(actors=(ActorDraft(name="Brotherhood of the Lost Fork"),))
        [done] = _finish(finisher, draft)
        assert done.incident.actors == []


class TestNoInventedFigures:
    def test_a_figure_whose_words_are_not_in_its_sentence_is_dropped(
        self, finisher: Finisher
    ) -> None:
        invented = FigureDraft(kind="killed", min=30, max=30, surface="killing thirty officers")
        statement = FigureStatementDraft(figures=(invented,), evidence=EVIDENCE)
        [done] = _finish(finisher, _draft(statements=(statement,)))
        assert done.incident.killed.min is None
        assert done.dropped_figures == 1
        assert any("dropped" in reason for reason in done.confidence.reasons)

    def test_a_sentence_that_is_not_in_the_text_is_dropped(self, finisher: Finisher) -> None:
        figure = FigureDraft(kind="killed", min=3, max=3, surface="killing three officers")
        statement = FigureStatementDraft(
            figures=(figure,), evidence="Elsewhere, killing three officers was reported."
        )
        [done] = _finish(finisher, _draft(statements=(statement,)))
        assert done.incident.killed.min is None
        assert done.dropped_figures == 1

    def test_an_offset_must_point_at_the_words(self, finisher: Finisher) -> None:
        figure = FigureDraft(
            kind="killed", min=3, max=3, surface="killing three officers", offset=0
        )
        statement = FigureStatementDraft(figures=(figure,), evidence=EVIDENCE)
        [done] = _finish(finisher, _draft(statements=(statement,)))
        assert done.incident.killed.min is None

    def test_evidence_not_in_the_text_is_not_kept(self, finisher: Finisher) -> None:
        [done] = _finish(finisher, _draft(evidence=(EVIDENCE, "A sentence nobody wrote.")))
        assert done.incident.evidence == [EVIDENCE]


class TestDates:
    def test_a_date_after_publication_is_clamped(self, finisher: Finisher) -> None:
        future = DateDraft(expression="on 20 May", date=dt.date(2024, 5, 20))
        [done] = _finish(finisher, _draft(date=future))
        assert done.incident.date == REFERENCE

    def test_relative_to_the_lead(self, finisher: Finisher) -> None:
        lead = _draft()
        later = _draft(date=DateDraft(expression="a day later", anchor_offset=1), lead=False)
        done = finisher.finish_all([lead, later], reference=REFERENCE, source=SourceText(TEXT))
        assert [d.incident.date for d in done] == [dt.date(2024, 5, 6), dt.date(2024, 5, 7)]

    def test_a_lead_without_a_date_is_the_publication_day(self, finisher: Finisher) -> None:
        [done] = _finish(finisher, _draft(date=None))
        assert done.incident.date == REFERENCE
        assert any("no date" in reason for reason in done.confidence.reasons)
