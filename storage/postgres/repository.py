"""Base class of the PostgreSQL repositories."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from storage.postgres.values import Op, T

if TYPE_CHECKING:
    from storage.postgres.connection import PostgresStorage


class _Repository:
    """Base of the repositories: holds the storage whose transactions they run in."""

    def __init__(self, storage: PostgresStorage) -> None:
        self._storage = storage

    def _now(self) -> dt.datetime:
        """The storage's clock (the Clock port's, set by the composition root)."""
        return self._storage.now()

    async def _read(self, op: Op[T]) -> T:
        return await self._storage._run(op, write=False)

    async def _read_one(self, op: Op[T]) -> T:
        """A read that is a single statement (atomic by itself, so no transaction around it)."""
        return await self._storage._run_single(op)

    async def _write_one(self, op: Op[T]) -> T:
        """A write that is a single statement (atomic by itself)."""
        return await self._storage._run_single(op, write=True)

    async def _write(self, op: Op[T]) -> T:
        return await self._storage._run(op, write=True)
