"""The SQLite connection: opening, the instance lock, transactions and savepoints."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import fcntl
import logging
import os
import sqlite3
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from contextvars import ContextVar
from pathlib import Path
from typing import IO

import aiosqlite

from storage.base import (
    ChatRepository,
    IncidentRepository,
    InstanceLockedError,
    LearningRepository,
    OutboxRepository,
    ReportRepository,
    StorageError,
)
from storage.identity import require_database
from storage.shared.storage import SqlStorageBase
from storage.sqlite.chats import SqliteChatRepository
from storage.sqlite.incidents import SqliteIncidentRepository
from storage.sqlite.learning import SqliteLearningRepository
from storage.sqlite.maintenance import SqliteMaintenance
from storage.sqlite.outbox import SqliteOutboxRepository
from storage.sqlite.reports import SqliteReportRepository
from storage.sqlite.rows import DIALECT
from storage.sqlite.values import (
    _MEMORY,
    BEGIN_RETRIES,
    BUSY_TIMEOUT_SECONDS,
    Op,
    T,
    _is_busy,
    _now,
)

logger = logging.getLogger(__name__)

# --- the storage ------------------------------------------------------------------------------


@contextlib.asynccontextmanager
async def _undo_on_error(
    undo: Callable[[], Awaitable[None]], error: type[sqlite3.Error], what: str
) -> AsyncIterator[None]:
    """Run ``undo`` if the block fails; an ``error`` from SQLite becomes a StorageError that
    says ``what`` could not be done (anything else, cancellation included, passes as it is)."""
    try:
        yield
    except BaseException as exc:
        await undo()
        if isinstance(exc, error):
            msg = f"{what}: {exc}"
            raise StorageError(msg) from exc
        raise


class _Tx:
    """Marks one running transaction; tasks whose ContextVar holds it join that transaction."""

    __slots__ = ()


# Reads go through a memory map of the file (up to SQLite's own ceiling, 2 GB by default)
# instead of one read() call per page missing from the small page cache: a digest's faction
# lookups touch a few hundred scattered pages of a 1 GB archive, and on a loaded machine each
# of those system calls was a chance to be descheduled (1-25 ms per query; 0.7 ms mapped).
# Writes still go through the WAL as before.
MMAP_BYTES = 1 << 32


class SqliteStorage(SqliteMaintenance, SqlStorageBase):
    """``storage.base.Storage`` on one SQLite file (WAL), through one aiosqlite connection."""

    kind = "sqlite"
    shared = False  # one process owns the file (the instance lock)

    def __init__(
        self,
        path: Path,
        connection: aiosqlite.Connection,
        *,
        busy_timeout: float = BUSY_TIMEOUT_SECONDS,
    ) -> None:
        """Wrap an open connection; use :meth:`open` instead of calling this directly."""
        self.now: Callable[[], dt.datetime] = _now  # the composition root sets its Clock's
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
        self._add_shared_repositories(DIALECT)
        self.reports: ReportRepository = SqliteReportRepository(self)
        self.incidents: IncidentRepository = SqliteIncidentRepository(self)
        self.learning: LearningRepository = SqliteLearningRepository(self)
        self.chats: ChatRepository = SqliteChatRepository(self)
        self.outbox: OutboxRepository = SqliteOutboxRepository(self)

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
        async with _undo_on_error(
            storage.close, sqlite3.DatabaseError, f"cannot use database {path}"
        ):
            await storage._configure()
            if migrate:
                await storage.migrate()
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
        await conn.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")

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

    @property
    def location(self) -> str:
        """The database file."""
        return str(self.path)

    async def try_lead(self) -> bool:
        """Always the leader: the instance lock already keeps other processes out."""
        return True

    async def release_leadership(self) -> None:
        """Nothing to release (see :meth:`try_lead`)."""

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
        async with _undo_on_error(
            self._rollback, sqlite3.Error, f"could not commit to {self.path}"
        ):
            await self._conn.execute("COMMIT")

    async def _rollback(self) -> None:
        # Shielded: a cancelled task must still leave the connection outside a transaction.
        with contextlib.suppress(sqlite3.Error):
            await asyncio.shield(self._conn.rollback())

    def _check_open(self) -> None:
        if self._closed:
            msg = f"storage for {self.path} is closed"
            raise StorageError(msg)

    async def _run_single(self, op: Op[T], *, write: bool = False) -> T:
        """Run one statement. A read outside a transaction runs as it is, without BEGIN and
        COMMIT (the connection is in autocommit mode: one statement reads one snapshot), so
        it costs one hand-off to aiosqlite's thread instead of three; under the lock, so it
        never runs inside another task's open transaction. Writes, and reads inside a
        transaction, run as any call does."""
        if write or self._current_tx() is not None:
            return await self._run(op, write=write)
        async with self._lock:
            self._check_open()
            return await self._guard(op)

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


def _daemonize(connection: aiosqlite.Connection) -> None:
    """Run aiosqlite's worker as a daemon thread.

    Its thread is non-daemon, so a process that dies of an unhandled error before close()
    would hang at exit instead of ending (and being restarted by systemd). SQLite is
    crash-safe: a thread cut off at exit loses at most an uncommitted transaction.
    """
    thread = getattr(connection, "_thread", None)
    if isinstance(thread, threading.Thread) and not thread.is_alive():
        thread.daemon = True
