"""Writing incidents (with their actors, sources and revisions), on either SQL backend.

Reading and searching incidents is each backend's own (SQLite loads children in batches and
searches FTS5; PostgreSQL joins them in and keeps its own term blocks), and so is keeping the
search index current: a subclass gives :meth:`SqlIncidentWrites._get`, ``_index`` and
``_unindex``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from bot.domain import Incident, IncidentRevision
from storage.base import IncidentStats, NotFoundError
from storage.dialect import Conn, Row, SqlRepository
from storage.mapping import REVISION_COLUMNS, incident_values, revision_row
from storage.statements import (
    REVISION_UPSERT_SQL,
    assignments_sql,
    incident_children_writes,
    insert_sql,
)


def stats_sql(source: str, where: str) -> str:
    """Totals by event type over the incidents ``i`` of ``source`` (``where``: "" or a WHERE)."""
    return (
        "SELECT i.event_type AS event_type, COUNT(*) AS n, "
        "SUM(COALESCE(i.killed_min, 0)) AS killed, "
        "SUM(COALESCE(i.injured_min, 0)) AS injured, "
        "COUNT(i.killed_min) AS killed_reported, COUNT(i.injured_min) AS injured_reported "
        f"FROM {source}{where} GROUP BY i.event_type"
    )


def stats_from_rows(rows: Iterable[Row]) -> IncidentStats:
    """The :class:`IncidentStats` of the rows :func:`stats_sql` returns."""
    stats = IncidentStats(killed_reported=0, injured_reported=0)
    for row in rows:
        stats.incidents += row["n"]
        stats.killed += int(row["killed"] or 0)
        stats.injured += int(row["injured"] or 0)
        stats.killed_reported = (stats.killed_reported or 0) + int(row["killed_reported"])
        stats.injured_reported = (stats.injured_reported or 0) + int(row["injured_reported"])
        stats.by_event_type[row["event_type"]] = row["n"]
    return stats


class SqlIncidentWrites(SqlRepository):
    """Adding and updating incidents, and their revision history."""

    # Appended to the read of the stored row an update replaces (PostgreSQL locks it).
    lock_sql: ClassVar[str] = ""

    def _values(self, incident: Incident) -> dict[str, Any]:
        """The incident's own columns (a backend may add its search column)."""
        return incident_values(incident, self.dialect.enc)

    async def _get(self, conn: Conn, incident_id: int) -> Incident | None:
        """One stored incident with its actors and sources."""
        raise NotImplementedError

    async def _index(self, conn: Conn, incident_id: int, incident: Incident) -> None:
        """Add a stored incident to the search index."""
        raise NotImplementedError

    async def _unindex(self, conn: Conn, incident_id: int, stored: Row) -> None:
        """Take an incident out of the search index before its text changes (``stored``: its
        row's ``date``, ``summary`` and ``evidence`` as they were)."""
        raise NotImplementedError

    async def _write_children(self, conn: Conn, incident_id: int, incident: Incident) -> None:
        for sql, rows in incident_children_writes(
            incident_id, incident, self.dialect.enc, self.dialect.mark
        ):
            await conn.executemany(sql, rows)

    async def _stored(self, conn: Conn, incident_id: int) -> Incident:
        stored = await self._get(conn, incident_id)
        assert stored is not None
        return stored

    async def add(self, incident: Incident) -> Incident:
        """Insert a new incident (with actors and sources); return it with id and timestamps."""
        d = self.dialect
        created = incident.created_at or self._now()
        updated = incident.updated_at or created
        values = {
            **self._values(incident),
            "created_at": d.enc.timestamp(created),
            "updated_at": d.enc.timestamp(updated),
        }
        sql = insert_sql("incidents", values, d.mark)

        async def op(conn: Conn) -> Incident:
            new_id = await d.insert_id(conn, sql, list(values.values()))
            assert new_id is not None  # an INSERT without ON CONFLICT always adds its row
            await self._write_children(conn, new_id, incident)
            await self._index(conn, new_id, incident)
            return await self._stored(conn, new_id)

        return await self._write(op)

    async def update(
        self, incident: Incident, revision: IncidentRevision | None = None
    ) -> Incident:
        """Replace a stored incident's fields, actors and sources; record the revision if given.

        ``updated_at`` becomes the caller's value when they changed it, else the current time.
        """
        incident_id = incident.id
        if incident_id is None:
            msg = "cannot update an incident without an id"
            raise NotFoundError(msg)
        d = self.dialect
        select = (
            "SELECT updated_at, date, summary, evidence FROM incidents "
            f"WHERE id = {d.mark(1, 'id')}{self.lock_sql}"
        )

        async def op(conn: Conn) -> Incident:
            row = await d.fetchone(conn, select, (incident_id,))
            if row is None:
                msg = f"incident {incident_id} does not exist"
                raise NotFoundError(msg)
            changed = incident.updated_at
            if changed is None or changed == d.mapper.conv.timestamp(row["updated_at"]):
                changed = self._now()
            values = {**self._values(incident), "updated_at": d.enc.timestamp(changed)}
            await self._unindex(conn, incident_id, row)
            where = d.mark(len(values) + 1, "id")
            sql = f"UPDATE incidents SET {assignments_sql(values, d.mark)} WHERE id = {where}"
            await d.execute(conn, sql, [*values.values(), incident_id])
            await self._replace_children(conn, incident_id, incident)
            await self._index(conn, incident_id, incident)
            if revision is not None:
                upsert = REVISION_UPSERT_SQL.format(
                    insert_sql("incident_revisions", REVISION_COLUMNS, d.mark)
                )
                await d.execute(conn, upsert, revision_row(incident_id, revision, d.enc))
            return await self._stored(conn, incident_id)

        return await self._write(op)

    async def _replace_children(self, conn: Conn, incident_id: int, incident: Incident) -> None:
        mark = self.dialect.mark(1, "incident_id")
        for table in ("incident_actors", "incident_sources"):
            sql = f"DELETE FROM {table} WHERE incident_id = {mark}"
            await self.dialect.execute(conn, sql, (incident_id,))
        await self._write_children(conn, incident_id, incident)

    async def get(self, incident_id: int) -> Incident | None:
        """One incident by id."""
        return await self._read_one(lambda conn: self._get(conn, incident_id))

    async def revisions(self, incident_id: int) -> list[IncidentRevision]:
        """The revision history of an incident, oldest first."""
        mark = self.dialect.mark(1, "incident_id")
        sql = f"SELECT * FROM incident_revisions WHERE incident_id = {mark} ORDER BY revision"
        return [self.dialect.mapper.revision(row) for row in await self._rows(sql, incident_id)]
