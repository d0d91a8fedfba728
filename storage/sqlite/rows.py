"""Row mapping: SQLite rows to domain models and models to statement parameters.

SQLite stores timestamps, dates and times as ISO text, JSON as text and booleans as 0/1; the
models themselves are built by the backend-neutral :mod:`storage.mapping`.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import aiosqlite

from bot.domain import Incident
from storage.columns import Converters, Encoders
from storage.dialect import Dialect, Params
from storage.mapping import RowMapper, incident_values
from storage.sqlite.values import Row, _dt, _execute, _fetchall, _fetchone, _json, _ts
from storage.statements import qnumber

MAPPER = RowMapper(
    Converters(
        timestamp=_dt,
        date=dt.date.fromisoformat,
        time=dt.time.fromisoformat,
        json=json.loads,
    )
)
_count_from_row = MAPPER.count
_revision_from_row = MAPPER.revision


ENCODERS = Encoders(
    date=dt.date.isoformat, json=_json, timestamp=_ts, flag=int, time=dt.time.isoformat
)


def _incident_params(incident: Incident) -> dict[str, Any]:
    """Named statement parameters for an incident's own columns."""
    return incident_values(incident, ENCODERS)


class _SqliteDialect(Dialect):
    """aiosqlite: parameters as one sequence; the cursor tells the rows changed and the row id."""

    async def fetchall(self, conn: aiosqlite.Connection, sql: str, params: Params) -> list[Row]:
        return await _fetchall(conn, sql, params)

    async def fetchone(self, conn: aiosqlite.Connection, sql: str, params: Params) -> Row | None:
        return await _fetchone(conn, sql, params)

    async def execute(self, conn: aiosqlite.Connection, sql: str, params: Params) -> int:
        changed, _ = await _execute(conn, sql, params)
        return changed

    async def insert_id(self, conn: aiosqlite.Connection, sql: str, params: Params) -> int | None:
        changed, row_id = await _execute(conn, sql, params)
        return row_id if changed else None


DIALECT = _SqliteDialect(mark=qnumber, true="1", enc=ENCODERS, mapper=MAPPER)
