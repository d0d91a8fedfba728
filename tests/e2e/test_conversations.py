"""Conversations with the real application over the fake Bot API: ask, subscribe, alert, digest."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

from tests.e2e.conftest import ADMIN_ID, FIRST_REPORT, TOLL_REPORT, OffsetClock, RunningBot
from tests.e2e.talk import ask, ask_in_group, press
from tests.fakebotapi import FakeBotAPI

USER = 501
BASRA = "sub:place:gn:99532"
DIGEST = "📰 Daily digest"


async def subscribe_to_basra(api: FakeBotAPI, chat_id: int, **kwargs: Any) -> None:
    choice = await ask(api, "/subscribe Basra", chat_id, **kwargs)
    assert any(data == BASRA for _, data in choice.buttons)
    await press(api, choice, BASRA, **kwargs)


class TestAskingAndAlerts:
    async def test_ask_subscribe_alert_then_update_as_reply(
        self, api: FakeBotAPI, bot: RunningBot, clock: OffsetClock
    ) -> None:
        registered = api.calls_of("setMyCommands")
        assert registered
        assert any(c["command"] == "city" for c in registered[0].params["commands"])

        answer = await ask(api, "/city Basra", USER)
        assert "Basra" in answer.text
        await subscribe_to_basra(api, USER)
        assert "Subscribed to" in api.sent_to(USER)[-1].edits[-1]

        # Counted before the ingest: the alert may reach the subscriber before the admin's reply.
        before = len(api.sent_to(USER))
        ingested = await ask(api, f"/ingest {FIRST_REPORT}", ADMIN_ID)
        assert "New incidents: 1" in ingested.text
        # No clock jump: the first alert to a chat goes out at once.
        alert = await api.wait_reply(USER, before)
        assert "New incident" in alert.text
        assert "Basra" in alert.text
        assert "/incident 1" in alert.text

        # Telegram dates have one-second resolution: make the second report strictly later, so
        # it is a rising toll that supersedes the first figure (not a same-moment conflict).
        await asyncio.sleep(1.05)
        await ask(api, TOLL_REPORT, ADMIN_ID)  # pasted in the admin's private chat
        update = await api.wait_reply(USER, before + 1)
        assert "Update" in update.text
        assert "death toll rose from 2 to 4" in update.text
        assert update.reply_to == alert.message_id
        # Never a second "new" alert for the same incident.
        await asyncio.sleep(0.3)
        assert sum("New incident" in m.text for m in api.sent_to(USER)) == 1

        detail = await ask(api, "/incident 1", USER)
        assert "Killed: <b>4</b> (police)" in detail.text
        assert "death toll rose" in detail.text

    async def test_digest_arrives_at_its_time_once(
        self, api: FakeBotAPI, bot: RunningBot, clock: OffsetClock
    ) -> None:
        await subscribe_to_basra(api, USER)
        reply = await ask(api, "/digest_time 06:00", USER)  # 05:00 local now
        assert "06:00" in reply.text
        await ask(api, f"/ingest {FIRST_REPORT}", ADMIN_ID)
        await api.wait_for(
            lambda: any("New incident" in m.text for m in api.sent_to(USER)), what="alert"
        )
        assert not any(DIGEST in m.text for m in api.sent_to(USER))
        clock.jump(dt.timedelta(hours=1))
        await api.wait_for(lambda: any(DIGEST in m.text for m in api.sent_to(USER)), what="digest")
        digest = next(m for m in api.sent_to(USER) if DIGEST in m.text)
        assert "Basra" in digest.text
        assert digest.params["link_preview_options"] == {"is_disabled": True}
        await asyncio.sleep(0.5)  # several more ticks
        assert sum(DIGEST in m.text for m in api.sent_to(USER)) == 1

    async def test_unknown_and_ambiguous_names(self, api: FakeBotAPI, bot: RunningBot) -> None:
        suggestion = await ask(api, "/city Basrq", USER)
        assert "Did you mean" in suggestion.text
        assert suggestion.buttons
        ambiguous = await ask(api, "/stats Basra", USER)
        assert "Which one?" in ambiguous.text


class TestGroupsAndBlocking:
    async def test_only_group_admins_change_subscriptions(
        self, api: FakeBotAPI, bot: RunningBot
    ) -> None:
        group = -100777
        refused = await ask_in_group(api, "/subscribe AAH", group, 55)
        assert "administrators" in refused.text
        api.admins[group] = {56}
        done = await ask_in_group(api, "/subscribe AAH", group, 56)
        assert "Subscribed to" in done.text
        subs = await bot.context.services.subscriptions.list(group)
        assert [s.key for s in subs] == ["asaib-ahl-al-haq"]

    async def test_blocked_user_deactivated(
        self, api: FakeBotAPI, bot: RunningBot, clock: OffsetClock
    ) -> None:
        await subscribe_to_basra(api, USER)
        sent_before = len(api.sent_to(USER))
        api.blocked_chats.add(USER)
        await ask(api, f"/ingest {FIRST_REPORT}", ADMIN_ID)

        async def inactive() -> bool:
            chat = await bot.context.storage.chats.get(USER)
            return chat is not None and not chat.active

        for _ in range(200):
            if await inactive():
                break
            await asyncio.sleep(0.02)
        assert await inactive()
        assert len(api.sent_to(USER)) == sent_before

    async def test_removed_from_group_stops_sending(
        self, api: FakeBotAPI, bot: RunningBot
    ) -> None:
        group = -100888
        api.send_text("/start", chat_id=group, chat_type="supergroup", user_id=1)
        await api.wait_messages(group, 1)
        api.member_update(
            chat_id=group, old_status="member", new_status="left", chat_type="supergroup"
        )
        await api.wait_idle()

        async def active() -> bool | None:
            chat = await bot.context.storage.chats.get(group)
            return None if chat is None else chat.active

        for _ in range(200):
            if await active() is False:
                break
            await asyncio.sleep(0.02)
        assert await active() is False
