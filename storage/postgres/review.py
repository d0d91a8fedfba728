"""The review queue, subscribers' reports and merged pairs on PostgreSQL."""

from __future__ import annotations

import datetime as dt

from bot.domain import OutboxMessage
from bot.domain.review import FeedbackReport, IncidentLink, ReviewItem, ReviewReason
from storage.postgres.repository import _Repository
from storage.postgres.rows import MAPPER
from storage.postgres.values import Connection, _dt, _execute, _fetchall, _fetchone, _scalar, _ts
from storage.review_rows import (
    TOLD_KINDS,
    feedback_report,
    incident_link,
    review_item,
    sources_json,
)

_ENQUEUE_SQL = (
    "INSERT INTO review_queue (incident_id, reason, queued_at) VALUES ($1, $2, $3)"
    " ON CONFLICT (incident_id) DO UPDATE SET reason = excluded.reason,"
    " queued_at = excluded.queued_at, status = 'open', resolved_at = NULL,"
    " resolved_by = NULL, resolution = ''"
    " WHERE review_queue.status <> 'open'"
)
_TOLD = list(TOLD_KINDS)


class PostgresReviewRepository(_Repository):
    """What reviewers work through, and what they decided."""

    async def enqueue(self, incident_id: int, reason: ReviewReason, at: dt.datetime) -> bool:
        """Put an incident in the queue (reopen it if it was decided); True if newly open."""

        async def op(conn: Connection) -> bool:
            return await _execute(conn, _ENQUEUE_SQL, incident_id, reason.value, _ts(at)) == 1

        return await self._write_one(op)

    async def item(self, incident_id: int) -> ReviewItem | None:
        """The queue row of an incident, open or decided."""

        async def op(conn: Connection) -> ReviewItem | None:
            row = await _fetchone(
                conn, "SELECT * FROM review_queue WHERE incident_id = $1", incident_id
            )
            return None if row is None else review_item(row, _dt)

        return await self._read_one(op)

    async def pending(
        self, limit: int = 20, offset: int = 0, queued_before: dt.datetime | None = None
    ) -> list[ReviewItem]:
        """Open items, oldest first (only those queued before ``queued_before`` if given)."""
        sql = (
            "SELECT * FROM review_queue WHERE status = 'open'"
            " AND ($1::timestamptz IS NULL OR queued_at < $1)"
            " ORDER BY queued_at, incident_id LIMIT $2 OFFSET $3"
        )
        before = None if queued_before is None else _ts(queued_before)

        async def op(conn: Connection) -> list[ReviewItem]:
            rows = await _fetchall(conn, sql, before, max(limit, 0), max(offset, 0))
            return [review_item(row, _dt) for row in rows]

        return await self._read_one(op)

    async def count_pending(self) -> int:
        """How many items are open."""
        return await self._read_one(
            _scalar("SELECT COUNT(*) FROM review_queue WHERE status = 'open'")
        )

    async def resolve(
        self,
        incident_id: int,
        at: dt.datetime,
        by: int | None,
        resolution: str,
        *,
        expired: bool = False,
    ) -> bool:
        """Close an open item; True if it was open."""
        status = "expired" if expired else "resolved"

        async def op(conn: Connection) -> bool:
            changed = await _execute(
                conn,
                "UPDATE review_queue SET status = $1, resolved_at = $2, resolved_by = $3,"
                " resolution = $4 WHERE incident_id = $5 AND status = 'open'",
                status,
                _ts(at),
                by,
                resolution,
                incident_id,
            )
            return changed == 1

        return await self._write_one(op)

    async def add_feedback(self, report: FeedbackReport) -> FeedbackReport:
        """Store a subscriber's report; return it with its id."""

        async def op(conn: Connection) -> FeedbackReport:
            new_id = await conn.fetchval(
                "INSERT INTO feedback_reports (incident_id, chat_id, user_id, kind, created_at)"
                " VALUES ($1, $2, $3, $4, $5) RETURNING id",
                report.incident_id,
                report.chat_id,
                report.user_id,
                report.kind.value,
                _ts(report.created_at),
            )
            return report.model_copy(update={"id": int(new_id)})

        return await self._write_one(op)

    async def feedback_for(self, incident_id: int, open_only: bool = True) -> list[FeedbackReport]:
        """The reports about an incident, oldest first."""
        sql = "SELECT * FROM feedback_reports WHERE incident_id = $1"
        if open_only:
            sql += " AND resolved_at IS NULL"
        sql += " ORDER BY id"

        async def op(conn: Connection) -> list[FeedbackReport]:
            return [feedback_report(r, _dt) for r in await _fetchall(conn, sql, incident_id)]

        return await self._read_one(op)

    async def feedback_count_since(self, user_id: int, since: dt.datetime) -> int:
        """How many reports a user sent since ``since`` (the rate limit)."""
        return await self._read_one(
            _scalar(
                "SELECT COUNT(*) FROM feedback_reports WHERE user_id = $1 AND created_at >= $2",
                (user_id, _ts(since)),
            )
        )

    async def resolve_feedback(
        self, incident_id: int, at: dt.datetime, resolution: str
    ) -> list[FeedbackReport]:
        """Close the open reports about an incident; return them as closed now."""

        async def op(conn: Connection) -> list[FeedbackReport]:
            rows = await _fetchall(
                conn,
                "UPDATE feedback_reports SET resolved_at = $1, resolution = $2"
                " WHERE incident_id = $3 AND resolved_at IS NULL RETURNING *",
                _ts(at),
                resolution,
                incident_id,
            )
            return sorted((feedback_report(row, _dt) for row in rows), key=lambda r: r.id or 0)

        return await self._write_one(op)

    async def link(self, link: IncidentLink) -> None:
        """Record that one incident was merged into another (replaces an earlier link)."""

        async def op(conn: Connection) -> None:
            await conn.execute(
                "INSERT INTO incident_links"
                " (absorbed_id, into_id, linked_at, linked_by, added_sources)"
                " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (absorbed_id) DO UPDATE SET"
                " into_id = excluded.into_id, linked_at = excluded.linked_at,"
                " linked_by = excluded.linked_by, added_sources = excluded.added_sources",
                link.absorbed_id,
                link.into_id,
                _ts(link.linked_at),
                link.linked_by,
                sources_json(link),
            )

        await self._write_one(op)

    async def unlink(self, absorbed_id: int) -> IncidentLink | None:
        """Remove the merge of ``absorbed_id``; return the link it had, if any."""

        async def op(conn: Connection) -> IncidentLink | None:
            row = await _fetchone(
                conn, "DELETE FROM incident_links WHERE absorbed_id = $1 RETURNING *", absorbed_id
            )
            return None if row is None else incident_link(row, _dt)

        return await self._write_one(op)

    async def link_of(self, absorbed_id: int) -> IncidentLink | None:
        """Where ``absorbed_id`` was merged into, if it was."""

        async def op(conn: Connection) -> IncidentLink | None:
            row = await _fetchone(
                conn, "SELECT * FROM incident_links WHERE absorbed_id = $1", absorbed_id
            )
            return None if row is None else incident_link(row, _dt)

        return await self._read_one(op)

    async def links_into(self, into_id: int) -> list[IncidentLink]:
        """The incidents merged into ``into_id``, oldest link first."""

        async def op(conn: Connection) -> list[IncidentLink]:
            rows = await _fetchall(
                conn,
                "SELECT * FROM incident_links WHERE into_id = $1 ORDER BY linked_at, absorbed_id",
                into_id,
            )
            return [incident_link(row, _dt) for row in rows]

        return await self._read_one(op)

    async def sent_for_incident(self, incident_id: int) -> list[OutboxMessage]:
        """Alerts and updates about an incident that reached a chat (to reply corrections to)."""

        async def op(conn: Connection) -> list[OutboxMessage]:
            rows = await _fetchall(
                conn,
                "SELECT * FROM outbox WHERE incident_id = $1 AND kind = ANY($2::text[])"
                " AND status = 'sent' AND sent_message_id IS NOT NULL ORDER BY id",
                incident_id,
                _TOLD,
            )
            return [MAPPER.outbox(row) for row in rows]

        return await self._read_one(op)

    async def cancel_unsent(self, incident_id: int, error: str) -> int:
        """Fail the alerts and updates about an incident not sent yet; return how many."""

        async def op(conn: Connection) -> int:
            return await _execute(
                conn,
                "UPDATE outbox SET status = 'failed', last_error = $1 WHERE incident_id = $2"
                " AND kind = ANY($3::text[]) AND status = 'pending'",
                error[:300],
                incident_id,
                _TOLD,
            )

        return await self._write_one(op)
