"""Feeds on PostgreSQL."""

from __future__ import annotations

import builtins
import datetime as dt

from bot.domain import Feed
from storage.base import NotFoundError
from storage.postgres.repository import _Repository
from storage.postgres.rows import _feed_from_row
from storage.postgres.values import (
    Connection,
    _execute,
    _fetchall,
    _fetchone,
    _ts,
    _ts_opt,
)


class PostgresFeedRepository(_Repository):
    """Feeds to poll, unique per URL."""

    async def add(self, feed: Feed) -> tuple[Feed, bool]:
        """Add a feed (idempotent per URL); return the row and whether it is new."""

        async def op(conn: Connection) -> tuple[Feed, bool]:
            changed = await _execute(
                conn,
                "INSERT INTO feeds (url, title, interval_minutes, etag, last_modified, "
                "last_polled_at, next_poll_at, failures, last_error, active, added_by, "
                "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) "
                "ON CONFLICT (url) DO NOTHING",
                feed.url,
                feed.title,
                feed.interval_minutes,
                feed.etag,
                feed.last_modified,
                _ts_opt(feed.last_polled_at),
                _ts_opt(feed.next_poll_at),
                feed.failures,
                feed.last_error,
                feed.active,
                feed.added_by,
                _ts(feed.created_at or self._now()),
            )
            row = await _fetchone(conn, "SELECT * FROM feeds WHERE url = $1", feed.url)
            assert row is not None
            return _feed_from_row(row), changed == 1

        return await self._write(op)

    async def remove(self, feed_id: int) -> bool:
        """Delete a feed; True if it existed."""

        async def op(conn: Connection) -> bool:
            return await _execute(conn, "DELETE FROM feeds WHERE id = $1", feed_id) > 0

        return await self._write(op)

    async def get(self, feed_id: int) -> Feed | None:
        """One feed by id."""

        async def op(conn: Connection) -> Feed | None:
            row = await _fetchone(conn, "SELECT * FROM feeds WHERE id = $1", feed_id)
            return None if row is None else _feed_from_row(row)

        return await self._read_one(op)

    async def list(self) -> list[Feed]:
        """Every feed, by id."""

        async def op(conn: Connection) -> list[Feed]:
            rows = await _fetchall(conn, "SELECT * FROM feeds ORDER BY id")
            return [_feed_from_row(r) for r in rows]

        return await self._read_one(op)

    async def due(self, now: dt.datetime) -> builtins.list[Feed]:
        """Active feeds whose next poll time has come (never-polled first)."""

        async def op(conn: Connection) -> builtins.list[Feed]:
            rows = await _fetchall(
                conn,
                "SELECT * FROM feeds WHERE active AND (next_poll_at IS NULL "
                "OR next_poll_at <= $1) ORDER BY next_poll_at NULLS FIRST, id",
                _ts(now),
            )
            return [_feed_from_row(row) for row in rows]

        return await self._read_one(op)

    async def save(self, feed: Feed) -> None:
        """Write a feed's title, interval, active flag and polling state."""
        feed_id = feed.id
        if feed_id is None:
            msg = "cannot save a feed without an id; add it first"
            raise NotFoundError(msg)

        async def op(conn: Connection) -> None:
            changed = await _execute(
                conn,
                "UPDATE feeds SET title = $1, interval_minutes = $2, etag = $3, "
                "last_modified = $4, last_polled_at = $5, next_poll_at = $6, failures = $7, "
                "last_error = $8, active = $9 WHERE id = $10",
                feed.title,
                feed.interval_minutes,
                feed.etag,
                feed.last_modified,
                _ts_opt(feed.last_polled_at),
                _ts_opt(feed.next_poll_at),
                feed.failures,
                feed.last_error,
                feed.active,
                feed_id,
            )
            if changed == 0:
                msg = f"feed {feed_id} does not exist"
                raise NotFoundError(msg)

        await self._write(op)
