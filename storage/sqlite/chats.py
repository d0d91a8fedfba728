"""Chats and their settings on SQLite."""

from __future__ import annotations

from storage.shared.chats import SqlChatRepository
from storage.sqlite.repository import _Repository


class SqliteChatRepository(SqlChatRepository, _Repository):
    """Chats and their settings."""

    least = "MIN"
    # A subscription the new chat already has stays behind (and goes with the old chat).
    move_subscriptions_sql = "UPDATE OR IGNORE subscriptions SET chat_id = ?1 WHERE chat_id = ?2"
