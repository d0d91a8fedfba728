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

from bot.domain import OutboxMessage
from storage.postgres.repository import _Repository
from storage.postgres.rows import MAPPER
from storage.postgres.values import (
    Connection,
    _execute,
    _fetchall,
    _ts,
)
from storage.shared.outbox import SqlOutboxRepository

if TYPE_CHECKING:
    from storage.postgres.connection import PostgresStorage

RECLAIM_SECONDS = 5.0  # at most this long between two looks for a dead owner's claims

# Owners whose heartbeat is fresh; $1 is the lease in seconds.
_LIVE_OWNERS = (
    "SELECT id FROM instances"
    " WHERE heartbeat_at > clock_timestamp() - make_interval(secs => $1::double precision)"
)


class PostgresOutboxRepository(SqlOutboxRepository, _Repository):
    """The delivery outbox: one row per idempotency key, claims leased to live processes."""

    _storage: PostgresStorage
    release_sql = "claimed_at = NULL, locked_by = NULL"

    def __init__(self, storage: PostgresStorage) -> None:
        """Claim for ``storage``'s process."""
        super().__init__(storage)
        self._next_reclaim = 0.0  # time.monotonic() of the next look for dead owners' rows

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
