"""The review queue, subscribers' reports and merged pairs on SQLite."""

from __future__ import annotations

import datetime as dt

import aiosqlite

from bot.domain import OutboxMessage
from bot.domain.review import FeedbackReport, IncidentLink, ReviewItem, ReviewReason
from storage.review_rows import (
    TOLD_KINDS,
    feedback_report,
    incident_link,
    review_item,
    sources_json,
)
from storage.sqlite.repository import _Repository
from storage.sqlite.rows import MAPPER
from storage.sqlite.values import _dt, _execute, _fetchall, _fetchone, _scalar, _ts

_ENQUEUE_SQL = (
    "INSERT INTO review_queue (incident_id, reason, queued_at) VALUES (?, ?, ?)"
    " ON CONFLICT (incident_id) DO UPDATE SET reason = excluded.reason,"
    " queued_at = excluded.queued_at, status = 'open', resolved_at = NULL,"
    " resolved_by = NULL, resolution = ''"
    " WHERE review_queue.status != 'open'"
)
_TOLD = ", ".join(f"'{kind}'" for kind in TOLD_KINDS)


class SqliteReviewRepository(_Repository):
    """What reviewers work through, and what they decided."""

    async def enqueue(self, incident_id: int, reason: ReviewReason, at: dt.datetime) -> bool:
        """Put an incident in the queue (reopen it if it was decided); True if newly open."""

        async def op(conn: aiosqlite.Connection) -> bool:
            changed, _ = await _execute(conn, _ENQUEUE_SQL, (incident_id, reason.value, _ts(at)))
            return changed == 1

        return await self._write(op)

    async def item(self, incident_id: int) -> ReviewItem | None:
        """The queue row of an incident, open or decided."""

        async def op(conn: aiosqlite.Connection) -> ReviewItem | None:
            row = await _fetchone(
                conn, "SELECT * FROM review_queue WHERE incident_id = ?", (incident_id,)
            )
            return None if row is None else review_item(row, _dt)

        return await self._read(op)

    async def pending(
        self, limit: int = 20, offset: int = 0, queued_before: dt.datetime | None = None
    ) -> list[ReviewItem]:
        """Open items, oldest first (only those queued before ``queued_before`` if given)."""
        sql = "SELECT * FROM review_queue WHERE status = 'open'"
        params: list[object] = []
        if queued_before is not None:
            sql += " AND queued_at < ?"
            params.append(_ts(queued_before))
        sql += " ORDER BY queued_at, incident_id LIMIT ? OFFSET ?"
        params += [max(limit, 0), max(offset, 0)]

        async def op(conn: aiosqlite.Connection) -> list[ReviewItem]:
            return [review_item(row, _dt) for row in await _fetchall(conn, sql, params)]

        return await self._read(op)

    async def count_pending(self) -> int:
        """How many items are open."""
        return await self._read(_scalar("SELECT COUNT(*) FROM review_queue WHERE status = 'open'"))

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

        async def op(conn: aiosqlite.Connection) -> bool:
            changed, _ = await _execute(
                conn,
                "UPDATE review_queue SET status = ?, resolved_at = ?, resolved_by = ?,"
                " resolution = ? WHERE incident_id = ? AND status = 'open'",
                (status, _ts(at), by, resolution, incident_id),
            )
            return changed == 1

        return await self._write(op)

    async def add_feedback(self, report: FeedbackReport) -> FeedbackReport:
        """Store a subscriber's report; return it with its id."""

        async def op(conn: aiosqlite.Connection) -> FeedbackReport:
            _, rowid = await _execute(
                conn,
                "INSERT INTO feedback_reports (incident_id, chat_id, user_id, kind, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (
                    report.incident_id,
                    report.chat_id,
                    report.user_id,
                    report.kind.value,
                    _ts(report.created_at),
                ),
            )
            return report.model_copy(update={"id": rowid})

        return await self._write(op)

    async def feedback_for(self, incident_id: int, open_only: bool = True) -> list[FeedbackReport]:
        """The reports about an incident, oldest first."""
        sql = "SELECT * FROM feedback_reports WHERE incident_id = ?"
        if open_only:
            sql += " AND resolved_at IS NULL"
        sql += " ORDER BY id"

        async def op(conn: aiosqlite.Connection) -> list[FeedbackReport]:
            return [feedback_report(r, _dt) for r in await _fetchall(conn, sql, (incident_id,))]

        return await self._read(op)

    async def feedback_count_since(self, user_id: int, since: dt.datetime) -> int:
        """How many reports a user sent since ``since`` (the rate limit)."""
        return await self._read(
            _scalar(
                "SELECT COUNT(*) FROM feedback_reports WHERE user_id = ? AND created_at >= ?",
                (user_id, _ts(since)),
            )
        )

    async def resolve_feedback(
        self, incident_id: int, at: dt.datetime, resolution: str
    ) -> list[FeedbackReport]:
        """Close the open reports about an incident; return them as closed now."""

        async def op(conn: aiosqlite.Connection) -> list[FeedbackReport]:
            rows = await _fetchall(
                conn,
                "SELECT * FROM feedback_reports WHERE incident_id = ? AND resolved_at IS NULL"
                " ORDER BY id",
                (incident_id,),
            )
            await conn.execute(
                "UPDATE feedback_reports SET resolved_at = ?, resolution = ?"
                " WHERE incident_id = ? AND resolved_at IS NULL",
                (_ts(at), resolution, incident_id),
            )
            update = {"resolved_at": at, "resolution": resolution}
            return [feedback_report(row, _dt).model_copy(update=update) for row in rows]

        return await self._write(op)

    async def link(self, link: IncidentLink) -> None:
        """Record that one incident was merged into another (replaces an earlier link)."""

        async def op(conn: aiosqlite.Connection) -> None:
            await conn.execute(
                "INSERT INTO incident_links"
                " (absorbed_id, into_id, linked_at, linked_by, added_sources)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (absorbed_id) DO UPDATE SET"
                " into_id = excluded.into_id, linked_at = excluded.linked_at,"
                " linked_by = excluded.linked_by, added_sources = excluded.added_sources",
                (
                    link.absorbed_id,
                    link.into_id,
                    _ts(link.linked_at),
                    link.linked_by,
                    sources_json(link),
                ),
            )

        await self._write(op)

    async def unlink(self, absorbed_id: int) -> IncidentLink | None:
        """Remove the merge of ``absorbed_id``; return the link it had, if any."""

        async def op(conn: aiosqlite.Connection) -> IncidentLink | None:
            row = await _fetchone(
                conn, "SELECT * FROM incident_links WHERE absorbed_id = ?", (absorbed_id,)
            )
            if row is None:
                return None
            await conn.execute("DELETE FROM incident_links WHERE absorbed_id = ?", (absorbed_id,))
            return incident_link(row, _dt)

        return await self._write(op)

    async def link_of(self, absorbed_id: int) -> IncidentLink | None:
        """Where ``absorbed_id`` was merged into, if it was."""

        async def op(conn: aiosqlite.Connection) -> IncidentLink | None:
            row = await _fetchone(
                conn, "SELECT * FROM incident_links WHERE absorbed_id = ?", (absorbed_id,)
            )
            return None if row is None else incident_link(row, _dt)

        return await self._read(op)

    async def links_into(self, into_id: int) -> list[IncidentLink]:
        """The incidents merged into ``into_id``, oldest link first."""

        async def op(conn: aiosqlite.Connection) -> list[IncidentLink]:
            rows = await _fetchall(
                conn,
                "SELECT * FROM incident_links WHERE into_id = ? ORDER BY linked_at, absorbed_id",
                (into_id,),
            )
            return [incident_link(row, _dt) for row in rows]

        return await self._read(op)

    async def sent_for_incident(self, incident_id: int) -> list[OutboxMessage]:
        """Alerts and updates about an incident that reached a chat (to reply corrections to)."""

        async def op(conn: aiosqlite.Connection) -> list[OutboxMessage]:
            rows = await _fetchall(
                conn,
                f"SELECT * FROM outbox WHERE incident_id = ? AND kind IN ({_TOLD})"
                " AND status = 'sent' AND sent_message_id IS NOT NULL ORDER BY id",
                (incident_id,),
            )
            return [MAPPER.outbox(row) for row in rows]

        return await self._read(op)

    async def cancel_unsent(self, incident_id: int, error: str) -> int:
        """Fail the alerts and updates about an incident not sent yet; return how many."""

        async def op(conn: aiosqlite.Connection) -> int:
            changed, _ = await _execute(
                conn,
                f"UPDATE outbox SET status = 'failed', last_error = ? WHERE incident_id = ?"
                f" AND kind IN ({_TOLD}) AND status = 'pending'",
                (error[:300], incident_id),
            )
            return changed

        return await self._write(op)
