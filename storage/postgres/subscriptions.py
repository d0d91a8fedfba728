"""Subscriptions on PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence

from bot.domain import Subscription, SubscriptionKind
from storage.mapping import subscription_values
from storage.postgres.repository import _Repository
from storage.postgres.rows import ENCODERS, MAPPER
from storage.postgres.values import (
    Connection,
    Params,
    _execute,
    _fetchall,
    _fetchone,
    _require_chat,
    _scalar,
)
from storage.statements import dollar, insert_sql

_UNIQUE = "(chat_id, kind, key)"  # one subscription per chat, kind and key


class PostgresSubscriptionRepository(_Repository):
    """Subscriptions, unique per (chat, kind, key)."""

    async def add(self, subscription: Subscription) -> tuple[Subscription, bool]:
        """Subscribe (idempotent per chat, kind and key); return the row and whether it is new."""

        async def op(conn: Connection) -> tuple[Subscription, bool]:
            await _require_chat(conn, subscription.chat_id)
            values = subscription_values(subscription, ENCODERS, self._now())
            sql = f"{insert_sql('subscriptions', values, dollar)} ON CONFLICT {_UNIQUE} DO NOTHING"
            changed = await _execute(conn, sql, *values.values())
            row = await _fetchone(
                conn,
                "SELECT * FROM subscriptions WHERE chat_id = $1 AND kind = $2 AND key = $3",
                subscription.chat_id,
                subscription.kind.value,
                subscription.key,
            )
            assert row is not None
            return MAPPER.subscription(row), changed == 1

        return await self._write(op)

    async def remove(self, chat_id: int, subscription_id: int) -> bool:
        """Remove one subscription of a chat; True if it existed."""

        async def op(conn: Connection) -> bool:
            sql = "DELETE FROM subscriptions WHERE id = $1 AND chat_id = $2"
            return await _execute(conn, sql, subscription_id, chat_id) > 0

        return await self._write(op)

    async def remove_all(self, chat_id: int) -> int:
        """Remove every subscription of a chat; return how many."""

        async def op(conn: Connection) -> int:
            return await _execute(conn, "DELETE FROM subscriptions WHERE chat_id = $1", chat_id)

        return await self._write(op)

    async def for_chat(self, chat_id: int) -> list[Subscription]:
        """A chat's subscriptions, oldest first."""

        async def op(conn: Connection) -> list[Subscription]:
            rows = await _fetchall(
                conn, "SELECT * FROM subscriptions WHERE chat_id = $1 ORDER BY id", chat_id
            )
            return [MAPPER.subscription(row) for row in rows]

        return await self._read_one(op)

    async def matching(
        self,
        place_keys: Sequence[str],
        admin1_codes: Sequence[str],
        actor_ids: Sequence[str],
    ) -> list[Subscription]:
        """Subscriptions of active chats matching any of the places, governorates or actors."""
        params = Params()
        terms: list[str] = []
        for kind, keys in (
            (SubscriptionKind.PLACE, place_keys),
            (SubscriptionKind.ADMIN1, admin1_codes),
            (SubscriptionKind.ACTOR, actor_ids),
        ):
            unique = sorted(set(keys))
            if unique:
                terms.append(
                    f"(s.kind = {params.add(kind.value)} AND s.key = ANY({params.add(unique)}))"
                )
        if not terms:
            return []
        sql = (
            "SELECT s.* FROM subscriptions AS s JOIN chats AS c ON c.id = s.chat_id "
            f"WHERE c.active AND ({' OR '.join(terms)}) ORDER BY s.chat_id, s.id"
        )

        async def op(conn: Connection) -> list[Subscription]:
            rows = await _fetchall(conn, sql, *params.values)
            return [MAPPER.subscription(row) for row in rows]

        return await self._read_one(op)

    async def count(self) -> int:
        """How many subscriptions there are."""
        return await self._read_one(_scalar("SELECT COUNT(*) FROM subscriptions"))
