"""Feeds on SQLite."""

from __future__ import annotations

from storage.shared.feeds import SqlFeedRepository
from storage.sqlite.repository import _Repository


class SqliteFeedRepository(SqlFeedRepository, _Repository):
    """Feeds to poll, unique per URL."""
