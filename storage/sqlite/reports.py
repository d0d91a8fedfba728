"""Reports on SQLite: one row per URL and per content hash; FTS5 over title and text."""

from __future__ import annotations

import aiosqlite

from bot.domain import Report
from storage.fts import fts_match, fts_query
from storage.shared.reports import SqlReportRepository
from storage.sqlite.fts_index import _index_report
from storage.sqlite.repository import _Repository
from storage.sqlite.rows import MAPPER
from storage.sqlite.values import _fetchall


class SqliteReportRepository(SqlReportRepository, _Repository):
    """Reports: one row per URL and per content hash; FTS over title and text."""

    async def _index(self, conn: aiosqlite.Connection, report_id: int, report: Report) -> None:
        await _index_report(conn, report_id, report.title, report.text)

    async def search(self, text: str, limit: int = 20) -> list[Report]:
        """Full-text search over titles and text, best match first; any text is safe."""
        match = fts_query(text)
        if match is None or limit <= 0:
            return []

        async def op(conn: aiosqlite.Connection) -> list[Report]:
            rows = await _fetchall(
                conn,
                "SELECT r.* FROM reports_fts JOIN reports AS r ON r.id = reports_fts.rowid "
                "WHERE reports_fts MATCH ? ORDER BY reports_fts.rank, r.id DESC LIMIT ?",
                (await fts_match(conn, text), limit),
            )
            return [MAPPER.report(row) for row in rows]

        return await self._read(op)
