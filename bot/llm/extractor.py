"""The language-model extractors (``SITREP_EXTRACTOR=llm`` and ``both``) behind the port.

Both read the report with the rules first (in a worker thread, while the model is asked):
the rules give the reference day, the sentences the finisher checks quotes against, and the
answer whenever the model cannot give one. The model's reply is grounded
(``bot.llm.grounding``) and finished by the shared finisher.

* ``llm``: the model's incidents; the rules' when the model is down, slow, over budget or
  answers nothing usable.
* ``both``: the rules' incidents, with the confidence raised where the model agrees field by
  field and the model's other readings kept as alternatives for review
  (``bot.llm.agreement``). An incident only the model saw is never returned (never alerted);
  it is kept with the alternatives.

Nothing waits on the model longer than its time limit (``deadline``, at most the ingest
service's extraction limit), and after repeated failures the circuit breaker answers at once.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Literal

from bot.domain import ExtractorHealth, Incident, Report
from bot.extract.document import Document
from bot.extract.drafts import IncidentDraft
from bot.extract.finisher import Confidence, Finished, Finisher, report_doubts
from bot.extract.pipeline import RulesExtractor
from bot.extract.source_text import SourceText
from bot.llm.agreement import Disagreement, combine
from bot.llm.client import Outcome, Usage
from bot.llm.grounding import Proposal, TextIndex, distrust_injected, proposals
from bot.llm.reader import ModelReader, Reading

__all__ = ["ExtractionResult", "ModelExtractor", "Rejected"]

logger = logging.getLogger(__name__)

REFUSED_PENALTY = 0.1  # per quote or figure of the model's that the text did not bear out
MAX_REFUSED_PENALTY = 0.5
Mode = Literal["llm", "both"]


@dataclass(frozen=True, slots=True)
class Rejected:
    """A model incident that gave no incident, and why."""

    summary: str
    reasons: tuple[str, ...]


@dataclass
class ExtractionResult:
    """One report's extraction with everything eval and review may want to see."""

    finished: list[Finished]  # what the port returns, as incidents
    answered_by: Literal["rules", "llm", "both"]
    outcome: Outcome  # the model's outcome (OK, CACHED, or why the rules answered alone)
    detail: str = ""
    usage: Usage = field(default_factory=Usage)
    model_seconds: float = 0.0
    disagreements: dict[int, tuple[Disagreement, ...]] = field(default_factory=dict)
    alternatives: list[Finished] = field(default_factory=list)  # the model's other readings
    rejected: list[Rejected] = field(default_factory=list)

    @property
    def incidents(self) -> list[Incident]:
        """The finished incidents."""
        return [f.incident for f in self.finished]


