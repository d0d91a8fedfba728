"""Feeds to poll, on either SQL backend."""

from __future__ import annotations

import builtins
import datetime as dt

from bot.domain import Feed
from storage.base import NotFoundError
from storage.columns import feed_state_values, feed_values
from storage.dialect import Conn, SqlRepository
from storage.statements import assignments_sql, insert_sql


class SqlFeedRepository(SqlRepository):
    """Feeds to poll, unique per URL."""

    async def add(self, feed: Feed) -> tuple[Feed, bool]:
        """Add a feed (idempotent per URL); return the row and whether it is new."""
        d = self.dialect
        values = feed_values(feed, d.enc, self._now())
        insert = f"{insert_sql('feeds', values, d.mark)} ON CONFLICT (url) DO NOTHING"
        select = f"SELECT * FROM feeds WHERE url = {d.mark(1, 'url')}"

        async def op(conn: Conn) -> tuple[Feed, bool]:
            changed = await d.execute(conn, insert, list(values.values()))
            row = await d.fetchone(conn, select, (feed.url,))
            assert row is not None
            return d.mapper.feed(row), changed == 1

        return await self._write(op)

    async def remove(self, feed_id: int) -> bool:
        """Delete a feed; True if it existed."""
        sql = f"DELETE FROM feeds WHERE id = {self.dialect.mark(1, 'id')}"
        return await self._changed(sql, feed_id) > 0

    async def get(self, feed_id: int) -> Feed | None:
        """One feed by id."""
        row = await self._row(
            f"SELECT * FROM feeds WHERE id = {self.dialect.mark(1, 'id')}", feed_id
        )
        return None if row is None else self.dialect.mapper.feed(row)

    async def list(self) -> list[Feed]:
        """Every feed, by id."""
        return [
            self.dialect.mapper.feed(row)
            for row in await self._rows("SELECT * FROM feeds ORDER BY id")
        ]

    async def due(self, now: dt.datetime) -> builtins.list[Feed]:
        """Active feeds whose next poll time has come (never-polled first)."""
        d = self.dialect
        sql = (
            f"SELECT * FROM feeds WHERE active = {d.true} AND (next_poll_at IS NULL "
            f"OR next_poll_at <= {d.mark(1, 'now')}) "
            "ORDER BY next_poll_at IS NOT NULL, next_poll_at, id"
        )
        return [d.mapper.feed(row) for row in await self._rows(sql, d.enc.timestamp(now))]

    async def save(self, feed: Feed) -> None:
        """Write a feed's title, interval, active flag and polling state."""
        feed_id = feed.id
        if feed_id is None:
            msg = "cannot save a feed without an id; add it first"
            raise NotFoundError(msg)
        mark = self.dialect.mark
        values = feed_state_values(feed, self.dialect.enc)
        where = f"WHERE id = {mark(len(values) + 1, 'id')}"
        sql = f"UPDATE feeds SET {assignments_sql(values, mark)} {where}"
        if await self._changed(sql, *values.values(), feed_id) == 0:
            msg = f"feed {feed_id} does not exist"
            raise NotFoundError(msg)
