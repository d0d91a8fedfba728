"""Reports on SQLite: one row per URL and per content hash; FTS over title and text."""

from __future__ import annotations

import aiosqlite

from bot.domain import (
    Report,
)
from storage.base import (
    StorageError,
)
from storage.fts import fts_match, fts_query
from storage.sqlite.fts_index import _index_report
from storage.sqlite.repository import _Repository
from storage.sqlite.rows import _report_from_row
from storage.sqlite.values import _execute, _fetchall, _fetchone, _scalar, _ts, _ts_opt

# --- reports ----------------------------------------------------------------------------------

_REPORT_COLUMNS = (
    "url",
    "content_hash",
    "title",
    "outlet",
    "published_at",
    "fetched_at",
    "language",
    "text",
    "origin",
    "forwarded_from",
)


async def _find_report_duplicate(
    conn: aiosqlite.Connection, url: str | None, content_hash: str
) -> Report | None:
    row = None
    if url is not None:
        row = await _fetchone(conn, "SELECT * FROM reports WHERE url = ?", (url,))
    if row is None:
        row = await _fetchone(
            conn, "SELECT * FROM reports WHERE content_hash = ?", (content_hash,)
        )
    return None if row is None else _report_from_row(row)


class SqliteReportRepository(_Repository):
    """Reports: one row per URL and per content hash; FTS over title and text."""

    async def add(self, report: Report) -> tuple[Report, bool]:
        """Store a report; return the stored row and whether it is new (False = duplicate)."""
        params = {
            "url": report.url,
            "content_hash": report.content_hash,
            "title": report.title,
            "outlet": report.outlet,
            "published_at": _ts_opt(report.published_at),
            "fetched_at": _ts(report.fetched_at),
            "language": report.language,
            "text": report.text,
            "origin": report.origin,
            "forwarded_from": report.forwarded_from,
        }
        sql = (
            f"INSERT INTO reports ({', '.join(_REPORT_COLUMNS)}) "
            f"VALUES ({', '.join(':' + c for c in _REPORT_COLUMNS)}) ON CONFLICT DO NOTHING"
        )

        async def op(conn: aiosqlite.Connection) -> tuple[Report, bool]:
            changed, rowid = await _execute(conn, sql, params)
            if changed == 1 and rowid is not None:
                await _index_report(conn, rowid, report.title, report.text)
                return report.model_copy(update={"id": rowid}), True
            existing = await _find_report_duplicate(conn, report.url, report.content_hash)
            if existing is None:  # pragma: no cover - a conflict implies a matching row
                msg = "report insert conflicted but no duplicate was found"
                raise StorageError(msg)
            return existing, False

        return await self._write(op)

    async def get(self, report_id: int) -> Report | None:
        """One report by id."""

        async def op(conn: aiosqlite.Connection) -> Report | None:
            row = await _fetchone(conn, "SELECT * FROM reports WHERE id = ?", (report_id,))
            return None if row is None else _report_from_row(row)

        return await self._read(op)

    async def find_duplicate(self, url: str | None, content_hash: str) -> Report | None:
        """The stored report with this URL or this content hash, if any."""

        async def op(conn: aiosqlite.Connection) -> Report | None:
            return await _find_report_duplicate(conn, url, content_hash)

        return await self._read(op)

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
            return [_report_from_row(row) for row in rows]

        return await self._read(op)

    async def count(self) -> int:
        """How many reports are stored."""
        return await self._read(_scalar("SELECT COUNT(*) FROM reports"))

    async def latest(self, limit: int = 1) -> list[Report]:
        """The most recently ingested reports, newest first."""

        async def op(conn: aiosqlite.Connection) -> list[Report]:
            rows = await _fetchall(
                conn, "SELECT * FROM reports ORDER BY id DESC LIMIT ?", (max(limit, 0),)
            )
            return [_report_from_row(row) for row in rows]

        return await self._read(op)
