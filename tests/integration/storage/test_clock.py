"""Storage stamps rows with the clock it is given (the Clock port's), not one of its own."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bot.domain import Chat, ChatType
from storage.factory import open_backend
from storage.url import parse_database_url

from .conftest import make_message

FROZEN = dt.datetime(2031, 1, 2, 3, 4, 5, tzinfo=dt.UTC)


async def test_rows_without_a_time_get_the_given_clocks(tmp_path: Path) -> None:
    url = parse_database_url(str(tmp_path / "clock.sqlite3"))
    storage = await open_backend(url, now=lambda: FROZEN)
    try:
        chat = await storage.chats.upsert(Chat(id=100, type=ChatType.PRIVATE))
        queued, _ = await storage.outbox.enqueue(make_message(100, "notice:100:1"))
    finally:
        await storage.close()
    assert chat.created_at == FROZEN
    assert queued.created_at == FROZEN


async def test_without_a_clock_the_system_time_is_used(tmp_path: Path) -> None:
    url = parse_database_url(str(tmp_path / "system.sqlite3"))
    storage = await open_backend(url)
    try:
        before = dt.datetime.now(dt.UTC)
        chat = await storage.chats.upsert(Chat(id=100, type=ChatType.PRIVATE))
    finally:
        await storage.close()
    assert chat.created_at is not None
    assert before - dt.timedelta(seconds=1) <= chat.created_at <= dt.datetime.now(dt.UTC)
