"""Subscriptions on PostgreSQL."""

from __future__ import annotations

from storage.postgres.repository import _Repository
from storage.shared.subscriptions import SqlSubscriptionRepository


class PostgresSubscriptionRepository(SqlSubscriptionRepository, _Repository):
    """Subscriptions, unique per (chat, kind, key)."""
