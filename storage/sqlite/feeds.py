"""Feeds on SQLite."""

from __future__ import annotations

import builtins
import datetime as dt

import aiosqlite

from bot.domain import Feed
from storage.base import NotFoundError
from storage.mapping import feed_state_values, feed_values
from storage.sqlite.repository import _Repository
from storage.sqlite.rows import ENCODERS, MAPPER
from storage.sqlite.values import _execute, _fetchall, _fetchone, _ts
from storage.statements import assignments_sql, insert_sql, qmark

# --- feeds ------------------------------------------------------------------------------------


class SqliteFeedRepository(_Repository):
    """Feeds to poll, unique per URL."""

    async def add(self, feed: Feed) -> tuple[Feed, bool]:
        """Add a feed (idempotent per URL); return the row and whether it is new."""

        async def op(conn: aiosqlite.Connection) -> tuple[Feed, bool]:
            values = feed_values(feed, ENCODERS, self._now())
            sql = f"{insert_sql('feeds', values, qmark)} ON CONFLICT (url) DO NOTHING"
            changed, _ = await _execute(conn, sql, tuple(values.values()))
            row = await _fetchone(conn, "SELECT * FROM feeds WHERE url = ?", (feed.url,))
            assert row is not None
            return MAPPER.feed(row), changed == 1

        return await self._write(op)

    async def remove(self, feed_id: int) -> bool:
        """Delete a feed; True if it existed."""

        async def op(conn: aiosqlite.Connection) -> bool:
            changed, _ = await _execute(conn, "DELETE FROM feeds WHERE id = ?", (feed_id,))
            return changed > 0

        return await self._write(op)

    async def get(self, feed_id: int) -> Feed | None:
        """One feed by id."""

        async def op(conn: aiosqlite.Connection) -> Feed | None:
            row = await _fetchone(conn, "SELECT * FROM feeds WHERE id = ?", (feed_id,))
            return None if row is None else MAPPER.feed(row)

        return await self._read(op)

    async def list(self) -> list[Feed]:
        """Every feed, by id."""

        async def op(conn: aiosqlite.Connection) -> list[Feed]:
            return [
                MAPPER.feed(r) for r in await _fetchall(conn, "SELECT * FROM feeds ORDER BY id")
            ]

        return await self._read(op)

    async def due(self, now: dt.datetime) -> builtins.list[Feed]:
        """Active feeds whose next poll time has come (never-polled first)."""

        async def op(conn: aiosqlite.Connection) -> builtins.list[Feed]:
            rows = await _fetchall(
                conn,
                "SELECT * FROM feeds WHERE active = 1 AND (next_poll_at IS NULL "
                "OR next_poll_at <= ?) ORDER BY next_poll_at IS NOT NULL, next_poll_at, id",
                (_ts(now),),
            )
            return [MAPPER.feed(row) for row in rows]

        return await self._read(op)

    async def save(self, feed: Feed) -> None:
        """Write a feed's title, interval, active flag and polling state."""
        feed_id = feed.id
        if feed_id is None:
            msg = "cannot save a feed without an id; add it first"
            raise NotFoundError(msg)

        async def op(conn: aiosqlite.Connection) -> None:
            values = feed_state_values(feed, ENCODERS)
            sql = f"UPDATE feeds SET {assignments_sql(values, qmark)} WHERE id = ?"
            changed, _ = await _execute(conn, sql, (*values.values(), feed_id))
            if changed == 0:
                msg = f"feed {feed_id} does not exist"
                raise NotFoundError(msg)

        await self._write(op)
