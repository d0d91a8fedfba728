"""Base class of the SQLite repositories."""

from __future__ import annotations

from storage.dialect import SqlRepository, SqlStorage
from storage.sqlite.rows import DIALECT


class _Repository(SqlRepository):
    """Base of the SQLite repositories: the shared SQL repository in SQLite's dialect."""

    def __init__(self, storage: SqlStorage) -> None:
        """Run in ``storage``'s transactions."""
        super().__init__(storage, DIALECT)
