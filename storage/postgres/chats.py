"""Chats and their settings on PostgreSQL."""

from __future__ import annotations

from bot.domain import Chat
from storage.base import NotFoundError
from storage.postgres.repository import _Repository
from storage.postgres.rows import MAPPER
from storage.postgres.values import Connection, _execute, _fetchall, _fetchone, _scalar, _ts


async def _get_chat(conn: Connection, chat_id: int) -> Chat | None:
    row = await _fetchone(conn, "SELECT * FROM chats WHERE id = $1", chat_id)
    return None if row is None else MAPPER.chat(row)


class PostgresChatRepository(_Repository):
    """Chats and their settings."""

    async def upsert(self, chat: Chat) -> Chat:
        """Insert a chat or update its type/title (settings are kept); return the stored row."""

        async def op(conn: Connection) -> Chat:
            row = await _fetchone(
                conn,
                "INSERT INTO chats (id, type, title, timezone, digest_time, quiet_start, "
                "quiet_end, language, active, last_digest_date, created_at, digest_chart) "
                "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) "
                "ON CONFLICT (id) DO UPDATE SET type = excluded.type, "
                "title = COALESCE(excluded.title, chats.title) RETURNING *",
                chat.id,
                chat.type.value,
                chat.title,
                chat.timezone,
                chat.digest_time,
                chat.quiet_start,
                chat.quiet_end,
                chat.language,
                chat.active,
                chat.last_digest_date,
                _ts(chat.created_at or self._now()),
                chat.digest_chart,
            )
            assert row is not None
            return MAPPER.chat(row)

        return await self._write(op)

    async def get(self, chat_id: int) -> Chat | None:
        """One chat by id."""

        async def op(conn: Connection) -> Chat | None:
            return await _get_chat(conn, chat_id)

        return await self._read_one(op)

    async def save_settings(self, chat: Chat) -> None:
        """Write a chat's timezone, digest time, quiet hours, language and last digest date."""

        async def op(conn: Connection) -> None:
            changed = await _execute(
                conn,
                "UPDATE chats SET timezone = $1, digest_time = $2, quiet_start = $3, "
                "quiet_end = $4, language = $5, last_digest_date = $6, digest_chart = $7 "
                "WHERE id = $8",
                chat.timezone,
                chat.digest_time,
                chat.quiet_start,
                chat.quiet_end,
                chat.language,
                chat.last_digest_date,
                chat.digest_chart,
                chat.id,
            )
            if changed == 0:
                msg = f"chat {chat.id} is not stored; store it with chats.upsert() first"
                raise NotFoundError(msg)

        await self._write(op)

    async def set_active(self, chat_id: int, active: bool) -> None:
        """Mark a chat reachable or not (blocked, kicked); unknown chats are ignored."""

        async def op(conn: Connection) -> None:
            await conn.execute("UPDATE chats SET active = $1 WHERE id = $2", active, chat_id)

        await self._write(op)

    async def migrate(self, old_id: int, new_id: int) -> None:
        """Move a chat, its subscriptions and its messages to a new id, in one transaction.

        If the new id is already stored (the supergroup spoke first), the two merge: the old
        chat's settings win, the new row keeps its type and title, subscriptions are united.
        """
        if old_id == new_id:
            return

        async def op(conn: Connection) -> None:
            if await _fetchone(conn, "SELECT 1 FROM chats WHERE id = $1", old_id) is None:
                return
            await conn.execute(
                "INSERT INTO chats (id, type, title, timezone, digest_time, quiet_start, "
                "quiet_end, language, active, last_digest_date, created_at, digest_chart) "
                "SELECT $1, CASE type WHEN 'group' THEN 'supergroup' ELSE type END, title, "
                "timezone, digest_time, quiet_start, quiet_end, language, active, "
                "last_digest_date, created_at, digest_chart FROM chats WHERE id = $2 "
                "ON CONFLICT (id) DO UPDATE SET timezone = excluded.timezone, "
                "digest_chart = excluded.digest_chart, "
                "digest_time = excluded.digest_time, quiet_start = excluded.quiet_start, "
                "quiet_end = excluded.quiet_end, language = excluded.language, "
                "last_digest_date = COALESCE(excluded.last_digest_date, chats.last_digest_date), "
                "created_at = LEAST(excluded.created_at, chats.created_at)",
                new_id,
                old_id,
            )
            # Subscriptions the new chat already has stay behind; the cascade drops them.
            await conn.execute(
                "UPDATE subscriptions AS s SET chat_id = $1 WHERE s.chat_id = $2 AND NOT EXISTS "
                "(SELECT 1 FROM subscriptions AS t WHERE t.chat_id = $1 AND t.kind = s.kind "
                "AND t.key = s.key)",
                new_id,
                old_id,
            )
            await conn.execute("UPDATE outbox SET chat_id = $1 WHERE chat_id = $2", new_id, old_id)
            await conn.execute("DELETE FROM chats WHERE id = $1", old_id)

        await self._write(op)

    async def with_digest(self) -> list[Chat]:
        """Active chats that have a digest time set, by id."""

        async def op(conn: Connection) -> list[Chat]:
            rows = await _fetchall(
                conn, "SELECT * FROM chats WHERE digest_time IS NOT NULL AND active ORDER BY id"
            )
            return [MAPPER.chat(row) for row in rows]

        return await self._read_one(op)

    async def count(self, active_only: bool = True) -> int:
        """How many chats there are."""
        sql = "SELECT COUNT(*) FROM chats" + (" WHERE active" if active_only else "")
        return await self._read_one(_scalar(sql))
