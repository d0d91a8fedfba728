"""Ingest one report: refuse hostile input, dedupe, extract, merge with known incidents, store,
and queue alerts, all in one transaction.

Flow: reports are built by ``bot.ingest.text.make_report`` (cleaned and hashed there, once);
empty or oversized text is refused with a polite ``UserError``; a report whose URL or hash is
already stored is a duplicate and changes nothing. Otherwise the ``Extractor`` reads incidents
(off the event loop, before the lock, within ``SITREP_EXTRACT_TIME_LIMIT_SECONDS``: a report
over it is stored without incidents and the admins get one notice); each one is matched
against stored incidents of the same country and dates (``merge_candidates`` + ``find_match``)
and either merged (a revision is recorded; alerts become updates) or added (alerts queued). The
report, incidents, revisions, outbox rows and the ``last_ingest_at`` mark are written in ONE
``storage.transaction()``: a failure leaves nothing behind. Storing is serialised by an
``asyncio.Lock`` so feed polling and an admin's /ingest cannot race on the same story; a slow
extraction never holds that lock.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, Unpack

from pydantic_core import to_jsonable_python

from bot.config import Settings
from bot.domain import (
    CasualtyCount,
    DatePrecision,
    Incident,
    IncidentRevision,
    Report,
    SourceRef,
)
from bot.domain.views import IngestOutcome
from bot.extract.pipeline import stated_day
from bot.extract.text import published_from_url
from bot.ingest.text import ReportFields, make_report
from bot.ports import Clock, Extractor
from bot.services.admin import META_LAST_INGEST, AdminService
from bot.services.alerts import AlertPlanner
from bot.services.errors import UserError
from storage.base import Storage

logger = logging.getLogger(__name__)


class MergeOutcome(Protocol):
    """What ``bot.extract.merge.merge_incidents`` returns (``MergeResult``)."""

    @property
    def incident(self) -> Incident:
        """The merged incident (keeps the existing id)."""
        ...

    @property
    def changed(self) -> bool:
        """Anything new at all (a new source counts)."""
        ...

    @property
    def toll_changed(self) -> bool:
        """The killed/injured range changed."""
        ...

    @property
    def changes(self) -> Mapping[str, Any]:
        """field -> {"old": ..., "new": ...}."""
        ...

    @property
    def note(self) -> str:
        """Human text such as "death toll rose from 20 to 30 (AFP)"."""
        ...


@dataclass(frozen=True)
class _Kept:
    """A merge outcome with the fields people corrected put back (see ``_keep_corrections``)."""

    incident: Incident
    changed: bool
    toll_changed: bool
    changes: Mapping[str, Any]
    note: str


# Fields a reviewer's correction sets, with the incident fields each one covers.
_CORRECTED_FIELDS: dict[str, tuple[str, ...]] = {
    "location": ("location",),
    "date": ("date", "date_precision", "date_end"),
    "killed": ("killed",),
    "injured": ("injured",),
}


def _rose(before: CasualtyCount, after: CasualtyCount) -> bool:
    """A later report's higher figure: a rising toll still updates a corrected one."""
    return before.min is not None and after.min is not None and after.min > before.min


MatchFn = Callable[[Incident, Sequence[Incident]], "Incident | None"]
MergeFn = Callable[[Incident, Incident], MergeOutcome]


