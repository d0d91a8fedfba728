"""Reports on PostgreSQL: one row per URL and per content hash; full-text search over both."""

from __future__ import annotations

from bot.domain import Report
from storage.base import StorageError
from storage.postgres.repository import _Repository
from storage.postgres.rows import _report_from_row, report_search_text
from storage.postgres.search import tsquery_sql
from storage.postgres.values import Connection, Params, _fetchall, _fetchone, _scalar, _ts, _ts_opt


async def _find_report_duplicate(
    conn: Connection, url: str | None, content_hash: str
) -> Report | None:
    row = None
    if url is not None:
        row = await _fetchone(conn, "SELECT * FROM reports WHERE url = $1", url)
    if row is None:
        row = await _fetchone(conn, "SELECT * FROM reports WHERE content_hash = $1", content_hash)
    return None if row is None else _report_from_row(row)


class PostgresReportRepository(_Repository):
    """Reports: one row per URL and per content hash; FTS over title and text."""

    async def add(self, report: Report) -> tuple[Report, bool]:
        """Store a report; return the stored row and whether it is new (False = duplicate)."""

        async def op(conn: Connection) -> tuple[Report, bool]:
            new_id = await conn.fetchval(
                "INSERT INTO reports (url, content_hash, title, outlet, published_at, fetched_at,"
                " language, text, origin, forwarded_from, search_text)"
                " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
                " ON CONFLICT DO NOTHING RETURNING id",
                report.url,
                report.content_hash,
                report.title,
                report.outlet,
                _ts_opt(report.published_at),
                _ts(report.fetched_at),
                report.language,
                report.text,
                report.origin,
                report.forwarded_from,
                report_search_text(report.title, report.text),
            )
            if new_id is not None:
                return report.model_copy(update={"id": new_id}), True
            existing = await _find_report_duplicate(conn, report.url, report.content_hash)
            if existing is None:  # pragma: no cover - a conflict implies a matching row
                msg = "report insert conflicted but no duplicate was found"
                raise StorageError(msg)
            return existing, False

        return await self._write(op)

    async def get(self, report_id: int) -> Report | None:
        """One report by id."""

        async def op(conn: Connection) -> Report | None:
            row = await _fetchone(conn, "SELECT * FROM reports WHERE id = $1", report_id)
            return None if row is None else _report_from_row(row)

        return await self._read_one(op)

    async def find_duplicate(self, url: str | None, content_hash: str) -> Report | None:
        """The stored report with this URL or this content hash, if any."""

        async def op(conn: Connection) -> Report | None:
            return await _find_report_duplicate(conn, url, content_hash)

        return await self._read_one(op)

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
            return [_report_from_row(row) for row in await _fetchall(conn, sql, *params.values)]

        return await self._read_one(op)

    async def count(self) -> int:
        """How many reports are stored."""
        return await self._read_one(_scalar("SELECT COUNT(*) FROM reports"))

    async def latest(self, limit: int = 1) -> list[Report]:
        """The most recently ingested reports, newest first."""

        async def op(conn: Connection) -> list[Report]:
            rows = await _fetchall(
                conn, "SELECT * FROM reports ORDER BY id DESC LIMIT $1", max(limit, 0)
            )
            return [_report_from_row(row) for row in rows]

        return await self._read_one(op)
