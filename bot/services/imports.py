"""Bulk import: JSONL reports (through ingestion) and ACLED-style CSV rows (straight to storage).

Both are idempotent and resumable: JSONL reports are deduplicated by the ingest service; each
ACLED row is stored with a report whose URL is ``acled:<event_id_cnty>``, so a row is never stored
twice; progress (the last row done) is kept in ``meta`` under a fingerprint of the file, so a
re-run after an interruption skips the rows already done.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import logging
from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TypeVar, cast

from pydantic_core import to_jsonable_python

from bot.domain import Incident, IncidentRevision, Report, SourceRef
from bot.ingest.files import (
    ACLED_SOURCE_PREFIX,
    ActorLookup,
    PlaceLocator,
    ReportRecord,
    RowError,
    iter_acled,
    iter_jsonl,
    record_to_report,
    sniff_format,
)
from bot.ingest.text import content_hash
from bot.ports import Clock
from bot.services.errors import UserError
from bot.services.feeds import ReportIngestor
from bot.services.ingestion import MatchFn, MergeFn
from storage.base import Storage

logger = logging.getLogger(__name__)

FORMATS = ("auto", "jsonl", "acled")
PROGRESS_EVERY = 25  # rows between progress marks in meta
MAX_REASONS = 50

Progress = Callable[[int], None]
_T = TypeVar("_T")
"""Called with the number of rows just handled (for progress bars)."""


@dataclass
class ImportSummary:
    """What an import did, row by row."""

    format: str
    rows: int = 0  # rows read in this run (skipped ones excluded)
    new: int = 0
    merged: int = 0
    duplicates: int = 0  # already stored earlier
    rejected: int = 0
    skipped: int = 0  # done by an earlier, interrupted run
    reasons: list[str] = field(default_factory=list)  # why rows were rejected (first 50)

    def reject(self, reason: str) -> None:
        """Count one rejected row and keep its reason."""
        self.rejected += 1
        if len(self.reasons) < MAX_REASONS:
            self.reasons.append(reason)


def file_fingerprint(path: Path, fmt: str) -> str:
    """A short id of a file's content (size, head and tail) for resume marks."""
    digest = hashlib.sha256(fmt.encode())
    size = path.stat().st_size
    digest.update(str(size).encode())
    with path.open("rb") as handle:
        digest.update(handle.read(65_536))
        if size > 65_536:
            handle.seek(max(size - 65_536, 65_536))
            digest.update(handle.read(65_536))
    return digest.hexdigest()[:24]


def _default_merge() -> tuple[MatchFn | None, MergeFn | None]:
    try:
        module = importlib.import_module("bot.extract.merge")
    except ImportError:
        return None, None
    return cast(MatchFn, module.find_match), cast(MergeFn, module.merge_incidents)


@dataclass(frozen=True)
class _Run:
    """One import in progress: what it counts, the rows done before, where it marks progress."""

    summary: ImportSummary
    done: int
    mark_key: str
    progress: Progress | None


