"""What admins taught Sitrep, on either SQL backend: local places, actor aliases, corrections."""

from __future__ import annotations

from typing import ClassVar

from bot.domain import ActorRef, IncidentRevision
from bot.domain.learning import ActorAliasRecord, LocalPlace
from storage.base import DuplicatePlaceError
from storage.columns import local_place_values
from storage.dialect import Conn, SqlRepository
from storage.local_places import place_name_key
from storage.shared.actors import ACTOR_COLUMNS
from storage.statements import insert_sql

ALIAS_RECORDS_SQL = (
    "SELECT a.actor_id, r.name AS actor_name, a.alias, a.added_by, a.added_at, a.note "
    "FROM actor_aliases a JOIN actors r ON r.id = a.actor_id "
    "WHERE a.added_at IS NOT NULL ORDER BY a.added_at, a.actor_id, a.position"
)
MANUAL_REVISIONS_SQL = (
    "SELECT * FROM incident_revisions WHERE report_id IS NULL "
    "ORDER BY changed_at, incident_id, revision"
)


class SqlLearningRepository(SqlRepository):
    """Local places, admin-added aliases and the revisions people made."""

    # Run before an alias is numbered, with the actor id: serialises two admins adding at once
    # where writers do not already take turns (PostgreSQL); None where they do (SQLite).
    lock_actor_sql: ClassVar[str | None] = None

    async def add_place(self, place: LocalPlace) -> LocalPlace:
        """Store a new local place; DuplicatePlaceError if its name is taken in its country."""
        stamped = place.model_copy(update={"added_at": place.added_at or self._now()})
        values = {
            **local_place_values(stamped, self.dialect.enc),
            "name_key": place_name_key(place.name),
        }
        sql = (
            f"{insert_sql('local_places', values, self.dialect.mark)} "
            "ON CONFLICT (country, name_key) DO NOTHING"
        )
        insert_id = self.dialect.insert_id
        place_id = await self._write_one(lambda conn: insert_id(conn, sql, list(values.values())))
        if place_id is None:
            raise DuplicatePlaceError(
                f"{place.name!r} is already a local place in {place.country}"
            )
        return stamped.model_copy(update={"id": place_id})

    async def places(self) -> list[LocalPlace]:
        """Every local place, oldest first."""
        rows = await self._rows("SELECT * FROM local_places ORDER BY id")
        return [self.dialect.mapper.local_place(row) for row in rows]

    async def remove_place(self, place_id: int) -> bool:
        """Delete a local place; True if it existed."""
        mark = self.dialect.mark(1, "id")
        return await self._changed(f"DELETE FROM local_places WHERE id = {mark}", place_id) > 0

    async def add_actor_alias(self, actor: ActorRef, record: ActorAliasRecord) -> bool:
        """Add an alias to an actor (stored first if it is not yet); False if it was known."""
        d = self.dialect
        added_at = d.enc.timestamp(record.added_at or self._now())
        add_actor = f"{insert_sql('actors', ACTOR_COLUMNS, d.mark)} ON CONFLICT (id) DO NOTHING"
        actor_id, alias, added_by, at, note = (d.mark(i, "") for i in range(1, 6))
        add_alias = (
            "INSERT INTO actor_aliases (actor_id, alias, position, added_by, added_at, note) "
            f"SELECT {actor_id}, {alias}, COALESCE(MAX(position), -1) + 1, {added_by}, {at}, "
            f"{note} FROM actor_aliases WHERE actor_id = {actor_id} ON CONFLICT DO NOTHING"
        )

        async def op(conn: Conn) -> bool:
            actor_row = (actor.id, actor.name, actor.type.value, actor.country, added_at)
            await d.execute(conn, add_actor, actor_row)
            if self.lock_actor_sql is not None:
                await d.execute(conn, self.lock_actor_sql, (actor.id,))
            alias_row = (actor.id, record.alias, record.added_by, added_at, record.note)
            return await d.execute(conn, add_alias, alias_row) > 0

        return await self._write(op)

    async def alias_records(self) -> list[ActorAliasRecord]:
        """Every admin-added alias with who and when, oldest first."""
        rows = await self._rows(ALIAS_RECORDS_SQL)
        return [self.dialect.mapper.alias_record(row) for row in rows]

    async def remove_actor_alias(self, actor_id: str, alias: str) -> bool:
        """Forget a stored alias of an actor; True if it existed."""
        actor_mark, alias_mark = self.dialect.mark(1, ""), self.dialect.mark(2, "")
        sql = f"DELETE FROM actor_aliases WHERE actor_id = {actor_mark} AND alias = {alias_mark}"
        return await self._changed(sql, actor_id, alias) > 0

    async def manual_revisions(self) -> list[IncidentRevision]:
        """The incident revisions no report caused (people's corrections), oldest first."""
        rows = await self._rows(MANUAL_REVISIONS_SQL)
        return [self.dialect.mapper.revision(row) for row in rows]
