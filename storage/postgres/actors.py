"""Admin-added actors on PostgreSQL."""

from __future__ import annotations

from storage.postgres.repository import _Repository
from storage.shared.actors import SqlActorRepository


class PostgresActorRepository(SqlActorRepository, _Repository):
    """Admin-added actors and their aliases."""
