"""What admins taught Sitrep, on PostgreSQL (an actor's row is locked while an alias is added)."""

from __future__ import annotations

from storage.postgres.repository import _Repository
from storage.shared.learning import SqlLearningRepository


class PostgresLearningRepository(SqlLearningRepository, _Repository):
    """Local places, admin-added aliases and the revisions people made."""

    lock_actor_sql = "SELECT 1 FROM actors WHERE id = $1 FOR UPDATE"
