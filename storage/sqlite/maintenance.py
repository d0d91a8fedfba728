"""Migrations, integrity check, online backup and search-index rebuilds for SQLite."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import aiosqlite

from storage.base import (
    StorageError,
)
from storage.fts import fold_for_search
from storage.identity import stamp_application_id
from storage.schema import Migration, load_migrations, pending_migrations
from storage.shared.maintenance import backup_destination
from storage.sqlite.fts_index import refill_incident_index
from storage.sqlite.values import _MEMORY, Op, T, _fetchall, _fetchone

logger = logging.getLogger(__name__)

# Migrations after which the incident search index is filled again here, in the migration's
# transaction: its text is folded by ``storage.fts``, which SQL cannot call. 0014 changed its
# row keys (``fts_index.incident_search_key``).
REINDEX_INCIDENTS_AFTER = frozenset({14})


class SqliteMaintenance:
    """The maintenance half of ``SqliteStorage``: schema, checks, backups, index rebuilds."""

    path: Path
    _conn: aiosqlite.Connection
    _busy_timeout: float
    _lock: asyncio.Lock

    async def _run(self, op: Op[T], *, write: bool) -> T:
        """Run ``op`` atomically (implemented by ``SqliteStorage``)."""
        raise NotImplementedError

    # migrations and maintenance -------------------------------------------------------------

    async def migrate(self) -> list[int]:
        """Apply pending migrations in one transaction; return the versions applied now."""
        return await self._apply_migrations(load_migrations())

    async def _apply_migrations(self, migrations: Sequence[Migration]) -> list[int]:
        async def op(conn: aiosqlite.Connection) -> list[int]:
            # Read the version inside the write transaction: a second process that migrates
            # at the same moment waits here and then finds nothing left to do.
            current = await _user_version(conn)
            applied: list[int] = []
            for migration in pending_migrations(migrations, current, str(self.path)):
                for statement in migration.statements:
                    await conn.execute(statement)
                if migration.version in REINDEX_INCIDENTS_AFTER:
                    await refill_incident_index(conn)
                applied.append(migration.version)
            if applied:
                await conn.execute(f"PRAGMA user_version = {applied[-1]}")
                logger.info("applied migrations %s to %s", applied, self.path)
            await stamp_application_id(conn)
            return applied

        return await self._run(op, write=True)

    @property
    def latest_schema_version(self) -> int:
        """The newest SQLite migration this Sitrep ships."""
        return max((m.version for m in load_migrations()), default=0)

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
        destination = backup_destination(destination)
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

    async def rebuild_search_index(self) -> int:
        """Re-fill both FTS indexes from the tables (after the folding rules change).

        Returns how many rows were indexed. Runs in one transaction.
        """

        async def op(conn: aiosqlite.Connection) -> int:
            await conn.execute("INSERT INTO reports_fts (reports_fts) VALUES ('delete-all')")
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
            return indexed + await refill_incident_index(conn)

        return await self._run(op, write=True)

    # helpers for tests and tools ---------------------------------------------------------------

    async def explain(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[str]:
        """``EXPLAIN QUERY PLAN`` details for a statement (used to check index use)."""

        async def op(conn: aiosqlite.Connection) -> list[str]:
            rows = await _fetchall(conn, f"EXPLAIN QUERY PLAN {sql}", params)
            return [str(row["detail"]) for row in rows]

        return await self._run(op, write=False)


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
