"""The delivery outbox on SQLite."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import aiosqlite

from bot.domain import (
    OutboxMessage,
    OutboxStatus,
)
from storage.base import (
    NotFoundError,
)
from storage.sqlite.repository import _Repository
from storage.sqlite.rows import MAPPER
from storage.sqlite.values import (
    _dt_opt,
    _execute,
    _fetchall,
    _fetchone,
    _json,
    _require_chat,
    _ts,
    _ts_opt,
)

# --- outbox -----------------------------------------------------------------------------------

_OUTBOX_STATUSES = tuple(status.value for status in OutboxStatus)


class SqliteOutboxRepository(_Repository):
    """The delivery outbox: one row per idempotency key."""

    async def enqueue(self, message: OutboxMessage) -> tuple[OutboxMessage, bool]:
        """Queue a message (idempotent on its key); return the row and whether it is new."""

        async def op(conn: aiosqlite.Connection) -> tuple[OutboxMessage, bool]:
            await _require_chat(conn, message.chat_id)
            changed, _ = await _execute(
                conn,
                "INSERT INTO outbox (chat_id, kind, idempotency_key, payload, status, attempts, "
                "next_attempt_at, sent_message_id, reply_to_key, incident_id, last_error, "
                "created_at, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (idempotency_key) DO NOTHING",
                (
                    message.chat_id,
                    message.kind.value,
                    message.idempotency_key,
                    _json(message.payload),
                    message.status.value,
                    message.attempts,
                    _ts(message.next_attempt_at),
                    message.sent_message_id,
                    message.reply_to_key,
                    message.incident_id,
                    message.last_error,
                    _ts(message.created_at or self._now()),
                    _ts_opt(message.sent_at),
                ),
            )
            row = await _fetchone(
                conn, "SELECT * FROM outbox WHERE idempotency_key = ?", (message.idempotency_key,)
            )
            assert row is not None
            return MAPPER.outbox(row), changed == 1

        return await self._write(op)

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

    async def _set(self, message_id: int, sql: str, params: Sequence[Any]) -> None:
        async def op(conn: aiosqlite.Connection) -> None:
            changed, _ = await _execute(conn, sql, (*params, message_id))
            if changed == 0:
                msg = f"outbox message {message_id} does not exist"
                raise NotFoundError(msg)

        await self._write(op)

    async def mark_sent(
        self, message_id: int, telegram_message_id: int | None, at: dt.datetime
    ) -> None:
        """Record a successful send."""
        await self._set(
            message_id,
            "UPDATE outbox SET status = 'sent', sent_message_id = ?, sent_at = ?, "
            "claimed_at = NULL, last_error = NULL WHERE id = ?",
            (telegram_message_id, _ts(at)),
        )

    async def mark_retry(self, message_id: int, next_attempt_at: dt.datetime, error: str) -> None:
        """Put a message back to pending for a later attempt."""
        await self._set(
            message_id,
            "UPDATE outbox SET status = 'pending', next_attempt_at = ?, last_error = ?, "
            "claimed_at = NULL WHERE id = ?",
            (_ts(next_attempt_at), error),
        )

    async def mark_failed(self, message_id: int, error: str) -> None:
        """Give up on a message."""
        await self._set(
            message_id,
            "UPDATE outbox SET status = 'failed', last_error = ?, claimed_at = NULL WHERE id = ?",
            (error,),
        )

    async def get(self, message_id: int) -> OutboxMessage | None:
        """One message by id."""

        async def op(conn: aiosqlite.Connection) -> OutboxMessage | None:
            row = await _fetchone(conn, "SELECT * FROM outbox WHERE id = ?", (message_id,))
            return None if row is None else MAPPER.outbox(row)

        return await self._read(op)

    async def get_by_key(self, idempotency_key: str) -> OutboxMessage | None:
        """One message by its idempotency key."""

        async def op(conn: aiosqlite.Connection) -> OutboxMessage | None:
            row = await _fetchone(
                conn, "SELECT * FROM outbox WHERE idempotency_key = ?", (idempotency_key,)
            )
            return None if row is None else MAPPER.outbox(row)

        return await self._read(op)

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

    async def fail_pending_for_chat(self, chat_id: int, error: str) -> int:
        """Fail every pending message of a chat that can no longer be reached."""

        async def op(conn: aiosqlite.Connection) -> int:
            changed, _ = await _execute(
                conn,
                "UPDATE outbox SET status = 'failed', last_error = ? "
                "WHERE chat_id = ? AND status = 'pending'",
                (error, chat_id),
            )
            return changed

        return await self._write(op)

    async def counts(self) -> dict[str, int]:
        """How many messages are in each status (every status present, zeros included)."""

        async def op(conn: aiosqlite.Connection) -> dict[str, int]:
            result = dict.fromkeys(_OUTBOX_STATUSES, 0)
            for row in await _fetchall(
                conn, "SELECT status, COUNT(*) AS n FROM outbox GROUP BY status"
            ):
                result[row["status"]] = row["n"]
            return result

        return await self._read(op)

    async def oldest_unsent(self) -> dt.datetime | None:
        """When the oldest message still pending or sending was queued (None: all delivered)."""

        async def op(conn: aiosqlite.Connection) -> dt.datetime | None:
            row = await _fetchone(
                conn,
                "SELECT MIN(created_at) AS oldest FROM outbox "
                "WHERE status IN ('pending', 'sending')",
            )
            return _dt_opt(row["oldest"] if row is not None else None)

        return await self._read(op)
