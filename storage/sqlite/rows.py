"""Row mapping: SQLite rows to domain models and models to statement parameters.

SQLite stores timestamps, dates and times as ISO text, JSON as text and booleans as 0/1; the
models themselves are built by the backend-neutral :mod:`storage.mapping`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

import aiosqlite

from bot.domain import Incident
from storage.dialect import Dialect
from storage.mapping import Converters, Encoders, RowMapper, incident_values
from storage.sqlite.values import _dt, _execute, _fetchall, _fetchone, _json, _ts
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


async def _changed(conn: aiosqlite.Connection, sql: str, params: Sequence[Any]) -> int:
    changed, _ = await _execute(conn, sql, params)
    return changed


async def _insert_id(conn: aiosqlite.Connection, sql: str, params: Sequence[Any]) -> int | None:
    changed, row_id = await _execute(conn, sql, params)
    return row_id if changed else None


DIALECT = Dialect(
    mark=qnumber,
    enc=ENCODERS,
    mapper=MAPPER,
    fetchall=_fetchall,
    fetchone=_fetchone,
    execute=_changed,
    insert_id=_insert_id,
    true="1",
)
