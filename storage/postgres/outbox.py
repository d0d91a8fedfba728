"""The delivery outbox on PostgreSQL, shared by every Sitrep process on the database.

A claim (``pending`` -> ``sending``) records its owner (``locked_by``, the claiming process's
``instances`` row). Rows are picked with ``FOR UPDATE SKIP LOCKED``, so processes claiming at the
same moment never take the same row and never wait on one another. A claim is a lease: it
holds while its owner's heartbeat is younger than the lease; a crashed owner's rows go back
to ``pending`` at the next claim after that, and are sent again (at most one duplicate per row,
as the Bot API has no idempotency key).
"""

from __future__ import annotations

import datetime as dt
import time
from typing import TYPE_CHECKING

from bot.domain import OutboxMessage, OutboxStatus
from storage.base import NotFoundError
from storage.postgres.repository import _Repository
from storage.postgres.rows import MAPPER
from storage.postgres.values import (
    Connection,
    _dt_opt,
    _execute,
    _fetchall,
    _fetchone,
    _require_chat,
    _ts,
    _ts_opt,
)

if TYPE_CHECKING:
    from storage.postgres.connection import PostgresStorage

_OUTBOX_STATUSES = tuple(status.value for status in OutboxStatus)
RECLAIM_SECONDS = 5.0  # at most this long between two looks for a dead owner's claims

# Owners whose heartbeat is fresh; $1 is the lease in seconds.
_LIVE_OWNERS = (
    "SELECT id FROM instances"
    " WHERE heartbeat_at > clock_timestamp() - make_interval(secs => $1::double precision)"
)


