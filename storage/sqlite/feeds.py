"""Feeds on SQLite."""

from __future__ import annotations

import builtins
import datetime as dt

import aiosqlite

from bot.domain import (
    Feed,
)
from storage.base import (
    NotFoundError,
)
from storage.sqlite.repository import _Repository
from storage.sqlite.rows import _feed_from_row
from storage.sqlite.values import _execute, _fetchall, _fetchone, _ts, _ts_opt

# --- feeds ------------------------------------------------------------------------------------


class SqliteFeedRepository(_Repository):
    """Feeds to poll, unique per URL."""

    async def add(self, feed: Feed) -> tuple[Feed, bool]:
        """Add a feed (idempotent per URL); return the row and whether it is new."""

        async def op(conn: aiosqlite.Connection) -> tuple[Feed, bool]:
            changed, _ = await _execute(
                conn,
                "INSERT INTO feeds (url, title, interval_minutes, etag, last_modified, "
                "last_polled_at, next_poll_at, failures, last_error, active, added_by, "
                "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (url) DO NOTHING",
                (
                    feed.url,
                    feed.title,
                    feed.interval_minutes,
                    feed.etag,
                    feed.last_modified,
                    _ts_opt(feed.last_polled_at),
                    _ts_opt(feed.next_poll_at),
                    feed.failures,
                    feed.last_error,
                    int(feed.active),
                    feed.added_by,
                    _ts(feed.created_at or self._now()),
                ),
            )
            row = await _fetchone(conn, "SELECT * FROM feeds WHERE url = ?", (feed.url,))
            assert row is not None
            return _feed_from_row(row), changed == 1

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
            return None if row is None else _feed_from_row(row)

        return await self._read(op)

    async def list(self) -> list[Feed]:
        """Every feed, by id."""

        async def op(conn: aiosqlite.Connection) -> list[Feed]:
            return [
                _feed_from_row(r) for r in await _fetchall(conn, "SELECT * FROM feeds ORDER BY id")
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
            return [_feed_from_row(row) for row in rows]

        return await self._read(op)

    async def save(self, feed: Feed) -> None:
        """Write a feed's title, interval, active flag and polling state."""
        feed_id = feed.id
        if feed_id is None:
            msg = "cannot save a feed without an id; add it first"
            raise NotFoundError(msg)

        async def op(conn: aiosqlite.Connection) -> None:
            changed, _ = await _execute(
                conn,
                "UPDATE feeds SET title = ?, interval_minutes = ?, etag = ?, last_modified = ?, "
                "last_polled_at = ?, next_poll_at = ?, failures = ?, last_error = ?, active = ? "
                "WHERE id = ?",
                (
                    feed.title,
                    feed.interval_minutes,
                    feed.etag,
                    feed.last_modified,
                    _ts_opt(feed.last_polled_at),
                    _ts_opt(feed.next_poll_at),
                    feed.failures,
                    feed.last_error,
                    int(feed.active),
                    feed_id,
                ),
            )
            if changed == 0:
                msg = f"feed {feed_id} does not exist"
                raise NotFoundError(msg)

        await self._write(op)
