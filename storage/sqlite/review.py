"""The review queue, subscribers' reports and merged pairs on SQLite."""

from __future__ import annotations

from storage.shared.review import SqlReviewRepository
from storage.sqlite.repository import _Repository


class SqliteReviewRepository(SqlReviewRepository, _Repository):
    """What reviewers work through, and what they decided."""
