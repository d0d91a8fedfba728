"""Base class of the PostgreSQL repositories."""

from __future__ import annotations

from typing import TYPE_CHECKING

from storage.dialect import SqlRepository
from storage.postgres.rows import DIALECT

if TYPE_CHECKING:
    from storage.postgres.connection import PostgresStorage


class _Repository(SqlRepository):
    """Base of the PostgreSQL repositories: the shared SQL repository in PostgreSQL's dialect."""

    _storage: PostgresStorage  # the lease and instance id of the outbox come from it

    def __init__(self, storage: PostgresStorage) -> None:
        """Run in ``storage``'s transactions."""
        super().__init__(storage, DIALECT)
