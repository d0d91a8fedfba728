"""The rules extractor: annotators over a shared document, segmentation, drafts, the finisher.

``text -> Document.read -> ANNOTATORS (in order) -> segment -> draft_groups -> Finisher``

Each annotator is a plain function ``(Document, Resources) -> None`` that fills one layer of
the document; the order is fixed here and the architecture test keeps the stage modules from
importing later ones. ``RulesExtractor`` is the ``bot.ports.Extractor`` over this pipeline:
it reads in a worker thread (never on the event loop) and stops at the next step when the
awaiting task is cancelled (e.g. by the ingest service's time limit).

Another extractor (a language model) would produce ``IncidentDraft`` objects and call
``Finisher.finish_all`` the same way ``RulesPipeline.extract_text`` does, so both share place
resolution, actor canonicalisation, the figure checks, the date clamp and the summary.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import threading
from collections.abc import Callable

from bot.domain.models import Incident, Report
from bot.extract.actors import ActorRegistry
from bot.extract.annotate_actors import annotate_actors
from bot.extract.annotate_clauses import (
    annotate_cues,
    annotate_figures,
    annotate_triggers,
    split_roundups,
)
from bot.extract.annotate_dates import annotate_dates, fallback_reference
from bot.extract.annotate_place_phrases import annotate_place_phrases
from bot.extract.annotate_places import annotate_countries, annotate_places
from bot.extract.document import Document, ExtractionCancelled, Resources
from bot.extract.drafting import draft_groups
from bot.extract.drafts import IncidentDraft
from bot.extract.finisher import Finished, Finisher
from bot.extract.gazetteer import Gazetteer
from bot.extract.lexicon import Lexicon, default_lexicon
from bot.extract.live_blog import Entry, fold_entries, live_page
from bot.extract.segment import segment
from bot.extract.source_text import SourceText

__all__ = [
    "ANNOTATORS",
    "Annotator",
    "ExtractionCancelled",
    "RulesExtractor",
    "RulesPipeline",
    "build_rules_extractor",
    "report_from_text",
    "stated_day",
]

Annotator = Callable[[Document, Resources], None]

# The order matters: place phrases ("the capital") need the article's country votes, places
# need the actor spans ("Iraqi army" is no place), round-ups need places, figures and actors,
# and dates need the places (timezone) and the round-up parts.
ANNOTATORS: tuple[Annotator, ...] = (
    annotate_countries,
    annotate_place_phrases,
    annotate_actors,
    annotate_places,
    annotate_figures,
    annotate_triggers,
    annotate_cues,
    split_roundups,
    annotate_dates,
)


class RulesPipeline:
    """Rule-based extraction: fast, offline, deterministic, linear-ish in the text's length."""

    def __init__(self, resources: Resources, finisher: Finisher) -> None:
        """Use loaded ``resources`` and a ``finisher`` built over the same gazetteer/registry."""
        self._resources = resources
        self._finisher = finisher

    @property
    def resources(self) -> Resources:
        """The loaded gazetteer, registry and lexicon the annotators read."""
        return self._resources

    @property
    def gazetteer(self) -> Gazetteer:
        """The gazetteer in use."""
        return self._resources.gazetteer

    @property
    def actors(self) -> ActorRegistry:
        """The actor registry in use."""
        return self._resources.actors

    @property
    def finisher(self) -> Finisher:
        """The shared finisher (other extractors reuse it)."""
        return self._finisher

    def read(
        self,
        text: str,
        published_at: dt.datetime | None = None,
        *,
        title: str | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> tuple[Document, list[IncidentDraft]]:
        """The annotated document and its incident drafts (none without a reference day)."""
        doc = Document.read(text, published_at, title, should_stop)
        if not doc.sentences:
            return doc, []
        for annotate in ANNOTATORS:
            doc.checkpoint()
            annotate(doc, self._resources)
        if doc.reference is None:
            return doc, []
        doc.checkpoint()
        return doc, draft_groups(segment(doc.clauses, doc.reference), doc)

    def finish(self, text: str, published_at: dt.datetime | None = None, *,
               title: str | None = None,
               should_stop: Callable[[], bool] | None = None) -> list[Finished]:  # fmt: skip
        """Read, draft and finish: incidents with their confidence (a live page entry by
        entry, see ``bot.extract.live_blog``)."""
        page = live_page(text, published_at)
        if page is not None:

            def read_entry(entry: Entry) -> list[Finished]:
                when = entry.at or published_at
                return self._finish_one(entry.text, when, entry.title, should_stop)

            return fold_entries(page.entries, read_entry, title or page.headline)
        return self._finish_one(text, published_at, title, should_stop)

    def _finish_one(
        self,
        text: str,
        published_at: dt.datetime | None,
        title: str | None,
        should_stop: Callable[[], bool] | None,
    ) -> list[Finished]:
        doc, drafts = self.read(text, published_at, title=title, should_stop=should_stop)
        if doc.reference is None or not drafts:
            return []
        source = SourceText(text, title, known=(s.text for s in doc.sentences))
        return self._finisher.finish_all(drafts, reference=doc.reference, source=source)

    def extract_text(
        self,
        text: str,
        published_at: dt.datetime | None = None,
        *,
        title: str | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> list[Incident]:
        """Incidents described in ``text`` (lead first); ids and sources are left empty."""
        finished = self.finish(text, published_at, title=title, should_stop=should_stop)
        return [f.incident for f in finished]


class RulesExtractor:
    """``bot.ports.Extractor`` over the rules pipeline, run in a worker thread."""

    def __init__(self, pipeline: RulesPipeline) -> None:
        """Wrap a pipeline (build it once: it holds the loaded gazetteer and registry)."""
        self._pipeline = pipeline

    @property
    def pipeline(self) -> RulesPipeline:
        """The pipeline that does the reading."""
        return self._pipeline

    def use(self, gazetteer: Gazetteer | None = None, actors: ActorRegistry | None = None) -> None:
        """Read with another gazetteer or registry from the next report on (what admins taught
        at run time); a report being read finishes with the pipeline it started with."""
        old = self._pipeline.resources
        resources = Resources(
            gazetteer=gazetteer if gazetteer is not None else old.gazetteer,
            actors=actors if actors is not None else old.actors,
            lexicon=old.lexicon,
        )
        finisher = self._pipeline.finisher
        self._pipeline = RulesPipeline(
            resources,
            Finisher(resources.gazetteer, resources.actors, finisher.confidence_hook),
        )

    def extract_text(
        self, text: str, published_at: dt.datetime | None = None, *, title: str | None = None
    ) -> list[Incident]:
        """Incidents of a text, synchronously (for scripts and tests)."""
        return self._pipeline.extract_text(text, published_at, title=title)

    async def extract(self, report: Report) -> list[Incident]:
        """Incidents of one report, read off the event loop.

        Cancelling the awaiting task (``asyncio.wait_for`` with a time limit) makes the worker
        stop at its next step; its result is discarded.
        """
        stop = threading.Event()
        try:
            return await asyncio.to_thread(
                self._pipeline.extract_text,
                report.text,
                report.published_at,
                title=report.title,
                should_stop=stop.is_set,
            )
        finally:
            stop.set()


def report_from_text(
    text: str,
    published_at: dt.datetime | None = None,
    *,
    title: str | None = None,
    fetched_at: dt.datetime | None = None,
) -> Report:
    """A ``Report`` for handing a bare text to an ``Extractor`` (scripts, tests, the CLI).

    Only the extractor reads it: ``fetched_at`` defaults to the publication time (or the
    epoch), and the hash is of the raw text.
    """
    when = fetched_at or published_at or dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    if published_at is not None and published_at.tzinfo is None:
        published_at = published_at.replace(tzinfo=dt.UTC)
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    return Report(
        content_hash=digest, text=text, title=title, published_at=published_at, fetched_at=when
    )


def build_rules_extractor(
    gazetteer: Gazetteer | None = None,
    actors: ActorRegistry | None = None,
    lexicon: Lexicon | None = None,
) -> RulesExtractor:
    """The default extractor: the rules over the packaged (or given) data."""
    resources = Resources(
        gazetteer=gazetteer if gazetteer is not None else Gazetteer.default(),
        actors=actors if actors is not None else ActorRegistry.default(),
        lexicon=lexicon if lexicon is not None else default_lexicon(),
    )
    return RulesExtractor(
        RulesPipeline(resources, Finisher(resources.gazetteer, resources.actors))
    )


def stated_day(text: str) -> dt.datetime | None:
    """The latest full date a report's text states (a dateline, "13 July 2022"), at noon UTC:
    what a report without a publication time (or a date in its link) is read from before the
    time it was received; None when it states none."""
    day = fallback_reference(text, day_first=True)
    if day is None:
        return None
    return dt.datetime(day.year, day.month, day.day, 12, 0, tzinfo=dt.UTC)
