"""Delivery under every Bot API failure at once: 429 with retry_after, 500s, dropped
connections, timeouts, blocked users, "chat not found" and group migrations, for 150 chats.

Real parts: SQLite outbox, ``Dispatcher``, ``TelegramNotifier``, PTB ``Bot`` over HTTP to a fake
server on 127.0.0.1. The assertions are exact about what the design guarantees: every message
reaches every reachable chat exactly once, except when Telegram did send a message but its
answer never came back (a read timeout after the send): the Bot API has no idempotency key, so
that message is sent once more, exactly once more.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections import Counter
from dataclasses import replace

import pytest
from telegram import Bot
from telegram.request import HTTPXRequest

from bot.domain import (
    Chat,
    ChatType,
    OutboxKind,
    OutboxMessage,
    OutboxStatus,
    Subscription,
    SubscriptionKind,
    TextPayload,
)
from bot.ports import SystemClock
from bot.services.delivery import Dispatcher
from handlers.notifier import TelegramNotifier
from storage.sqlite import SqliteStorage
from tests.fault.conftest import FAST_LIMITS, TOKEN, Fault, FaultyBotAPI

PRIVATE = [70_000 + n for n in range(120)]
GROUPS = [-80_000 - n for n in range(20)]
MIGRATED = {old: old - 1_000_000_000 for old in GROUPS[:10]}
BLOCKED = PRIVATE[:8]
NOT_FOUND = PRIVATE[8:10]
HANG = PRIVATE[10:15]  # request lost: client times out, nothing was sent
SLOW = PRIVATE[15:18]  # answer lost: client times out, but the message WAS sent
MESSAGES_PER_CHAT = 2
# The fault suite's quick pacing, with room for the whole burst and its retries.
FAST = replace(FAST_LIMITS, overall_per_second=400, max_attempts=30)


def text_of(chat_id: int, number: int) -> str:
    return f"notice {number} for chat {chat_id}"


@pytest.fixture
def storage(sqlite: SqliteStorage) -> SqliteStorage:
    """These faults are delivered from real SQLite."""
    return sqlite


async def queue_messages(storage: SqliteStorage) -> None:
    now = dt.datetime.now(dt.UTC)
    async with storage.transaction():
        for chat_id in PRIVATE + GROUPS:
            kind = ChatType.PRIVATE if chat_id > 0 else ChatType.GROUP
            await storage.chats.upsert(Chat(id=chat_id, type=kind))
            await storage.subscriptions.add(
                Subscription(
                    chat_id=chat_id, kind=SubscriptionKind.ADMIN1, key="IQ-BA", label="Basra"
                )
            )
            for number in range(MESSAGES_PER_CHAT):
                await storage.outbox.enqueue(
                    OutboxMessage(
                        chat_id=chat_id,
                        kind=OutboxKind.NOTICE,
                        idempotency_key=f"notice:{chat_id}:{number}",
                        payload=TextPayload(text=text_of(chat_id, number)),
                        next_attempt_at=now,
                    )
                )


async def drain(storage: SqliteStorage, dispatcher: Dispatcher, timeout: float = 60) -> None:
    stop = asyncio.Event()
    task = asyncio.create_task(dispatcher.run_forever(stop))
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            await asyncio.sleep(0.1)
            counts = await storage.outbox.counts()
            if counts.get("pending", 0) + counts.get("sending", 0) == 0:
                return
        raise AssertionError(f"outbox not drained: {await storage.outbox.counts()}")
    finally:
        stop.set()
        await task


@pytest.mark.slow
class TestEveryFaultAtOnce:
    async def test_delivered_exactly_once_blocked_deactivated_migrations_followed(
        self, api: FaultyBotAPI, storage: SqliteStorage, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("PTB_TIMEDELTA", "1")  # as bot.app sets it
        await queue_messages(storage)
        api.blocked_chats.update(BLOCKED)
        api.migrated.update(MIGRATED)
        api.faults.extend(
            [
                Fault("429", count=6, retry_after=1),
                Fault("500", count=15),
                Fault("reset", count=10),
                *(
                    Fault("400", chat_id=chat, description="Bad Request: chat not found")
                    for chat in NOT_FOUND
                ),
                *(Fault("hang", chat_id=chat, delay=1.0) for chat in HANG),
                *(Fault("slow", chat_id=chat, delay=1.0) for chat in SLOW),
            ]
        )
        request = HTTPXRequest(read_timeout=0.4, connect_timeout=1.0, connection_pool_size=32)
        bot = Bot(TOKEN, base_url=api.base_url, request=request)
        async with bot:
            dispatcher = Dispatcher(
                storage, TelegramNotifier(bot, secrets=(TOKEN,)), SystemClock(), limits=FAST
            )
            await drain(storage, dispatcher)
            await api.wait_requests_answered()  # the late "slow" sends have landed at the server

        assert not api.faults, "every injected fault was hit"
        _assert_each_message_arrived_once(api)
        await _assert_unreachable_deactivated_and_migrations_followed(storage)
        counts = await storage.outbox.counts()
        reachable = len(PRIVATE) + len(GROUPS) - len(UNREACHABLE)
        assert counts.get("sent", 0) == reachable * MESSAGES_PER_CHAT
        assert counts.get("failed", 0) == len(UNREACHABLE) * MESSAGES_PER_CHAT
        statuses = Counter(call.status for call in api.calls_of("sendMessage"))
        assert statuses[429] == 6
        assert statuses[500] == 15
        assert statuses[403] >= len(BLOCKED)


UNREACHABLE = set(BLOCKED) | set(NOT_FOUND)


def _assert_each_message_arrived_once(api: FaultyBotAPI) -> None:
    """Every reachable chat got each message once (a lost answer's resend twice), others none."""
    received = Counter((m.chat_id, m.text) for m in api.messages)
    for chat_id in PRIVATE + GROUPS:
        target = MIGRATED.get(chat_id, chat_id)
        got = [received[(target, text_of(chat_id, n))] for n in range(MESSAGES_PER_CHAT)]
        if chat_id in UNREACHABLE:
            assert got == [0] * MESSAGES_PER_CHAT, chat_id
        elif chat_id in SLOW:
            # Sent, answer lost, sent again: the Bot API's one-duplicate window, once.
            assert sorted(got) == [1] * (MESSAGES_PER_CHAT - 1) + [2], (chat_id, got)
        else:
            assert got == [1] * MESSAGES_PER_CHAT, (chat_id, got)
    assert not any(m.chat_id in MIGRATED for m in api.messages)


async def _assert_unreachable_deactivated_and_migrations_followed(storage: SqliteStorage) -> None:
    """Blocked and vanished chats are deactivated and their messages failed, not retried;
    migrated groups live on under the new id, subscriptions included."""
    for chat_id in UNREACHABLE:
        chat = await storage.chats.get(chat_id)
        assert chat is not None
        assert not chat.active
        for number in range(MESSAGES_PER_CHAT):
            row = await storage.outbox.get_by_key(f"notice:{chat_id}:{number}")
            assert row is not None
            assert row.status is OutboxStatus.FAILED
    for old, new in MIGRATED.items():
        assert await storage.chats.get(old) is None
        moved = await storage.chats.get(new)
        assert moved is not None
        assert moved.active
        assert [s.key for s in await storage.subscriptions.for_chat(new)] == ["IQ-BA"]
