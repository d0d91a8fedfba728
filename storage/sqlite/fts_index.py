"""Writing folded text into the contentless FTS5 indexes (``storage.fts`` folds it)."""

from __future__ import annotations

from collections.abc import Sequence

import aiosqlite

from storage.fts import fold_for_search


async def _index_report(
    conn: aiosqlite.Connection, report_id: int, title: str | None, text: str
) -> None:
    await conn.execute(
        "INSERT INTO reports_fts (rowid, title, text) VALUES (?, ?, ?)",
        (report_id, fold_for_search(title or ""), fold_for_search(text)),
    )


def _incident_search_values(summary: str, evidence: Sequence[str]) -> tuple[str, str]:
    return fold_for_search(summary), fold_for_search("\n".join(evidence))


async def _index_incident(
    conn: aiosqlite.Connection, incident_id: int, summary: str, evidence: Sequence[str]
) -> None:
    await conn.execute(
        "INSERT INTO incidents_fts (rowid, summary, evidence) VALUES (?, ?, ?)",
        (incident_id, *_incident_search_values(summary, evidence)),
    )


async def _unindex_incident(
    conn: aiosqlite.Connection, incident_id: int, summary: str, evidence: Sequence[str]
) -> None:
    # A contentless FTS5 table forgets a row only when given exactly what was indexed.
    await conn.execute(
        "INSERT INTO incidents_fts (incidents_fts, rowid, summary, evidence) "
        "VALUES ('delete', ?, ?, ?)",
        (incident_id, *_incident_search_values(summary, evidence)),
    )