class IngestService:
    """The one way reports enter Sitrep (feeds, /ingest, files, the demo)."""

    def __init__(
        self,
        storage: Storage,
        extractor: Extractor,
        planner: AlertPlanner,
        *,
        admin: AdminService,
        clock: Clock,
        settings: Settings,
        find_match: MatchFn,
        merge_incidents: MergeFn,
    ) -> None:
        self._storage = storage
        self._extractor = extractor
        self._planner = planner
        self._admin = admin
        self._clock = clock
        self._settings = settings
        self._find_match = find_match
        self._merge = merge_incidents
        self._lock = asyncio.Lock()

    def make_report(self, text: str, **fields: Unpack[ReportFields]) -> Report:
        """Build a :class:`Report` with the one builder, refusing what it cannot take."""
        self._check_size(text)
        published_at = fields.get("published_at")
        if published_at is not None and published_at.tzinfo is None:
            raise UserError("The publication time must include a timezone.")
        report = make_report(text, fetched_at=self._clock.now(), **fields)
        self._check_text(report.text)
        return report

    def _check_size(self, text: str) -> None:
        limit = self._settings.sitrep_max_input_chars
        if len(text) > limit:
            raise UserError(
                "That text is too long for me ({count} characters; the limit is {limit}). "
                "Send the part about the incident.",
                values={"count": f"{len(text):,}", "limit": f"{limit:,}"},
            )

    def _check_text(self, text: str) -> None:
        """Refuse a report with nothing to read or more than the limit."""
        self._check_size(text)
        if not text.strip():
            raise UserError("There is no text to read in that message.")

    async def ingest_text(self, text: str, **fields: Unpack[ReportFields]) -> IngestOutcome:
        """Build a report from text (see :meth:`make_report`) and ingest it."""
        return await self.ingest(self.make_report(text, **fields))

    async def ingest(self, report: Report) -> IngestOutcome:
        """Store a report and what it tells; duplicates change nothing.

        Extraction runs before the ingest lock is taken and off the event loop (the
        ``Extractor`` port's job), under ``SITREP_EXTRACT_TIME_LIMIT_SECONDS``: a report that
        takes longer is stored without incidents and the admins are told, once.
        """
        self._check_text(report.text)  # built (cleaned and hashed) by make_report
        try:
            duplicate = await self._storage.reports.find_duplicate(report.url, report.content_hash)
            if duplicate is not None:
                return IngestOutcome(report=duplicate, duplicate=True)
            link_day = text_day = None
            if report.published_at is None:
                link_day = published_from_url(report.url, report.text)
                text_day = None if link_day else stated_day(report.text)
            extracted, problem = await self._extract(report, link_day or text_day)
            async with self._lock:
                return await self._ingest_locked(
                    report, extracted, problem, link_day=link_day, text_day=text_day
                )
        except UserError:
            raise
        except Exception as exc:
            await self._admin.record_error(f"ingest failed: {type(exc).__name__}: {exc}")
            raise

    async def _extract(
        self, report: Report, day: dt.datetime | None
    ) -> tuple[list[Incident], str | None]:
        """The report's incidents, or none and the reason when it took too long."""
        # Without a publication time, "on Monday" is read relative to the ``day`` the report's
        # link gives, else the latest date the text states, else when the text arrived (as
        # `sitrep extract` does); the stored report keeps published_at empty (we do not know it).
        reference = report
        if report.published_at is None:
            reference = report.model_copy(update={"published_at": day or report.fetched_at})
        limit = self._settings.sitrep_extract_time_limit_seconds
        try:
            async with asyncio.timeout(limit):
                return await self._extractor.extract(reference), None
        except TimeoutError:
            chars = len(report.text)
            logger.warning("extraction of a %d-character report passed %g s", chars, limit)
            return [], f"reading it took longer than {limit:g} s ({chars:,} characters)"

    async def _ingest_locked(
        self,
        report: Report,
        extracted: Sequence[Incident],
        problem: str | None,
        *,
        link_day: dt.datetime | None,
        text_day: dt.datetime | None,
    ) -> IngestOutcome:
        duplicate = await self._storage.reports.find_duplicate(report.url, report.content_hash)
        if duplicate is not None:
            return IngestOutcome(report=duplicate, duplicate=True)
        now = self._clock.now()
        async with self._storage.transaction():
            stored, is_new = await self._storage.reports.add(report)
            if not is_new:
                return IngestOutcome(report=stored, duplicate=True)
            outcome = IngestOutcome(
                report=stored,
                unextracted=problem,
                min_confidence=self._settings.sitrep_alert_min_confidence,
                link_day=link_day,
                text_day=text_day,
            )
            source = SourceRef(
                report_id=stored.id,
                url=stored.url,
                outlet=stored.outlet,
                title=stored.title,
                published_at=stored.published_at,
            )
            for incident in extracted:
                if incident.is_background and incident.date_precision is DatePrecision.MONTH:
                    continue  # "last year's clashes": too vague to be an incident of its own
                await self._store_one(incident, source, stored, now, outcome)
            if problem is not None:
                await self._tell_admins_unextracted(stored, problem)
            await self._storage.meta.set(META_LAST_INGEST, now.isoformat())
        return outcome

    async def _keep_corrections(self, match: Incident, result: MergeOutcome) -> MergeOutcome:
        """A later report does not undo what a person corrected: a reviewer's place or date
        stands, and so does their toll unless the report raises it (a rising toll)."""
        if match.id is None or not (set(result.changes) & set(_CORRECTED_FIELDS)):
            return result
        revisions = await self._storage.incidents.revisions(match.id)
        corrected = {key for r in revisions if r.changed_by is not None for key in r.changes}
        kept = [
            key
            for key in corrected & set(result.changes) & set(_CORRECTED_FIELDS)
            if key not in ("killed", "injured")
            or not _rose(getattr(match, key), getattr(result.incident, key))
        ]
        if not kept:
            return result
        restore = {name: getattr(match, name) for key in kept for name in _CORRECTED_FIELDS[key]}
        restore["summary"] = match.summary  # the merged one would name the undone place or toll
        changes = {key: value for key, value in result.changes.items() if key not in kept}
        toll_changed = result.toll_changed and bool({"killed", "injured"} & set(changes))
        return _Kept(
            incident=result.incident.model_copy(update=restore),
            changed=bool(changes),
            toll_changed=toll_changed,
            changes=changes,
            note=result.note if toll_changed else "",
        )

    async def _tell_admins_unextracted(self, report: Report, problem: str) -> None:
        """One notice per admin for a report stored without extraction (never retried)."""
        label = report.title or report.url or f"{report.text[:60]}..."
        text = (
            f"Report {report.id} ({label}) was stored without incidents: {problem}. "
            "It will not be read again automatically; check it by hand if it matters."
        )
        await self._admin.record_error(f"report {report.id} not extracted: {problem}")
        await self._admin.notify_admins(
            self._settings.sitrep_admin_ids, text, f"unextracted:{report.id}"
        )

    async def _store_one(
        self,
        incident: Incident,
        source: SourceRef,
        report: Report,
        now: dt.datetime,
        outcome: IngestOutcome,
    ) -> None:
        fresh = incident.model_copy(
            update={"id": None, "sources": [source], "created_at": now, "updated_at": now}
        )
        window = dt.timedelta(days=fresh.date_precision.days)
        candidates = await self._storage.incidents.merge_candidates(
            fresh.location.country,
            fresh.date - window,
            (fresh.date_end or fresh.date) + window,
        )
        match = self._find_match(fresh, candidates)
        if match is None or match.id is None:
            added = await self._storage.incidents.add(fresh)
            outcome.new_incidents.append(added)
            # A background mention of an earlier event is recorded, but it is not news: it gets
            # no first alert (a later report of it, or a toll change, still does).
            if not added.is_background:
                outcome.alerts_queued += await self._planner.queue_new(added)
            return
        result = await self._keep_corrections(match, self._merge(match, fresh))
        if not result.changed:
            return
        revision_number = match.revision + 1
        merged = result.incident.model_copy(
            update={
                "id": match.id,
                "revision": revision_number,
                "created_at": match.created_at,
                "updated_at": now,
            }
        )
        changes = to_jsonable_python(dict(result.changes), fallback=str)
        revision = IncidentRevision(
            incident_id=match.id,
            revision=revision_number,
            changed_at=now,
            report_id=report.id,
            changes=changes,
            note=result.note,
        )
        updated = await self._storage.incidents.update(merged, revision)
        outcome.updated_incidents.append(updated)
        if result.note:
            outcome.notes.append(result.note)
        alerts, updates = await self._planner.queue_change(
            updated,
            note=result.note or None,
            changes=changes,
            toll_changed=result.toll_changed,
        )
        outcome.alerts_queued += alerts
        outcome.updates_queued += updates
