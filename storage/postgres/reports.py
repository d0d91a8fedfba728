"""Reports on PostgreSQL: one row per URL and per content hash; a tsvector over title and text."""

from __future__ import annotations

from typing import Any

from bot.domain import Report
from storage.postgres.repository import _Repository
from storage.postgres.rows import MAPPER, report_search_text
from storage.postgres.search import tsquery_sql
from storage.postgres.values import Connection, Params, _fetchall
from storage.shared.reports import SqlReportRepository


class PostgresReportRepository(SqlReportRepository, _Repository):
    """Reports: one row per URL and per content hash; FTS over title and text."""

    def _values(self, report: Report) -> dict[str, Any]:
        return {
            **super()._values(report),
            "search_text": report_search_text(report.title, report.text),
        }

    async def search(self, text: str, limit: int = 20) -> list[Report]:
        """Full-text search over titles and text, best match first; any text is safe."""
        params = Params()
        query = tsquery_sql(text, params)
        if query is None or limit <= 0:
            return []
        sql = (
            f"SELECT r.* FROM reports AS r, ({query}) AS q (q) WHERE r.search @@ q.q"
            f" ORDER BY ts_rank(r.search, q.q) DESC, r.id DESC LIMIT {params.add(limit)}"
        )

        async def op(conn: Connection) -> list[Report]:
            return [MAPPER.report(row) for row in await _fetchall(conn, sql, *params.values)]

        return await self._read_one(op)
