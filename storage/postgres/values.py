"""Value conversion and small SQL helpers shared by the PostgreSQL repositories."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from pydantic_core import to_jsonable_python

from storage.base import StorageError

T = TypeVar("T")
# asyncpg ships no type hints: records and connections are Any to mypy.
Row = Any  # asyncpg.Record
Connection = Any  # asyncpg.Connection
Op = Callable[[Connection], Awaitable[T]]

SEARCH_CANDIDATES = 2000  # newest matches per index that incident search sorts by date


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _ts(value: dt.datetime) -> dt.datetime:
    """A timezone-aware datetime in UTC (naive ones are refused, as in SQLite)."""
    if value.tzinfo is None or value.utcoffset() is None:
        msg = f"naive datetime {value!r} cannot be stored; use a timezone-aware one"
        raise StorageError(msg)
    return value.astimezone(dt.UTC)


def _ts_opt(value: dt.datetime | None) -> dt.datetime | None:
    return None if value is None else _ts(value)


def _dt(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.UTC)


def _dt_opt(value: dt.datetime | None) -> dt.datetime | None:
    return None if value is None else _dt(value)


def _json(value: Any) -> str:
    """JSON text for a jsonb column (models and datetimes inside payloads included)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=to_jsonable_python)


class Params:
    """Positional parameters ($1, $2 ...) collected while a statement is built."""

    def __init__(self) -> None:
        """Start with no parameters."""
        self.values: list[Any] = []

    def add(self, value: Any) -> str:
        """Append a value; return its placeholder."""
        self.values.append(value)
        return f"${len(self.values)}"


async def _fetchall(conn: Connection, sql: str, *args: Any) -> list[Row]:
    return list(await conn.fetch(sql, *args))


async def _fetchone(conn: Connection, sql: str, *args: Any) -> Row | None:
    row: Row | None = await conn.fetchrow(sql, *args)
    return row


async def _execute(conn: Connection, sql: str, *args: Any) -> int:
    """Run one statement; return how many rows it changed."""
    status: str = await conn.execute(sql, *args)
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


def _scalar(sql: str, args: Sequence[Any] = ()) -> Op[int]:
    async def op(conn: Connection) -> int:
        value = await conn.fetchval(sql, *args)
        return int(value or 0)

    return op
