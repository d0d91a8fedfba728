"""What admins taught Sitrep, on SQLite: local places, actor aliases with who, corrections."""

from __future__ import annotations

import aiosqlite

from bot.domain import ActorRef, IncidentRevision
from bot.domain.learning import ActorAliasRecord, LocalPlace
from storage.base import DuplicatePlaceError
from storage.local_places import place_name_key
from storage.sqlite.repository import _Repository
from storage.sqlite.rows import MAPPER
from storage.sqlite.values import _dt_opt, _execute, _fetchall, _json, _ts, _ts_opt

_PLACE_COLUMNS = (
    "name, name_key, aliases, lat, lon, country, admin1, admin1_code, added_by, added_at, "
    "incident_id, note"
)
_ALIAS_RECORDS_SQL = (
    "SELECT a.actor_id, r.name AS actor_name, a.alias, a.added_by, a.added_at, a.note "
    "FROM actor_aliases a JOIN actors r ON r.id = a.actor_id "
    "WHERE a.added_at IS NOT NULL ORDER BY a.added_at, a.actor_id, a.position"
)


class SqliteLearningRepository(_Repository):
    """Local places, admin-added aliases and the revisions people made."""

    async def add_place(self, place: LocalPlace) -> LocalPlace:
        """Store a new local place; DuplicatePlaceError if its name is taken in its country."""
        added_at = place.added_at or self._now()

        async def op(conn: aiosqlite.Connection) -> int | None:
            changed, row_id = await _execute(
                conn,
                f"INSERT INTO local_places ({_PLACE_COLUMNS}) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (country, name_key) DO NOTHING",
                (
                    place.name,
                    place_name_key(place.name),
                    _json(place.aliases),
                    place.lat,
                    place.lon,
                    place.country,
                    place.admin1,
                    place.admin1_code,
                    place.added_by,
                    _ts(added_at),
                    place.incident_id,
                    place.note,
                ),
            )
            return row_id if changed else None

        place_id = await self._write(op)
        if place_id is None:
            raise DuplicatePlaceError(
                f"{place.name!r} is already a local place in {place.country}"
            )
        return place.model_copy(update={"id": place_id, "added_at": added_at})

    async def places(self) -> list[LocalPlace]:
        """Every local place, oldest first."""

        async def op(conn: aiosqlite.Connection) -> list[LocalPlace]:
            rows = await _fetchall(conn, "SELECT * FROM local_places ORDER BY id")
            return [MAPPER.local_place(row) for row in rows]

        return await self._read(op)

    async def remove_place(self, place_id: int) -> bool:
        """Delete a local place; True if it existed."""

        async def op(conn: aiosqlite.Connection) -> bool:
            changed, _ = await _execute(conn, "DELETE FROM local_places WHERE id = ?", (place_id,))
            return changed > 0

        return await self._write(op)

    async def add_actor_alias(self, actor: ActorRef, record: ActorAliasRecord) -> bool:
        """Add an alias to an actor (stored first if it is not yet); False if it was known."""
        added_at = record.added_at or self._now()

        async def op(conn: aiosqlite.Connection) -> bool:
            await conn.execute(
                "INSERT INTO actors (id, name, type, country, created_at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (id) DO NOTHING",
                (actor.id, actor.name, actor.type.value, actor.country, _ts(added_at)),
            )
            changed, _ = await _execute(
                conn,
                "INSERT INTO actor_aliases (actor_id, alias, position, added_by, added_at, note) "
                "SELECT ?, ?, COALESCE(MAX(position), -1) + 1, ?, ?, ? FROM actor_aliases "
                "WHERE actor_id = ? ON CONFLICT DO NOTHING",
                (
                    actor.id,
                    record.alias,
                    record.added_by,
                    _ts_opt(added_at),
                    record.note,
                    actor.id,
                ),
            )
            return changed > 0

        return await self._write(op)

    async def alias_records(self) -> list[ActorAliasRecord]:
        """Every admin-added alias with who and when, oldest first."""

        async def op(conn: aiosqlite.Connection) -> list[ActorAliasRecord]:
            rows = await _fetchall(conn, _ALIAS_RECORDS_SQL)
            return [
                ActorAliasRecord(
                    actor_id=row["actor_id"],
                    actor_name=row["actor_name"],
                    alias=row["alias"],
                    added_by=row["added_by"],
                    added_at=_dt_opt(row["added_at"]),
                    note=row["note"],
                )
                for row in rows
            ]

        return await self._read(op)

    async def remove_actor_alias(self, actor_id: str, alias: str) -> bool:
        """Forget a stored alias of an actor; True if it existed."""

        async def op(conn: aiosqlite.Connection) -> bool:
            changed, _ = await _execute(
                conn,
                "DELETE FROM actor_aliases WHERE actor_id = ? AND alias = ?",
                (actor_id, alias),
            )
            return changed > 0

        return await self._write(op)

    async def manual_revisions(self) -> list[IncidentRevision]:
        """The incident revisions no report caused (people's corrections), oldest first."""

        async def op(conn: aiosqlite.Connection) -> list[IncidentRevision]:
            rows = await _fetchall(
                conn,
                "SELECT * FROM incident_revisions WHERE report_id IS NULL "
                "ORDER BY changed_at, incident_id, revision",
            )
            return [MAPPER.revision(row) for row in rows]

        return await self._read(op)
