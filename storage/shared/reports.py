"""Reports on either SQL backend: one row per URL and per content hash.

Full-text search is each backend's own (SQLite's FTS5 table, PostgreSQL's tsvector column),
so ``search`` and how a new report is indexed stay in the backend's subclass.
"""

from __future__ import annotations

from typing import Any

from bot.domain import Report
from storage.base import StorageError
from storage.columns import report_values
from storage.dialect import Conn, SqlRepository
from storage.statements import insert_sql


class SqlReportRepository(SqlRepository):
    """Reports: one row per URL and per content hash."""

    def _values(self, report: Report) -> dict[str, Any]:
        """The columns a new report is inserted with (a backend may add its index's)."""
        return report_values(report, self.dialect.enc)

    async def _index(self, conn: Conn, report_id: int, report: Report) -> None:
        """Index a newly stored report for search (nothing to do where a column does it)."""

    async def _find_duplicate(
        self, conn: Conn, url: str | None, content_hash: str
    ) -> Report | None:
        d = self.dialect
        for column, value in (("url", url), ("content_hash", content_hash)):
            if value is None:
                continue
            sql = f"SELECT * FROM reports WHERE {column} = {d.mark(1, column)}"
            row = await d.fetchone(conn, sql, (value,))
            if row is not None:
                return d.mapper.report(row)
        return None

    async def add(self, report: Report) -> tuple[Report, bool]:
        """Store a report; return the stored row and whether it is new (False = duplicate)."""
        values = self._values(report)
        sql = f"{insert_sql('reports', values, self.dialect.mark)} ON CONFLICT DO NOTHING"

        async def op(conn: Conn) -> tuple[Report, bool]:
            new_id = await self.dialect.insert_id(conn, sql, list(values.values()))
            if new_id is not None:
                await self._index(conn, new_id, report)
                return report.model_copy(update={"id": new_id}), True
            existing = await self._find_duplicate(conn, report.url, report.content_hash)
            if existing is None:  # pragma: no cover - a conflict implies a matching row
                msg = "report insert conflicted but no duplicate was found"
                raise StorageError(msg)
            return existing, False

        return await self._write(op)

    async def get(self, report_id: int) -> Report | None:
        """One report by id."""
        sql = f"SELECT * FROM reports WHERE id = {self.dialect.mark(1, 'id')}"
        row = await self._row(sql, report_id)
        return None if row is None else self.dialect.mapper.report(row)

    async def find_duplicate(self, url: str | None, content_hash: str) -> Report | None:
        """The stored report with this URL or this content hash, if any."""
        return await self._read(lambda conn: self._find_duplicate(conn, url, content_hash))

    async def count(self) -> int:
        """How many reports are stored."""
        return await self._count("SELECT COUNT(*) FROM reports")

    async def latest(self, limit: int = 1) -> list[Report]:
        """The most recently ingested reports, newest first."""
        sql = f"SELECT * FROM reports ORDER BY id DESC LIMIT {self.dialect.mark(1, 'limit')}"
        return [self.dialect.mapper.report(row) for row in await self._rows(sql, max(limit, 0))]
