"""The PostgreSQL connection: the pool, transactions, this process's heartbeat and leadership.

Concurrency model. Several Sitrep processes may share one database. Each repository call runs
in its own transaction on a pooled connection (READ COMMITTED). ``transaction()`` pins one
connection for a block; calls made inside it from the same task (a ContextVar) join it, each in
its own SAVEPOINT, serialised by a lock so ``asyncio.gather`` inside a block stays safe.

Every process registers a row in ``instances`` and refreshes its heartbeat every few seconds.
An outbox claim belongs to its process and lasts while that heartbeat is fresh: a crashed
process's claims return to the queue once its heartbeat is ``LEASE_SECONDS`` old. Leadership
(who sends and runs scheduled work) is a session advisory lock held on a dedicated connection,
so it is released the moment that process or its connection dies.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import logging
import os
import socket
import uuid
from collections.abc import AsyncIterator, Callable
from contextvars import ContextVar

import asyncpg
from pydantic_core import to_jsonable_python

from storage.base import (
    ChatRepository,
    IncidentRepository,
    LearningRepository,
    OutboxRepository,
    ReportRepository,
    StorageError,
)
from storage.postgres.chats import PostgresChatRepository
from storage.postgres.incidents import PostgresIncidentRepository
from storage.postgres.learning import PostgresLearningRepository
from storage.postgres.maintenance import PostgresMaintenance
from storage.postgres.outbox import PostgresOutboxRepository
from storage.postgres.reports import PostgresReportRepository
from storage.postgres.rows import DIALECT
from storage.postgres.terms import TERMS_BY_CALLER
from storage.postgres.values import Connection, Op, T, _now
from storage.shared.storage import SqlStorageBase
from storage.url import redact_dsn

logger = logging.getLogger(__name__)

LEASE_SECONDS = 30.0  # a claim outlives a silent owner by this long
HEARTBEAT_SECONDS = 5.0
CONNECT_TIMEOUT_SECONDS = 10.0
LEADER_LOCK_KEY = 0x5174_7265_7001  # "Sitrep" leader: sends and runs scheduled work
LEADER_APPLICATION = "sitrep-leader"


NUL_REPLACEMENT = "\ufffd"  # PostgreSQL text cannot hold U+0000; SQLite keeps it


def _text_out(value: str) -> str:
    return value.replace("\x00", NUL_REPLACEMENT)


def _jsonb_out(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=to_jsonable_python)
    return text.replace("\\u0000", "\\ufffd")


async def _init_connection(conn: Connection) -> None:
    # The repository keeps incident search's term blocks itself (storage/postgres/terms.py):
    # the triggers of migration 0006 that do it for other writers stand aside.
    await conn.execute(f"SET sitrep.incident_terms = '{TERMS_BY_CALLER}'")
    # The only text PostgreSQL refuses is U+0000: it becomes U+FFFD instead of failing the
    # whole write (ingestion already drops control characters; this covers direct callers).
    await conn.set_type_codec(
        "text", encoder=_text_out, decoder=lambda value: value, schema="pg_catalog"
    )
    await conn.set_type_codec("jsonb", encoder=_jsonb_out, decoder=json.loads, schema="pg_catalog")


class _Connection(asyncpg.Connection):  # type: ignore[misc]
    """A pooled connection returned to the pool as it is.

    asyncpg resets every connection on release (unlock advisory locks, CLOSE ALL, UNLISTEN,
    RESET ALL): one more round trip per repository call. Pooled connections here never hold
    session state (the leader lock has a connection of its own), so there is nothing to reset.
    """

    def get_reset_query(self) -> str:
        return ""


class _Tx:
    """One running transaction: its connection and the lock its joined calls share."""

    __slots__ = ("conn", "lock", "savepoints")

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.lock = asyncio.Lock()
        self.savepoints = 0


class PostgresStorage(PostgresMaintenance, SqlStorageBase):
    """``storage.base.Storage`` on a PostgreSQL database, through an asyncpg pool."""

    kind = "postgresql"
    shared = True  # several processes may use one database at once

    def __init__(self, dsn: str, pool: asyncpg.Pool, *, lease_seconds: float) -> None:
        """Wrap an open pool; use :meth:`open` instead of calling this directly."""
        self.now: Callable[[], dt.datetime] = _now  # the composition root sets its Clock's
        self.dsn = dsn
        self._pool = pool
        self.lease_seconds = lease_seconds
        self.instance_id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._tx_var: ContextVar[_Tx | None] = ContextVar(f"sitrep_pg_tx_{id(self)}", default=None)
        self._heartbeat: asyncio.Task[None] | None = None
        self._leader_conn: Connection | None = None
        self._closed = False
        self._add_shared_repositories(DIALECT)
        self.reports: ReportRepository = PostgresReportRepository(self)
        self.incidents: IncidentRepository = PostgresIncidentRepository(self)
        self.learning: LearningRepository = PostgresLearningRepository(self)
        self.chats: ChatRepository = PostgresChatRepository(self)
        self.outbox: OutboxRepository = PostgresOutboxRepository(self)

    @property
    def location(self) -> str:
        """Where the data lives, without the password."""
        return redact_dsn(self.dsn)

    # lifecycle -------------------------------------------------------------------------------

    @classmethod
    async def open(
        cls,
        dsn: str,
        *,
        migrate: bool = True,
        min_size: int = 1,
        max_size: int = 10,
        lease_seconds: float = LEASE_SECONDS,
        create: bool = True,
    ) -> PostgresStorage:
        """Connect (a pool of ``min_size``..``max_size``) and apply pending migrations.

        A database with a newer schema than this Sitrep knows is refused with
        :class:`StorageError`; so is one without a Sitrep schema unless ``create`` (only
        ``sitrep db migrate`` and the demo create one).
        """
        try:
            pool = await asyncpg.create_pool(
                dsn,
                min_size=min_size,
                max_size=max_size,
                init=_init_connection,
                connection_class=_Connection,
                timeout=CONNECT_TIMEOUT_SECONDS,
                command_timeout=60,
            )
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as exc:
            msg = f"cannot connect to {redact_dsn(dsn)}: {_reason(exc, dsn)}"
            raise StorageError(msg) from None
        storage = cls(dsn, pool, lease_seconds=lease_seconds)
        try:
            await storage.require_schema(create=create)
            if migrate:
                await storage.migrate()
            if await storage.schema_version() > 0:
                await storage._register()
        except BaseException:
            await storage.close()
            raise
        return storage

    async def _register(self) -> None:
        async def op(conn: Connection) -> None:
            await conn.execute(
                "INSERT INTO instances (id, host, pid, started_at, heartbeat_at) "
                "VALUES ($1, $2, $3, clock_timestamp(), clock_timestamp()) "
                "ON CONFLICT (id) DO UPDATE SET heartbeat_at = clock_timestamp()",
                self.instance_id,
                socket.gethostname(),
                os.getpid(),
            )
            # Rows of processes gone for a day are only clutter.
            await conn.execute(
                "DELETE FROM instances WHERE heartbeat_at < clock_timestamp() - interval '1 day'"
            )

        await self._run(op, write=True)
        self._heartbeat = asyncio.create_task(self._beat())

    async def _beat(self) -> None:
        interval = min(HEARTBEAT_SECONDS, self.lease_seconds / 3)
        while True:
            await asyncio.sleep(interval)
            try:
                await self._pool.execute(
                    "UPDATE instances SET heartbeat_at = clock_timestamp() WHERE id = $1",
                    self.instance_id,
                )
            except Exception as exc:  # a blip: the lease is several beats long
                logger.warning("heartbeat failed: %s", _reason(exc, self.dsn))

    async def close(self) -> None:
        """Stop the heartbeat, give up leadership and close the pool (safe to call twice)."""
        if self._closed:
            return
        self._closed = True
        if self._heartbeat is not None:
            self._heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._heartbeat
            # A clean stop frees this process's claims at once instead of after the lease.
            with contextlib.suppress(Exception):
                await self._pool.execute("DELETE FROM instances WHERE id = $1", self.instance_id)
        await self.release_leadership()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self._pool.close(), CONNECT_TIMEOUT_SECONDS)
        if not self._pool._closed:  # pool.close() timed out: connections are cut
            self._pool.terminate()

    def abandon(self) -> None:
        """End the way SIGKILL would: no clean-up, connections cut, claims left to their lease.

        For fault drills (tests, the fleet bench): what another instance must cope with.
        """
        if self._heartbeat is not None:
            self._heartbeat.cancel()
        if self._leader_conn is not None:
            self._leader_conn.terminate()
            self._leader_conn = None
        self._closed = True
        self._pool.terminate()

    def acquire_instance_lock(self) -> None:
        """Nothing to lock: any number of processes may share a PostgreSQL database."""

    # leadership ------------------------------------------------------------------------------

    async def try_lead(self) -> bool:
        """Become the leader if no live process is; True while this process leads.

        The session advisory lock lives on a connection of its own (a pooled connection would
        lose it when returned to the pool), so it ends when this process or that link dies.
        """
        conn = self._leader_conn
        if conn is not None and not conn.is_closed():
            try:
                await conn.fetchval("SELECT 1")
                return True
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
                await self.release_leadership()
        try:
            conn = await asyncpg.connect(
                self.dsn,
                timeout=CONNECT_TIMEOUT_SECONDS,
                # Who leads is visible to operators: pg_stat_activity.application_name.
                server_settings={"application_name": f"{LEADER_APPLICATION} {self.instance_id}"},
            )
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as exc:
            logger.warning("leader election: %s", _reason(exc, self.dsn))
            return False
        if await conn.fetchval("SELECT pg_try_advisory_lock($1)", LEADER_LOCK_KEY):
            self._leader_conn = conn
            logger.info("this process (%s) now leads", self.instance_id)
            return True
        await conn.close()
        return False

    async def release_leadership(self) -> None:
        """Stop leading (closing the lock's connection frees the lock)."""
        conn, self._leader_conn = self._leader_conn, None
        if conn is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(conn.close(), CONNECT_TIMEOUT_SECONDS)
            if not conn.is_closed():
                conn.terminate()

    # transactions ----------------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """Make every repository call inside the block one atomic transaction."""
        if self._tx_var.get() is not None:
            yield
            return
        self._check_open()
        async with self._acquire() as conn:
            tx = _Tx(conn)
            token = self._tx_var.set(tx)
            try:
                async with conn.transaction():
                    yield
            except (asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
                raise _storage_error(exc, self.dsn) from exc
            finally:
                self._tx_var.reset(token)

    @contextlib.asynccontextmanager
    async def _acquire(self) -> AsyncIterator[Connection]:
        try:
            async with self._pool.acquire(timeout=CONNECT_TIMEOUT_SECONDS * 3) as conn:
                yield conn
        except (OSError, TimeoutError) as exc:
            msg = f"database {self.location} unreachable: {_reason(exc, self.dsn)}"
            raise StorageError(msg) from exc

    async def _run_single(self, op: Op[T], *, write: bool = False) -> T:
        """Run one statement: atomic by itself, so no BEGIN/COMMIT outside a transaction block
        (inside one it joins the block like any call, in a savepoint when it writes)."""
        tx = self._tx_var.get()
        if tx is not None:
            return await self._run(op, write=write)
        self._check_open()
        try:
            async with self._acquire() as conn:
                return await op(conn)
        except (asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            raise _storage_error(exc, self.dsn) from exc

    def _check_open(self) -> None:
        if self._closed:
            msg = f"storage for {self.location} is closed"
            raise StorageError(msg)

    async def _run(self, op: Op[T], *, write: bool) -> T:
        """Run ``op`` atomically: inside the caller's transaction, or in a new one."""
        tx = self._tx_var.get()
        try:
            if tx is not None:
                async with tx.lock:
                    if not write:
                        return await op(tx.conn)
                    async with tx.conn.transaction():  # a SAVEPOINT inside the block
                        return await op(tx.conn)
            self._check_open()
            async with self._acquire() as conn, conn.transaction(readonly=not write):
                return await op(conn)
        except (asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            raise _storage_error(exc, self.dsn) from exc

    async def database_time(self) -> dt.datetime:
        """The server's clock (leases are measured on it, not on any one process's)."""
        value: dt.datetime = await self._pool.fetchval("SELECT clock_timestamp()")
        return value


def _reason(exc: BaseException, dsn: str) -> str:
    """An exception's message with the password of ``dsn`` masked, in case it appears."""
    text = " ".join((str(exc) or type(exc).__name__).split())
    password = _password(dsn)
    return text.replace(password, "***") if password else text


def _password(dsn: str) -> str | None:
    with contextlib.suppress(Exception):
        from urllib.parse import urlsplit

        return urlsplit(dsn).password
    return None


def _storage_error(exc: BaseException, dsn: str) -> StorageError:
    if isinstance(exc, asyncpg.IntegrityConstraintViolationError):
        return StorageError(f"constraint failed: {_reason(exc, dsn)}")
    return StorageError(f"database error: {_reason(exc, dsn)}")
