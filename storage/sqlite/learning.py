"""What admins taught Sitrep, on SQLite (its writers take turns, so no row lock is needed)."""

from __future__ import annotations

from storage.shared.learning import SqlLearningRepository
from storage.sqlite.repository import _Repository


class SqliteLearningRepository(SqlLearningRepository, _Repository):
    """Local places, admin-added aliases and the revisions people made."""
