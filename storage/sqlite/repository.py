"""Base class of the SQLite repositories."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from storage.sqlite.values import Op, T

if TYPE_CHECKING:
    from storage.sqlite.connection import SqliteStorage


class _Repository:
    """Base of the repositories: holds the storage whose transactions they run in."""

    def __init__(self, storage: SqliteStorage) -> None:
        self._storage = storage

    def _now(self) -> dt.datetime:
        """The storage's clock (the Clock port's, set by the composition root)."""
        return self._storage.now()

    async def _read(self, op: Op[T]) -> T:
        return await self._storage._run(op, write=False)

    async def _write(self, op: Op[T]) -> T:
        return await self._storage._run(op, write=True)
