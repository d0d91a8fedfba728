"""Admin-added actors on SQLite."""

from __future__ import annotations

from collections.abc import Sequence

import aiosqlite

from bot.domain import (
    ActorRef,
)
from storage.sqlite.repository import _Repository
from storage.sqlite.rows import MAPPER
from storage.sqlite.values import _execute, _fetchall, _ts
from storage.statements import ACTORS_SQL, ALIASES_SQL

# --- actors -----------------------------------------------------------------------------------


class SqliteActorRepository(_Repository):
    """Admin-added actors and their aliases."""

    async def upsert(self, actor: ActorRef, aliases: Sequence[str]) -> None:
        """Add or replace an actor and its aliases."""

        async def op(conn: aiosqlite.Connection) -> None:
            await conn.execute(
                "INSERT INTO actors (id, name, type, country, created_at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (id) DO UPDATE SET name = excluded.name, type = excluded.type, "
                "country = excluded.country",
                (actor.id, actor.name, actor.type.value, actor.country, _ts(self._now())),
            )
            await conn.execute("DELETE FROM actor_aliases WHERE actor_id = ?", (actor.id,))
            await conn.executemany(
                "INSERT INTO actor_aliases (actor_id, alias, position) VALUES (?, ?, ?) "
                "ON CONFLICT DO NOTHING",
                [(actor.id, alias, pos) for pos, alias in enumerate(aliases)],
            )

        await self._write(op)

    async def remove(self, actor_id: str) -> bool:
        """Delete an admin-added actor; True if it existed."""

        async def op(conn: aiosqlite.Connection) -> bool:
            changed, _ = await _execute(conn, "DELETE FROM actors WHERE id = ?", (actor_id,))
            return changed > 0

        return await self._write(op)

    async def all(self) -> list[tuple[ActorRef, list[str]]]:
        """Every admin-added actor with its aliases, by id."""

        async def op(conn: aiosqlite.Connection) -> list[tuple[ActorRef, list[str]]]:
            aliases = await _fetchall(conn, ALIASES_SQL)
            actors = await _fetchall(conn, ACTORS_SQL)
            return MAPPER.actors_with_aliases(actors, aliases)

        return await self._read(op)
