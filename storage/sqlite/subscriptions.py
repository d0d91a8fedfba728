"""Subscriptions on SQLite."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import aiosqlite

from bot.domain import (
    Subscription,
    SubscriptionKind,
)
from storage.mapping import subscription_values
from storage.sqlite.repository import _Repository
from storage.sqlite.rows import ENCODERS, MAPPER
from storage.sqlite.values import (
    _execute,
    _fetchall,
    _fetchone,
    _placeholders,
    _require_chat,
    _scalar,
)
from storage.statements import insert_sql, qmark

# --- subscriptions ----------------------------------------------------------------------------


_UNIQUE = "(chat_id, kind, key)"  # one subscription per chat, kind and key


class SqliteSubscriptionRepository(_Repository):
    """Subscriptions, unique per (chat, kind, key)."""

    async def add(self, subscription: Subscription) -> tuple[Subscription, bool]:
        """Subscribe (idempotent per chat, kind and key); return the row and whether it is new."""

        async def op(conn: aiosqlite.Connection) -> tuple[Subscription, bool]:
            await _require_chat(conn, subscription.chat_id)
            values = subscription_values(subscription, ENCODERS, self._now())
            sql = f"{insert_sql('subscriptions', values, qmark)} ON CONFLICT {_UNIQUE} DO NOTHING"
            changed, _ = await _execute(conn, sql, tuple(values.values()))
            row = await _fetchone(
                conn,
                "SELECT * FROM subscriptions WHERE chat_id = ? AND kind = ? AND key = ?",
                (subscription.chat_id, subscription.kind.value, subscription.key),
            )
            assert row is not None
            return MAPPER.subscription(row), changed == 1

        return await self._write(op)

    async def remove(self, chat_id: int, subscription_id: int) -> bool:
        """Remove one subscription of a chat; True if it existed."""

        async def op(conn: aiosqlite.Connection) -> bool:
            changed, _ = await _execute(
                conn,
                "DELETE FROM subscriptions WHERE id = ? AND chat_id = ?",
                (subscription_id, chat_id),
            )
            return changed > 0

        return await self._write(op)

    async def remove_all(self, chat_id: int) -> int:
        """Remove every subscription of a chat; return how many."""

        async def op(conn: aiosqlite.Connection) -> int:
            changed, _ = await _execute(
                conn, "DELETE FROM subscriptions WHERE chat_id = ?", (chat_id,)
            )
            return changed

        return await self._write(op)

    async def for_chat(self, chat_id: int) -> list[Subscription]:
        """A chat's subscriptions, oldest first."""

        async def op(conn: aiosqlite.Connection) -> list[Subscription]:
            rows = await _fetchall(
                conn, "SELECT * FROM subscriptions WHERE chat_id = ? ORDER BY id", (chat_id,)
            )
            return [MAPPER.subscription(row) for row in rows]

        return await self._read(op)

    async def matching(
        self,
        place_keys: Sequence[str],
        admin1_codes: Sequence[str],
        actor_ids: Sequence[str],
    ) -> list[Subscription]:
        """Subscriptions of active chats matching any of the places, governorates or actors."""
        terms: list[str] = []
        params: list[Any] = []
        for kind, keys in (
            (SubscriptionKind.PLACE, place_keys),
            (SubscriptionKind.ADMIN1, admin1_codes),
            (SubscriptionKind.ACTOR, actor_ids),
        ):
            unique = sorted(set(keys))
            if unique:
                terms.append(f"(s.kind = ? AND s.key IN ({_placeholders(len(unique))}))")
                params += [kind.value, *unique]
        if not terms:
            return []
        sql = (
            "SELECT s.* FROM subscriptions AS s JOIN chats AS c ON c.id = s.chat_id "
            f"WHERE c.active = 1 AND ({' OR '.join(terms)}) ORDER BY s.chat_id, s.id"
        )

        async def op(conn: aiosqlite.Connection) -> list[Subscription]:
            return [MAPPER.subscription(row) for row in await _fetchall(conn, sql, params)]

        return await self._read(op)

    async def count(self) -> int:
        """How many subscriptions there are."""
        return await self._read(_scalar("SELECT COUNT(*) FROM subscriptions"))
