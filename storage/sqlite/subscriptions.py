"""Subscriptions on SQLite."""

from __future__ import annotations

from storage.shared.subscriptions import SqlSubscriptionRepository
from storage.sqlite.repository import _Repository


class SqliteSubscriptionRepository(SqlSubscriptionRepository, _Repository):
    """Subscriptions, unique per (chat, kind, key)."""