class ImportService:
    """Import files of reports or incidents, counting new, merged, duplicate and rejected rows."""

    def __init__(
        self,
        storage: Storage,
        ingestion: ReportIngestor,
        clock: Clock,
        *,
        actors: ActorLookup | None = None,
        locate: PlaceLocator | None = None,
        find_match: MatchFn | None = None,
        merge_incidents: MergeFn | None = None,
        max_chars: int | None = None,
    ) -> None:
        self._storage = storage
        self._ingestion = ingestion
        self._clock = clock
        self._actors = actors
        self._locate = locate
        if find_match is None or merge_incidents is None:
            find_match, merge_incidents = _default_merge()
        self._find_match = find_match
        self._merge = merge_incidents
        self._max_chars = max_chars

    def resolve_format(self, path: Path, fmt: str = "auto") -> str:
        """ "jsonl" or "acled" for a file (``auto`` looks at the name and first line)."""
        if fmt not in FORMATS:
            raise UserError(
                "Unknown format “{text}”; use auto, jsonl or acled.", values={"text": fmt}
            )
        if not path.is_file():
            raise UserError("There is no file at {path}.", values={"path": path})
        if fmt != "auto":
            return fmt
        try:
            return sniff_format(path)
        except RowError as exc:
            raise UserError(str(exc)) from None

    async def import_path(
        self, path: Path, fmt: str = "auto", *, progress: Progress | None = None
    ) -> ImportSummary:
        """Import a JSONL or ACLED CSV file, resuming where an earlier run stopped."""
        fmt = self.resolve_format(path, fmt)
        mark_key = f"import:{file_fingerprint(path, fmt)}"
        done = int(await self._storage.meta.get(mark_key) or 0)
        summary = ImportSummary(format=fmt)
        run = _Run(summary, done, mark_key, progress)
        try:
            if fmt == "jsonl":
                await self._import_jsonl(path, run)
            else:
                await self._import_acled(path, run)
        except UnicodeDecodeError:
            raise UserError("{path} is not UTF-8 text.", values={"path": path}) from None
        except OSError as exc:
            raise UserError(
                "Cannot read {path}: {reason}.",
                values={"path": path, "reason": exc.strerror or exc},
            ) from None
        return summary

    async def rows_done(self, path: Path, fmt: str = "auto") -> int:
        """How many rows of this file earlier runs finished."""
        fmt = self.resolve_format(path, fmt)
        return int(await self._storage.meta.get(f"import:{file_fingerprint(path, fmt)}") or 0)

    async def _mark(self, key: str, row: int) -> None:
        await self._storage.meta.set(key, str(row))

    # ------------------------------------------------------------ JSON Lines

    async def _import_rows(
        self,
        rows: Iterable[tuple[int, _T | RowError]],
        store: Callable[[int, _T], Awaitable[None]],
        run: _Run,
    ) -> None:
        """Import numbered rows, skipping the first ``run.done``, recording progress to resume."""
        summary, done, mark_key, progress = run.summary, run.done, run.mark_key, run.progress
        last = done
        try:
            for number, item in rows:
                if number <= done:
                    summary.skipped += 1
                    if progress:
                        progress(1)
                    continue
                summary.rows += 1
                if isinstance(item, RowError):
                    summary.reject(str(item))
                else:
                    await store(number, item)
                last = number
                if progress:
                    progress(1)
                if summary.rows % PROGRESS_EVERY == 0:
                    await self._mark(mark_key, last)
        finally:
            # Interrupted or not, the rows finished so far need not be read again.
            if last > done:
                await self._mark(mark_key, last)

    async def _import_jsonl(self, path: Path, run: _Run) -> None:
        async def store(number: int, record: ReportRecord) -> None:
            await self._import_record(number, record, run.summary)

        with path.open(encoding="utf-8") as handle:
            await self._import_rows(iter_jsonl(handle), store, run)

    async def _import_record(
        self, number: int, record: ReportRecord, summary: ImportSummary
    ) -> None:
        try:
            report = record_to_report(
                record, fetched_at=self._clock.now(), max_chars=self._max_chars
            )
            outcome = await self._ingestion.ingest(report)
        except UserError as exc:
            summary.reject(f"line {number}: {exc.message}")
            return
        if outcome.duplicate:
            summary.duplicates += 1
        elif outcome.updated_incidents and not outcome.new_incidents:
            summary.merged += 1
        else:
            summary.new += 1

    # ------------------------------------------------------------ ACLED CSV

    async def _import_acled(self, path: Path, run: _Run) -> None:
        async def store(_number: int, row: tuple[str, Incident]) -> None:
            await self._store_acled(*row, run.summary)

        def numbered(handle: IO[str]) -> Iterator[tuple[int, tuple[str, Incident] | RowError]]:
            rows = iter_acled(handle, actors=self._actors, locate=self._locate)
            for number, event_id, item in rows:
                if isinstance(item, RowError):
                    yield number, item
                else:
                    assert event_id is not None  # a row without one is a RowError
                    yield number, (event_id, item)

        try:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                await self._import_rows(numbered(handle), store, run)
        except RowError as exc:
            raise UserError(str(exc)) from None

    async def _store_acled(
        self, event_id: str, incident: Incident, summary: ImportSummary
    ) -> None:
        source_url = f"{ACLED_SOURCE_PREFIX}{event_id}"
        text = incident.summary
        report = Report(
            url=source_url,
            content_hash=content_hash(f"{source_url}\n{text}"),
            title=f"ACLED {event_id}: {incident.sub_event_type.value} in {incident.location.name}",
            outlet=incident.sources[0].outlet if incident.sources else None,
            fetched_at=self._clock.now(),
            text=text,
            origin="import",
        )
        if await self._storage.reports.find_duplicate(source_url, report.content_hash):
            summary.duplicates += 1
            return
        now = self._clock.now()
        async with self._storage.transaction():
            stored, is_new = await self._storage.reports.add(report)
            if not is_new:
                summary.duplicates += 1
                return
            fresh = incident.model_copy(
                update={
                    "sources": [
                        SourceRef(report_id=stored.id, url=source_url, outlet=stored.outlet)
                    ],
                    "created_at": now,
                    "updated_at": now,
                }
            )
            match = await self._find(fresh)
            if match is None or self._merge is None or match.id is None:
                await self._storage.incidents.add(fresh)
                summary.new += 1
                return
            result = self._merge(match, fresh)
            merged = result.incident.model_copy(
                update={
                    "id": match.id,
                    "revision": match.revision + 1,
                    "created_at": match.created_at,
                    "updated_at": now,
                }
            )
            revision = IncidentRevision(
                incident_id=match.id,
                revision=match.revision + 1,
                changed_at=now,
                report_id=stored.id,
                changes=to_jsonable_python(dict(result.changes), fallback=str),
                note=result.note or f"matched ACLED event {event_id}",
            )
            await self._storage.incidents.update(merged, revision)
            summary.merged += 1

    async def _find(self, incident: Incident) -> Incident | None:
        """A stored incident from the news that is this ACLED event (never another ACLED row)."""
        if self._find_match is None:
            return None
        window = dt.timedelta(days=incident.date_precision.days)
        candidates: Sequence[Incident] = await self._storage.incidents.merge_candidates(
            incident.location.country, incident.date - window, incident.date + window
        )
        from_news = [
            candidate
            for candidate in candidates
            if not any(
                (source.url or "").startswith(ACLED_SOURCE_PREFIX) for source in candidate.sources
            )
        ]
        return self._find_match(incident, from_news) if from_news else None
