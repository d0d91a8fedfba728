"""The SQLite backend (aiosqlite): every repository of ``storage.base`` on one WAL database file.

Concurrency model. One ``SqliteStorage`` owns one connection. Every repository call runs as
its own short transaction, serialised by an ``asyncio.Lock``; writes start with
``BEGIN IMMEDIATE`` so that two connections (or two processes) queue on SQLite's busy handler
instead of failing with "database is locked" half-way through. ``transaction()`` holds the lock
for a whole block; repository calls made inside it from the same task (tracked with a
ContextVar) join that transaction, each inside its own SAVEPOINT so a failed call leaves no
partial rows behind. Inside a block, do not wait for *another* task that uses the same storage:
that task queues behind the block, so the two would wait for each other.
"""

from __future__ import annotations

import asyncio
import builtins
import contextlib
import datetime as dt
import fcntl
import json
import logging
import os
import sqlite3
import threading
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from contextvars import ContextVar
from pathlib import Path
from types import TracebackType
from typing import IO, Any, TypeVar

import aiosqlite
from pydantic_core import to_jsonable_python

from bot.domain import (
    ActorRef,
    ActorType,
    CasualtyClaim,
    CasualtyCount,
    Chat,
    ChatType,
    CountStatus,
    DatePrecision,
    EventType,
    Feed,
    GeoPrecision,
    Incident,
    IncidentRevision,
    Location,
    OutboxKind,
    OutboxMessage,
    OutboxStatus,
    Report,
    SourceRef,
    SubEventType,
    Subscription,
    SubscriptionKind,
)
from storage.base import (
    ActorRepository,
    ChatRepository,
    FeedRepository,
    IncidentQuery,
    IncidentRepository,
    IncidentStats,
    InstanceLockedError,
    MetaRepository,
    NotFoundError,
    OutboxRepository,
    ReportRepository,
    StorageError,
    SubscriptionRepository,
)
from storage.fts import fold_for_search, fts_match, fts_query
from storage.identity import require_database, stamp_application_id
from storage.schema import Migration, load_migrations

logger = logging.getLogger(__name__)

T = TypeVar("T")
Row = sqlite3.Row
Op = Callable[[aiosqlite.Connection], Awaitable[T]]

BUSY_TIMEOUT_SECONDS = 10.0
BEGIN_RETRIES = 5
_BUSY_CODES = frozenset({sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED})
_CHUNK = 500  # ids per "IN (...)" list, well under SQLite's variable limit
_MEMORY = ":memory:"
SEARCH_CANDIDATES = 2000  # newest FTS matches per index that incident search sorts by date


# --- value conversion -------------------------------------------------------------------------


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _ts(value: dt.datetime) -> str:
    """A timezone-aware datetime as sortable UTC text."""
    if value.tzinfo is None or value.utcoffset() is None:
        msg = f"naive datetime {value!r} cannot be stored; use a timezone-aware one"
        raise StorageError(msg)
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def _ts_opt(value: dt.datetime | None) -> str | None:
    return None if value is None else _ts(value)


def _dt(text: str) -> dt.datetime:
    value = dt.datetime.fromisoformat(text)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


def _dt_opt(text: str | None) -> dt.datetime | None:
    return None if text is None else _dt(text)


def _date_opt(text: str | None) -> dt.date | None:
    return None if text is None else dt.date.fromisoformat(text)


def _time_text(value: dt.time | None) -> str | None:
    return None if value is None else value.isoformat()


def _time_opt(text: str | None) -> dt.time | None:
    return None if text is None else dt.time.fromisoformat(text)


def _json(value: Any) -> str:
    # ensure_ascii=False keeps Arabic readable in the file; models and datetimes inside an
    # outbox payload are turned into their JSON form.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=to_jsonable_python)


def _placeholders(count: int) -> str:
    return ",".join("?" * count)


