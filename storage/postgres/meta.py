"""Key-value state on PostgreSQL."""

from __future__ import annotations

from storage.postgres.repository import _Repository
from storage.postgres.values import Connection


class PostgresMetaRepository(_Repository):
    """Small key-value state."""

    async def get(self, key: str) -> str | None:
        """A value, or None."""

        async def op(conn: Connection) -> str | None:
            value = await conn.fetchval("SELECT value FROM meta WHERE key = $1", key)
            return None if value is None else str(value)

        return await self._read_one(op)

    async def set(self, key: str, value: str) -> None:
        """Write a value."""

        async def op(conn: Connection) -> None:
            await conn.execute(
                "INSERT INTO meta (key, value, updated_at) VALUES ($1, $2, $3) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value, "
                "updated_at = excluded.updated_at",
                key,
                value,
                self._now(),
            )

        await self._write_one(op)
