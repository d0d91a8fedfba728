"""Migrations under an advisory lock, checks, ``pg_dump`` backups and search-text rebuilds."""

from __future__ import annotations

import asyncio
import logging
import shutil
from collections.abc import Sequence
from pathlib import Path

from storage.base import StorageError
from storage.postgres.rows import incident_search_text, report_search_text
from storage.postgres.terms import rebuild_terms
from storage.postgres.values import Connection, Op, T
from storage.schema import Migration, load_migrations, pending_migrations
from storage.shared.maintenance import backup_destination

logger = logging.getLogger(__name__)

MIGRATION_LOCK_KEY = 0x5174_7265_7000  # every process migrating one database queues on it
# A migration may rewrite a big table (0006 indexes every incident's terms: minutes at 1M), and
# the processes starting meanwhile wait for it: far past the pool's 60 s command timeout.
MIGRATION_TIMEOUT = 3600.0
PG_DUMP_TIMEOUT_SECONDS = 3600.0


class PostgresMaintenance:
    """The maintenance half of ``PostgresStorage``: schema, checks, backups, index rebuilds."""

    dsn: str

    async def _run(self, op: Op[T], *, write: bool) -> T:
        """Run ``op`` atomically (implemented by ``PostgresStorage``)."""
        raise NotImplementedError

    @property
    def location(self) -> str:
        """Where the data lives (implemented by ``PostgresStorage``)."""
        raise NotImplementedError

    async def migrate(self) -> list[int]:
        """Apply pending migrations in one transaction; return the versions applied now."""
        return await self._apply_migrations(load_migrations("storage.postgres"))

    async def _apply_migrations(self, migrations: Sequence[Migration]) -> list[int]:
        async def op(conn: Connection) -> list[int]:
            # First statement of the transaction: however many processes start together, one
            # migrates and the others wait here, then find nothing left to do.
            await conn.execute(
                "SELECT pg_advisory_xact_lock($1)", MIGRATION_LOCK_KEY, timeout=MIGRATION_TIMEOUT
            )
            await conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, "
                "name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"
            )
            current = await _version(conn)
            applied: list[int] = []
            for migration in pending_migrations(migrations, current, self.location):
                for statement in migration.statements:
                    await conn.execute(statement, timeout=MIGRATION_TIMEOUT)
                await conn.execute(
                    "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                    migration.version,
                    migration.name,
                )
                applied.append(migration.version)
            if applied:
                logger.info("applied migrations %s to %s", applied, self.location)
            return applied

        return await self._run(op, write=True)

    async def require_schema(self, *, create: bool) -> int:
        """The schema version; :class:`StorageError` (one line) when this Sitrep cannot use it.

        A database without Sitrep's schema is refused unless ``create``; one from a newer
        schema always is.
        """
        current = await self.schema_version()
        latest = self.latest_schema_version
        if current == 0 and not create:
            msg = (
                f"database {self.location} has no Sitrep schema; "
                "run `sitrep db migrate` to create one"
            )
            raise StorageError(msg)
        if current > latest:
            msg = (
                f"database {self.location} has schema version {current}, newer than this "
                f"Sitrep knows ({latest}); upgrade Sitrep"
            )
            raise StorageError(msg)
        return current

    @property
    def latest_schema_version(self) -> int:
        """The newest PostgreSQL migration this Sitrep ships."""
        return max((m.version for m in load_migrations("storage.postgres")), default=0)

    async def schema_version(self) -> int:
        """The newest migration applied (0 for an empty database)."""
        return await self._run(_version, write=False)

    async def integrity_check(self) -> str:
        """ "ok", or the problems found: invalid indexes, missing tables, a non-UTF-8 database."""

        async def op(conn: Connection) -> str:
            problems: list[str] = []
            encoding = await conn.fetchval("SHOW server_encoding")
            if encoding != "UTF8":
                problems.append(f"server encoding is {encoding}, not UTF8")
            for name in await conn.fetch(
                "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = current_schema() AND NOT (i.indisvalid AND i.indisready)"
            ):
                problems.append(f"index {name[0]} is invalid; REINDEX it")
            if await _version(conn) > 0:
                for table in ("reports", "incidents", "chats", "outbox"):
                    if await conn.fetchval("SELECT to_regclass($1)", table) is None:
                        problems.append(f"table {table} is missing")
            return "; ".join(problems) or "ok"

        return await self._run(op, write=False)

    async def backup(self, destination: Path) -> None:
        """Dump the database with ``pg_dump`` (custom format; restore with ``pg_restore``).

        pg_dump reads one consistent snapshot while the bots keep writing. The dump is written
        next to the destination and renamed into place, so a failed one never leaves a
        half-written file under the final name.
        """
        destination = backup_destination(destination)
        pg_dump = _find_pg_dump()
        partial = destination.with_name(f".{destination.name}.partial")
        process = await asyncio.create_subprocess_exec(
            pg_dump,
            "--format=custom",
            "--no-owner",
            f"--file={partial}",
            f"--dbname={self.dsn}",
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            _, stderr = await asyncio.wait_for(process.communicate(), PG_DUMP_TIMEOUT_SECONDS)
        except TimeoutError:
            process.kill()
            partial.unlink(missing_ok=True)
            msg = f"pg_dump did not finish within {PG_DUMP_TIMEOUT_SECONDS:.0f} s"
            raise StorageError(msg) from None
        if process.returncode != 0:
            partial.unlink(missing_ok=True)
            reason = stderr.decode(errors="replace").strip().splitlines()
            msg = f"pg_dump failed: {reason[-1] if reason else process.returncode}"
            raise StorageError(msg)
        partial.replace(destination)

    async def rebuild_search_index(self) -> int:
        """Recompute the folded search text of every report and incident (after folding changes).

        Returns how many rows were indexed. Runs in one transaction.
        """

        async def op(conn: Connection) -> int:
            indexed = 0
            rows = await conn.fetch("SELECT id, title, text FROM reports")
            await conn.executemany(
                "UPDATE reports SET search_text = $2 WHERE id = $1",
                [(r["id"], report_search_text(r["title"], r["text"])) for r in rows],
            )
            indexed += len(rows)
            rows = await conn.fetch("SELECT id, summary, evidence FROM incidents")
            await conn.executemany(
                "UPDATE incidents SET search_text = $2 WHERE id = $1",
                [(r["id"], incident_search_text(r["summary"], list(r["evidence"]))) for r in rows],
            )
            await rebuild_terms(conn)
            return indexed + len(rows)

        return await self._run(op, write=True)


async def _version(conn: Connection) -> int:
    exists = await conn.fetchval("SELECT to_regclass('schema_migrations')")
    if exists is None:
        return 0
    return int(await conn.fetchval("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"))


def _find_pg_dump() -> str:
    """pg_dump from PATH, else from the newest Debian PostgreSQL install."""
    found = shutil.which("pg_dump")
    if found:
        return found
    root = Path("/usr/lib/postgresql")
    if root.is_dir():
        versions = sorted(
            (p for p in root.iterdir() if (p / "bin" / "pg_dump").exists()),
            key=lambda p: int(p.name) if p.name.isdigit() else 0,
        )
        if versions:
            return str(versions[-1] / "bin" / "pg_dump")
    msg = "pg_dump not found; install the PostgreSQL client (apt-get install postgresql-client)"
    raise StorageError(msg)
