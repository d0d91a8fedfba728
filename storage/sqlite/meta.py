"""Key-value state on SQLite."""

from __future__ import annotations

from storage.shared.meta import SqlMetaRepository
from storage.sqlite.repository import _Repository


class SqliteMetaRepository(SqlMetaRepository, _Repository):
    """Small key-value state."""
