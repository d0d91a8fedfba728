"""Feeds on PostgreSQL."""

from __future__ import annotations

import builtins
import datetime as dt

from bot.domain import Feed
from storage.base import NotFoundError
from storage.mapping import feed_state_values, feed_values
from storage.postgres.repository import _Repository
from storage.postgres.rows import ENCODERS, MAPPER
from storage.postgres.values import (
    Connection,
    _execute,
    _fetchall,
    _fetchone,
    _ts,
)
from storage.statements import assignments_sql, dollar, insert_sql


class PostgresFeedRepository(_Repository):
    """Feeds to poll, unique per URL."""

    async def add(self, feed: Feed) -> tuple[Feed, bool]:
        """Add a feed (idempotent per URL); return the row and whether it is new."""

        async def op(conn: Connection) -> tuple[Feed, bool]:
            values = feed_values(feed, ENCODERS, self._now())
            sql = f"{insert_sql('feeds', values, dollar)} ON CONFLICT (url) DO NOTHING"
            changed = await _execute(conn, sql, *values.values())
            row = await _fetchone(conn, "SELECT * FROM feeds WHERE url = $1", feed.url)
            assert row is not None
            return MAPPER.feed(row), changed == 1

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
            return None if row is None else MAPPER.feed(row)

        return await self._read_one(op)

    async def list(self) -> list[Feed]:
        """Every feed, by id."""

        async def op(conn: Connection) -> list[Feed]:
            rows = await _fetchall(conn, "SELECT * FROM feeds ORDER BY id")
            return [MAPPER.feed(r) for r in rows]

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
            return [MAPPER.feed(row) for row in rows]

        return await self._read_one(op)

    async def save(self, feed: Feed) -> None:
        """Write a feed's title, interval, active flag and polling state."""
        feed_id = feed.id
        if feed_id is None:
            msg = "cannot save a feed without an id; add it first"
            raise NotFoundError(msg)

        async def op(conn: Connection) -> None:
            values = feed_state_values(feed, ENCODERS)
            where = f"WHERE id = ${len(values) + 1}"
            sql = f"UPDATE feeds SET {assignments_sql(values, dollar)} {where}"
            changed = await _execute(conn, sql, *values.values(), feed_id)
            if changed == 0:
                msg = f"feed {feed_id} does not exist"
                raise NotFoundError(msg)

        await self._write(op)
