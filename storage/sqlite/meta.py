"""Key-value state on SQLite."""

from __future__ import annotations

import aiosqlite

from storage.sqlite.repository import _Repository
from storage.sqlite.values import _fetchone, _ts

# --- meta -------------------------------------------------------------------------------------


class SqliteMetaRepository(_Repository):
    """Small key-value state."""

    async def get(self, key: str) -> str | None:
        """A value, or None."""

        async def op(conn: aiosqlite.Connection) -> str | None:
            row = await _fetchone(conn, "SELECT value FROM meta WHERE key = ?", (key,))
            return None if row is None else str(row["value"])

        return await self._read(op)

    async def set(self, key: str, value: str) -> None:
        """Write a value."""

        async def op(conn: aiosqlite.Connection) -> None:
            await conn.execute(
                "INSERT INTO meta (key, value, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value, "
                "updated_at = excluded.updated_at",
                (key, value, _ts(self._now())),
            )

        await self._write(op)
