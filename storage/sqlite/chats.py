"""Chats and their settings on SQLite."""

from __future__ import annotations

import json

import aiosqlite

from bot.domain import Chat, Subscription
from storage.columns import SUBSCRIPTION_SPEC
from storage.shared.chats import SqlChatRepository
from storage.sqlite.repository import _Repository
from storage.sqlite.rows import MAPPER
from storage.sqlite.values import _fetchall

_SUBSCRIPTION_COLUMNS = SUBSCRIPTION_SPEC.columns()
# The chat's row with its subscriptions as one JSON array column (each an array of
# _SUBSCRIPTION_COLUMNS): one statement, so one hand-off to SQLite's thread and no transaction.
_CHAT_WITH_SUBSCRIPTIONS_SQL = (
    "SELECT c.*, (SELECT json_group_array(json_array("
    f"{', '.join('s.' + column for column in _SUBSCRIPTION_COLUMNS)}"
    ")) FROM subscriptions AS s WHERE s.chat_id = c.id) AS subscriptions_json "
    "FROM chats AS c WHERE c.id = ?1"
)


class SqliteChatRepository(SqlChatRepository, _Repository):
    """Chats and their settings."""

    least = "MIN"
    # A subscription the new chat already has stays behind (and goes with the old chat).
    move_subscriptions_sql = "UPDATE OR IGNORE subscriptions SET chat_id = ?1 WHERE chat_id = ?2"

    async def with_subscriptions(self, chat_id: int) -> tuple[Chat, list[Subscription]] | None:
        """A chat and its subscriptions (oldest first), read by one statement."""

        async def op(conn: aiosqlite.Connection) -> tuple[Chat, list[Subscription]] | None:
            rows = await _fetchall(conn, _CHAT_WITH_SUBSCRIPTIONS_SQL, (chat_id,))
            if not rows:
                return None
            subscriptions = [
                MAPPER.subscription(dict(zip(_SUBSCRIPTION_COLUMNS, values, strict=True)))
                for values in json.loads(rows[0]["subscriptions_json"])
            ]
            subscriptions.sort(key=lambda subscription: subscription.id or 0)
            return MAPPER.chat(rows[0]), subscriptions

        return await self._read_one(op)
