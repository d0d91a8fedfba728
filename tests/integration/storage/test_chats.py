"""Chats and subscriptions: settings, activity, migration to a new id, idempotent subscribe."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable

import pytest

from bot.domain import ChatType, OutboxStatus, Subscription, SubscriptionKind
from storage.base import Backend, NotFoundError
from storage.sqlite import SqliteStorage

from .conftest import make_chat, make_message


def sub(chat_id: int, kind: SubscriptionKind, key: str, label: str = "x") -> Subscription:
    """A subscription with a default label."""
    return Subscription(chat_id=chat_id, kind=kind, key=key, label=label)


class TestChats:
    """Upsert keeps settings; save_settings writes them."""

    async def test_upsert_then_settings(self, storage: SqliteStorage) -> None:
        stored = await storage.chats.upsert(make_chat(1, title="مجموعة الأخبار"))
        assert stored.title == "مجموعة الأخبار"
        assert stored.created_at is not None
        stored.timezone = "Asia/Baghdad"
        stored.digest_time = dt.time(7, 30)
        stored.quiet_start, stored.quiet_end = dt.time(23, 0), dt.time(6, 0)
        stored.language = "ar"
        stored.last_digest_date = dt.date(2026, 3, 1)
        await storage.chats.save_settings(stored)
        # A later upsert (new title) must not reset the settings.
        again = await storage.chats.upsert(
            make_chat(1, title="Renamed", type=ChatType.SUPERGROUP, timezone="UTC")
        )
        assert again.title == "Renamed"
        assert again.type is ChatType.SUPERGROUP
        assert again.timezone == "Asia/Baghdad"
        assert again.digest_time == dt.time(7, 30)
        assert again.quiet_end == dt.time(6, 0)
        assert again.language == "ar"
        assert again.last_digest_date == dt.date(2026, 3, 1)
        assert again.created_at == stored.created_at
        assert await storage.chats.get(1) == again

    async def test_digest_chart_is_a_stored_setting(self, storage: Backend) -> None:
        first = make_chat(1)
        first.digest_chart = True
        assert (await storage.chats.upsert(first)).digest_chart is True
        assert (await storage.chats.upsert(make_chat(2))).digest_chart is False
        second = await storage.chats.get(2)
        assert second is not None
        second.digest_chart = True
        await storage.chats.save_settings(second)
        again = await storage.chats.get(2)
        assert again is not None
        assert again.digest_chart is True
        # A group that becomes a supergroup keeps the setting.
        await storage.chats.migrate(1, 3)
        moved = await storage.chats.get(3)
        assert moved is not None
        assert moved.digest_chart is True

    async def test_upsert_without_title_keeps_title(self, storage: SqliteStorage) -> None:
        await storage.chats.upsert(make_chat(1, title="Kept"))
        assert (await storage.chats.upsert(make_chat(1, title=None))).title == "Kept"

    async def test_save_settings_of_unknown_chat(self, storage: SqliteStorage) -> None:
        with pytest.raises(NotFoundError):
            await storage.chats.save_settings(make_chat(5))

    async def test_active_digest_and_counts(self, storage: SqliteStorage) -> None:
        for chat_id in (1, 2, 3):
            await storage.chats.upsert(make_chat(chat_id))
        for chat_id in (1, 2):
            chat = await storage.chats.get(chat_id)
            assert chat is not None
            chat.digest_time = dt.time(8, 0)
            await storage.chats.save_settings(chat)
        await storage.chats.set_active(2, False)
        await storage.chats.set_active(999, False)  # unknown: ignored
        assert [c.id for c in await storage.chats.with_digest()] == [1]
        assert await storage.chats.count() == 2
        assert await storage.chats.count(active_only=False) == 3
        chat = await storage.chats.get(2)
        assert chat is not None
        assert chat.active is False
        assert await storage.chats.get(404) is None


class TestMigrate:
    """Supergroup upgrade: chat, subscriptions and outbox move to the new id."""

    async def test_move_to_new_id(self, storage: SqliteStorage) -> None:
        old = await storage.chats.upsert(make_chat(-100, type=ChatType.GROUP, title="Group"))
        old.timezone = "Asia/Baghdad"
        await storage.chats.save_settings(old)
        await storage.subscriptions.add(sub(-100, SubscriptionKind.PLACE, "gn:1"))
        await storage.outbox.enqueue(make_message(-100, "notice:-100:1"))
        await storage.chats.migrate(-100, -1001)
        assert await storage.chats.get(-100) is None
        new = await storage.chats.get(-1001)
        assert new is not None
        assert new.type is ChatType.SUPERGROUP
        assert new.timezone == "Asia/Baghdad"
        assert new.title == "Group"
        assert [s.key for s in await storage.subscriptions.for_chat(-1001)] == ["gn:1"]
        assert await storage.subscriptions.for_chat(-100) == []
        message = await storage.outbox.get_by_key("notice:-100:1")
        assert message is not None
        assert message.chat_id == -1001

    async def test_merge_into_existing_id(self, storage: SqliteStorage) -> None:
        old = await storage.chats.upsert(make_chat(-100, type=ChatType.GROUP))
        old.digest_time = dt.time(9, 0)
        await storage.chats.save_settings(old)
        await storage.chats.upsert(make_chat(-1001, type=ChatType.SUPERGROUP, title="Super"))
        await storage.subscriptions.add(sub(-100, SubscriptionKind.PLACE, "gn:1"))
        await storage.subscriptions.add(sub(-100, SubscriptionKind.ACTOR, "aah"))
        await storage.subscriptions.add(sub(-1001, SubscriptionKind.PLACE, "gn:1"))
        await storage.chats.migrate(-100, -1001)
        merged = await storage.chats.get(-1001)
        assert merged is not None
        assert (merged.title, merged.digest_time) == ("Super", dt.time(9, 0))
        keys = sorted(s.key for s in await storage.subscriptions.for_chat(-1001))
        assert keys == ["aah", "gn:1"]
        assert await storage.subscriptions.count() == 2
        assert await storage.chats.count(active_only=False) == 1

    async def test_unknown_old_chat_is_a_no_op(self, storage: SqliteStorage) -> None:
        await storage.chats.migrate(1, 2)
        await storage.chats.migrate(3, 3)
        assert await storage.chats.count(active_only=False) == 0


class TestSubscriptions:
    """Unique per (chat, kind, key); matching only reaches active chats."""

    async def test_add_is_idempotent(self, storage: SqliteStorage) -> None:
        await storage.chats.upsert(make_chat(1))
        first, new = await storage.subscriptions.add(
            sub(1, SubscriptionKind.PLACE, "gn:1", "البصرة")
        )
        again, new_again = await storage.subscriptions.add(sub(1, SubscriptionKind.PLACE, "gn:1"))
        assert (new, new_again) == (True, False)
        assert again == first
        assert first.label == "البصرة"
        assert first.created_at is not None
        _, other_kind = await storage.subscriptions.add(sub(1, SubscriptionKind.ADMIN1, "gn:1"))
        assert other_kind is True
        assert await storage.subscriptions.count() == 2

    async def test_subscribing_an_unknown_chat_is_a_clear_error(
        self, storage: SqliteStorage
    ) -> None:
        with pytest.raises(NotFoundError, match="chat 9 is not stored"):
            await storage.subscriptions.add(sub(9, SubscriptionKind.PLACE, "gn:1"))

    async def test_remove_and_remove_all(self, storage: SqliteStorage) -> None:
        await storage.chats.upsert(make_chat(1))
        await storage.chats.upsert(make_chat(2))
        a, _ = await storage.subscriptions.add(sub(1, SubscriptionKind.PLACE, "gn:1"))
        await storage.subscriptions.add(sub(1, SubscriptionKind.PLACE, "gn:2"))
        await storage.subscriptions.add(sub(2, SubscriptionKind.PLACE, "gn:1"))
        assert a.id is not None
        assert await storage.subscriptions.remove(2, a.id) is False  # not chat 2's
        assert await storage.subscriptions.remove(1, a.id) is True
        assert await storage.subscriptions.remove(1, a.id) is False
        assert [s.key for s in await storage.subscriptions.for_chat(1)] == ["gn:2"]
        assert await storage.subscriptions.remove_all(1) == 1
        assert await storage.subscriptions.count() == 1

    async def test_matching(self, storage: SqliteStorage) -> None:
        for chat_id in (1, 2, 3):
            await storage.chats.upsert(make_chat(chat_id))
        await storage.subscriptions.add(sub(1, SubscriptionKind.PLACE, "gn:1"))
        await storage.subscriptions.add(sub(2, SubscriptionKind.ADMIN1, "IQ-BA"))
        await storage.subscriptions.add(sub(2, SubscriptionKind.ACTOR, "aah"))
        await storage.subscriptions.add(sub(3, SubscriptionKind.ACTOR, "aah"))
        await storage.subscriptions.add(sub(1, SubscriptionKind.ACTOR, "IQ-BA"))  # kind matters
        await storage.chats.set_active(3, False)
        found = await storage.subscriptions.matching(["gn:1"], ["IQ-BA"], ["aah"])
        assert [(s.chat_id, s.kind, s.key) for s in found] == [
            (1, SubscriptionKind.PLACE, "gn:1"),
            (2, SubscriptionKind.ADMIN1, "IQ-BA"),
            (2, SubscriptionKind.ACTOR, "aah"),
        ]
        assert await storage.subscriptions.matching([], [], []) == []
        assert await storage.subscriptions.matching(["gn:404"], [], []) == []

    async def test_deleting_chat_state_via_fail_pending(self, storage: SqliteStorage) -> None:
        await storage.chats.upsert(make_chat(1))
        await storage.outbox.enqueue(make_message(1, "a"))
        await storage.outbox.enqueue(make_message(1, "b"))
        assert await storage.outbox.fail_pending_for_chat(1, "bot was blocked") == 2
        message = await storage.outbox.get_by_key("a")
        assert message is not None
        assert message.status is OutboxStatus.FAILED
        assert message.last_error == "bot was blocked"


class TestWithSubscriptions:
    """A chat and its subscriptions read together, as ``get`` and ``for_chat`` read them."""

    async def test_chat_with_its_subscriptions_oldest_first(self, storage: Backend) -> None:
        chat = make_chat(1, title="قناة", timezone="Asia/Baghdad", digest_time=dt.time(8, 15))
        await storage.chats.upsert(chat)
        await storage.chats.upsert(make_chat(2))
        await storage.subscriptions.add(sub(1, SubscriptionKind.PLACE, "gn:2", "الموصل"))
        await storage.subscriptions.add(sub(2, SubscriptionKind.PLACE, "gn:2"))
        await storage.subscriptions.add(sub(1, SubscriptionKind.ACTOR, "aah", 'say "x"'))
        await storage.subscriptions.add(sub(1, SubscriptionKind.ADMIN1, "IQ-BG", "Baghdad"))
        found = await storage.chats.with_subscriptions(1)
        assert found is not None
        stored, subscriptions = found
        assert stored == await storage.chats.get(1)
        assert stored.digest_time == dt.time(8, 15)
        assert subscriptions == await storage.subscriptions.for_chat(1)
        assert [(s.kind, s.key, s.label) for s in subscriptions] == [
            (SubscriptionKind.PLACE, "gn:2", "الموصل"),
            (SubscriptionKind.ACTOR, "aah", 'say "x"'),
            (SubscriptionKind.ADMIN1, "IQ-BG", "Baghdad"),
        ]
        assert all(s.chat_id == 1 for s in subscriptions)

    async def test_chat_without_subscriptions(self, storage: Backend) -> None:
        await storage.chats.upsert(make_chat(3))
        found = await storage.chats.with_subscriptions(3)
        assert found is not None
        assert found[0].id == 3
        assert found[1] == []

    async def test_unknown_chat(self, storage: Backend) -> None:
        assert await storage.chats.with_subscriptions(404) is None


@pytest.mark.sqlite_only
class TestHandOffs:
    """Reads of one statement make one hand-off to aiosqlite's thread (each is a chance to be
    descheduled on a busy machine)."""

    @staticmethod
    def _count_hand_offs(storage: SqliteStorage, monkeypatch: pytest.MonkeyPatch) -> list[object]:
        conn = storage._conn
        queued: list[object] = []
        original: Callable[..., Awaitable[object]] = conn._execute

        async def counted(fn: object, *args: object, **kwargs: object) -> object:
            queued.append(fn)
            return await original(fn, *args, **kwargs)

        monkeypatch.setattr(conn, "_execute", counted)
        return queued

    async def test_chat_reads_are_one_hand_off_each(
        self, storage: SqliteStorage, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        await storage.chats.upsert(make_chat(1))
        await storage.subscriptions.add(sub(1, SubscriptionKind.PLACE, "gn:1"))
        queued = self._count_hand_offs(storage, monkeypatch)
        assert await storage.chats.get(1) is not None
        assert len(queued) == 1
        assert await storage.chats.with_subscriptions(1) is not None
        assert len(queued) == 2
        assert await storage.chats.count() == 1
        assert len(queued) == 3

    async def test_a_write_statement_is_one_hand_off(
        self, storage: SqliteStorage, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        await storage.chats.upsert(make_chat(1))
        queued = self._count_hand_offs(storage, monkeypatch)
        await storage.chats.set_active(1, False)
        # BEGIN IMMEDIATE, the UPDATE and COMMIT: one each.
        assert len(queued) == 3
        assert (await storage.chats.count(active_only=False), await storage.chats.count()) == (
            1,
            0,
        )
