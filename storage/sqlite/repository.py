"""Base class of the SQLite repositories."""

from __future__ import annotations

from storage.dialect import SqlRepository
from storage.sqlite.rows import DIALECT


class _Repository(SqlRepository):
    """Base of the SQLite repositories: the shared SQL repository in SQLite's dialect."""

    dialect = DIALECT
