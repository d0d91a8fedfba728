"""The delivery outbox on SQLite: claims (one writer at a time needs no owner or lease)."""

from __future__ import annotations

import datetime as dt

import aiosqlite

from bot.domain import (
    OutboxMessage,
)
from storage.shared.outbox import SqlOutboxRepository
from storage.sqlite.repository import _Repository
from storage.sqlite.rows import MAPPER
from storage.sqlite.values import (
    _execute,
    _fetchall,
    _ts,
)


class SqliteOutboxRepository(SqlOutboxRepository, _Repository):
    """The delivery outbox: one row per idempotency key."""

    async def claim_due(self, now: dt.datetime, limit: int = 100) -> list[OutboxMessage]:
        """Atomically mark up to ``limit`` due pending messages as sending; oldest first.

        Claiming counts an attempt (``attempts + 1``), so a message that crashes the sender
        still runs out of attempts; the ``mark_*`` methods record the outcome only.
        """
        if limit <= 0:
            return []

        async def op(conn: aiosqlite.Connection) -> list[OutboxMessage]:
            stamp = _ts(now)
            rows = await _fetchall(
                conn,
                "UPDATE outbox SET status = 'sending', claimed_at = :now, "
                "attempts = attempts + 1 WHERE id IN ("
                " SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= :now"
                " ORDER BY next_attempt_at, id LIMIT :limit) RETURNING *",
                {"now": stamp, "limit": limit},
            )
            messages = [MAPPER.outbox(row) for row in rows]
            # RETURNING gives no order guarantee.
            messages.sort(key=lambda m: (m.next_attempt_at, m.id or 0))
            return messages

        return await self._write(op)

    async def recover_stale(self, older_than: dt.datetime) -> int:
        """Return 'sending' messages claimed before ``older_than`` to pending (crash recovery)."""

        async def op(conn: aiosqlite.Connection) -> int:
            changed, _ = await _execute(
                conn,
                "UPDATE outbox SET status = 'pending', claimed_at = NULL "
                "WHERE status = 'sending' AND (claimed_at IS NULL OR claimed_at < ?)",
                (_ts(older_than),),
            )
            return changed

        return await self._write(op)
