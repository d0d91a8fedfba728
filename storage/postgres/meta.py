"""Key-value state on PostgreSQL."""

from __future__ import annotations

from storage.postgres.repository import _Repository
from storage.shared.meta import SqlMetaRepository


class PostgresMetaRepository(SqlMetaRepository, _Repository):
    """Small key-value state."""
