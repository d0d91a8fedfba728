"""Chats: defaults, timezone, digest time, quiet hours, language, deactivation, migration."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.domain import (
    Chat,
    ChatType,
    OutboxKind,
    OutboxMessage,
    OutboxStatus,
    TextPayload,
)
from bot.services import Services
from bot.services.chats import in_quiet_hours, next_digest_at, parse_clock
from bot.services.errors import UserError
from storage.base import Storage
from tests.fakes import BASRA, MutableClock


class TestEnsureChat:
    async def test_new_chat_gets_defaults(self, services: Services) -> None:
        chat = await services.chats.ensure_chat(5, ChatType.GROUP, "Ops room")
        assert chat.timezone == "Asia/Baghdad"
        assert chat.digest_time == dt.time(7, 0)
        assert chat.type is ChatType.GROUP

    async def test_a_chat_created_after_digest_time_starts_tomorrow(
        self, services: Services, clock: MutableClock
    ) -> None:
        clock.set(dt.datetime(2022, 8, 30, 6, 0, tzinfo=dt.UTC))  # 09:00 in Baghdad
        chat = await services.chats.ensure_chat(5)
        assert chat.last_digest_date == dt.date(2022, 8, 30)
        assert services.digests.next_run(chat) == dt.datetime(2022, 8, 31, 4, 0, tzinfo=dt.UTC)

    async def test_existing_settings_are_kept(self, services: Services) -> None:
        await services.chats.ensure_chat(5)
        await services.chats.set_digest_time(5, "18:30")
        chat = await services.chats.ensure_chat(5, ChatType.PRIVATE, "renamed")
        assert chat.digest_time == dt.time(18, 30)
        assert chat.title == "renamed"

    async def test_a_message_reactivates_a_blocked_chat(self, services: Services) -> None:
        await services.chats.ensure_chat(5)
        await services.chats.deactivate(5)
        chat = await services.chats.ensure_chat(5)
        assert chat.active


class TestSettings:
    async def test_timezone_by_iana_name_or_city(self, services: Services) -> None:
        await services.chats.ensure_chat(5)
        assert (await services.chats.set_timezone(5, "europe/berlin")).timezone == "Europe/Berlin"
        assert (await services.chats.set_timezone(5, "Basrah")).timezone == "Asia/Baghdad"

    async def test_unknown_timezone(self, services: Services) -> None:
        with pytest.raises(UserError):
            await services.chats.set_timezone(5, "Atlantis")

    @pytest.mark.parametrize(
        ("text", "expected"),
        [("07:00", dt.time(7)), ("7", dt.time(7)), ("19.30", dt.time(19, 30)), ("off", None)],
    )
    async def test_digest_time(
        self, services: Services, text: str, expected: dt.time | None
    ) -> None:
        chat = await services.chats.set_digest_time(5, text)
        assert chat.digest_time == expected
        stored = await services.chats.get(5)
        assert stored.digest_time == expected

    @pytest.mark.parametrize("text", ["25:00", "7:61", "seven", "", "07:00:00"])
    async def test_bad_digest_time(self, services: Services, text: str) -> None:
        with pytest.raises(UserError) as info:
            await services.chats.set_digest_time(5, text)
        assert info.value.usage is not None

    async def test_quiet_hours(self, services: Services) -> None:
        chat = await services.chats.set_quiet(5, "22:00-07:00")
        assert (chat.quiet_start, chat.quiet_end) == (dt.time(22), dt.time(7))
        chat = await services.chats.set_quiet(5, "off")
        assert chat.quiet_start is None

    @pytest.mark.parametrize("text", ["22:00", "22:00-22:00", "late-early", "22:00-31:00"])
    async def test_bad_quiet_hours(self, services: Services, text: str) -> None:
        with pytest.raises(UserError):
            await services.chats.set_quiet(5, text)

    async def test_language(self, services: Services) -> None:
        assert (await services.chats.set_language(5, "AR")).language == "ar"
        with pytest.raises(UserError):
            await services.chats.set_language(5, "<script>")

    async def test_settings_overview(self, services: Services, clock: MutableClock) -> None:
        clock.set(dt.datetime(2022, 8, 30, 20, 0, tzinfo=dt.UTC))  # 23:00 in Baghdad
        await services.chats.ensure_chat(5)
        await services.chats.set_quiet(5, "22:00-07:00")
        await services.subscriptions.subscribe(5, BASRA)
        overview = await services.chats.settings(5)
        assert overview.quiet_now
        assert [s.key for s in overview.subscriptions] == ["gn:99532"]
        assert overview.next_digest_at == dt.datetime(2022, 8, 31, 4, 0, tzinfo=dt.UTC)
        assert not overview.digest_needs_subscriptions

    async def test_settings_say_a_digest_waits_for_subscriptions(self, services: Services) -> None:
        await services.chats.ensure_chat(6)
        assert (await services.chats.settings(6)).digest_needs_subscriptions
        await services.chats.set_digest_time(6, "off")
        assert not (await services.chats.settings(6)).digest_needs_subscriptions


class TestParseClock:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("07:00", dt.time(7, 0)),
            ("7", dt.time(7, 0)),
            ("7am", dt.time(7, 0)),
            ("7 AM", dt.time(7, 0)),
            ("7:30 pm", dt.time(19, 30)),
            ("10pm", dt.time(22, 0)),
            ("12am", dt.time(0, 0)),
            ("12 pm", dt.time(12, 0)),
        ],
    )
    def test_forms(self, text: str, expected: dt.time) -> None:
        assert parse_clock(text) == expected

    @pytest.mark.parametrize("text", ["13pm", "0am", "25:00", "7:60", "noon-ish"])
    def test_bad_times(self, text: str) -> None:
        with pytest.raises(UserError):
            parse_clock(text)


class TestQuietHours:
    def _chat(self, start: str, end: str, tz: str = "Asia/Baghdad") -> Chat:
        return Chat(id=1, timezone=tz, quiet_start=parse_clock(start), quiet_end=parse_clock(end))

    @pytest.mark.parametrize(
        ("utc_hour", "quiet"),
        [(18, False), (19, True), (23, True), (3, True), (4, False), (12, False)],
    )
    def test_wrapping_midnight_in_local_time(self, utc_hour: int, quiet: bool) -> None:
        chat = self._chat("22:00", "07:00")  # Baghdad is UTC+3: quiet 19:00-04:00 UTC
        at = dt.datetime(2022, 8, 30, utc_hour, 0, tzinfo=dt.UTC)
        assert in_quiet_hours(chat, at) is quiet

    def test_daytime_range(self) -> None:
        chat = self._chat("13:00", "15:00", tz="UTC")
        assert in_quiet_hours(chat, dt.datetime(2022, 8, 30, 14, 0, tzinfo=dt.UTC))
        assert not in_quiet_hours(chat, dt.datetime(2022, 8, 30, 15, 0, tzinfo=dt.UTC))

    def test_no_quiet_hours(self) -> None:
        assert not in_quiet_hours(Chat(id=1), dt.datetime(2022, 8, 30, 2, 0, tzinfo=dt.UTC))


class TestReachability:
    async def test_deactivate_fails_pending_messages(
        self, services: Services, storage: Storage, clock: MutableClock
    ) -> None:
        await services.chats.ensure_chat(5)
        await storage.outbox.enqueue(
            OutboxMessage(
                chat_id=5,
                kind=OutboxKind.NOTICE,
                idempotency_key="notice:5:1",
                payload=TextPayload(text="hello"),
                next_attempt_at=clock.now(),
            )
        )
        assert await services.chats.deactivate(5, "blocked by the user") == 1
        message = await storage.outbox.get_by_key("notice:5:1")
        assert message is not None
        assert message.status is OutboxStatus.FAILED
        chat = await storage.chats.get(5)
        assert chat is not None
        assert not chat.active
        assert next_digest_at(chat, clock.now()) is None

    async def test_migrate_keeps_subscriptions(self, services: Services) -> None:
        await services.chats.ensure_chat(-100, ChatType.GROUP)
        await services.subscriptions.subscribe(-100, BASRA)
        await services.chats.migrate(-100, -1001234)
        assert [s.key for s in await services.subscriptions.list(-1001234)] == ["gn:99532"]
        assert await services.subscriptions.list(-100) == []

    async def test_reactivate(self, services: Services, storage: Storage) -> None:
        await services.chats.ensure_chat(5)
        await services.chats.deactivate(5)
        await services.chats.reactivate(5)
        chat = await storage.chats.get(5)
        assert chat is not None
        assert chat.active
