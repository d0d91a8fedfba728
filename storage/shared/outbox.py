"""The delivery outbox on either SQL backend: queuing, outcomes and counts.

Claiming differs (one SQLite writer at a time; PostgreSQL's leases to live processes), so
``claim_due`` and ``recover_stale`` are each backend's own.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from bot.domain import OutboxMessage, OutboxStatus
from storage.base import NotFoundError
from storage.columns import outbox_values
from storage.dialect import Conn, SqlRepository
from storage.statements import insert_sql

_OUTBOX_STATUSES = tuple(status.value for status in OutboxStatus)


class SqlOutboxRepository(SqlRepository):
    """The delivery outbox: one row per idempotency key."""

    # What an outcome clears of the claim (PostgreSQL also drops the claim's owner).
    release_sql: ClassVar[str] = "claimed_at = NULL"

    async def enqueue(self, message: OutboxMessage) -> tuple[OutboxMessage, bool]:
        """Queue a message (idempotent on its key); return the row and whether it is new."""
        d = self.dialect
        values = outbox_values(message, d.enc, self._now())
        insert = f"{insert_sql('outbox', values, d.mark)} ON CONFLICT (idempotency_key) DO NOTHING"

        async def op(conn: Conn) -> tuple[OutboxMessage, bool]:
            await self._require_chat(conn, message.chat_id)
            changed = await d.execute(conn, insert, list(values.values()))
            row = await self._get(conn, "idempotency_key", message.idempotency_key)
            assert row is not None
            return row, changed == 1

        return await self._write(op)

    async def _set(self, message_id: int, assignments: str, *values: Any) -> None:
        """Record an outcome: ``assignments`` (placeholders numbered from 1) and the release."""
        where = self.dialect.mark(len(values) + 1, "id")
        sql = f"UPDATE outbox SET {assignments}, {self.release_sql} WHERE id = {where}"
        if await self._changed(sql, *values, message_id) == 0:
            msg = f"outbox message {message_id} does not exist"
            raise NotFoundError(msg)

    async def mark_sent(
        self, message_id: int, telegram_message_id: int | None, at: dt.datetime
    ) -> None:
        """Record a successful send."""
        sent_id, sent_at = self.dialect.mark(1, ""), self.dialect.mark(2, "")
        await self._set(
            message_id,
            f"status = 'sent', sent_message_id = {sent_id}, sent_at = {sent_at}, "
            "last_error = NULL",
            telegram_message_id,
            self.dialect.enc.timestamp(at),
        )

    async def mark_retry(self, message_id: int, next_attempt_at: dt.datetime, error: str) -> None:
        """Put a message back to pending for a later attempt."""
        next_at, last_error = self.dialect.mark(1, ""), self.dialect.mark(2, "")
        await self._set(
            message_id,
            f"status = 'pending', next_attempt_at = {next_at}, last_error = {last_error}",
            self.dialect.enc.timestamp(next_attempt_at),
            error,
        )

    async def mark_failed(self, message_id: int, error: str) -> None:
        """Give up on a message."""
        last_error = self.dialect.mark(1, "")
        await self._set(message_id, f"status = 'failed', last_error = {last_error}", error)

    async def _get(self, conn: Conn, column: str, value: Any) -> OutboxMessage | None:
        sql = f"SELECT * FROM outbox WHERE {column} = {self.dialect.mark(1, column)}"
        row = await self.dialect.fetchone(conn, sql, (value,))
        return None if row is None else self.dialect.mapper.outbox(row)

    async def get(self, message_id: int) -> OutboxMessage | None:
        """One message by id."""
        return await self._read_one(lambda conn: self._get(conn, "id", message_id))

    async def get_by_key(self, idempotency_key: str) -> OutboxMessage | None:
        """One message by its idempotency key."""
        return await self._read_one(
            lambda conn: self._get(conn, "idempotency_key", idempotency_key)
        )

    async def fail_pending_for_chat(self, chat_id: int, error: str) -> int:
        """Fail every pending message of a chat that can no longer be reached."""
        error_mark, chat_mark = self.dialect.mark(1, ""), self.dialect.mark(2, "")
        sql = (
            f"UPDATE outbox SET status = 'failed', last_error = {error_mark} "
            f"WHERE chat_id = {chat_mark} AND status = 'pending'"
        )
        return await self._changed(sql, error, chat_id)

    async def counts(self) -> dict[str, int]:
        """How many messages are in each status (every status present, zeros included)."""
        result = dict.fromkeys(_OUTBOX_STATUSES, 0)
        for row in await self._rows("SELECT status, COUNT(*) AS n FROM outbox GROUP BY status"):
            result[row["status"]] = row["n"]
        return result

    async def oldest_unsent(self) -> dt.datetime | None:
        """When the oldest message still pending or sending was queued (None: all delivered)."""
        row = await self._row(
            "SELECT MIN(created_at) AS oldest FROM outbox WHERE status IN ('pending', 'sending')"
        )
        oldest = None if row is None else row["oldest"]
        return None if oldest is None else self.dialect.mapper.conv.timestamp(oldest)
