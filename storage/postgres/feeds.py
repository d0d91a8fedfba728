"""Feeds on PostgreSQL."""

from __future__ import annotations

from storage.postgres.repository import _Repository
from storage.shared.feeds import SqlFeedRepository


class PostgresFeedRepository(SqlFeedRepository, _Repository):
    """Feeds to poll, unique per URL."""