class ModelExtractor:
    """``bot.ports.Extractor`` over the rules and a language model (also ``ReportsHealth``)."""

    def __init__(
        self, rules: RulesExtractor, reader: ModelReader, mode: Mode, *, deadline: float
    ) -> None:
        """``deadline``: the longest wait for the model, in seconds (then the rules answer)."""
        self._rules = rules
        self._reader = reader
        self.mode: Mode = mode
        self.deadline = deadline
        self.rules_alone = 0

    @property
    def reader(self) -> ModelReader:
        """The model reader (cache, budget, breaker, client)."""
        return self._reader

    @property
    def finisher(self) -> Finisher:
        """The shared finisher."""
        return self._rules.pipeline.finisher

    async def extract(self, report: Report) -> list[Incident]:
        """The incidents of one report (see the module docstring)."""
        return (await self.run(report)).incidents

    async def run(self, report: Report) -> ExtractionResult:
        """Rules and model together; never raises for anything the model does."""
        stop = threading.Event()
        rules = asyncio.create_task(
            asyncio.to_thread(
                self._rules.pipeline.read,
                report.text,
                report.published_at,
                title=report.title,
                should_stop=stop.is_set,
            )
        )
        try:
            reading = await self._read(report)
            doc, drafts = await rules
        finally:
            stop.set()
            if not rules.done():
                rules.cancel()
        # Finishing resolves places and actors for both readings: off the event loop too.
        return await asyncio.to_thread(self._decide, report, doc, drafts, reading)

    def finish_reading(self, report: Report, reading: Reading) -> ExtractionResult:
        """Decide with a reading already in hand (the rules read synchronously): eval, tests."""
        doc, drafts = self._rules.pipeline.read(
            report.text, report.published_at, title=report.title
        )
        return self._decide(report, doc, drafts, reading)

    async def _read(self, report: Report) -> Reading:
        started = time.monotonic()
        try:
            async with asyncio.timeout(self.deadline):
                return await self._reader.read(report.text, report.title)
        except TimeoutError:
            detail = f"no reply within {self.deadline:g}s"
            self._reader.breaker.failure()
            # The request went out (the reader charged it to the budget) but never came back.
            return self._reader.record(
                Reading(None, Outcome.TIMEOUT, detail, Usage(requests=1),
                        time.monotonic() - started)
            )  # fmt: skip
        except Exception as exc:  # a bug in the adapter must not cost the rules' answer
            logger.exception("the model reader failed")
            return Reading(None, Outcome.MALFORMED, type(exc).__name__)

    def _decide(
        self,
        report: Report,
        doc: Document,
        drafts: list[IncidentDraft],
        reading: Reading,
    ) -> ExtractionResult:
        base = ExtractionResult(
            [], "rules", reading.outcome, reading.detail, reading.usage, reading.seconds
        )
        if doc.reference is None:
            return base  # no day can be known: the rules give nothing, nor may the model
        source = SourceText(report.text, report.title, known=(s.text for s in doc.sentences))
        index = TextIndex(report.text, report.title)
        finished = self.finisher.finish_all(drafts, reference=doc.reference, source=source)
        ruled = [distrust_injected(f, index) for f in finished]
        if reading.reply is None:
            self.rules_alone += 1
            base.finished = ruled
            return base
        found = proposals(reading.reply, index, self.finisher.actors)
        modelled, rejected = self._finish_proposals(found, doc.reference, source)
        base.rejected = rejected
        if self.mode == "llm":
            base.answered_by = "llm"
            base.finished = modelled
            return base
        combined = combine(ruled, modelled)
        base.answered_by = "both"
        base.finished = combined.finished
        base.disagreements = combined.disagreements
        base.alternatives = combined.alternatives
        return base

    def _finish_proposals(
        self, found: list[Proposal], reference: dt.date, source: SourceText
    ) -> tuple[list[Finished], list[Rejected]]:
        """Finish each grounded draft (the place, else its country); say why others fail."""
        finished: list[Finished] = []
        drafts: list[IncidentDraft] = []
        rejected: list[Rejected] = []
        lead_date: dt.date | None = None
        for proposal in found:
            if proposal.draft is None:
                rejected.append(Rejected("an incident the text does not bear out",
                                         proposal.refused))  # fmt: skip
                continue
            refused = list(proposal.refused)
            result = self.finisher.finish(
                proposal.draft, reference=reference, lead_date=lead_date, source=source
            )
            draft = proposal.draft
            if result is None and proposal.country_only is not None:
                place = proposal.draft.place.text if proposal.draft.place else "?"
                refused.append(f"place {place!r} is not in the gazetteer: the country only")
                draft = proposal.country_only
                result = self.finisher.finish(
                    draft, reference=reference, lead_date=lead_date, source=source
                )
            if result is None:
                named = proposal.draft.place.text if proposal.draft.place else None
                why = f"place {named!r} is not in the gazetteer" if named else "no place named"
                rejected.append(Rejected(proposal.draft.sub_event_type.value,
                                         (*refused, why)))  # fmt: skip
                continue
            if proposal.draft.lead:
                lead_date = result.incident.date
            finished.append(_with_penalty(result, refused, self._reader.model))
            drafts.append(draft)
        # the doubts that need the whole report, as for the rules (bot.extract.finisher)
        return report_doubts(finished, drafts, source), rejected

    def health(self) -> ExtractorHealth:
        """The model's state for /status."""
        health = self._reader.health()
        return ExtractorHealth(
            mode=self.mode,
            model=health.model,
            state=health.state,
            last_outcome=health.last_outcome,
            last_detail=health.last_detail,
            last_failure_at=health.last_failure_at,
            requests_today=health.requests_today,
            max_requests=health.max_requests,
            tokens_today=health.tokens_today,
            cache_hits=health.cache_hits,
            cache_misses=health.cache_misses,
            rules_alone=self.rules_alone,
            paused_for_seconds=health.paused_for,
        )

    async def aclose(self) -> None:
        """Close the model client."""
        await self._reader.aclose()


def _with_penalty(result: Finished, refused: list[str], model: str) -> Finished:
    """The finisher's confidence, lowered for each quote the text did not bear out."""
    penalty = min(MAX_REFUSED_PENALTY, REFUSED_PENALTY * len(refused))
    reasons = (*result.confidence.reasons, f"read by the language model {model}", *refused)
    score = round(max(0.0, result.confidence.score - penalty), 3)
    return dataclasses.replace(result, confidence=Confidence(score, reasons))
