"""Chats and their settings, on either SQL backend."""

from __future__ import annotations

from typing import ClassVar

from bot.domain import Chat, Subscription
from storage.base import NotFoundError
from storage.columns import CHAT_SETTINGS, chat_settings_values, chat_values
from storage.dialect import Conn, SqlRepository
from storage.statements import assignments_sql, insert_sql

# The columns of a chat row: its identity and its settings.
CHAT_COLUMNS = ("id", "type", "title", *CHAT_SETTINGS, "active", "created_at")
# A chat moved to a new id (a group that became a supergroup): the old row's settings win
# over a row the new id already has, which keeps its type and title.
_MOVE_CHAT_SQL = (
    f"INSERT INTO chats ({', '.join(CHAT_COLUMNS)}) SELECT {{new}}, "
    "CASE type WHEN 'group' THEN 'supergroup' ELSE type END, title, "
    f"{', '.join(CHAT_SETTINGS)}, active, created_at FROM chats WHERE id = {{old}} "
    "ON CONFLICT (id) DO UPDATE SET timezone = excluded.timezone, "
    "digest_chart = excluded.digest_chart, "
    "digest_time = excluded.digest_time, quiet_start = excluded.quiet_start, "
    "quiet_end = excluded.quiet_end, language = excluded.language, "
    "last_digest_date = COALESCE(excluded.last_digest_date, chats.last_digest_date), "
    "created_at = {least}(excluded.created_at, chats.created_at)"
)


class SqlChatRepository(SqlRepository):
    """Chats and their settings."""

    least: ClassVar[str]  # the SQL function of the smaller of two values
    # Move the old chat's subscriptions ($1 new id, $2 old id) but those the new one has.
    move_subscriptions_sql: ClassVar[str]

    async def upsert(self, chat: Chat) -> Chat:
        """Insert a chat or update its type/title (settings are kept); return the stored row."""
        d = self.dialect
        values = chat_values(chat, d.enc, self._now())
        sql = (
            f"{insert_sql('chats', values, d.mark)} ON CONFLICT (id) DO UPDATE SET "
            "type = excluded.type, title = COALESCE(excluded.title, chats.title)"
        )

        async def op(conn: Conn) -> Chat:
            await d.execute(conn, sql, list(values.values()))
            stored = await self._get(conn, chat.id)
            assert stored is not None
            return stored

        return await self._write(op)

    async def _get(self, conn: Conn, chat_id: int) -> Chat | None:
        sql = f"SELECT * FROM chats WHERE id = {self.dialect.mark(1, 'id')}"
        row = await self.dialect.fetchone(conn, sql, (chat_id,))
        return None if row is None else self.dialect.mapper.chat(row)

    async def get(self, chat_id: int) -> Chat | None:
        """One chat by id."""
        return await self._read_one(lambda conn: self._get(conn, chat_id))

    async def with_subscriptions(self, chat_id: int) -> tuple[Chat, list[Subscription]] | None:
        """A chat and its subscriptions (oldest first) in one read; None for an unknown chat."""
        d = self.dialect
        subscriptions = (
            f"SELECT * FROM subscriptions WHERE chat_id = {d.mark(1, 'chat_id')} ORDER BY id"
        )

        async def op(conn: Conn) -> tuple[Chat, list[Subscription]] | None:
            chat = await self._get(conn, chat_id)
            if chat is None:
                return None
            rows = await d.fetchall(conn, subscriptions, (chat_id,))
            return chat, [d.mapper.subscription(row) for row in rows]

        return await self._read(op)

    async def save_settings(self, chat: Chat) -> None:
        """Write a chat's timezone, digest time, quiet hours, language and last digest date."""
        mark = self.dialect.mark
        settings = chat_settings_values(chat, self.dialect.enc)
        where = mark(len(settings) + 1, "id")
        sql = f"UPDATE chats SET {assignments_sql(settings, mark)} WHERE id = {where}"
        if await self._changed(sql, *settings.values(), chat.id) == 0:
            msg = f"chat {chat.id} is not stored; store it with chats.upsert() first"
            raise NotFoundError(msg)

    async def set_active(self, chat_id: int, active: bool) -> None:
        """Mark a chat reachable or not (blocked, kicked); unknown chats are ignored."""
        active_mark, id_mark = self.dialect.mark(1, "active"), self.dialect.mark(2, "id")
        sql = f"UPDATE chats SET active = {active_mark} WHERE id = {id_mark}"
        await self._changed(sql, self.dialect.enc.flag(active), chat_id)

    async def migrate(self, old_id: int, new_id: int) -> None:
        """Move a chat, its subscriptions and its messages to a new id, in one transaction.

        If the new id is already stored (the supergroup spoke first), the two merge: the old
        chat's settings win, the new row keeps its type and title, subscriptions are united.
        """
        if old_id == new_id:
            return
        d = self.dialect
        new, old = d.mark(1, "new"), d.mark(2, "old")
        move_chat = _MOVE_CHAT_SQL.format(new=new, old=old, least=self.least)
        move_outbox = f"UPDATE outbox SET chat_id = {new} WHERE chat_id = {old}"
        delete_old = f"DELETE FROM chats WHERE id = {d.mark(1, 'id')}"

        async def op(conn: Conn) -> None:
            if await self._get(conn, old_id) is None:
                return
            ids = (new_id, old_id)
            await d.execute(conn, move_chat, ids)
            await d.execute(conn, self.move_subscriptions_sql, ids)
            await d.execute(conn, move_outbox, ids)
            # Left-overs are subscriptions the new chat already had; the cascade drops them.
            await d.execute(conn, delete_old, (old_id,))

        await self._write(op)

    async def with_digest(self) -> list[Chat]:
        """Active chats that have a digest time set, by id."""
        active = self.dialect.true
        sql = (
            f"SELECT * FROM chats WHERE digest_time IS NOT NULL AND active = {active} ORDER BY id"
        )
        return [self.dialect.mapper.chat(row) for row in await self._rows(sql)]

    async def count(self, active_only: bool = True) -> int:
        """How many chats there are."""
        where = f" WHERE active = {self.dialect.true}" if active_only else ""
        return await self._count(f"SELECT COUNT(*) FROM chats{where}")
