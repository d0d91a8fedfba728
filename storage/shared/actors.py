"""Admin-added actors and their aliases, on either SQL backend."""

from __future__ import annotations

from collections.abc import Sequence

from bot.domain import ActorRef
from storage.dialect import Conn, SqlRepository
from storage.statements import insert_sql

ACTOR_COLUMNS = ("id", "name", "type", "country", "created_at")
# Admin-added actors (rows of storage.mapping.ACTOR_REF_COLUMNS) and their aliases, in order.
ACTORS_SQL = "SELECT id, name, type, country FROM actors ORDER BY id"
ALIASES_SQL = "SELECT actor_id, alias FROM actor_aliases ORDER BY actor_id, position"


class SqlActorRepository(SqlRepository):
    """Admin-added actors and their aliases."""

    async def upsert(self, actor: ActorRef, aliases: Sequence[str]) -> None:
        """Add or replace an actor and its aliases."""
        d = self.dialect
        upsert = (
            f"{insert_sql('actors', ACTOR_COLUMNS, d.mark)} ON CONFLICT (id) DO UPDATE SET "
            "name = excluded.name, type = excluded.type, country = excluded.country"
        )
        values = (
            actor.id,
            actor.name,
            actor.type.value,
            actor.country,
            d.enc.timestamp(self._now()),
        )
        clear = f"DELETE FROM actor_aliases WHERE actor_id = {d.mark(1, 'actor_id')}"
        add_alias = (
            f"INSERT INTO actor_aliases (actor_id, alias, position) VALUES ({d.marks(3)}) "
            "ON CONFLICT DO NOTHING"
        )

        async def op(conn: Conn) -> None:
            await d.execute(conn, upsert, values)
            await d.execute(conn, clear, (actor.id,))
            await conn.executemany(
                add_alias, [(actor.id, alias, pos) for pos, alias in enumerate(aliases)]
            )

        await self._write(op)

    async def remove(self, actor_id: str) -> bool:
        """Delete an admin-added actor; True if it existed."""
        sql = f"DELETE FROM actors WHERE id = {self.dialect.mark(1, 'id')}"
        return await self._changed(sql, actor_id) > 0

    async def all(self) -> list[tuple[ActorRef, list[str]]]:
        """Every admin-added actor with its aliases, by id."""
        fetchall = self.dialect.fetchall

        async def op(conn: Conn) -> list[tuple[ActorRef, list[str]]]:
            aliases = await fetchall(conn, ALIASES_SQL, ())
            actors = await fetchall(conn, ACTORS_SQL, ())
            return self.dialect.mapper.actors_with_aliases(actors, aliases)

        return await self._read(op)
