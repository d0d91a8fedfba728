"""The review queue, subscribers' reports and merged pairs, on either SQL backend."""

from __future__ import annotations

import datetime as dt

from bot.domain import OutboxKind, OutboxMessage
from bot.domain.review import FeedbackReport, IncidentLink, ReviewItem, ReviewReason
from storage.columns import FEEDBACK_SPEC, INCIDENT_LINK_SPEC
from storage.dialect import ParamList, SqlRepository
from storage.review_base import Closing, ReviewRepository
from storage.statements import assignments_sql, insert_sql

_ENQUEUE_SQL = (
    " ON CONFLICT (incident_id) DO UPDATE SET reason = excluded.reason,"
    " queued_at = excluded.queued_at, status = 'open', resolved_at = NULL,"
    " resolved_by = NULL, resolution = ''"
    " WHERE review_queue.status <> 'open'"
)
_LINK_UPSERT_SQL = (
    " ON CONFLICT (absorbed_id) DO UPDATE SET"
    " into_id = excluded.into_id, linked_at = excluded.linked_at,"
    " linked_by = excluded.linked_by, added_sources = excluded.added_sources"
)
_FEEDBACK_COLUMNS = ("incident_id", "chat_id", "user_id", "kind", "created_at")
# The outbox kinds a correction replies to: what told a chat about the incident.
_TOLD = ", ".join(f"'{kind.value}'" for kind in (OutboxKind.ALERT, OutboxKind.UPDATE))


