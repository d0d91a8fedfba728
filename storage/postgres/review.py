"""The review queue, subscribers' reports and merged pairs on PostgreSQL."""

from __future__ import annotations

from storage.postgres.repository import _Repository
from storage.shared.review import SqlReviewRepository


class PostgresReviewRepository(SqlReviewRepository, _Repository):
    """What reviewers work through, and what they decided."""
