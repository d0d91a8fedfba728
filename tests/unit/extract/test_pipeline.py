"""The rules pipeline as a whole: annotator order, the Extractor port, cancellation."""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
from collections.abc import Callable

import pytest

from bot.domain.models import Incident
from bot.extract.document import ExtractionCancelled
from bot.extract.lexicon import default_lexicon
from bot.extract.pipeline import (
    ANNOTATORS,
    RulesExtractor,
    RulesPipeline,
    build_rules_extractor,
    report_from_text,
)

PUBLISHED = dt.datetime(2024, 5, 9, 9, 0, tzinfo=dt.UTC)
DEADLINE = 30.0  # generous: the machine may be loaded
TEXT = "A roadside bomb killed three soldiers near Kirkuk on Monday, police said."


class _RecordingPipeline(RulesPipeline):
    """Remembers the thread it ran on and the stop check it was given."""

    def __init__(self, inner: RulesPipeline) -> None:
        super().__init__(inner.resources, inner.finisher)
        self.threads: list[int] = []
        self.stops: list[Callable[[], bool]] = []
        self.started = threading.Event()
        self.proceed = threading.Event()
        self.proceed.set()
        self.finished = threading.Event()
        self.outcome: BaseException | None = None

    def extract_text(
        self,
        text: str,
        published_at: dt.datetime | None = None,
        *,
        title: str | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> list[Incident]:
        self.threads.append(threading.get_ident())
        if should_stop is not None:
            self.stops.append(should_stop)
        self.started.set()
        self.proceed.wait(DEADLINE)
        try:
            return super().extract_text(text, published_at, title=title, should_stop=should_stop)
        except BaseException as exc:
            self.outcome = exc
            raise
        finally:
            self.finished.set()


class TestOrder:
    def test_places_follow_actors_and_dates_come_last(self) -> None:
        names = [a.__name__ for a in ANNOTATORS]
        assert names.index("annotate_actors") < names.index("annotate_places")
        assert names.index("split_roundups") < names.index("annotate_dates")
        assert names[-1] == "annotate_dates"


class TestExtractorPort:
    async def test_reads_in_a_worker_thread_not_on_the_event_loop(
        self, engine: RulesExtractor
    ) -> None:
        recording = _RecordingPipeline(engine.pipeline)
        extractor = RulesExtractor(recording)
        [incident] = await extractor.extract(report_from_text(TEXT, PUBLISHED))
        assert incident.location.name == "Kirkuk"
        assert recording.threads
        assert recording.threads[0] != threading.get_ident()
        # Finished normally: the stop flag is raised afterwards and no longer matters.
        assert recording.stops[0]()

    async def test_same_incidents_as_the_synchronous_call(self, engine: RulesExtractor) -> None:
        report = report_from_text(TEXT, PUBLISHED, title="Three soldiers killed near Kirkuk")
        assert await engine.extract(report) == engine.extract_text(
            TEXT, PUBLISHED, title="Three soldiers killed near Kirkuk"
        )

    async def test_cancelling_the_caller_stops_the_worker(self, engine: RulesExtractor) -> None:
        recording = _RecordingPipeline(engine.pipeline)
        recording.proceed.clear()  # the worker waits until the caller has given up
        extractor = RulesExtractor(recording)
        task = asyncio.create_task(extractor.extract(report_from_text(TEXT, PUBLISHED)))
        assert await asyncio.to_thread(recording.started.wait, DEADLINE)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        recording.proceed.set()
        assert await asyncio.to_thread(recording.finished.wait, DEADLINE)
        assert isinstance(recording.outcome, ExtractionCancelled)


class TestCancellation:
    def test_a_stop_request_raises_between_steps(self, engine: RulesExtractor) -> None:
        with pytest.raises(ExtractionCancelled):
            engine.pipeline.extract_text(TEXT, PUBLISHED, should_stop=lambda: True)

    def test_a_stop_request_part_way_through(self, engine: RulesExtractor) -> None:
        checks = iter(range(10_000))
        text = " ".join(f"Gunmen killed {n} people in Mosul on Monday." for n in range(2, 60))
        with pytest.raises(ExtractionCancelled):
            engine.pipeline.extract_text(text, PUBLISHED, should_stop=lambda: next(checks) > 5)


class TestBuilder:
    def test_the_builder_uses_the_packaged_lexicon(self) -> None:
        extractor = build_rules_extractor()
        assert extractor.pipeline.finisher.gazetteer is extractor.pipeline.gazetteer
        assert default_lexicon().demonyms["iraqi"] == "IQ"
