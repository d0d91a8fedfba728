"""Writing folded text into the contentless FTS5 indexes (``storage.fts`` folds it).

An incident's row in ``incidents_fts`` is keyed by :func:`incident_search_key` (migration
0014): its id, counted down from :data:`MAX_INCIDENT_ID`, in the high bits and its date (as a
day number) in the low 22 bits. The newest stored incidents have the smallest keys, so a
search reads the newest matches in FTS5's own (ascending) order, its fastest way through the
index, and each candidate's date is in its key instead of being looked up row by row.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence

import aiosqlite

from storage.base import StorageError
from storage.fts import fold_for_search

DAY_BITS = 22  # every date's ordinal (1 to 3,652,059 for 9999-12-31) fits in 22 bits
DAY_MASK = (1 << DAY_BITS) - 1
MAX_INCIDENT_ID = (1 << (63 - DAY_BITS)) - 1
# SQL for a date column's day number (dt.date.toordinal): julianday of 0001-01-01 is 1721425.5.
DAY_SQL = "CAST(julianday({}) - 1721424.5 AS INTEGER)"


def incident_search_key(incident_id: int, date: dt.date) -> int:
    """The ``incidents_fts`` rowid of an incident:
    ``(MAX_INCIDENT_ID - id) << DAY_BITS | date.toordinal()`` (newer incidents, smaller keys)."""
    if not 0 < incident_id <= MAX_INCIDENT_ID:
        msg = f"incident id {incident_id} is out of the search index's range"
        raise StorageError(msg)
    return (MAX_INCIDENT_ID - incident_id) << DAY_BITS | date.toordinal()


# SQL for the incident id and the day number of an incidents_fts key.
KEY_ID_SQL = f"{MAX_INCIDENT_ID} - ({{0}} >> {DAY_BITS})"
KEY_DAY_SQL = f"{{0}} & {DAY_MASK}"


async def _index_report(
    conn: aiosqlite.Connection, report_id: int, title: str | None, text: str
) -> None:
    await conn.execute(
        "INSERT INTO reports_fts (rowid, title, text) VALUES (?, ?, ?)",
        (report_id, fold_for_search(title or ""), fold_for_search(text)),
    )


def _incident_search_values(summary: str, evidence: Sequence[str]) -> tuple[str, str]:
    return fold_for_search(summary), fold_for_search("\n".join(evidence))


INDEX_INCIDENT_SQL = "INSERT INTO incidents_fts (rowid, summary, evidence) VALUES (?, ?, ?)"


def incident_index_row(
    incident_id: int, date: dt.date, summary: str, evidence: Sequence[str]
) -> tuple[int, str, str]:
    """The values :data:`INDEX_INCIDENT_SQL` writes for one incident."""
    return (incident_search_key(incident_id, date), *_incident_search_values(summary, evidence))


async def _index_incident(
    conn: aiosqlite.Connection,
    incident_id: int,
    date: dt.date,
    summary: str,
    evidence: Sequence[str],
) -> None:
    await conn.execute(
        INDEX_INCIDENT_SQL, incident_index_row(incident_id, date, summary, evidence)
    )


async def _unindex_incident(
    conn: aiosqlite.Connection,
    incident_id: int,
    date: dt.date,
    summary: str,
    evidence: Sequence[str],
) -> None:
    # A contentless FTS5 table forgets a row only when given exactly what was indexed (under
    # the key it was indexed with: the stored date, not a new one).
    await conn.execute(
        "INSERT INTO incidents_fts (incidents_fts, rowid, summary, evidence) "
        "VALUES ('delete', ?, ?, ?)",
        incident_index_row(incident_id, date, summary, evidence),
    )


async def refill_incident_index(conn: aiosqlite.Connection) -> int:
    """Empty ``incidents_fts`` and index every stored incident again; return how many.

    Newest first, so that the keys rise: FTS5 writes out its pending rows whenever a key is
    not above the last one, which in the other order would be once per incident."""
    await conn.execute("INSERT INTO incidents_fts (incidents_fts) VALUES ('delete-all')")
    indexed = 0
    sql = "SELECT id, date, summary, evidence FROM incidents ORDER BY id DESC"
    async with conn.execute(sql) as cursor:
        while batch := list(await cursor.fetchmany(1000)):
            await conn.executemany(
                INDEX_INCIDENT_SQL,
                [
                    incident_index_row(
                        row[0], dt.date.fromisoformat(row[1]), row[2], json.loads(row[3])
                    )
                    for row in batch
                ],
            )
            indexed += len(batch)
    return indexed
