"""Admin-added actors on PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence

from bot.domain import ActorRef
from storage.postgres.repository import _Repository
from storage.postgres.rows import MAPPER
from storage.postgres.values import Connection, _execute, _fetchall
from storage.statements import ACTORS_SQL, ALIASES_SQL


class PostgresActorRepository(_Repository):
    """Admin-added actors and their aliases."""

    async def upsert(self, actor: ActorRef, aliases: Sequence[str]) -> None:
        """Add or replace an actor and its aliases."""

        async def op(conn: Connection) -> None:
            await conn.execute(
                "INSERT INTO actors (id, name, type, country, created_at) "
                "VALUES ($1, $2, $3, $4, $5) "
                "ON CONFLICT (id) DO UPDATE SET name = excluded.name, type = excluded.type, "
                "country = excluded.country",
                actor.id,
                actor.name,
                actor.type.value,
                actor.country,
                self._now(),
            )
            await conn.execute("DELETE FROM actor_aliases WHERE actor_id = $1", actor.id)
            await conn.executemany(
                "INSERT INTO actor_aliases (actor_id, alias, position) VALUES ($1, $2, $3) "
                "ON CONFLICT DO NOTHING",
                [(actor.id, alias, pos) for pos, alias in enumerate(aliases)],
            )

        await self._write(op)

    async def remove(self, actor_id: str) -> bool:
        """Delete an admin-added actor; True if it existed."""

        async def op(conn: Connection) -> bool:
            return await _execute(conn, "DELETE FROM actors WHERE id = $1", actor_id) > 0

        return await self._write(op)

    async def all(self) -> list[tuple[ActorRef, list[str]]]:
        """Every admin-added actor with its aliases, by id."""

        async def op(conn: Connection) -> list[tuple[ActorRef, list[str]]]:
            aliases = await _fetchall(conn, ALIASES_SQL)
            actors = await _fetchall(conn, ACTORS_SQL)
            return MAPPER.actors_with_aliases(actors, aliases)

        return await self._read(op)
