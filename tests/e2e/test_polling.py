"""How `sitrep run` polls Telegram: long polls, and only for the updates something handles."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from telegram.ext import BaseHandler, CallbackQueryHandler, ChatMemberHandler, TypeHandler

from bot.app import POLL_TIMEOUT_SECONDS, allowed_updates
from tests.e2e.conftest import RunningBot
from tests.fakebotapi import FakeBotAPI

# Telegram holds a long poll open up to 50 s; PTB's own default is 10 s.
WELL_BEHAVED = range(10, 51)


class TestPolling:
    async def test_long_polls_for_handled_updates_only(
        self, api: FakeBotAPI, bot: RunningBot
    ) -> None:
        await api.wait_for(lambda: bool(api.calls_of("getUpdates")), what="a getUpdates call")
        call = api.calls_of("getUpdates")[0]
        assert int(call.params["timeout"]) in WELL_BEHAVED
        allowed = call.params["allowed_updates"]
        requested = json.loads(allowed) if isinstance(allowed, str) else list(allowed)
        assert sorted(requested) == ["callback_query", "message", "my_chat_member"]
        assert POLL_TIMEOUT_SECONDS in WELL_BEHAVED

    async def test_every_handler_gets_its_updates(self, bot: RunningBot) -> None:
        requested = set(allowed_updates(bot.app))
        handlers: list[BaseHandler[Any, Any, Any]] = [
            handler for group in bot.app.handlers.values() for handler in group
        ]
        for handler in handlers:
            if isinstance(handler, CallbackQueryHandler):
                assert "callback_query" in requested
            elif isinstance(handler, ChatMemberHandler):
                assert "my_chat_member" in requested
            elif not isinstance(handler, TypeHandler):
                assert "message" in requested, type(handler).__name__

    async def test_the_running_bot_beats_for_sitrep_health(self, bot: RunningBot) -> None:
        admin = bot.context.services.admin
        for _ in range(400):
            if await admin.heartbeat_age() is not None:
                break
            await asyncio.sleep(0.025)
        assert await admin.heartbeat_age() is not None
