"""Chats and their settings on PostgreSQL."""

from __future__ import annotations

from bot.domain import Chat, Subscription
from storage.columns import SUBSCRIPTION_SPEC
from storage.postgres.repository import _Repository
from storage.postgres.rows import MAPPER
from storage.postgres.values import Connection, _fetchall
from storage.shared.chats import SqlChatRepository

_SUBSCRIPTION_COLUMNS = SUBSCRIPTION_SPEC.columns()
# The chat's row once per subscription (oldest first; once with NULLs when it has none), each
# subscription's columns prefixed "sub_": one statement, so one round trip and no transaction,
# where reading the two apart took four (BEGIN, the chat, its subscriptions, COMMIT).
_CHAT_WITH_SUBSCRIPTIONS_SQL = (
    "SELECT c.*, "
    f"{', '.join(f's.{column} AS sub_{column}' for column in _SUBSCRIPTION_COLUMNS)}"
    " FROM chats AS c LEFT JOIN subscriptions AS s ON s.chat_id = c.id WHERE c.id = $1"
    " ORDER BY s.id"
)


class PostgresChatRepository(SqlChatRepository, _Repository):
    """Chats and their settings."""

    least = "LEAST"
    # A subscription the new chat already has stays behind (and goes with the old chat).
    move_subscriptions_sql = (
        "UPDATE subscriptions AS s SET chat_id = $1 WHERE s.chat_id = $2 AND NOT EXISTS "
        "(SELECT 1 FROM subscriptions AS t WHERE t.chat_id = $1 AND t.kind = s.kind "
        "AND t.key = s.key)"
    )

    async def with_subscriptions(self, chat_id: int) -> tuple[Chat, list[Subscription]] | None:
        """A chat and its subscriptions (oldest first), read by one statement."""

        async def op(conn: Connection) -> tuple[Chat, list[Subscription]] | None:
            rows = await _fetchall(conn, _CHAT_WITH_SUBSCRIPTIONS_SQL, chat_id)
            if not rows:
                return None
            subscriptions = [
                MAPPER.subscription(
                    {column: row[f"sub_{column}"] for column in _SUBSCRIPTION_COLUMNS}
                )
                for row in rows
                if row["sub_id"] is not None
            ]
            return MAPPER.chat(rows[0]), subscriptions

        return await self._read_one(op)