def _chunks(items: Sequence[T], size: int = _CHUNK) -> Iterable[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _is_busy(exc: sqlite3.Error) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        # Extended codes keep the primary code in the low byte.
        return (code & 0xFF) in _BUSY_CODES
    return "locked" in str(exc) or "busy" in str(exc)


# --- row mapping ------------------------------------------------------------------------------


def _report_from_row(row: Row) -> Report:
    return Report(
        id=row["id"],
        url=row["url"],
        content_hash=row["content_hash"],
        title=row["title"],
        outlet=row["outlet"],
        published_at=_dt_opt(row["published_at"]),
        fetched_at=_dt(row["fetched_at"]),
        language=row["language"],
        text=row["text"],
        origin=row["origin"],
        forwarded_from=row["forwarded_from"],
    )


def _count_params(prefix: str, count: CasualtyCount) -> dict[str, Any]:
    return {
        f"{prefix}_min": count.min,
        f"{prefix}_max": count.max,
        f"{prefix}_status": count.status.value,
        f"{prefix}_source": count.source,
        f"{prefix}_claims": _json([claim.model_dump(mode="json") for claim in count.claims]),
    }


def _count_from_row(row: Row, prefix: str) -> CasualtyCount:
    low, high = row[f"{prefix}_min"], row[f"{prefix}_max"]
    status = CountStatus(row[f"{prefix}_status"])
    source = row[f"{prefix}_source"]
    claims_json = row[f"{prefix}_claims"]
    if claims_json == "[]" and _plain_range(low, high) and (source is None or type(source) is str):
        # Three counts per incident made validation most of the cost of loading incidents;
        # a stored figure that already satisfies every rule of the model is built as is
        # (the same object validation would produce), anything else is validated.
        return CasualtyCount.model_construct(
            min=low, max=high, status=status, source=source, claims=[]
        )
    return CasualtyCount(
        min=low,
        max=high,
        status=status,
        source=source,
        claims=[CasualtyClaim.model_validate(c) for c in json.loads(claims_json)],
    )


def _plain_range(low: object, high: object) -> bool:
    """Non-negative integers (or None) in order: what ``CasualtyCount`` accepts unchanged."""
    for value in (low, high):
        if value is not None and (type(value) is not int or value < 0):
            return False
    return low is None or high is None or low <= high  # type: ignore[operator]


def _incident_params(incident: Incident) -> dict[str, Any]:
    loc = incident.location
    return {
        "date": incident.date.isoformat(),
        "date_precision": incident.date_precision.value,
        "date_end": None if incident.date_end is None else incident.date_end.isoformat(),
        "time_of_day": incident.time_of_day,
        "place_key": loc.key,
        "geonames_id": loc.geonames_id,
        "place_name": loc.name,
        "admin1": loc.admin1,
        "admin1_code": loc.admin1_code,
        "admin2": loc.admin2,
        "country": loc.country,
        "lat": loc.lat,
        "lon": loc.lon,
        "geo_precision": loc.geo_precision.value,
        "place_timezone": loc.timezone,
        "event_type": incident.event_type.value,
        "sub_event_type": incident.sub_event_type.value,
        **_count_params("killed", incident.killed),
        **_count_params("injured", incident.injured),
        **_count_params("arrested", incident.arrested),
        "summary": incident.summary,
        "evidence": _json(incident.evidence),
        "is_background": int(incident.is_background),
        "confidence": incident.confidence,
        "confidence_reasons": _json(incident.confidence_reasons),
        "revision": incident.revision,
    }


def _incident_from_row(row: Row, actors: list[ActorRef], sources: list[SourceRef]) -> Incident:
    location = Location(
        name=row["place_name"],
        place_key=row["place_key"],
        geonames_id=row["geonames_id"],
        admin1=row["admin1"],
        admin1_code=row["admin1_code"],
        admin2=row["admin2"],
        country=row["country"],
        lat=row["lat"],
        lon=row["lon"],
        geo_precision=GeoPrecision(row["geo_precision"]),
        timezone=row["place_timezone"],
    )
    return Incident(
        id=row["id"],
        date=dt.date.fromisoformat(row["date"]),
        date_precision=DatePrecision(row["date_precision"]),
        date_end=_date_opt(row["date_end"]),
        time_of_day=row["time_of_day"],
        location=location,
        actors=actors,
        event_type=EventType(row["event_type"]),
        sub_event_type=SubEventType(row["sub_event_type"]),
        killed=_count_from_row(row, "killed"),
        injured=_count_from_row(row, "injured"),
        arrested=_count_from_row(row, "arrested"),
        summary=row["summary"],
        evidence=list(json.loads(row["evidence"])),
        sources=sources,
        is_background=bool(row["is_background"]),
        confidence=row["confidence"],
        confidence_reasons=list(json.loads(row["confidence_reasons"])),
        revision=row["revision"],
        created_at=_dt(row["created_at"]),
        updated_at=_dt(row["updated_at"]),
    )


def _revision_from_row(row: Row) -> IncidentRevision:
    return IncidentRevision(
        incident_id=row["incident_id"],
        revision=row["revision"],
        changed_at=_dt(row["changed_at"]),
        report_id=row["report_id"],
        changes=json.loads(row["changes"]),
        note=row["note"],
    )


def _chat_from_row(row: Row) -> Chat:
    return Chat(
        id=row["id"],
        type=ChatType(row["type"]),
        title=row["title"],
        timezone=row["timezone"],
        digest_time=_time_opt(row["digest_time"]),
        quiet_start=_time_opt(row["quiet_start"]),
        quiet_end=_time_opt(row["quiet_end"]),
        language=row["language"],
        active=bool(row["active"]),
        last_digest_date=_date_opt(row["last_digest_date"]),
        created_at=_dt(row["created_at"]),
        digest_chart=bool(row["digest_chart"]),
    )


def _subscription_from_row(row: Row) -> Subscription:
    return Subscription(
        id=row["id"],
        chat_id=row["chat_id"],
        kind=SubscriptionKind(row["kind"]),
        key=row["key"],
        label=row["label"],
        min_killed=row["min_killed"],
        created_at=_dt(row["created_at"]),
    )


def _feed_from_row(row: Row) -> Feed:
    return Feed(
        id=row["id"],
        url=row["url"],
        title=row["title"],
        interval_minutes=row["interval_minutes"],
        etag=row["etag"],
        last_modified=row["last_modified"],
        last_polled_at=_dt_opt(row["last_polled_at"]),
        next_poll_at=_dt_opt(row["next_poll_at"]),
        failures=row["failures"],
        last_error=row["last_error"],
        active=bool(row["active"]),
        added_by=row["added_by"],
        created_at=_dt(row["created_at"]),
    )


def _outbox_from_row(row: Row) -> OutboxMessage:
    return OutboxMessage(
        id=row["id"],
        chat_id=row["chat_id"],
        kind=OutboxKind(row["kind"]),
        idempotency_key=row["idempotency_key"],
        payload=json.loads(row["payload"]),
        status=OutboxStatus(row["status"]),
        attempts=row["attempts"],
        next_attempt_at=_dt(row["next_attempt_at"]),
        sent_message_id=row["sent_message_id"],
        reply_to_key=row["reply_to_key"],
        incident_id=row["incident_id"],
        last_error=row["last_error"],
        created_at=_dt(row["created_at"]),
        sent_at=_dt_opt(row["sent_at"]),
    )


async def _fetchall(
    conn: aiosqlite.Connection, sql: str, params: Sequence[Any] | dict[str, Any] = ()
) -> list[Row]:
    rows = await conn.execute_fetchall(sql, params)
    return list(rows)


async def _fetchone(
    conn: aiosqlite.Connection, sql: str, params: Sequence[Any] | dict[str, Any] = ()
) -> Row | None:
    async with conn.execute(sql, params) as cursor:
        row: Row | None = await cursor.fetchone()
        return row


async def _execute(
    conn: aiosqlite.Connection, sql: str, params: Sequence[Any] | dict[str, Any] = ()
) -> tuple[int, int | None]:
    """Run one statement; return (rows changed, last row id)."""
    async with conn.execute(sql, params) as cursor:
        return cursor.rowcount, cursor.lastrowid


async def _require_chat(conn: aiosqlite.Connection, chat_id: int) -> None:
    if await _fetchone(conn, "SELECT 1 FROM chats WHERE id = ?", (chat_id,)) is None:
        msg = f"chat {chat_id} is not stored; store it with chats.upsert() first"
        raise NotFoundError(msg)


async def _index_report(
    conn: aiosqlite.Connection, report_id: int, title: str | None, text: str
) -> None:
    await conn.execute(
        "INSERT INTO reports_fts (rowid, title, text) VALUES (?, ?, ?)",
        (report_id, fold_for_search(title or ""), fold_for_search(text)),
    )


def _incident_search_values(summary: str, evidence: Sequence[str]) -> tuple[str, str]:
    return fold_for_search(summary), fold_for_search("\n".join(evidence))


async def _index_incident(
    conn: aiosqlite.Connection, incident_id: int, summary: str, evidence: Sequence[str]
) -> None:
    await conn.execute(
        "INSERT INTO incidents_fts (rowid, summary, evidence) VALUES (?, ?, ?)",
        (incident_id, *_incident_search_values(summary, evidence)),
    )


async def _unindex_incident(
    conn: aiosqlite.Connection, incident_id: int, summary: str, evidence: Sequence[str]
) -> None:
    # A contentless FTS5 table forgets a row only when given exactly what was indexed.
    await conn.execute(
        "INSERT INTO incidents_fts (incidents_fts, rowid, summary, evidence) "
        "VALUES ('delete', ?, ?, ?)",
        (incident_id, *_incident_search_values(summary, evidence)),
    )


# --- the storage ------------------------------------------------------------------------------


class _Tx:
    """Marks one running transaction; tasks whose ContextVar holds it join that transaction."""

    __slots__ = ()


class SqliteStorage:
    """``storage.base.Storage`` on one SQLite file (WAL), through one aiosqlite connection."""

    def __init__(
        self,
        path: Path,
        connection: aiosqlite.Connection,
        *,
        busy_timeout: float = BUSY_TIMEOUT_SECONDS,
    ) -> None:
        """Wrap an open connection; use :meth:`open` instead of calling this directly."""
        self.path = path
        self._conn = connection
        self._busy_timeout = busy_timeout
        self._lock = asyncio.Lock()
        # Serialises calls that join a transaction (e.g. asyncio.gather inside a block), so
        # their savepoints nest properly.
        self._joined_lock = asyncio.Lock()
        self._tx_var: ContextVar[_Tx | None] = ContextVar(f"sitrep_tx_{id(self)}", default=None)
        self._active_tx: _Tx | None = None
        self._savepoints = 0
        self._lock_file: IO[str] | None = None
        self._closed = False
        # Typed as the Protocols (mutable Protocol members are invariant), so a SqliteStorage
        # is a storage.base.Storage for mypy.
        self.reports: ReportRepository = SqliteReportRepository(self)
        self.incidents: IncidentRepository = SqliteIncidentRepository(self)
        self.actors: ActorRepository = SqliteActorRepository(self)
        self.chats: ChatRepository = SqliteChatRepository(self)
        self.subscriptions: SubscriptionRepository = SqliteSubscriptionRepository(self)
        self.feeds: FeedRepository = SqliteFeedRepository(self)
        self.outbox: OutboxRepository = SqliteOutboxRepository(self)
        self.meta: MetaRepository = SqliteMetaRepository(self)

    # lifecycle -------------------------------------------------------------------------------

    @classmethod
    async def open(
        cls,
        path: Path | str,
        *,
        migrate: bool = True,
        busy_timeout: float = BUSY_TIMEOUT_SECONDS,
        create: bool = True,
    ) -> SqliteStorage:
        """Open (creating if needed) the database at ``path`` and apply pending migrations.

        A file that is not a Sitrep database, or is from a newer schema, is refused with
        :class:`StorageError`; so is a missing or empty one unless ``create``.

        ``busy_timeout`` is how long one attempt waits for another writer (seconds); a few
        retries follow before a write gives up with :class:`StorageError`.
        """
        path = Path(path)
        if str(path) != _MEMORY:
            require_database(path, create=create)
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                msg = f"cannot create the directory for database {path}: {exc.strerror}"
                raise StorageError(msg) from exc
        try:
            pending = aiosqlite.connect(path, isolation_level=None, timeout=busy_timeout)
            _daemonize(pending)
            conn = await pending
        except sqlite3.Error as exc:
            msg = f"cannot open database {path}: {exc}"
            raise StorageError(msg) from exc
        storage = cls(path, conn, busy_timeout=busy_timeout)
        try:
            await storage._configure()
            if migrate:
                await storage.migrate()
        except BaseException as exc:
            await storage.close()
            if isinstance(exc, sqlite3.DatabaseError):
                msg = f"cannot use database {path}: {exc}"
                raise StorageError(msg) from exc
            raise
        return storage

    async def _configure(self) -> None:
        conn = self._conn
        conn.row_factory = sqlite3.Row
        await conn.execute(f"PRAGMA busy_timeout = {int(self._busy_timeout * 1000)}")
        for attempt in range(BEGIN_RETRIES):
            try:
                await conn.execute("PRAGMA journal_mode = WAL")
                break
            except sqlite3.OperationalError as exc:
                if not _is_busy(exc) or attempt == BEGIN_RETRIES - 1:
                    raise
                await asyncio.sleep(0.05 * (attempt + 1))
        await conn.execute("PRAGMA foreign_keys = ON")
        await conn.execute("PRAGMA synchronous = NORMAL")

    async def close(self) -> None:
        """Close the connection and release the instance lock (safe to call twice).

        Waits (up to the busy timeout) for a transaction running in another task to finish,
        so a shutdown does not cut a write in half.
        """
        if not self._closed:
            acquired = False
            if self._current_tx() is None:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._lock.acquire(), self._busy_timeout)
                    acquired = True
            try:
                self._closed = True
                with contextlib.suppress(sqlite3.Error):
                    await self._conn.execute("PRAGMA optimize")
                await self._conn.close()
            finally:
                if acquired:
                    self._lock.release()
        self._release_instance_lock()

    async def __aenter__(self) -> SqliteStorage:
        """``async with await SqliteStorage.open(p) as storage:`` closes on exit."""
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Close the storage."""
        await self.close()

    # instance lock ---------------------------------------------------------------------------

    @property
    def lock_path(self) -> Path:
        """The file whose flock marks the process that owns this database."""
        return self.path.with_name(self.path.name + ".lock")

    def acquire_instance_lock(self) -> None:
        """Take an exclusive, non-blocking flock on ``<db>.lock``; released by :meth:`close`."""
        if self._lock_file is not None or str(self.path) == _MEMORY:
            return
        try:
            # Read-write without O_APPEND or truncation: the pid is rewritten in place below,
            # after the lock is ours.
            fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
            handle = open(fd, "r+", encoding="utf-8")  # noqa: SIM115 - held until close()
        except OSError as exc:
            msg = f"cannot open the lock file {self.lock_path}: {exc.strerror}"
            raise StorageError(msg) from exc
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            handle.close()
            msg = (
                f"another Sitrep process is already using {self.path} "
                f"(lock file {self.lock_path}); stop it first"
            )
            raise InstanceLockedError(msg) from exc
        try:
            handle.seek(0)
            handle.write(f"{os.getpid()}\n")
            handle.flush()  # a full disk shows here, at start-up
            handle.truncate()
        except OSError as exc:
            with contextlib.suppress(OSError):  # closing flushes the same unwritable buffer
                handle.close()
            msg = f"cannot write the lock file {self.lock_path}: {exc.strerror or exc}"
            raise StorageError(msg) from exc
        self._lock_file = handle

    def _release_instance_lock(self) -> None:
        if self._lock_file is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(self._lock_file.fileno(), fcntl.LOCK_UN)
            self._lock_file.close()
            self._lock_file = None

    # migrations and maintenance -------------------------------------------------------------

    async def migrate(self) -> list[int]:
        """Apply pending migrations in one transaction; return the versions applied now."""
        return await self._apply_migrations(load_migrations())

    async def _apply_migrations(self, migrations: Sequence[Migration]) -> list[int]:
        latest = migrations[-1].version if migrations else 0

        async def op(conn: aiosqlite.Connection) -> list[int]:
            # Read the version inside the write transaction: a second process that migrates
            # at the same moment waits here and then finds nothing left to do.
            current = await _user_version(conn)
            if current > latest:
                msg = (
                    f"database {self.path} has schema version {current}, newer than this "
                    f"Sitrep knows ({latest}); upgrade Sitrep"
                )
                raise StorageError(msg)
            applied: list[int] = []
            for migration in migrations:
                if migration.version <= current:
                    continue
                for statement in migration.statements:
                    await conn.execute(statement)
                applied.append(migration.version)
            if applied:
                await conn.execute(f"PRAGMA user_version = {applied[-1]}")
                logger.info("applied migrations %s to %s", applied, self.path)
            await stamp_application_id(conn)
            return applied

        return await self._run(op, write=True)

    async def schema_version(self) -> int:
        """The schema version recorded in the database (0 for a new file)."""
        return await self._run(_user_version, write=False)

    async def integrity_check(self) -> str:
        """SQLite's ``PRAGMA integrity_check``: "ok" when healthy, else the problems found."""

        async def op(conn: aiosqlite.Connection) -> str:
            rows = await _fetchall(conn, "PRAGMA integrity_check")
            return "; ".join(str(row[0]) for row in rows)

        return await self._run(op, write=False)

    async def backup(self, destination: Path) -> None:
        """Copy the database to ``destination`` with SQLite's online backup API.

        The copy is taken from a separate connection, so it holds exactly the transactions
        committed when it starts, and other connections keep writing meanwhile (WAL). It is
        written next to the destination and renamed into place, so a failed backup never
        leaves a half-written file under the final name.
        """
        destination = Path(destination)
        if destination.is_dir():
            msg = f"{destination} is a directory; give a file name for the backup"
            raise StorageError(msg)
        if not destination.parent.is_dir():
            msg = f"directory {destination.parent} does not exist"
            raise StorageError(msg)
        if str(self.path) == _MEMORY:
            async with self._lock:
                target = sqlite3.connect(destination, check_same_thread=False)
                try:
                    await self._conn.backup(target)
                finally:
                    target.close()
            return
        if destination.resolve() == self.path.resolve():
            msg = "the backup must not overwrite the database itself"
            raise StorageError(msg)
        try:
            await asyncio.to_thread(_backup_file, self.path, destination, self._busy_timeout)
        except (sqlite3.Error, OSError) as exc:
            msg = f"backup to {destination} failed: {exc}"
            raise StorageError(msg) from exc

    # transactions ----------------------------------------------------------------------------

    def _current_tx(self) -> _Tx | None:
        tx = self._tx_var.get()
        # A ContextVar copied into a task that outlived its transaction must not join a
        # later, unrelated transaction.
        return tx if tx is not None and tx is self._active_tx else None

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """Make every repository call inside the block one atomic transaction.

        A nested ``transaction()`` in the same task joins the outer one. An exception rolls
        everything back and propagates.
        """
        if self._current_tx() is not None:
            yield
            return
        async with self._lock:
            await self._begin("BEGIN IMMEDIATE")
            tx = _Tx()
            self._active_tx = tx
            token = self._tx_var.set(tx)
            try:
                yield
            except BaseException:
                await self._rollback()
                raise
            else:
                await self._commit()
            finally:
                self._active_tx = None
                self._tx_var.reset(token)

    async def _begin(self, statement: str) -> None:
        self._check_open()
        for attempt in range(BEGIN_RETRIES):
            try:
                await self._conn.execute(statement)
                return
            except sqlite3.OperationalError as exc:
                # busy_timeout already waited; this is the fallback for a long writer.
                if not _is_busy(exc) or attempt == BEGIN_RETRIES - 1:
                    msg = f"could not start a transaction on {self.path}: {exc}"
                    raise StorageError(msg) from exc
                logger.warning("database busy, retrying (%s)", exc)
                await asyncio.sleep(0.1 * (attempt + 1))

    async def _commit(self) -> None:
        try:
            await self._conn.execute("COMMIT")
        except BaseException as exc:
            await self._rollback()
            if isinstance(exc, sqlite3.Error):
                msg = f"could not commit to {self.path}: {exc}"
                raise StorageError(msg) from exc
            raise

    async def _rollback(self) -> None:
        # Shielded: a cancelled task must still leave the connection outside a transaction.
        with contextlib.suppress(sqlite3.Error):
            await asyncio.shield(self._conn.rollback())

    def _check_open(self) -> None:
        if self._closed:
            msg = f"storage for {self.path} is closed"
            raise StorageError(msg)

    async def _run(self, op: Op[T], *, write: bool) -> T:
        """Run ``op`` atomically: inside the caller's transaction, or in a new one."""
        if self._current_tx() is not None:
            async with self._joined_lock:
                if not write:
                    return await self._guard(op)
                self._savepoints += 1
                name = f"sp{self._savepoints}"
                await self._conn.execute(f"SAVEPOINT {name}")
                try:
                    result = await self._guard(op)
                except BaseException:
                    await asyncio.shield(self._conn.execute(f"ROLLBACK TO {name}"))
                    await self._conn.execute(f"RELEASE {name}")
                    raise
                await self._conn.execute(f"RELEASE {name}")
                return result
        async with self._lock:
            await self._begin("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                result = await self._guard(op)
            except BaseException:
                await self._rollback()
                raise
            await self._commit()
            return result

    async def _guard(self, op: Op[T]) -> T:
        try:
            return await op(self._conn)
        except sqlite3.IntegrityError as exc:
            msg = f"constraint failed: {exc}"
            raise StorageError(msg) from exc
        except sqlite3.DatabaseError as exc:
            # OperationalError (disk full, I/O) and corruption alike: one error type upward.
            msg = f"database error: {exc}"
            raise StorageError(msg) from exc

    async def rebuild_search_index(self) -> int:
        """Re-fill both FTS indexes from the tables (after the folding rules change).

        Returns how many rows were indexed. Runs in one transaction.
        """

        async def op(conn: aiosqlite.Connection) -> int:
            await conn.execute("INSERT INTO reports_fts (reports_fts) VALUES ('delete-all')")
            await conn.execute("INSERT INTO incidents_fts (incidents_fts) VALUES ('delete-all')")
            indexed = 0
            async with conn.execute("SELECT id, title, text FROM reports") as cursor:
                while batch := list(await cursor.fetchmany(1000)):
                    await conn.executemany(
                        "INSERT INTO reports_fts (rowid, title, text) VALUES (?, ?, ?)",
                        [
                            (
                                r["id"],
                                fold_for_search(r["title"] or ""),
                                fold_for_search(r["text"]),
                            )
                            for r in batch
                        ],
                    )
                    indexed += len(batch)
            async with conn.execute("SELECT id, summary, evidence FROM incidents") as cursor:
                while batch := list(await cursor.fetchmany(1000)):
                    await conn.executemany(
                        "INSERT INTO incidents_fts (rowid, summary, evidence) VALUES (?, ?, ?)",
                        [
                            (
                                r["id"],
                                *_incident_search_values(r["summary"], json.loads(r["evidence"])),
                            )
                            for r in batch
                        ],
                    )
                    indexed += len(batch)
            return indexed

        return await self._run(op, write=True)

    # helpers for tests and tools ---------------------------------------------------------------

    async def explain(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[str]:
        """``EXPLAIN QUERY PLAN`` details for a statement (used to check index use)."""

        async def op(conn: aiosqlite.Connection) -> list[str]:
            rows = await _fetchall(conn, f"EXPLAIN QUERY PLAN {sql}", params)
            return [str(row["detail"]) for row in rows]

        return await self._run(op, write=False)


def _daemonize(connection: aiosqlite.Connection) -> None:
    """Run aiosqlite's worker as a daemon thread.

    Its thread is non-daemon, so a process that dies of an unhandled error before close()
    would hang at exit instead of ending (and being restarted by systemd). SQLite is
    crash-safe: a thread cut off at exit loses at most an uncommitted transaction.
    """
    thread = getattr(connection, "_thread", None)
    if isinstance(thread, threading.Thread) and not thread.is_alive():
        thread.daemon = True


def _backup_file(source: Path, destination: Path, busy_timeout: float) -> None:
    partial = destination.with_name(f".{destination.name}.partial")
    partial.unlink(missing_ok=True)
    src = sqlite3.connect(source, timeout=busy_timeout)
    try:
        dst = sqlite3.connect(partial)
        try:
            # pages=-1: one step under one read snapshot, so the copy is consistent.
            src.backup(dst, pages=-1)
            # A backup should be one self-contained file, not a WAL database.
            dst.execute("PRAGMA journal_mode = DELETE")
        finally:
            dst.close()
    finally:
        src.close()
    partial.replace(destination)


async def _user_version(conn: aiosqlite.Connection) -> int:
    row = await _fetchone(conn, "PRAGMA user_version")
    return int(row[0]) if row is not None else 0


class _Repository:
    """Base of the repositories: holds the storage whose transactions they run in."""

    def __init__(self, storage: SqliteStorage) -> None:
        self._storage = storage

    async def _read(self, op: Op[T]) -> T:
        return await self._storage._run(op, write=False)

    async def _write(self, op: Op[T]) -> T:
        return await self._storage._run(op, write=True)


# --- reports ----------------------------------------------------------------------------------

_REPORT_COLUMNS = (
    "url",
    "content_hash",
    "title",
    "outlet",
    "published_at",
    "fetched_at",
    "language",
    "text",
    "origin",
    "forwarded_from",
)


async def _find_report_duplicate(
    conn: aiosqlite.Connection, url: str | None, content_hash: str
) -> Report | None:
    row = None
    if url is not None:
        row = await _fetchone(conn, "SELECT * FROM reports WHERE url = ?", (url,))
    if row is None:
        row = await _fetchone(
            conn, "SELECT * FROM reports WHERE content_hash = ?", (content_hash,)
        )
    return None if row is None else _report_from_row(row)


class SqliteReportRepository(_Repository):
    """Reports: one row per URL and per content hash; FTS over title and text."""

    async def add(self, report: Report) -> tuple[Report, bool]:
        """Store a report; return the stored row and whether it is new (False = duplicate)."""
        params = {
            "url": report.url,
            "content_hash": report.content_hash,
            "title": report.title,
            "outlet": report.outlet,
            "published_at": _ts_opt(report.published_at),
            "fetched_at": _ts(report.fetched_at),
            "language": report.language,
            "text": report.text,
            "origin": report.origin,
            "forwarded_from": report.forwarded_from,
        }
        sql = (
            f"INSERT INTO reports ({', '.join(_REPORT_COLUMNS)}) "
            f"VALUES ({', '.join(':' + c for c in _REPORT_COLUMNS)}) ON CONFLICT DO NOTHING"
        )

        async def op(conn: aiosqlite.Connection) -> tuple[Report, bool]:
            changed, rowid = await _execute(conn, sql, params)
            if changed == 1 and rowid is not None:
                await _index_report(conn, rowid, report.title, report.text)
                return report.model_copy(update={"id": rowid}), True
            existing = await _find_report_duplicate(conn, report.url, report.content_hash)
            if existing is None:  # pragma: no cover - a conflict implies a matching row
                msg = "report insert conflicted but no duplicate was found"
                raise StorageError(msg)
            return existing, False

        return await self._write(op)

    async def get(self, report_id: int) -> Report | None:
        """One report by id."""

        async def op(conn: aiosqlite.Connection) -> Report | None:
            row = await _fetchone(conn, "SELECT * FROM reports WHERE id = ?", (report_id,))
            return None if row is None else _report_from_row(row)

        return await self._read(op)

    async def find_duplicate(self, url: str | None, content_hash: str) -> Report | None:
        """The stored report with this URL or this content hash, if any."""

        async def op(conn: aiosqlite.Connection) -> Report | None:
            return await _find_report_duplicate(conn, url, content_hash)

        return await self._read(op)

    async def search(self, text: str, limit: int = 20) -> list[Report]:
        """Full-text search over titles and text, best match first; any text is safe."""
        match = fts_query(text)
        if match is None or limit <= 0:
            return []

        async def op(conn: aiosqlite.Connection) -> list[Report]:
            rows = await _fetchall(
                conn,
                "SELECT r.* FROM reports_fts JOIN reports AS r ON r.id = reports_fts.rowid "
                "WHERE reports_fts MATCH ? ORDER BY reports_fts.rank, r.id DESC LIMIT ?",
                (await fts_match(conn, text), limit),
            )
            return [_report_from_row(row) for row in rows]

        return await self._read(op)

    async def count(self) -> int:
        """How many reports are stored."""
        return await self._read(_scalar("SELECT COUNT(*) FROM reports"))

    async def latest(self, limit: int = 1) -> list[Report]:
        """The most recently ingested reports, newest first."""

        async def op(conn: aiosqlite.Connection) -> list[Report]:
            rows = await _fetchall(
                conn, "SELECT * FROM reports ORDER BY id DESC LIMIT ?", (max(limit, 0),)
            )
            return [_report_from_row(row) for row in rows]

        return await self._read(op)


def _scalar(sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Op[int]:
    async def op(conn: aiosqlite.Connection) -> int:
        row = await _fetchone(conn, sql, params)
        return int(row[0] or 0) if row is not None else 0

    return op


# --- incidents --------------------------------------------------------------------------------

_POINT_OR_NEAR = "i.geo_precision IN ('point', 'near')"
_ACTOR_JOIN = "incident_actors AS a JOIN incidents AS i ON i.id = a.incident_id"


def _incident_filter(query: IncidentQuery) -> tuple[str, list[str], list[Any], str]:
    """FROM clause, WHERE terms, parameters and ORDER BY for an incident query.

    With ``updated_since`` the query reads the ``incidents_by_updated`` range (a recent time
    window) and sorts it; otherwise an actor filter drives it from ``incident_actors`` (its
    index is ordered by actor, date), anything else from ``incidents``; both orders are
    "newest first".
    """
    where: list[str] = []
    params: list[Any] = []
    if query.ids is not None:
        # A known set of rows: look each up by id (an index walk to skip the sort would read
        # the whole history), then sort the few found.
        source = "incidents AS i NOT INDEXED"
        date_col, order = "i.date", "i.date DESC, i.id DESC"
        where.append(f"i.id IN ({_placeholders(len(query.ids))})" if query.ids else "0")
        params += query.ids
        if query.actor_id is not None:
            where.append(
                "EXISTS (SELECT 1 FROM incident_actors AS a"
                " WHERE a.incident_id = i.id AND a.actor_id = ?)"
            )
            params.append(query.actor_id)
    elif query.updated_since is not None:
        # "What changed since T" (digests, alert catch-up) is a short range of updated_at,
        # whatever else is filtered: without this hint the planner walks the place, actor or
        # date index through all history to avoid sorting a few hundred rows.
        source = "incidents AS i INDEXED BY incidents_by_updated"
        date_col, order = "i.date", "i.date DESC, i.id DESC"
        if query.actor_id is not None:
            where.append(
                "EXISTS (SELECT 1 FROM incident_actors AS a"
                " WHERE a.incident_id = i.id AND a.actor_id = ?)"
            )
            params.append(query.actor_id)
    elif query.actor_id is not None:
        source = _ACTOR_JOIN
        where.append("a.actor_id = ?")
        params.append(query.actor_id)
        date_col, order = "a.date", "a.date DESC, a.incident_id DESC"
    else:
        source = "incidents AS i"
        date_col, order = "i.date", "i.date DESC, i.id DESC"
    if query.place_key is not None:
        where += ["i.place_key = ?", _POINT_OR_NEAR]
        params.append(query.place_key)
    if query.place_keys is not None:
        # One range of incidents_by_place per key; with ORDER BY ... LIMIT SQLite stops each
        # key's range once it cannot beat the rows already kept.
        keys = list(dict.fromkeys(query.place_keys))
        where += [f"i.place_key IN ({_placeholders(len(keys))})" if keys else "0", _POINT_OR_NEAR]
        params += keys
    if query.admin1_code is not None:
        where.append("i.admin1_code = ?")
        params.append(query.admin1_code)
    if query.country is not None:
        where.append("i.country = ?")
        params.append(query.country)
    if query.event_type is not None:
        where.append("i.event_type = ?")
        params.append(query.event_type.value)
    if query.since is not None:
        where.append(f"{date_col} >= ?")
        params.append(query.since.isoformat())
    if query.until is not None:
        where.append(f"{date_col} <= ?")
        params.append(query.until.isoformat())
    if query.updated_since is not None:
        where.append("i.updated_at >= ?")
        params.append(_ts(query.updated_since))
    if query.created_since is not None:
        where.append("i.created_at >= ?")
        params.append(_ts(query.created_since))
    if query.created_before is not None:
        where.append("i.created_at < ?")
        params.append(_ts(query.created_before))
    if query.min_killed is not None:
        where.append("COALESCE(i.killed_min, 0) >= ?")
        params.append(query.min_killed)
    if not query.include_background:
        where.append("i.is_background = 0")
    return source, where, params, order


# The incidents a full-text search finds: the newest ``:cap`` matches of each FTS index, the
# report matches turned into their incidents through the report index (named, because with
# planner statistics from a database whose sources have no report the planner would rather
# scan every source once per matching report).
SEARCH_HITS_SQL = (
    "WITH hits (id) AS ("
    " SELECT id FROM (SELECT rowid AS id FROM incidents_fts"
    "  WHERE incidents_fts MATCH :q ORDER BY rowid DESC LIMIT :cap)"
    " UNION"
    " SELECT s.incident_id FROM incident_sources AS s INDEXED BY incident_sources_by_report"
    "  WHERE s.report_id IN (SELECT rowid FROM reports_fts"
    "  WHERE reports_fts MATCH :q ORDER BY rowid DESC LIMIT :report_cap)"
    ")"
)

# Two index ranges: incidents dated in the window, and spans that began before it and reach
# into it. (One "COALESCE(date_end, date) >= ?" test would leave the date range open-ended,
# and without INDEXED BY the planner prefers the date-ordered index and walks all history.)
MERGE_CANDIDATES_SQL = (
    "SELECT * FROM incidents WHERE country = :country AND date BETWEEN :start AND :end"
    " UNION"
    " SELECT * FROM incidents INDEXED BY incidents_spans"
    " WHERE country = :country AND date_end IS NOT NULL"
    " AND date_end >= :start AND date < :start"
    " ORDER BY date DESC, id DESC LIMIT :limit"
)


def _where_sql(where: list[str]) -> str:
    return f" WHERE {' AND '.join(where)}" if where else ""


def incident_query_sql(query: IncidentQuery) -> tuple[str, list[Any]]:
    """The SELECT (and parameters) that :meth:`SqliteIncidentRepository.query` runs."""
    source, where, params, order = _incident_filter(query)
    sql = f"SELECT i.* FROM {source}{_where_sql(where)} ORDER BY {order} LIMIT ? OFFSET ?"
    return sql, [*params, query.limit, query.offset]


def incident_ids_sql(query: IncidentQuery) -> tuple[str, list[Any]]:
    """The SELECT (and parameters) that :meth:`SqliteIncidentRepository.ids` runs."""
    source, where, params, order = _incident_filter(query)
    sql = f"SELECT i.id FROM {source}{_where_sql(where)} ORDER BY {order} LIMIT ? OFFSET ?"
    return sql, [*params, query.limit, query.offset]


async def _load_incidents(conn: aiosqlite.Connection, rows: Sequence[Row]) -> list[Incident]:
    """Turn incident rows into models, fetching actors and sources in batches."""
    ids = [int(row["id"]) for row in rows]
    actors: dict[int, list[ActorRef]] = defaultdict(list)
    sources: dict[int, list[SourceRef]] = defaultdict(list)
    for chunk in _chunks(ids):
        marks = _placeholders(len(chunk))
        for row in await _fetchall(
            conn,
            f"SELECT * FROM incident_actors WHERE incident_id IN ({marks}) "
            "ORDER BY incident_id, position",
            chunk,
        ):
            actors[row["incident_id"]].append(
                ActorRef(
                    id=row["actor_id"],
                    name=row["name"],
                    type=ActorType(row["type"]),
                    country=row["country"],
                )
            )
        for row in await _fetchall(
            conn,
            f"SELECT * FROM incident_sources WHERE incident_id IN ({marks}) "
            "ORDER BY incident_id, position",
            chunk,
        ):
            sources[row["incident_id"]].append(
                SourceRef(
                    report_id=row["report_id"],
                    url=row["url"],
                    outlet=row["outlet"],
                    title=row["title"],
                    published_at=_dt_opt(row["published_at"]),
                )
            )
    return [_incident_from_row(row, actors[row["id"]], sources[row["id"]]) for row in rows]


async def _get_incident(conn: aiosqlite.Connection, incident_id: int) -> Incident | None:
    row = await _fetchone(conn, "SELECT * FROM incidents WHERE id = ?", (incident_id,))
    if row is None:
        return None
    return (await _load_incidents(conn, [row]))[0]


async def _write_incident_children(
    conn: aiosqlite.Connection, incident_id: int, incident: Incident
) -> None:
    date = incident.date.isoformat()
    await conn.executemany(
        "INSERT INTO incident_actors (incident_id, actor_id, position, name, type, country, date) "
        "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        [
            (incident_id, a.id, pos, a.name, a.type.value, a.country, date)
            for pos, a in enumerate(incident.actors)
        ],
    )
    await conn.executemany(
        "INSERT INTO incident_sources "
        "(incident_id, position, report_id, url, outlet, title, published_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (incident_id, pos, s.report_id, s.url, s.outlet, s.title, _ts_opt(s.published_at))
            for pos, s in enumerate(incident.sources)
        ],
    )


class SqliteIncidentRepository(_Repository):
    """Incidents with actors, sources and revisions; indexed by place, governorate, actor."""

    async def add(self, incident: Incident) -> Incident:
        """Insert a new incident (with actors and sources); return it with id and timestamps."""
        created = incident.created_at or _now()
        updated = incident.updated_at or created
        params = {
            **_incident_params(incident),
            "created_at": _ts(created),
            "updated_at": _ts(updated),
        }
        columns = list(params)
        sql = (
            f"INSERT INTO incidents ({', '.join(columns)}) "
            f"VALUES ({', '.join(':' + c for c in columns)})"
        )

        async def op(conn: aiosqlite.Connection) -> Incident:
            _, rowid = await _execute(conn, sql, params)
            if rowid is None:  # pragma: no cover - an INSERT always has a row id
                msg = "incident insert returned no id"
                raise StorageError(msg)
            await _write_incident_children(conn, rowid, incident)
            await _index_incident(conn, rowid, incident.summary, incident.evidence)
            stored = await _get_incident(conn, rowid)
            assert stored is not None
            return stored

        return await self._write(op)

    async def update(
        self, incident: Incident, revision: IncidentRevision | None = None
    ) -> Incident:
        """Replace a stored incident's fields, actors and sources; record the revision if given.

        ``updated_at`` becomes the caller's value when they changed it, else the current time.
        """
        incident_id = incident.id
        if incident_id is None:
            msg = "cannot update an incident without an id"
            raise NotFoundError(msg)

        async def op(conn: aiosqlite.Connection) -> Incident:
            row = await _fetchone(
                conn,
                "SELECT updated_at, summary, evidence FROM incidents WHERE id = ?",
                (incident_id,),
            )
            if row is None:
                msg = f"incident {incident_id} does not exist"
                raise NotFoundError(msg)
            stored_updated = _dt(row["updated_at"])
            updated = (
                incident.updated_at
                if incident.updated_at is not None and incident.updated_at != stored_updated
                else _now()
            )
            params = {**_incident_params(incident), "updated_at": _ts(updated)}
            assignments = ", ".join(f"{c} = :{c}" for c in params)
            await conn.execute(
                f"UPDATE incidents SET {assignments} WHERE id = :id", {**params, "id": incident_id}
            )
            await conn.execute("DELETE FROM incident_actors WHERE incident_id = ?", (incident_id,))
            await conn.execute(
                "DELETE FROM incident_sources WHERE incident_id = ?", (incident_id,)
            )
            await _write_incident_children(conn, incident_id, incident)
            await _unindex_incident(conn, incident_id, row["summary"], json.loads(row["evidence"]))
            await _index_incident(conn, incident_id, incident.summary, incident.evidence)
            if revision is not None:
                await conn.execute(
                    "INSERT INTO incident_revisions "
                    "(incident_id, revision, changed_at, report_id, changes, note) "
                    "VALUES (?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (incident_id, revision) DO UPDATE SET "
                    "changed_at = excluded.changed_at, report_id = excluded.report_id, "
                    "changes = excluded.changes, note = excluded.note",
                    (
                        incident_id,
                        revision.revision,
                        _ts(revision.changed_at),
                        revision.report_id,
                        _json(revision.changes),
                        revision.note,
                    ),
                )
            stored = await _get_incident(conn, incident_id)
            assert stored is not None
            return stored

        return await self._write(op)

    async def get(self, incident_id: int) -> Incident | None:
        """One incident by id."""

        async def op(conn: aiosqlite.Connection) -> Incident | None:
            return await _get_incident(conn, incident_id)

        return await self._read(op)

    async def query(self, query: IncidentQuery) -> list[Incident]:
        """Incidents matching the filters, newest (by date, then id) first."""
        sql, params = incident_query_sql(query)

        async def op(conn: aiosqlite.Connection) -> list[Incident]:
            return await _load_incidents(conn, await _fetchall(conn, sql, params))

        return await self._read(op)

    async def count(self, query: IncidentQuery | None = None) -> int:
        """How many incidents match (all of them when query is None)."""
        if query is None:
            return await self._read(_scalar("SELECT COUNT(*) FROM incidents"))
        source, where, params, _ = _incident_filter(query)
        if source == _ACTOR_JOIN and all(term.startswith("a.") for term in where):
            # Only the actor index is filtered, and every row of it names an existing incident
            # (foreign key): the join would add one table lookup per row and nothing else.
            source = "incident_actors AS a"
        return await self._read(
            _scalar(f"SELECT COUNT(*) FROM {source}{_where_sql(where)}", params)
        )

    async def stats(self, query: IncidentQuery) -> IncidentStats:
        """Totals over the incidents matching the filters (limit/offset ignored)."""
        source, where, params, _ = _incident_filter(query)
        sql = (
            "SELECT i.event_type AS event_type, COUNT(*) AS n, "
            "SUM(COALESCE(i.killed_min, 0)) AS killed, "
            "SUM(COALESCE(i.injured_min, 0)) AS injured, "
            "COUNT(i.killed_min) AS killed_reported, COUNT(i.injured_min) AS injured_reported "
            f"FROM {source}{_where_sql(where)} GROUP BY i.event_type"
        )

        async def op(conn: aiosqlite.Connection) -> IncidentStats:
            stats = IncidentStats(killed_reported=0, injured_reported=0)
            for row in await _fetchall(conn, sql, params):
                stats.incidents += row["n"]
                stats.killed += row["killed"] or 0
                stats.injured += row["injured"] or 0
                stats.killed_reported = (stats.killed_reported or 0) + row["killed_reported"]
                stats.injured_reported = (stats.injured_reported or 0) + row["injured_reported"]
                stats.by_event_type[row["event_type"]] = row["n"]
            return stats

        return await self._read(op)

    async def ids(self, query: IncidentQuery) -> list[int]:
        """Ids of the incidents matching the filters, newest first (no models are loaded)."""
        sql, all_params = incident_ids_sql(query)

        async def op(conn: aiosqlite.Connection) -> list[int]:
            return [int(row[0]) for row in await _fetchall(conn, sql, all_params)]

        return await self._read(op)

    async def merge_candidates(
        self, country: str, date_from: dt.date, date_to: dt.date, limit: int = 200
    ) -> list[Incident]:
        """Incidents in a country whose date (or date span) overlaps the window, newest first."""
        start, end = date_from.isoformat(), date_to.isoformat()

        async def op(conn: aiosqlite.Connection) -> list[Incident]:
            params = {"country": country, "start": start, "end": end, "limit": limit}
            rows = await _fetchall(conn, MERGE_CANDIDATES_SQL, params)
            return await _load_incidents(conn, rows)

        return await self._read(op)

    async def search(self, text: str, limit: int = 20, offset: int = 0) -> list[Incident]:
        """Incidents whose summary/evidence or whose reports' text match, newest first.

        Only the ``SEARCH_CANDIDATES`` most recently stored matches of each index are sorted
        by date, so a word found in nearly every row stays fast.
        """
        match = fts_query(text)
        if match is None or limit <= 0:
            return []
        sql = (
            f"{SEARCH_HITS_SQL} SELECT i.* FROM incidents AS i JOIN hits ON hits.id = i.id"
            " ORDER BY i.date DESC, i.id DESC LIMIT :limit OFFSET :offset"
        )
        offset = max(offset, 0)
        # A word found in most rows would otherwise sort every match by date; rows are
        # stored roughly in news order, so the most recently stored matches are kept.
        cap = max(SEARCH_CANDIDATES, offset + limit)
        params = {"q": match, "limit": limit, "offset": offset, "cap": cap, "report_cap": cap}

        async def op(conn: aiosqlite.Connection) -> list[Incident]:
            params["q"] = await fts_match(conn, text)
            return await _load_incidents(conn, await _fetchall(conn, sql, params))

        return await self._read(op)

    async def search_count(self, text: str, limit: int = 200) -> int:
        """How many incidents :meth:`search` finds for ``text``, counted up to ``limit``.

        Reads only the FTS indexes and the incidents' primary key: the cheap half of a
        paged search (the page itself comes from ``search`` with a small limit).
        """
        match = fts_query(text)
        if match is None or limit <= 0:
            return 0
        sql = (
            f"SELECT COUNT(*) FROM ({SEARCH_HITS_SQL}"
            " SELECT 1 FROM hits JOIN incidents AS i ON i.id = hits.id LIMIT :limit)"
        )
        # Capping the incident index at ``limit`` changes no count up to the limit (its rows
        # are distinct incidents, so a binding cap alone reaches it); reports keep the search's
        # cap, as several reports may name one incident.
        params = {
            "q": match,
            "limit": limit,
            "cap": limit,
            "report_cap": max(SEARCH_CANDIDATES, limit),
        }

        async def op(conn: aiosqlite.Connection) -> int:
            params["q"] = await fts_match(conn, text)
            return await _scalar(sql, params)(conn)

        return await self._read(op)

    async def revisions(self, incident_id: int) -> list[IncidentRevision]:
        """The revision history of an incident, oldest first."""

        async def op(conn: aiosqlite.Connection) -> list[IncidentRevision]:
            rows = await _fetchall(
                conn,
                "SELECT * FROM incident_revisions WHERE incident_id = ? ORDER BY revision",
                (incident_id,),
            )
            return [_revision_from_row(row) for row in rows]

        return await self._read(op)


# --- actors -----------------------------------------------------------------------------------


class SqliteActorRepository(_Repository):
    """Admin-added actors and their aliases."""

    async def upsert(self, actor: ActorRef, aliases: Sequence[str]) -> None:
        """Add or replace an actor and its aliases."""

        async def op(conn: aiosqlite.Connection) -> None:
            await conn.execute(
                "INSERT INTO actors (id, name, type, country, created_at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (id) DO UPDATE SET name = excluded.name, type = excluded.type, "
                "country = excluded.country",
                (actor.id, actor.name, actor.type.value, actor.country, _ts(_now())),
            )
            await conn.execute("DELETE FROM actor_aliases WHERE actor_id = ?", (actor.id,))
            await conn.executemany(
                "INSERT INTO actor_aliases (actor_id, alias, position) VALUES (?, ?, ?) "
                "ON CONFLICT DO NOTHING",
                [(actor.id, alias, pos) for pos, alias in enumerate(aliases)],
            )

        await self._write(op)

    async def remove(self, actor_id: str) -> bool:
        """Delete an admin-added actor; True if it existed."""

        async def op(conn: aiosqlite.Connection) -> bool:
            changed, _ = await _execute(conn, "DELETE FROM actors WHERE id = ?", (actor_id,))
            return changed > 0

        return await self._write(op)

    async def all(self) -> list[tuple[ActorRef, list[str]]]:
        """Every admin-added actor with its aliases, by id."""

        async def op(conn: aiosqlite.Connection) -> list[tuple[ActorRef, list[str]]]:
            aliases: dict[str, list[str]] = defaultdict(list)
            for row in await _fetchall(
                conn, "SELECT actor_id, alias FROM actor_aliases ORDER BY actor_id, position"
            ):
                aliases[row["actor_id"]].append(row["alias"])
            rows = await _fetchall(conn, "SELECT * FROM actors ORDER BY id")
            return [
                (
                    ActorRef(
                        id=row["id"],
                        name=row["name"],
                        type=ActorType(row["type"]),
                        country=row["country"],
                    ),
                    aliases[row["id"]],
                )
                for row in rows
            ]

        return await self._read(op)


# --- chats ------------------------------------------------------------------------------------


async def _get_chat(conn: aiosqlite.Connection, chat_id: int) -> Chat | None:
    row = await _fetchone(conn, "SELECT * FROM chats WHERE id = ?", (chat_id,))
    return None if row is None else _chat_from_row(row)


class SqliteChatRepository(_Repository):
    """Chats and their settings."""

    async def upsert(self, chat: Chat) -> Chat:
        """Insert a chat or update its type/title (settings are kept); return the stored row."""

        async def op(conn: aiosqlite.Connection) -> Chat:
            await conn.execute(
                "INSERT INTO chats (id, type, title, timezone, digest_time, quiet_start, "
                "quiet_end, language, active, last_digest_date, created_at, digest_chart) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (id) DO UPDATE SET type = excluded.type, "
                "title = COALESCE(excluded.title, chats.title)",
                (
                    chat.id,
                    chat.type.value,
                    chat.title,
                    chat.timezone,
                    _time_text(chat.digest_time),
                    _time_text(chat.quiet_start),
                    _time_text(chat.quiet_end),
                    chat.language,
                    int(chat.active),
                    None if chat.last_digest_date is None else chat.last_digest_date.isoformat(),
                    _ts(chat.created_at or _now()),
                    int(chat.digest_chart),
                ),
            )
            stored = await _get_chat(conn, chat.id)
            assert stored is not None
            return stored

        return await self._write(op)

    async def get(self, chat_id: int) -> Chat | None:
        """One chat by id."""

        async def op(conn: aiosqlite.Connection) -> Chat | None:
            return await _get_chat(conn, chat_id)

        return await self._read(op)

    async def save_settings(self, chat: Chat) -> None:
        """Write a chat's timezone, digest time, quiet hours, language and last digest date."""

        async def op(conn: aiosqlite.Connection) -> None:
            changed, _ = await _execute(
                conn,
                "UPDATE chats SET timezone = ?, digest_time = ?, quiet_start = ?, quiet_end = ?, "
                "language = ?, last_digest_date = ?, digest_chart = ? WHERE id = ?",
                (
                    chat.timezone,
                    _time_text(chat.digest_time),
                    _time_text(chat.quiet_start),
                    _time_text(chat.quiet_end),
                    chat.language,
                    None if chat.last_digest_date is None else chat.last_digest_date.isoformat(),
                    int(chat.digest_chart),
                    chat.id,
                ),
            )
            if changed == 0:
                msg = f"chat {chat.id} is not stored; store it with chats.upsert() first"
                raise NotFoundError(msg)

        await self._write(op)

    async def set_active(self, chat_id: int, active: bool) -> None:
        """Mark a chat reachable or not (blocked, kicked); unknown chats are ignored."""

        async def op(conn: aiosqlite.Connection) -> None:
            await conn.execute("UPDATE chats SET active = ? WHERE id = ?", (int(active), chat_id))

        await self._write(op)

    async def migrate(self, old_id: int, new_id: int) -> None:
        """Move a chat, its subscriptions and its messages to a new id, in one transaction.

        If the new id is already stored (the supergroup spoke first), the two merge: the old
        chat's settings win, the new row keeps its type and title, subscriptions are united.
        """
        if old_id == new_id:
            return

        async def op(conn: aiosqlite.Connection) -> None:
            if await _fetchone(conn, "SELECT 1 FROM chats WHERE id = ?", (old_id,)) is None:
                return
            await conn.execute(
                "INSERT INTO chats (id, type, title, timezone, digest_time, quiet_start, "
                "quiet_end, language, active, last_digest_date, created_at, digest_chart) "
                "SELECT :new, CASE type WHEN 'group' THEN 'supergroup' ELSE type END, title, "
                "timezone, digest_time, quiet_start, quiet_end, language, active, "
                "last_digest_date, created_at, digest_chart FROM chats WHERE id = :old "
                "ON CONFLICT (id) DO UPDATE SET timezone = excluded.timezone, "
                "digest_chart = excluded.digest_chart, "
                "digest_time = excluded.digest_time, quiet_start = excluded.quiet_start, "
                "quiet_end = excluded.quiet_end, language = excluded.language, "
                "last_digest_date = COALESCE(excluded.last_digest_date, chats.last_digest_date), "
                "created_at = MIN(excluded.created_at, chats.created_at)",
                {"new": new_id, "old": old_id},
            )
            await conn.execute(
                "UPDATE OR IGNORE subscriptions SET chat_id = ? WHERE chat_id = ?",
                (new_id, old_id),
            )
            await conn.execute("UPDATE outbox SET chat_id = ? WHERE chat_id = ?", (new_id, old_id))
            # Left-overs are subscriptions the new chat already had; the cascade drops them.
            await conn.execute("DELETE FROM chats WHERE id = ?", (old_id,))

        await self._write(op)

    async def with_digest(self) -> list[Chat]:
        """Active chats that have a digest time set, by id."""

        async def op(conn: aiosqlite.Connection) -> list[Chat]:
            rows = await _fetchall(
                conn,
                "SELECT * FROM chats WHERE digest_time IS NOT NULL AND active = 1 ORDER BY id",
            )
            return [_chat_from_row(row) for row in rows]

        return await self._read(op)

    async def count(self, active_only: bool = True) -> int:
        """How many chats there are."""
        sql = "SELECT COUNT(*) FROM chats" + (" WHERE active = 1" if active_only else "")
        return await self._read(_scalar(sql))


# --- subscriptions ----------------------------------------------------------------------------


class SqliteSubscriptionRepository(_Repository):
    """Subscriptions, unique per (chat, kind, key)."""

    async def add(self, subscription: Subscription) -> tuple[Subscription, bool]:
        """Subscribe (idempotent per chat, kind and key); return the row and whether it is new."""

        async def op(conn: aiosqlite.Connection) -> tuple[Subscription, bool]:
            await _require_chat(conn, subscription.chat_id)
            changed, _ = await _execute(
                conn,
                "INSERT INTO subscriptions (chat_id, kind, key, label, min_killed, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (chat_id, kind, key) DO NOTHING",
                (
                    subscription.chat_id,
                    subscription.kind.value,
                    subscription.key,
                    subscription.label,
                    subscription.min_killed,
                    _ts(subscription.created_at or _now()),
                ),
            )
            row = await _fetchone(
                conn,
                "SELECT * FROM subscriptions WHERE chat_id = ? AND kind = ? AND key = ?",
                (subscription.chat_id, subscription.kind.value, subscription.key),
            )
            assert row is not None
            return _subscription_from_row(row), changed == 1

        return await self._write(op)

    async def remove(self, chat_id: int, subscription_id: int) -> bool:
        """Remove one subscription of a chat; True if it existed."""

        async def op(conn: aiosqlite.Connection) -> bool:
            changed, _ = await _execute(
                conn,
                "DELETE FROM subscriptions WHERE id = ? AND chat_id = ?",
                (subscription_id, chat_id),
            )
            return changed > 0

        return await self._write(op)

    async def remove_all(self, chat_id: int) -> int:
        """Remove every subscription of a chat; return how many."""

        async def op(conn: aiosqlite.Connection) -> int:
            changed, _ = await _execute(
                conn, "DELETE FROM subscriptions WHERE chat_id = ?", (chat_id,)
            )
            return changed

        return await self._write(op)

    async def for_chat(self, chat_id: int) -> list[Subscription]:
        """A chat's subscriptions, oldest first."""

        async def op(conn: aiosqlite.Connection) -> list[Subscription]:
            rows = await _fetchall(
                conn, "SELECT * FROM subscriptions WHERE chat_id = ? ORDER BY id", (chat_id,)
            )
            return [_subscription_from_row(row) for row in rows]

        return await self._read(op)

    async def matching(
        self,
        place_keys: Sequence[str],
        admin1_codes: Sequence[str],
        actor_ids: Sequence[str],
    ) -> list[Subscription]:
        """Subscriptions of active chats matching any of the places, governorates or actors."""
        terms: list[str] = []
        params: list[Any] = []
        for kind, keys in (
            (SubscriptionKind.PLACE, place_keys),
            (SubscriptionKind.ADMIN1, admin1_codes),
            (SubscriptionKind.ACTOR, actor_ids),
        ):
            unique = sorted(set(keys))
            if unique:
                terms.append(f"(s.kind = ? AND s.key IN ({_placeholders(len(unique))}))")
                params += [kind.value, *unique]
        if not terms:
            return []
        sql = (
            "SELECT s.* FROM subscriptions AS s JOIN chats AS c ON c.id = s.chat_id "
            f"WHERE c.active = 1 AND ({' OR '.join(terms)}) ORDER BY s.chat_id, s.id"
        )

        async def op(conn: aiosqlite.Connection) -> list[Subscription]:
            return [_subscription_from_row(row) for row in await _fetchall(conn, sql, params)]

        return await self._read(op)

    async def count(self) -> int:
        """How many subscriptions there are."""
        return await self._read(_scalar("SELECT COUNT(*) FROM subscriptions"))


# --- feeds ------------------------------------------------------------------------------------


class SqliteFeedRepository(_Repository):
    """Feeds to poll, unique per URL."""

    async def add(self, feed: Feed) -> tuple[Feed, bool]:
        """Add a feed (idempotent per URL); return the row and whether it is new."""

        async def op(conn: aiosqlite.Connection) -> tuple[Feed, bool]:
            changed, _ = await _execute(
                conn,
                "INSERT INTO feeds (url, title, interval_minutes, etag, last_modified, "
                "last_polled_at, next_poll_at, failures, last_error, active, added_by, "
                "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (url) DO NOTHING",
                (
                    feed.url,
                    feed.title,
                    feed.interval_minutes,
                    feed.etag,
                    feed.last_modified,
                    _ts_opt(feed.last_polled_at),
                    _ts_opt(feed.next_poll_at),
                    feed.failures,
                    feed.last_error,
                    int(feed.active),
                    feed.added_by,
                    _ts(feed.created_at or _now()),
                ),
            )
            row = await _fetchone(conn, "SELECT * FROM feeds WHERE url = ?", (feed.url,))
            assert row is not None
            return _feed_from_row(row), changed == 1

        return await self._write(op)

    async def remove(self, feed_id: int) -> bool:
        """Delete a feed; True if it existed."""

        async def op(conn: aiosqlite.Connection) -> bool:
            changed, _ = await _execute(conn, "DELETE FROM feeds WHERE id = ?", (feed_id,))
            return changed > 0

        return await self._write(op)

    async def get(self, feed_id: int) -> Feed | None:
        """One feed by id."""

        async def op(conn: aiosqlite.Connection) -> Feed | None:
            row = await _fetchone(conn, "SELECT * FROM feeds WHERE id = ?", (feed_id,))
            return None if row is None else _feed_from_row(row)

        return await self._read(op)

    async def list(self) -> list[Feed]:
        """Every feed, by id."""

        async def op(conn: aiosqlite.Connection) -> list[Feed]:
            return [
                _feed_from_row(r) for r in await _fetchall(conn, "SELECT * FROM feeds ORDER BY id")
            ]

        return await self._read(op)

    async def due(self, now: dt.datetime) -> builtins.list[Feed]:
        """Active feeds whose next poll time has come (never-polled first)."""

        async def op(conn: aiosqlite.Connection) -> builtins.list[Feed]:
            rows = await _fetchall(
                conn,
                "SELECT * FROM feeds WHERE active = 1 AND (next_poll_at IS NULL "
                "OR next_poll_at <= ?) ORDER BY next_poll_at IS NOT NULL, next_poll_at, id",
                (_ts(now),),
            )
            return [_feed_from_row(row) for row in rows]

        return await self._read(op)

    async def save(self, feed: Feed) -> None:
        """Write a feed's title, interval, active flag and polling state."""
        feed_id = feed.id
        if feed_id is None:
            msg = "cannot save a feed without an id; add it first"
            raise NotFoundError(msg)

        async def op(conn: aiosqlite.Connection) -> None:
            changed, _ = await _execute(
                conn,
                "UPDATE feeds SET title = ?, interval_minutes = ?, etag = ?, last_modified = ?, "
                "last_polled_at = ?, next_poll_at = ?, failures = ?, last_error = ?, active = ? "
                "WHERE id = ?",
                (
                    feed.title,
                    feed.interval_minutes,
                    feed.etag,
                    feed.last_modified,
                    _ts_opt(feed.last_polled_at),
                    _ts_opt(feed.next_poll_at),
                    feed.failures,
                    feed.last_error,
                    int(feed.active),
                    feed_id,
                ),
            )
            if changed == 0:
                msg = f"feed {feed_id} does not exist"
                raise NotFoundError(msg)

        await self._write(op)


# --- outbox -----------------------------------------------------------------------------------

_OUTBOX_STATUSES = tuple(status.value for status in OutboxStatus)


class SqliteOutboxRepository(_Repository):
    """The delivery outbox: one row per idempotency key."""

    async def enqueue(self, message: OutboxMessage) -> tuple[OutboxMessage, bool]:
        """Queue a message (idempotent on its key); return the row and whether it is new."""

        async def op(conn: aiosqlite.Connection) -> tuple[OutboxMessage, bool]:
            await _require_chat(conn, message.chat_id)
            changed, _ = await _execute(
                conn,
                "INSERT INTO outbox (chat_id, kind, idempotency_key, payload, status, attempts, "
                "next_attempt_at, sent_message_id, reply_to_key, incident_id, last_error, "
                "created_at, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (idempotency_key) DO NOTHING",
                (
                    message.chat_id,
                    message.kind.value,
                    message.idempotency_key,
                    _json(message.payload),
                    message.status.value,
                    message.attempts,
                    _ts(message.next_attempt_at),
                    message.sent_message_id,
                    message.reply_to_key,
                    message.incident_id,
                    message.last_error,
                    _ts(message.created_at or _now()),
                    _ts_opt(message.sent_at),
                ),
            )
            row = await _fetchone(
                conn, "SELECT * FROM outbox WHERE idempotency_key = ?", (message.idempotency_key,)
            )
            assert row is not None
            return _outbox_from_row(row), changed == 1

        return await self._write(op)

    async def claim_due(self, now: dt.datetime, limit: int = 100) -> list[OutboxMessage]:
        """Atomically mark up to ``limit`` due pending messages as sending; oldest first.

        Claiming counts an attempt (``attempts + 1``), so a message that crashes the sender
        still runs out of attempts; the ``mark_*`` methods record the outcome only.
        """
        if limit <= 0:
            return []

        async def op(conn: aiosqlite.Connection) -> list[OutboxMessage]:
            stamp = _ts(now)
            rows = await _fetchall(
                conn,
                "UPDATE outbox SET status = 'sending', claimed_at = :now, "
                "attempts = attempts + 1 WHERE id IN ("
                " SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= :now"
                " ORDER BY next_attempt_at, id LIMIT :limit) RETURNING *",
                {"now": stamp, "limit": limit},
            )
            messages = [_outbox_from_row(row) for row in rows]
            # RETURNING gives no order guarantee.
            messages.sort(key=lambda m: (m.next_attempt_at, m.id or 0))
            return messages

        return await self._write(op)

    async def _set(self, message_id: int, sql: str, params: Sequence[Any]) -> None:
        async def op(conn: aiosqlite.Connection) -> None:
            changed, _ = await _execute(conn, sql, (*params, message_id))
            if changed == 0:
                msg = f"outbox message {message_id} does not exist"
                raise NotFoundError(msg)

        await self._write(op)

    async def mark_sent(
        self, message_id: int, telegram_message_id: int | None, at: dt.datetime
    ) -> None:
        """Record a successful send."""
        await self._set(
            message_id,
            "UPDATE outbox SET status = 'sent', sent_message_id = ?, sent_at = ?, "
            "claimed_at = NULL, last_error = NULL WHERE id = ?",
            (telegram_message_id, _ts(at)),
        )

    async def mark_retry(self, message_id: int, next_attempt_at: dt.datetime, error: str) -> None:
        """Put a message back to pending for a later attempt."""
        await self._set(
            message_id,
            "UPDATE outbox SET status = 'pending', next_attempt_at = ?, last_error = ?, "
            "claimed_at = NULL WHERE id = ?",
            (_ts(next_attempt_at), error),
        )

    async def mark_failed(self, message_id: int, error: str) -> None:
        """Give up on a message."""
        await self._set(
            message_id,
            "UPDATE outbox SET status = 'failed', last_error = ?, claimed_at = NULL WHERE id = ?",
            (error,),
        )

    async def get(self, message_id: int) -> OutboxMessage | None:
        """One message by id."""

        async def op(conn: aiosqlite.Connection) -> OutboxMessage | None:
            row = await _fetchone(conn, "SELECT * FROM outbox WHERE id = ?", (message_id,))
            return None if row is None else _outbox_from_row(row)

        return await self._read(op)

    async def get_by_key(self, idempotency_key: str) -> OutboxMessage | None:
        """One message by its idempotency key."""

        async def op(conn: aiosqlite.Connection) -> OutboxMessage | None:
            row = await _fetchone(
                conn, "SELECT * FROM outbox WHERE idempotency_key = ?", (idempotency_key,)
            )
            return None if row is None else _outbox_from_row(row)

        return await self._read(op)

    async def recover_stale(self, older_than: dt.datetime) -> int:
        """Return 'sending' messages claimed before ``older_than`` to pending (crash recovery)."""

        async def op(conn: aiosqlite.Connection) -> int:
            changed, _ = await _execute(
                conn,
                "UPDATE outbox SET status = 'pending', claimed_at = NULL "
                "WHERE status = 'sending' AND (claimed_at IS NULL OR claimed_at < ?)",
                (_ts(older_than),),
            )
            return changed

        return await self._write(op)

    async def fail_pending_for_chat(self, chat_id: int, error: str) -> int:
        """Fail every pending message of a chat that can no longer be reached."""

        async def op(conn: aiosqlite.Connection) -> int:
            changed, _ = await _execute(
                conn,
                "UPDATE outbox SET status = 'failed', last_error = ? "
                "WHERE chat_id = ? AND status = 'pending'",
                (error, chat_id),
            )
            return changed

        return await self._write(op)

    async def counts(self) -> dict[str, int]:
        """How many messages are in each status (every status present, zeros included)."""

        async def op(conn: aiosqlite.Connection) -> dict[str, int]:
            result = dict.fromkeys(_OUTBOX_STATUSES, 0)
            for row in await _fetchall(
                conn, "SELECT status, COUNT(*) AS n FROM outbox GROUP BY status"
            ):
                result[row["status"]] = row["n"]
            return result

        return await self._read(op)

    async def oldest_unsent(self) -> dt.datetime | None:
        """When the oldest message still pending or sending was queued (None: all delivered)."""

        async def op(conn: aiosqlite.Connection) -> dt.datetime | None:
            row = await _fetchone(
                conn,
                "SELECT MIN(created_at) AS oldest FROM outbox "
                "WHERE status IN ('pending', 'sending')",
            )
            return _dt_opt(row["oldest"] if row is not None else None)

        return await self._read(op)


# --- meta -------------------------------------------------------------------------------------


class SqliteMetaRepository(_Repository):
    """Small key-value state."""

    async def get(self, key: str) -> str | None:
        """A value, or None."""

        async def op(conn: aiosqlite.Connection) -> str | None:
            row = await _fetchone(conn, "SELECT value FROM meta WHERE key = ?", (key,))
            return None if row is None else str(row["value"])

        return await self._read(op)

    async def set(self, key: str, value: str) -> None:
        """Write a value."""

        async def op(conn: aiosqlite.Connection) -> None:
            await conn.execute(
                "INSERT INTO meta (key, value, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value, "
                "updated_at = excluded.updated_at",
                (key, value, _ts(_now())),
            )

        await self._write(op)
