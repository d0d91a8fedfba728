"""Admin-added actors on SQLite."""

from __future__ import annotations

from storage.shared.actors import SqlActorRepository
from storage.sqlite.repository import _Repository


class SqliteActorRepository(SqlActorRepository, _Repository):
    """Admin-added actors and their aliases."""
