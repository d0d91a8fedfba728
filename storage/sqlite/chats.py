"""Chats and their settings on SQLite."""

from __future__ import annotations

import aiosqlite

from bot.domain import (
    Chat,
)
from storage.base import (
    NotFoundError,
)
from storage.sqlite.repository import _Repository
from storage.sqlite.rows import MAPPER
from storage.sqlite.values import _execute, _fetchall, _fetchone, _scalar, _time_text, _ts

# --- chats ------------------------------------------------------------------------------------


async def _get_chat(conn: aiosqlite.Connection, chat_id: int) -> Chat | None:
    row = await _fetchone(conn, "SELECT * FROM chats WHERE id = ?", (chat_id,))
    return None if row is None else MAPPER.chat(row)


class SqliteChatRepository(_Repository):
    """Chats and their settings."""

    async def upsert(self, chat: Chat) -> Chat:
        """Insert a chat or update its type/title (settings are kept); return the stored row."""

        async def op(conn: aiosqlite.Connection) -> Chat:
            await conn.execute(
                "INSERT INTO chats (id, type, title, timezone, digest_time, quiet_start, "
                "quiet_end, language, active, last_digest_date, created_at, digest_chart) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (id) DO UPDATE SET type = excluded.type, "
                "title = COALESCE(excluded.title, chats.title)",
                (
                    chat.id,
                    chat.type.value,
                    chat.title,
                    chat.timezone,
                    _time_text(chat.digest_time),
                    _time_text(chat.quiet_start),
                    _time_text(chat.quiet_end),
                    chat.language,
                    int(chat.active),
                    None if chat.last_digest_date is None else chat.last_digest_date.isoformat(),
                    _ts(chat.created_at or self._now()),
                    int(chat.digest_chart),
                ),
            )
            stored = await _get_chat(conn, chat.id)
            assert stored is not None
            return stored

        return await self._write(op)

    async def get(self, chat_id: int) -> Chat | None:
        """One chat by id."""

        async def op(conn: aiosqlite.Connection) -> Chat | None:
            return await _get_chat(conn, chat_id)

        return await self._read(op)

    async def save_settings(self, chat: Chat) -> None:
        """Write a chat's timezone, digest time, quiet hours, language and last digest date."""

        async def op(conn: aiosqlite.Connection) -> None:
            changed, _ = await _execute(
                conn,
                "UPDATE chats SET timezone = ?, digest_time = ?, quiet_start = ?, quiet_end = ?, "
                "language = ?, last_digest_date = ?, digest_chart = ? WHERE id = ?",
                (
                    chat.timezone,
                    _time_text(chat.digest_time),
                    _time_text(chat.quiet_start),
                    _time_text(chat.quiet_end),
                    chat.language,
                    None if chat.last_digest_date is None else chat.last_digest_date.isoformat(),
                    int(chat.digest_chart),
                    chat.id,
                ),
            )
            if changed == 0:
                msg = f"chat {chat.id} is not stored; store it with chats.upsert() first"
                raise NotFoundError(msg)

        await self._write(op)

    async def set_active(self, chat_id: int, active: bool) -> None:
        """Mark a chat reachable or not (blocked, kicked); unknown chats are ignored."""

        async def op(conn: aiosqlite.Connection) -> None:
            await conn.execute("UPDATE chats SET active = ? WHERE id = ?", (int(active), chat_id))

        await self._write(op)

    async def migrate(self, old_id: int, new_id: int) -> None:
        """Move a chat, its subscriptions and its messages to a new id, in one transaction.

        If the new id is already stored (the supergroup spoke first), the two merge: the old
        chat's settings win, the new row keeps its type and title, subscriptions are united.
        """
        if old_id == new_id:
            return

        async def op(conn: aiosqlite.Connection) -> None:
            if await _fetchone(conn, "SELECT 1 FROM chats WHERE id = ?", (old_id,)) is None:
                return
            await conn.execute(
                "INSERT INTO chats (id, type, title, timezone, digest_time, quiet_start, "
                "quiet_end, language, active, last_digest_date, created_at, digest_chart) "
                "SELECT :new, CASE type WHEN 'group' THEN 'supergroup' ELSE type END, title, "
                "timezone, digest_time, quiet_start, quiet_end, language, active, "
                "last_digest_date, created_at, digest_chart FROM chats WHERE id = :old "
                "ON CONFLICT (id) DO UPDATE SET timezone = excluded.timezone, "
                "digest_chart = excluded.digest_chart, "
                "digest_time = excluded.digest_time, quiet_start = excluded.quiet_start, "
                "quiet_end = excluded.quiet_end, language = excluded.language, "
                "last_digest_date = COALESCE(excluded.last_digest_date, chats.last_digest_date), "
                "created_at = MIN(excluded.created_at, chats.created_at)",
                {"new": new_id, "old": old_id},
            )
            await conn.execute(
                "UPDATE OR IGNORE subscriptions SET chat_id = ? WHERE chat_id = ?",
                (new_id, old_id),
            )
            await conn.execute("UPDATE outbox SET chat_id = ? WHERE chat_id = ?", (new_id, old_id))
            # Left-overs are subscriptions the new chat already had; the cascade drops them.
            await conn.execute("DELETE FROM chats WHERE id = ?", (old_id,))

        await self._write(op)

    async def with_digest(self) -> list[Chat]:
        """Active chats that have a digest time set, by id."""

        async def op(conn: aiosqlite.Connection) -> list[Chat]:
            rows = await _fetchall(
                conn,
                "SELECT * FROM chats WHERE digest_time IS NOT NULL AND active = 1 ORDER BY id",
            )
            return [MAPPER.chat(row) for row in rows]

        return await self._read(op)

    async def count(self, active_only: bool = True) -> int:
        """How many chats there are."""
        sql = "SELECT COUNT(*) FROM chats" + (" WHERE active = 1" if active_only else "")
        return await self._read(_scalar(sql))