class SqlReviewRepository(SqlRepository, ReviewRepository):
    """What reviewers work through, and what they decided."""

    async def enqueue(self, incident_id: int, reason: ReviewReason, at: dt.datetime) -> bool:
        """Put an incident in the queue (reopen it if it was decided); True if newly open."""
        columns = ("incident_id", "reason", "queued_at")
        sql = insert_sql("review_queue", columns, self.dialect.mark) + _ENQUEUE_SQL
        at_value = self.dialect.enc.timestamp(at)
        return await self._changed(sql, incident_id, reason.value, at_value) == 1

    async def item(self, incident_id: int) -> ReviewItem | None:
        """The queue row of an incident, open or decided."""
        mark = self.dialect.mark(1, "incident_id")
        row = await self._row(
            f"SELECT * FROM review_queue WHERE incident_id = {mark}", incident_id
        )
        return None if row is None else self.dialect.mapper.review_item(row)

    async def pending(
        self, limit: int = 20, offset: int = 0, queued_before: dt.datetime | None = None
    ) -> list[ReviewItem]:
        """Open items, oldest first (only those queued before ``queued_before`` if given)."""
        params = ParamList(self.dialect.mark)
        sql = "SELECT * FROM review_queue WHERE status = 'open'"
        if queued_before is not None:
            sql += f" AND queued_at < {params.add(self.dialect.enc.timestamp(queued_before))}"
        limit_mark, offset_mark = params.add(max(limit, 0)), params.add(max(offset, 0))
        sql += f" ORDER BY queued_at, incident_id LIMIT {limit_mark} OFFSET {offset_mark}"
        return [
            self.dialect.mapper.review_item(row) for row in await self._rows(sql, *params.values)
        ]

    async def count_pending(self) -> int:
        """How many items are open."""
        return await self._count("SELECT COUNT(*) FROM review_queue WHERE status = 'open'")

    async def _close(self, incident_id: int, closing: Closing) -> bool:
        d = self.dialect
        where = d.mark(len(closing) + 1, "incident_id")
        sql = (
            f"UPDATE review_queue SET {assignments_sql(closing._fields, d.mark)} "
            f"WHERE incident_id = {where} AND status = 'open'"
        )
        status, at, by, resolution = closing
        values = (status.value, d.enc.timestamp(at), by, resolution, incident_id)
        return await self._changed(sql, *values) == 1

    async def add_feedback(self, report: FeedbackReport) -> FeedbackReport:
        """Store a subscriber's report; return it with its id."""
        d = self.dialect
        values = FEEDBACK_SPEC.values(report, d.enc, only=_FEEDBACK_COLUMNS)
        sql = insert_sql("feedback_reports", values, d.mark)
        params = list(values.values())
        new_id = await self._write_one(lambda conn: d.insert_id(conn, sql, params))
        return report.model_copy(update={"id": new_id})

    async def feedback_for(self, incident_id: int, open_only: bool = True) -> list[FeedbackReport]:
        """The reports about an incident, oldest first."""
        sql = f"SELECT * FROM feedback_reports WHERE incident_id = {self.dialect.mark(1, '')}"
        if open_only:
            sql += " AND resolved_at IS NULL"
        rows = await self._rows(f"{sql} ORDER BY id", incident_id)
        return [self.dialect.mapper.feedback_report(row) for row in rows]

    async def feedback_count_since(self, user_id: int, since: dt.datetime) -> int:
        """How many reports a user sent since ``since`` (the rate limit)."""
        user, after = self.dialect.mark(1, ""), self.dialect.mark(2, "")
        sql = (
            "SELECT COUNT(*) FROM feedback_reports "
            f"WHERE user_id = {user} AND created_at >= {after}"
        )
        return await self._count(sql, user_id, self.dialect.enc.timestamp(since))

    async def resolve_feedback(
        self, incident_id: int, at: dt.datetime, resolution: str
    ) -> list[FeedbackReport]:
        """Close the open reports about an incident; return them as closed now."""
        at_mark, resolution_mark, incident = (self.dialect.mark(i, "") for i in (1, 2, 3))
        sql = (
            f"UPDATE feedback_reports SET resolved_at = {at_mark}, resolution = {resolution_mark}"
            f" WHERE incident_id = {incident} AND resolved_at IS NULL RETURNING *"
        )
        at_value = self.dialect.enc.timestamp(at)
        execute_rows = self.dialect.fetchall
        rows = await self._write_one(
            lambda conn: execute_rows(conn, sql, (at_value, resolution, incident_id))
        )
        # RETURNING gives no order guarantee.
        return sorted(
            (self.dialect.mapper.feedback_report(row) for row in rows), key=lambda r: r.id or 0
        )

    async def link(self, link: IncidentLink) -> None:
        """Record that one incident was merged into another (replaces an earlier link)."""
        values = INCIDENT_LINK_SPEC.values(link, self.dialect.enc, skip=())
        sql = insert_sql("incident_links", values, self.dialect.mark) + _LINK_UPSERT_SQL
        await self._changed(sql, *values.values())

    async def unlink(self, absorbed_id: int) -> IncidentLink | None:
        """Remove the merge of ``absorbed_id``; return the link it had, if any."""
        mark = self.dialect.mark(1, "absorbed_id")
        sql = f"DELETE FROM incident_links WHERE absorbed_id = {mark} RETURNING *"
        execute_rows = self.dialect.fetchall
        rows = await self._write_one(lambda conn: execute_rows(conn, sql, (absorbed_id,)))
        return self.dialect.mapper.incident_link(rows[0]) if rows else None

    async def link_of(self, absorbed_id: int) -> IncidentLink | None:
        """Where ``absorbed_id`` was merged into, if it was."""
        mark = self.dialect.mark(1, "absorbed_id")
        row = await self._row(
            f"SELECT * FROM incident_links WHERE absorbed_id = {mark}", absorbed_id
        )
        return None if row is None else self.dialect.mapper.incident_link(row)

    async def links_into(self, into_id: int) -> list[IncidentLink]:
        """The incidents merged into ``into_id``, oldest link first."""
        mark = self.dialect.mark(1, "into_id")
        sql = (
            f"SELECT * FROM incident_links WHERE into_id = {mark} ORDER BY linked_at, absorbed_id"
        )
        return [self.dialect.mapper.incident_link(row) for row in await self._rows(sql, into_id)]

    async def sent_for_incident(self, incident_id: int) -> list[OutboxMessage]:
        """Alerts and updates about an incident that reached a chat (to reply corrections to)."""
        sql = (
            f"SELECT * FROM outbox WHERE incident_id = {self.dialect.mark(1, '')}"
            f" AND kind IN ({_TOLD}) AND status = 'sent' AND sent_message_id IS NOT NULL"
            " ORDER BY id"
        )
        return [self.dialect.mapper.outbox(row) for row in await self._rows(sql, incident_id)]

    async def cancel_unsent(self, incident_id: int, error: str) -> int:
        """Fail the alerts and updates about an incident not sent yet; return how many."""
        error_mark, incident = self.dialect.mark(1, ""), self.dialect.mark(2, "")
        sql = (
            f"UPDATE outbox SET status = 'failed', last_error = {error_mark}"
            f" WHERE incident_id = {incident} AND kind IN ({_TOLD}) AND status = 'pending'"
        )
        return await self._changed(sql, error[:300], incident_id)
