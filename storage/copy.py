"""``sitrep db copy``: move a SQLite deployment into PostgreSQL, resumably, counts checked.

Tables are copied in foreign-key order, in batches ordered by a cursor column (the rowid, or
``incident_id`` for ``incident_actors``). Each batch and its progress mark in ``copy_progress``
commit together, so a copy stopped at any point (Ctrl+C, crash, lost connection) continues
from the last committed batch; inserts are ``ON CONFLICT DO NOTHING`` besides. Values are
converted by the PostgreSQL column's type (ISO text to timestamptz/date/time, JSON text to
jsonb, 0/1 to boolean); the search text is computed as the PostgreSQL backend does. A column
or table of the source without a PostgreSQL counterpart stops the copy before anything is
written rather than being dropped. At the end, identity sequences move past the copied ids
and every table's row count is compared.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import sqlite3
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from storage.base import StorageError
from storage.identity import require_database
from storage.postgres import PostgresStorage
from storage.postgres.rows import incident_search_text, report_search_text
from storage.postgres.terms import cluster_terms, index_incident_range
from storage.postgres.values import Connection

BATCH_ROWS = 2000

# (table, cursor column in SQLite) in foreign-key order.
TABLES: tuple[tuple[str, str], ...] = (
    ("reports", "rowid"),
    ("incidents", "rowid"),
    ("incident_actors", "incident_id"),
    ("incident_sources", "rowid"),
    ("incident_revisions", "rowid"),
    ("review_queue", "incident_id"),
    ("feedback_reports", "id"),
    ("incident_links", "absorbed_id"),
    ("actors", "rowid"),
    ("actor_aliases", "rowid"),
    ("local_places", "rowid"),
    ("chats", "rowid"),
    ("subscriptions", "rowid"),
    ("feeds", "rowid"),
    ("outbox", "rowid"),
    ("meta", "rowid"),
)
# Tables with a generated identity whose sequence must move past the copied ids.
IDENTITY_TABLES = (
    "reports", "incidents", "incident_sources", "subscriptions", "feeds", "outbox", "local_places",
    "feedback_reports",
)  # fmt: skip
# SQLite-only tables: FTS indexes (PostgreSQL indexes search text itself) and SQLite internals.
_SKIPPED_PREFIXES = ("reports_fts", "incidents_fts", "sqlite_")


@dataclass
class TableResult:
    """One table's outcome: rows in the source and in the target after the copy."""

    name: str
    source: int
    target: int
    copied_now: int

    @property
    def ok(self) -> bool:
        """True when both sides hold the same number of rows."""
        return self.source == self.target


@dataclass
class CopyResult:
    """Every table's outcome, in copy order."""

    tables: list[TableResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every table's counts match."""
        return all(table.ok for table in self.tables)


Converter = Callable[[Any], Any]


def _convert_timestamp(value: Any) -> Any:
    if value is None or isinstance(value, dt.datetime):
        return value
    parsed = dt.datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=dt.UTC)


def _converter(pg_type: str) -> Converter:
    def optional(func: Converter) -> Converter:
        return lambda value: None if value is None else func(value)

    converters: dict[str, Converter] = {
        "timestamp with time zone": _convert_timestamp,
        "date": optional(lambda v: dt.date.fromisoformat(str(v))),
        "time without time zone": optional(lambda v: dt.time.fromisoformat(str(v))),
        "jsonb": optional(lambda v: json.loads(v) if isinstance(v, str) else v),
        "boolean": optional(bool),
        "bigint": optional(int),
        "integer": optional(int),
        "double precision": optional(float),
    }
    return converters.get(pg_type, lambda value: value)


