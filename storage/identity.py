"""Is this file a Sitrep database, and from which schema? Answered without writing a byte.

Every command but ``sitrep db migrate`` (and the demo, which makes its own database) must
find a Sitrep database at the configured path; pointing Sitrep at the wrong file must not
quietly turn it into an empty Sitrep database. Sitrep databases carry SQLite's
``application_id`` header field (set by every migration run); databases migrated before the
stamp existed are recognised by their tables.

The file is inspected through a read-only (``mode=ro``) connection, after its header bytes
are read directly, so a check never creates, converts or touches the file.
"""

from __future__ import annotations

import enum
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import aiosqlite

from storage.base import StorageError
from storage.schema import load_migrations

SITREP_APPLICATION_ID = 0x53545250  # "STRP"
SQLITE_HEADER = b"SQLite format 3\x00"
# Tables of the first migration: a pre-stamp Sitrep database has all of them.
SITREP_TABLES = frozenset({"reports", "incidents", "chats", "subscriptions", "outbox", "meta"})
CREATE_HINT = "run `sitrep db migrate` to create one"


class DatabaseState(enum.Enum):
    """What :func:`identify` found at a path."""

    MISSING = "missing"
    EMPTY = "empty"  # 0 bytes, or an SQLite file with no tables and no version
    SITREP = "sitrep"
    NEWER = "newer"  # a Sitrep database from a newer schema than this Sitrep knows
    FOREIGN = "foreign"  # SQLite, but another application's
    NOT_SQLITE = "not_sqlite"
    UNREADABLE = "unreadable"


@dataclass(frozen=True, slots=True)
class DatabaseIdentity:
    """The verdict on one path, with the schema version when it is a Sitrep database."""

    path: Path
    state: DatabaseState
    version: int = 0
    latest: int = 0
    detail: str = ""

    def problem(self, *, create: bool) -> str | None:
        """One line saying why the file cannot be used, or None when it can.

        ``create`` (``db migrate``, the demo) accepts a missing or empty file.
        """
        path = self.path
        match self.state:
            case DatabaseState.SITREP:
                return None
            case DatabaseState.MISSING | DatabaseState.EMPTY if create:
                return None
            case DatabaseState.MISSING:
                return f"no database at {path}; {CREATE_HINT}"
            case DatabaseState.EMPTY:
                return (
                    f"database {path} is empty ({self.detail}); "
                    "run `sitrep db migrate` to make it a Sitrep database"
                )
            case DatabaseState.NEWER:
                return (
                    f"database {path} has schema version {self.version}, newer than this "
                    f"Sitrep knows ({self.latest}); upgrade Sitrep"
                )
            case DatabaseState.FOREIGN:
                return (
                    f"{path} is not a Sitrep database ({self.detail}); "
                    "check SITREP_DATABASE or --db"
                )
            case DatabaseState.NOT_SQLITE:
                return f"{path} is not an SQLite database; check SITREP_DATABASE or --db"
            case _:
                return f"cannot read database {path}: {self.detail}"


def read_only_uri(path: Path) -> str:
    """An SQLite URI that opens ``path`` read-only and never creates it (nor its side files).

    A read-only connection to a WAL database creates the ``-wal`` and ``-shm`` files when
    they are missing. They are missing only when no connection is open (the last one to close
    removes them) and every change is in the main file, so then the file is opened as
    ``immutable``: read as it is, with no side files and no locks.
    """
    uri = f"file:{quote(str(path.resolve()))}?mode=ro"
    side_files = (path.with_name(path.name + suffix) for suffix in ("-wal", "-shm"))
    if not any(side.exists() for side in side_files):
        uri += "&immutable=1"
    return uri


def _connect_read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(read_only_uri(path), uri=True, timeout=5.0)


def identify(path: Path | str, latest: int | None = None) -> DatabaseIdentity:
    """Inspect ``path`` without writing: missing, empty, Sitrep (which version), or foreign."""
    path = Path(path)
    latest = load_migrations()[-1].version if latest is None else latest

    def verdict(state: DatabaseState, version: int = 0, detail: str = "") -> DatabaseIdentity:
        return DatabaseIdentity(path, state, version, latest, detail)

    if not path.exists():
        return verdict(DatabaseState.MISSING)
    if not path.is_file():
        return verdict(DatabaseState.NOT_SQLITE, detail="not a regular file")
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        return verdict(DatabaseState.UNREADABLE, detail=exc.strerror or str(exc))
    if not header:
        return verdict(DatabaseState.EMPTY, detail="0 bytes")
    if header != SQLITE_HEADER:
        return verdict(DatabaseState.NOT_SQLITE)
    try:
        conn = _connect_read_only(path)
        try:
            application_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            tables = {
                str(row[0])
                for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return verdict(DatabaseState.UNREADABLE, detail=str(exc))
    return _classify(path, application_id, version, tables, latest)


def _classify(
    path: Path, application_id: int, version: int, tables: set[str], latest: int
) -> DatabaseIdentity:
    if application_id not in (0, SITREP_APPLICATION_ID):
        detail = f"it belongs to another application, application_id {application_id}"
        return DatabaseIdentity(path, DatabaseState.FOREIGN, version, latest, detail)
    ours = application_id == SITREP_APPLICATION_ID or (version >= 1 and tables >= SITREP_TABLES)
    if not ours:
        if not tables and version == 0:
            detail = "an SQLite file without tables"
            return DatabaseIdentity(path, DatabaseState.EMPTY, 0, latest, detail)
        shown = ", ".join(sorted(tables)[:5]) or "no tables"
        detail = f"it has tables {shown}" if tables else f"schema version {version}, no tables"
        return DatabaseIdentity(path, DatabaseState.FOREIGN, version, latest, detail)
    state = DatabaseState.NEWER if version > latest else DatabaseState.SITREP
    return DatabaseIdentity(path, state, version, latest)


def require_database(path: Path | str, *, create: bool) -> DatabaseIdentity:
    """The identity of ``path``; raise :class:`StorageError` (one line) when it is unusable."""
    identity = identify(path)
    problem = identity.problem(create=create)
    if problem is not None:
        raise StorageError(problem)
    return identity


def integrity_check(path: Path | str) -> str:
    """SQLite's ``PRAGMA integrity_check`` over a read-only connection ("ok" when healthy)."""
    try:
        conn = _connect_read_only(Path(path))
        try:
            rows = conn.execute("PRAGMA integrity_check").fetchall()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise StorageError(f"cannot check database {path}: {exc}") from exc
    return "; ".join(str(row[0]) for row in rows) or "ok"


async def stamp_application_id(conn: aiosqlite.Connection) -> None:
    """Mark a database as Sitrep's (inside the migration transaction; a no-op when marked)."""
    cursor = await conn.execute("PRAGMA application_id")
    row = await cursor.fetchone()
    if row is None or int(row[0]) != SITREP_APPLICATION_ID:
        await conn.execute(f"PRAGMA application_id = {SITREP_APPLICATION_ID}")
