"""Base class of the SQLite repositories."""

from __future__ import annotations

from typing import TYPE_CHECKING

from storage.sqlite.values import Op, T

if TYPE_CHECKING:
    from storage.sqlite.connection import SqliteStorage


class _Repository:
    """Base of the repositories: holds the storage whose transactions they run in."""

    def __init__(self, storage: SqliteStorage) -> None:
        self._storage = storage

    async def _read(self, op: Op[T]) -> T:
        return await self._storage._run(op, write=False)

    async def _write(self, op: Op[T]) -> T:
        return await self._storage._run(op, write=True)
