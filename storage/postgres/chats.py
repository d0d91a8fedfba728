"""Chats and their settings on PostgreSQL."""

from __future__ import annotations

from storage.postgres.repository import _Repository
from storage.shared.chats import SqlChatRepository


class PostgresChatRepository(SqlChatRepository, _Repository):
    """Chats and their settings."""

    least = "LEAST"
    # A subscription the new chat already has stays behind (and goes with the old chat).
    move_subscriptions_sql = (
        "UPDATE subscriptions AS s SET chat_id = $1 WHERE s.chat_id = $2 AND NOT EXISTS "
        "(SELECT 1 FROM subscriptions AS t WHERE t.chat_id = $1 AND t.kind = s.kind "
        "AND t.key = s.key)"
    )
