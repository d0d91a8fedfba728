"""Small key-value state, on either SQL backend."""

from __future__ import annotations

from storage.dialect import SqlRepository
from storage.statements import insert_sql


class SqlMetaRepository(SqlRepository):
    """Small key-value state."""

    async def get(self, key: str) -> str | None:
        """A value, or None."""
        row = await self._row(
            f"SELECT value FROM meta WHERE key = {self.dialect.mark(1, 'key')}", key
        )
        return None if row is None else str(row["value"])

    async def set(self, key: str, value: str) -> None:
        """Write a value."""
        insert = insert_sql("meta", ("key", "value", "updated_at"), self.dialect.mark)
        sql = (
            f"{insert} ON CONFLICT (key) DO UPDATE SET value = excluded.value, "
            "updated_at = excluded.updated_at"
        )
        await self._changed(sql, key, value, self.dialect.enc.timestamp(self._now()))
