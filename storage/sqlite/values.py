"""Value conversion and small SQL helpers shared by the SQLite repositories."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any, TypeVar

import aiosqlite
from pydantic_core import to_jsonable_python

from storage.base import (
    StorageError,
)
from storage.mapping import parse_utc

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


_dt = parse_utc


def _dt_opt(text: str | None) -> dt.datetime | None:
    return None if text is None else _dt(text)


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


async def _fetchall(
    conn: aiosqlite.Connection, sql: str, params: Sequence[Any] | dict[str, Any] = ()
) -> list[Row]:
    rows = await conn.execute_fetchall(sql, params)
    return list(rows)


async def in_connection_thread(
    conn: aiosqlite.Connection, fn: Callable[[sqlite3.Connection], T]
) -> T:
    """Run ``fn`` on the connection in aiosqlite's thread: one hand-off, whatever it does.

    aiosqlite's own methods hand each step to its thread (a cursor's execute, fetch and close
    are three hand-offs); on a busy machine each hand-off is a chance to be descheduled. Its
    ``_execute`` is the queue every one of those methods goes through (``execute_fetchall``
    included), so ``fn`` runs in order with them, on the thread that owns the connection.
    """
    sync = conn._conn  # raises ValueError once closed, as aiosqlite's methods do
    queue: Callable[..., Awaitable[T]] = conn._execute
    return await queue(fn, sync)


def _fetchone_sync(
    sql: str, params: Sequence[Any] | dict[str, Any]
) -> Callable[[sqlite3.Connection], Row | None]:
    def fetch(sync: sqlite3.Connection) -> Row | None:
        cursor = sync.execute(sql, params)
        try:
            row: Row | None = cursor.fetchone()
            return row
        finally:
            cursor.close()

    return fetch


def _execute_sync(
    sql: str, params: Sequence[Any] | dict[str, Any]
) -> Callable[[sqlite3.Connection], tuple[int, int | None]]:
    def execute(sync: sqlite3.Connection) -> tuple[int, int | None]:
        cursor = sync.execute(sql, params)
        try:
            return cursor.rowcount, cursor.lastrowid
        finally:
            cursor.close()

    return execute


async def _fetchone(
    conn: aiosqlite.Connection, sql: str, params: Sequence[Any] | dict[str, Any] = ()
) -> Row | None:
    """The first row of one statement (one hand-off to the connection's thread)."""
    return await in_connection_thread(conn, _fetchone_sync(sql, params))


async def _execute(
    conn: aiosqlite.Connection, sql: str, params: Sequence[Any] | dict[str, Any] = ()
) -> tuple[int, int | None]:
    """Run one statement; return (rows changed, last row id) (one hand-off)."""
    return await in_connection_thread(conn, _execute_sync(sql, params))


def _scalar(sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Op[int]:
    async def op(conn: aiosqlite.Connection) -> int:
        row = await _fetchone(conn, sql, params)
        return int(row[0] or 0) if row is not None else 0

    return op