class PostgresOutboxRepository(_Repository):
    """The delivery outbox: one row per idempotency key, claims leased to live processes."""

    _storage: PostgresStorage

    def __init__(self, storage: PostgresStorage) -> None:
        """Claim for ``storage``'s process."""
        super().__init__(storage)
        self._next_reclaim = 0.0  # time.monotonic() of the next look for dead owners' rows

    async def enqueue(self, message: OutboxMessage) -> tuple[OutboxMessage, bool]:
        """Queue a message (idempotent on its key); return the row and whether it is new."""

        async def op(conn: Connection) -> tuple[OutboxMessage, bool]:
            await _require_chat(conn, message.chat_id)
            changed = await _execute(
                conn,
                "INSERT INTO outbox (chat_id, kind, idempotency_key, payload, status, attempts, "
                "next_attempt_at, sent_message_id, reply_to_key, incident_id, last_error, "
                "created_at, sent_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, "
                "$12, $13) ON CONFLICT (idempotency_key) DO NOTHING",
                message.chat_id,
                message.kind.value,
                message.idempotency_key,
                message.payload,
                message.status.value,
                message.attempts,
                _ts(message.next_attempt_at),
                message.sent_message_id,
                message.reply_to_key,
                message.incident_id,
                message.last_error,
                _ts(message.created_at or self._now()),
                _ts_opt(message.sent_at),
            )
            row = await _fetchone(
                conn, "SELECT * FROM outbox WHERE idempotency_key = $1", message.idempotency_key
            )
            assert row is not None
            return MAPPER.outbox(row), changed == 1

        return await self._write(op)

    async def claim_due(self, now: dt.datetime, limit: int = 100) -> list[OutboxMessage]:
        """Claim up to ``limit`` due pending messages for this process; oldest first.

        Rows claimed by a process whose heartbeat stopped go back to pending first. Claiming
        counts an attempt (``attempts + 1``), as in SQLite.
        """
        if limit <= 0:
            return []
        me, lease = self._storage.instance_id, self._storage.lease_seconds
        if time.monotonic() >= self._next_reclaim:
            # Dead owners are looked for a few times per lease, not on every claim: the
            # dispatcher claims as each send finishes, and this is one statement fewer.
            await self._reclaim_from_dead_owners(lease)
            self._next_reclaim = time.monotonic() + min(RECLAIM_SECONDS, lease / 3)

        async def op(conn: Connection) -> list[OutboxMessage]:
            rows = await _fetchall(
                conn,
                "WITH due AS (SELECT id FROM outbox WHERE status = 'pending' "
                " AND next_attempt_at <= $1 ORDER BY next_attempt_at, id LIMIT $2"
                " FOR UPDATE SKIP LOCKED) "
                "UPDATE outbox AS o SET status = 'sending', claimed_at = $1, locked_by = $3, "
                "attempts = o.attempts + 1 FROM due WHERE o.id = due.id RETURNING o.*",
                _ts(now),
                limit,
                me,
            )
            messages = [MAPPER.outbox(row) for row in rows]
            messages.sort(key=lambda m: (m.next_attempt_at, m.id or 0))
            return messages

        return await self._write_one(op)

    async def _reclaim_from_dead_owners(self, lease: float) -> None:
        async def op(conn: Connection) -> None:
            await conn.execute(
                "UPDATE outbox SET status = 'pending', claimed_at = NULL, locked_by = NULL "
                "WHERE id IN (SELECT id FROM outbox WHERE status = 'sending' "
                f" AND (locked_by IS NULL OR locked_by NOT IN ({_LIVE_OWNERS}))"
                " FOR UPDATE SKIP LOCKED)",
                lease,
            )

        await self._write_one(op)

    async def _set(self, message_id: int, sql: str, *args: object) -> None:
        async def op(conn: Connection) -> None:
            if await _execute(conn, sql, *args, message_id) == 0:
                msg = f"outbox message {message_id} does not exist"
                raise NotFoundError(msg)

        await self._write_one(op)

    async def mark_sent(
        self, message_id: int, telegram_message_id: int | None, at: dt.datetime
    ) -> None:
        """Record a successful send."""
        await self._set(
            message_id,
            "UPDATE outbox SET status = 'sent', sent_message_id = $1, sent_at = $2, "
            "claimed_at = NULL, locked_by = NULL, last_error = NULL WHERE id = $3",
            telegram_message_id,
            _ts(at),
        )

    async def mark_retry(self, message_id: int, next_attempt_at: dt.datetime, error: str) -> None:
        """Put a message back to pending for a later attempt."""
        await self._set(
            message_id,
            "UPDATE outbox SET status = 'pending', next_attempt_at = $1, last_error = $2, "
            "claimed_at = NULL, locked_by = NULL WHERE id = $3",
            _ts(next_attempt_at),
            error,
        )

    async def mark_failed(self, message_id: int, error: str) -> None:
        """Give up on a message."""
        await self._set(
            message_id,
            "UPDATE outbox SET status = 'failed', last_error = $1, claimed_at = NULL, "
            "locked_by = NULL WHERE id = $2",
            error,
        )

    async def get(self, message_id: int) -> OutboxMessage | None:
        """One message by id."""

        async def op(conn: Connection) -> OutboxMessage | None:
            row = await _fetchone(conn, "SELECT * FROM outbox WHERE id = $1", message_id)
            return None if row is None else MAPPER.outbox(row)

        return await self._read_one(op)

    async def get_by_key(self, idempotency_key: str) -> OutboxMessage | None:
        """One message by its idempotency key."""

        async def op(conn: Connection) -> OutboxMessage | None:
            row = await _fetchone(
                conn, "SELECT * FROM outbox WHERE idempotency_key = $1", idempotency_key
            )
            return None if row is None else MAPPER.outbox(row)

        return await self._read_one(op)

    async def recover_stale(self, older_than: dt.datetime) -> int:
        """Return to pending the 'sending' rows claimed before ``older_than`` by this process
        or by a process that is gone; a live process's claims are left alone."""
        me, lease = self._storage.instance_id, self._storage.lease_seconds

        async def op(conn: Connection) -> int:
            return await _execute(
                conn,
                "UPDATE outbox SET status = 'pending', claimed_at = NULL, locked_by = NULL "
                "WHERE status = 'sending' AND (claimed_at IS NULL OR claimed_at < $1) "
                "AND (locked_by IS NULL OR locked_by = $2 OR locked_by NOT IN ("
                + _LIVE_OWNERS.replace("$1", "$3")
                + "))",
                _ts(older_than),
                me,
                lease,
            )

        return await self._write_one(op)

    async def fail_pending_for_chat(self, chat_id: int, error: str) -> int:
        """Fail every pending message of a chat that can no longer be reached."""

        async def op(conn: Connection) -> int:
            return await _execute(
                conn,
                "UPDATE outbox SET status = 'failed', last_error = $1 "
                "WHERE chat_id = $2 AND status = 'pending'",
                error,
                chat_id,
            )

        return await self._write_one(op)

    async def counts(self) -> dict[str, int]:
        """How many messages are in each status (every status present, zeros included)."""

        async def op(conn: Connection) -> dict[str, int]:
            result = dict.fromkeys(_OUTBOX_STATUSES, 0)
            for row in await _fetchall(
                conn, "SELECT status, COUNT(*) AS n FROM outbox GROUP BY status"
            ):
                result[row["status"]] = row["n"]
            return result

        return await self._read_one(op)

    async def oldest_unsent(self) -> dt.datetime | None:
        """When the oldest message still pending or sending was queued (None: all delivered)."""

        async def op(conn: Connection) -> dt.datetime | None:
            oldest = await conn.fetchval(
                "SELECT MIN(created_at) FROM outbox WHERE status IN ('pending', 'sending')"
            )
            return _dt_opt(oldest)

        return await self._read_one(op)
