"""Rows queued before payloads were typed (plain dicts) still deliver from an existing database."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from telegram import Bot
from telegram.request import HTTPXRequest

from bot.domain import AlertPayload, Chat, ChatType, OutboxStatus, TextPayload, UpdatePayload
from bot.services.delivery import Dispatcher
from handlers.notifier import TelegramNotifier
from storage.sqlite import SqliteStorage
from tests.fakebotapi import FakeBotAPI, running
from tests.fakes import MutableClock
from tests.unit.handlers.conftest import basra_incident

TOKEN = "4242:AAHLegacyOutboxTokenNotRealAtAll_012345678"
NOW = dt.datetime(2024, 5, 10, 9, 0, tzinfo=dt.UTC)
CHAT = 77


def _old_rows() -> list[tuple[str, str, dict[str, object]]]:
    """(kind, key, payload) exactly as versions before the typed payloads wrote them."""
    incident = basra_incident().model_copy(update={"id": 5}).model_dump(mode="json")
    return [
        ("alert", "alert:77:5", {"incident": incident, "note": None, "matched": ["Basra"]}),
        (
            "update",
            "update:77:5:2",
            {"incident": incident, "note": "toll rose", "disable_notification": True},
        ),
        ("notice", "notice:77:1", {"text": "feed <b>broken</b>"}),
    ]


def _insert_old_rows(path: Path) -> None:
    """Write the rows with plain SQL, as an earlier Sitrep left them in its database."""
    with sqlite3.connect(path) as db:
        for kind, key, payload in _old_rows():
            db.execute(
                "INSERT INTO outbox (chat_id, kind, idempotency_key, payload, status, attempts, "
                "next_attempt_at, created_at, reply_to_key) "
                "VALUES (?, ?, ?, ?, 'pending', 0, ?, ?, ?)",
                (
                    CHAT,
                    kind,
                    key,
                    json.dumps(payload),
                    NOW.isoformat(),
                    NOW.isoformat(),
                    "alert:77:5" if kind == "update" else None,
                ),
            )
    db.close()


@pytest.fixture
def api() -> Iterator[FakeBotAPI]:
    with running() as server:
        yield server


@pytest.fixture
async def storage(sqlite: SqliteStorage) -> SqliteStorage:
    """A database holding a chat and outbox rows written by an older Sitrep."""
    await sqlite.chats.upsert(Chat(id=CHAT, type=ChatType.PRIVATE, created_at=NOW))
    _insert_old_rows(sqlite.path)
    return sqlite


async def test_old_rows_are_read_as_typed_payloads(storage: SqliteStorage) -> None:
    alert = await storage.outbox.get_by_key("alert:77:5")
    update = await storage.outbox.get_by_key("update:77:5:2")
    notice = await storage.outbox.get_by_key("notice:77:1")
    assert alert is not None
    assert isinstance(alert.payload, AlertPayload)
    assert [incident.id for incident in alert.payload.incidents] == [5]
    assert alert.payload.matched == ["Basra"]
    assert update is not None
    assert isinstance(update.payload, UpdatePayload)
    assert update.payload.disable_notification is True
    assert notice is not None
    assert notice.payload == TextPayload(text="feed <b>broken</b>")


async def test_old_rows_deliver(
    storage: SqliteStorage, api: FakeBotAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "1")  # as bot.app sets it
    bot = Bot(TOKEN, base_url=api.base_url, request=HTTPXRequest())
    async with bot:
        notifier = TelegramNotifier(bot, secrets=(TOKEN,))
        clock = MutableClock(NOW)
        dispatcher = Dispatcher(storage, notifier, clock)
        for _ in range(10):  # the update waits for its alert; a few passes send all three
            await dispatcher.run_once()
            if (await storage.outbox.counts()).get("sent") == 3:
                break
            clock.advance(dt.timedelta(minutes=1))
    rows = [await storage.outbox.get_by_key(key) for _, key, _ in _old_rows()]
    assert [row.status for row in rows if row] == [OutboxStatus.SENT] * 3
    sent = api.sent_to(CHAT)
    [alert] = [m for m in sent if "New incident" in m.text]
    [update] = [m for m in sent if "Update" in m.text]
    assert "You follow: Basra" in alert.text
    assert "toll rose" in update.text
    assert update.reply_to == alert.message_id
    assert any(m.text == "feed &lt;b&gt;broken&lt;/b&gt;" for m in sent)
