"""A 401 from getUpdates mid-run: the bot retries with back-off and tells the admins; it stops
only when getMe refuses the token too, again and again (the token really was revoked).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from telegram.error import InvalidToken

from bot.app import run_bot
from storage.sqlite import SqliteStorage
from tests.fault.conftest import (
    ADMIN_ID,
    SECRET_TOKEN,
    Fault,
    FaultyBotAPI,
    app_settings,
    running_app,
)

USER = 4242
SECRET_PART = SECRET_TOKEN.split(":", 1)[1]


async def _polls(api: FaultyBotAPI, more_than: int) -> None:
    await api.wait_for(lambda: len(api.calls_of("getUpdates")) > more_than, 30, "polling")


class TestPassing401:
    async def test_polling_survives_and_the_admins_hear_of_it(
        self, api: FaultyBotAPI, tmp_path: Path
    ) -> None:
        settings = app_settings(api, tmp_path / "bot.sqlite3")
        async with running_app(settings):
            await _polls(api, 0)
            api.faults.append(Fault("401", method="getUpdates", count=2))
            await api.wait_for(
                lambda: any("401" in m.text for m in api.sent_to(ADMIN_ID)), 60, "an admin notice"
            )
            # The next polls succeed: the bot still answers its users.
            before = len(api.sent_to(USER))
            api.send_text("/help", chat_id=USER)
            reply = await api.wait_reply(USER, before, timeout=60)
            assert "/latest" in reply.text
            await api.wait_for(
                lambda: any("again" in m.text for m in api.sent_to(ADMIN_ID)),
                60,
                "the all-clear",
            )
        notices = [m.text for m in api.sent_to(ADMIN_ID)]
        assert all(SECRET_PART not in text for text in notices)
        assert len(api.calls_of("getUpdates")) > 3  # it kept polling after the refusals


class TestRevokedToken:
    async def test_the_bot_stops_when_getme_refuses_the_token_too(
        self, api: FaultyBotAPI, tmp_path: Path
    ) -> None:
        database = tmp_path / "bot.sqlite3"
        await (await SqliteStorage.open(database)).close()  # `sitrep db migrate`
        settings = app_settings(api, database)
        task = asyncio.create_task(run_bot(settings))
        try:
            await _polls(api, 0)
            api.faults.append(Fault("401", method="getUpdates", count=10_000))
            api.faults.append(Fault("401", method="getMe", count=10_000))
            with pytest.raises(InvalidToken):
                await asyncio.wait_for(asyncio.shield(task), timeout=120)
        finally:
            if not task.done():
                task.cancel()
                with pytest.raises(asyncio.CancelledError):
                    await task
        assert any("401" in m.text for m in api.sent_to(ADMIN_ID))
        assert len(api.calls_of("getMe")) >= 3  # confirmed more than once before stopping