class _Source:
    """The SQLite file, read-only; every read runs in a worker thread."""

    def __init__(self, path: Path) -> None:
        # Only a Sitrep database of a schema this Sitrep knows (never a missing or foreign file).
        require_database(path, create=False)
        self.path = path
        self._conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        self._conn.row_factory = sqlite3.Row

    async def query(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        return await asyncio.to_thread(lambda: self._conn.execute(sql, params).fetchall())

    def close(self) -> None:
        self._conn.close()


async def _target_columns(conn: Connection) -> dict[str, dict[str, str]]:
    rows = await conn.fetch(
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND is_generated = 'NEVER'"
    )
    columns: dict[str, dict[str, str]] = {}
    for row in rows:
        columns.setdefault(row["table_name"], {})[row["column_name"]] = row["data_type"]
    return columns


async def _check_shapes(source: _Source, target: dict[str, dict[str, str]]) -> None:
    """Refuse before writing anything if the source holds data PostgreSQL has no place for."""
    known = {name for name, _ in TABLES}
    problems: list[str] = []
    for row in await source.query("SELECT name FROM sqlite_master WHERE type = 'table'"):
        table = str(row[0])
        if table.startswith(_SKIPPED_PREFIXES):
            continue
        if table not in known or table not in target:
            problems.append(f"table {table}")
            continue
        for info in await source.query(f'PRAGMA table_info("{table}")'):
            if info["name"] not in target[table]:
                problems.append(f"column {table}.{info['name']}")
    if problems:
        msg = (
            "the PostgreSQL schema has no place for "
            + ", ".join(problems)
            + "; upgrade Sitrep (or migrate the source) so both schemas match"
        )
        raise StorageError(msg)


def _row_values(
    table: str, row: sqlite3.Row, columns: list[str], types: dict[str, str]
) -> list[Any]:
    values = {name: _converter(types[name])(row[name]) for name in row.keys() if name in types}  # noqa: SIM118 - a Row iterates values
    if table == "reports":
        values["search_text"] = report_search_text(row["title"], row["text"])
    elif table == "incidents":
        values["search_text"] = incident_search_text(row["summary"], json.loads(row["evidence"]))
    return [values.get(name) for name in columns]


async def _read_batch(source: _Source, table: str, cursor: str, start: int) -> list[sqlite3.Row]:
    """The next rows after ``start`` in cursor order (whole incidents for incident_actors)."""
    if cursor == "rowid":
        return await source.query(
            f'SELECT rowid AS _cursor, * FROM "{table}" WHERE rowid > ? ORDER BY rowid LIMIT ?',
            (start, BATCH_ROWS),
        )
    return await source.query(
        f'SELECT {cursor} AS _cursor, * FROM "{table}" WHERE {cursor} IN ('
        f'SELECT DISTINCT {cursor} FROM "{table}" WHERE {cursor} > ? '
        f"ORDER BY {cursor} LIMIT ?) ORDER BY {cursor}",
        (start, BATCH_ROWS // 4),
    )


async def _last_mark(storage: PostgresStorage, key: str, table: str) -> int:
    async def op(conn: Connection) -> int:
        last = await conn.fetchval(
            "SELECT last_id FROM copy_progress WHERE source = $1 AND table_name = $2", key, table
        )
        return int(last) if last is not None else -(2**62)

    return await storage._run(op, write=False)


def _insert_sql(table: str, columns: list[str]) -> str:
    names = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join(f"${n}" for n in range(1, len(columns) + 1))
    return f'INSERT INTO "{table}" ({names}) VALUES ({marks}) ON CONFLICT DO NOTHING'


async def _copy_table(
    storage: PostgresStorage,
    source: _Source,
    table: str,
    cursor: str,
    types: dict[str, str],
    *,
    progress: Callable[[str, int], None] | None,
) -> int:
    """Copy one table from where the last run stopped; return how many rows this run copied."""
    key = str(source.path.resolve())
    info = await source.query(f'PRAGMA table_info("{table}")')
    source_columns = {str(row["name"]) for row in info}
    if table in ("reports", "incidents"):
        source_columns.add("search_text")
    columns = [c for c in types if c in source_columns]
    insert = _insert_sql(table, columns)
    copied = 0
    while rows := await _read_batch(source, table, cursor, await _last_mark(storage, key, table)):
        batch = [_row_values(table, row, columns, types) for row in rows]
        mark = str(int(rows[-1]["_cursor"]))
        first = int(rows[0]["_cursor"])

        async def write(
            conn: Connection, batch: list[list[Any]] = batch, mark: str = mark, first: int = first
        ) -> None:
            await conn.executemany(insert, batch)
            if table == "incidents":  # the search's term blocks, a batch at a time
                await index_incident_range(conn, first, int(mark))
            await conn.execute(
                "INSERT INTO copy_progress (source, table_name, last_id, copied) "
                "VALUES ($1, $2, $3, $4) ON CONFLICT (source, table_name) DO UPDATE SET "
                "last_id = excluded.last_id, copied = copy_progress.copied + excluded.copied",
                key,
                table,
                mark,
                len(batch),
            )

        await storage._run(write, write=True)
        copied += len(rows)
        if progress is not None:
            progress(table, copied)
    return copied


async def _refuse_foreign_target(storage: PostgresStorage, source: _Source) -> None:
    key = str(source.path.resolve())

    async def op(conn: Connection) -> None:
        started = await conn.fetchval("SELECT COUNT(*) FROM copy_progress WHERE source = $1", key)
        if started:
            return
        for table, _ in TABLES:
            if await conn.fetchval(f'SELECT EXISTS (SELECT 1 FROM "{table}")'):
                msg = (
                    f"the target already holds data (table {table}) that no copy from "
                    f"{source.path} started; copy into an empty database"
                )
                raise StorageError(msg)

    await storage._run(op, write=False)


async def copy_sqlite_to_postgres(
    source_path: Path,
    target_dsn: str,
    *,
    progress: Callable[[str, int], None] | None = None,
) -> CopyResult:
    """Copy every table of the SQLite file into the (migrated) PostgreSQL database."""
    source = _Source(source_path)
    try:
        storage = await PostgresStorage.open(target_dsn)
        try:
            target = await storage._run(_target_columns, write=False)
            await _check_shapes(source, target)
            await _refuse_foreign_target(storage, source)
            copied: dict[str, int] = {}
            for table, cursor in TABLES:
                copied[table] = await _copy_table(
                    storage, source, table, cursor, target[table], progress=progress
                )
            await storage._run(_advance_sequences, write=True)
            if copied.get("incidents"):
                await storage._run(cluster_terms, write=True)
            return await _compare(storage, source, copied)
        finally:
            await storage.close()
    finally:
        source.close()


async def _advance_sequences(conn: Connection) -> None:
    for table in IDENTITY_TABLES:
        await conn.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f'GREATEST((SELECT MAX(id) FROM "{table}"), 1), '
            f'(SELECT MAX(id) FROM "{table}") IS NOT NULL)'
        )


def _counter(table: str) -> Callable[[Connection], Awaitable[int]]:
    async def op(conn: Connection) -> int:
        return int(await conn.fetchval(f'SELECT COUNT(*) FROM "{table}"'))

    return op


async def _compare(
    storage: PostgresStorage, source: _Source, copied: dict[str, int]
) -> CopyResult:
    result = CopyResult()
    for table, _ in TABLES:
        rows = await source.query(f'SELECT COUNT(*) FROM "{table}"')
        target_count = await storage._run(_counter(table), write=False)
        result.tables.append(
            TableResult(table, int(rows[0][0]), int(target_count), copied.get(table, 0))
        )
    return result
