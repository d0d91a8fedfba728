"""Subscriptions on either SQL backend, unique per (chat, kind, key)."""

from __future__ import annotations

from collections.abc import Mapping

from bot.domain import Subscription, SubscriptionKind
from storage.base import SubscriptionRepository
from storage.columns import subscription_values
from storage.dialect import Conn, ParamList, SqlRepository
from storage.statements import insert_sql

_UNIQUE = "(chat_id, kind, key)"  # one subscription per chat, kind and key


class SqlSubscriptionRepository(SqlRepository, SubscriptionRepository):
    """Subscriptions, unique per (chat, kind, key)."""

    async def add(self, subscription: Subscription) -> tuple[Subscription, bool]:
        """Subscribe (idempotent per chat, kind and key); return the row and whether it is new."""
        d = self.dialect
        values = subscription_values(subscription, d.enc, self._now())
        insert = f"{insert_sql('subscriptions', values, d.mark)} ON CONFLICT {_UNIQUE} DO NOTHING"
        chat, kind, key = (d.mark(i, "") for i in range(1, 4))
        select = (
            f"SELECT * FROM subscriptions WHERE chat_id = {chat} AND kind = {kind} AND key = {key}"
        )

        async def op(conn: Conn) -> tuple[Subscription, bool]:
            await self._require_chat(conn, subscription.chat_id)
            changed = await d.execute(conn, insert, tuple(values.values()))
            unique = (subscription.chat_id, subscription.kind.value, subscription.key)
            row = await d.fetchone(conn, select, unique)
            assert row is not None
            return d.mapper.subscription(row), changed == 1

        return await self._write(op)

    async def remove(self, chat_id: int, subscription_id: int) -> bool:
        """Remove one subscription of a chat; True if it existed."""
        sub, chat = self.dialect.mark(1, "id"), self.dialect.mark(2, "chat_id")
        sql = f"DELETE FROM subscriptions WHERE id = {sub} AND chat_id = {chat}"
        return await self._changed(sql, subscription_id, chat_id) > 0

    async def remove_all(self, chat_id: int) -> int:
        """Remove every subscription of a chat; return how many."""
        sql = f"DELETE FROM subscriptions WHERE chat_id = {self.dialect.mark(1, 'chat_id')}"
        return await self._changed(sql, chat_id)

    async def for_chat(self, chat_id: int) -> list[Subscription]:
        """A chat's subscriptions, oldest first."""
        mark = self.dialect.mark(1, "chat_id")
        rows = await self._rows(
            f"SELECT * FROM subscriptions WHERE chat_id = {mark} ORDER BY id", chat_id
        )
        return [self.dialect.mapper.subscription(row) for row in rows]

    async def _matching(self, wanted: Mapping[SubscriptionKind, list[str]]) -> list[Subscription]:
        params = ParamList(self.dialect.mark)
        terms = [
            f"(s.kind = {params.add(kind.value)} AND s.key IN ({params.add_all(keys)}))"
            for kind, keys in wanted.items()
        ]
        sql = (
            "SELECT s.* FROM subscriptions AS s JOIN chats AS c ON c.id = s.chat_id "
            f"WHERE c.active = {self.dialect.true} AND ({' OR '.join(terms)}) "
            "ORDER BY s.chat_id, s.id"
        )
        rows = await self._rows(sql, *params.values)
        return [self.dialect.mapper.subscription(row) for row in rows]

    async def count(self) -> int:
        """How many subscriptions there are."""
        return await self._count("SELECT COUNT(*) FROM subscriptions")
