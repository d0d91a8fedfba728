"""Row mapping: PostgreSQL records to domain models and models to statement parameters.

Columns have native types (timestamptz, date, time, jsonb, boolean); asyncpg decodes them and
the jsonb codec installed by the connection turns JSON into Python values.
"""

from __future__ import annotations

from typing import Any

from bot.domain import Incident
from storage.columns import Converters, Encoders
from storage.dialect import Dialect, Params
from storage.mapping import INCIDENT_FIELDS, RowMapper, incident_values
from storage.postgres.search import fold_text
from storage.postgres.values import Connection, Row, _dt, _execute, _fetchall, _fetchone, _ts
from storage.statements import dollar


def _as_is(value: Any) -> Any:
    return value


MAPPER = RowMapper(Converters(timestamp=_dt, date=_as_is, time=_as_is, json=_as_is))
_count_from_row = MAPPER.count
_revision_from_row = MAPPER.revision


def report_search_text(title: str | None, text: str) -> str:
    """What the report's search column indexes: folded title and text."""
    return fold_text(f"{title or ''}\n{text}")


def incident_search_text(summary: str, evidence: list[str]) -> str:
    """What the incident's search column indexes: folded summary and evidence."""
    return fold_text("\n".join([summary, *evidence]))


ENCODERS = Encoders(date=_as_is, json=_as_is, timestamp=_ts, flag=bool, time=_as_is)

# Column order of incident_args(); the repository names them in INSERT and UPDATE.
INCIDENT_COLUMNS = (*INCIDENT_FIELDS, "search_text")


def incident_args(incident: Incident) -> list[Any]:
    """Values for :data:`INCIDENT_COLUMNS`, in order."""
    values = incident_values(incident, ENCODERS)
    return [
        *(values[name] for name in INCIDENT_FIELDS),
        incident_search_text(incident.summary, list(incident.evidence)),
    ]


class _PostgresDialect(Dialect):
    """asyncpg: parameters one by one; a new row's id comes back through RETURNING."""

    async def fetchall(self, conn: Connection, sql: str, params: Params) -> list[Row]:
        return await _fetchall(conn, sql, *params)

    async def fetchone(self, conn: Connection, sql: str, params: Params) -> Row | None:
        return await _fetchone(conn, sql, *params)

    async def execute(self, conn: Connection, sql: str, params: Params) -> int:
        return await _execute(conn, sql, *params)

    async def insert_id(self, conn: Connection, sql: str, params: Params) -> int | None:
        new_id = await conn.fetchval(f"{sql} RETURNING id", *params)
        return None if new_id is None else int(new_id)


DIALECT = _PostgresDialect(mark=dollar, true="TRUE", enc=ENCODERS, mapper=MAPPER)
