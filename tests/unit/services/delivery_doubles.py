"""In-memory doubles for the dispatcher tests: virtual time, an outbox, chats and a notifier
that answers from a script, plus the message builders the tests share."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

from bot.domain import (
    AlertPayload,
    Chat,
    ChatType,
    Incident,
    OutboxKind,
    OutboxMessage,
    OutboxStatus,
    TextPayload,
)
from bot.ports import SendResult, SendStatus
from bot.services.delivery import DeliveryLimits, Dispatcher, Pacer
from tests.fakes import MutableClock, VirtualTime

NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


class MemoryOutbox:
    def __init__(self) -> None:
        self.rows: dict[int, OutboxMessage] = {}
        self._ids = 0

    async def enqueue(self, message: OutboxMessage) -> tuple[OutboxMessage, bool]:
        for row in self.rows.values():
            if row.idempotency_key == message.idempotency_key:
                return row, False
        self._ids += 1
        row = message.model_copy(update={"id": self._ids})
        self.rows[self._ids] = row
        return row, True

    async def claim_due(self, now: dt.datetime, limit: int = 100) -> list[OutboxMessage]:
        due = [
            row
            for row in sorted(self.rows.values(), key=lambda r: r.id or 0)
            if row.status is OutboxStatus.PENDING and row.next_attempt_at <= now
        ][:limit]
        for row in due:
            row.status = OutboxStatus.SENDING
            row.attempts += 1
        return [row.model_copy(deep=True) for row in due]

    async def mark_sent(
        self, message_id: int, telegram_message_id: int | None, at: dt.datetime
    ) -> None:
        row = self.rows[message_id]
        row.status = OutboxStatus.SENT
        row.sent_message_id = telegram_message_id
        row.sent_at = at

    async def mark_retry(self, message_id: int, next_attempt_at: dt.datetime, error: str) -> None:
        row = self.rows[message_id]
        row.status = OutboxStatus.PENDING
        row.next_attempt_at = next_attempt_at
        row.last_error = error

    async def mark_failed(self, message_id: int, error: str) -> None:
        row = self.rows[message_id]
        row.status = OutboxStatus.FAILED
        row.last_error = error

    async def get_by_key(self, idempotency_key: str) -> OutboxMessage | None:
        for row in self.rows.values():
            if row.idempotency_key == idempotency_key:
                return row.model_copy()
        return None

    async def recover_stale(self, older_than: dt.datetime) -> int:
        count = 0
        for row in self.rows.values():
            if row.status is OutboxStatus.SENDING:
                row.status = OutboxStatus.PENDING
                count += 1
        return count

    async def fail_pending_for_chat(self, chat_id: int, error: str) -> int:
        count = 0
        for row in self.rows.values():
            if row.chat_id == chat_id and row.status is OutboxStatus.PENDING:
                row.status = OutboxStatus.FAILED
                count += 1
        return count


class MemoryChats:
    def __init__(self) -> None:
        self.chats: dict[int, Chat] = {}
        self.migrations: list[tuple[int, int]] = []

    async def get(self, chat_id: int) -> Chat | None:
        return self.chats.get(chat_id)

    async def set_active(self, chat_id: int, active: bool) -> None:
        self.chats[chat_id].active = active

    async def migrate(self, old_id: int, new_id: int) -> None:
        self.migrations.append((old_id, new_id))
        chat = self.chats.pop(old_id)
        self.chats[new_id] = chat.model_copy(update={"id": new_id, "type": ChatType.SUPERGROUP})


class MemoryStorage:
    def __init__(self, *chats: Chat) -> None:
        self.outbox = MemoryOutbox()
        self.chats = MemoryChats()
        for chat in chats:
            self.chats.chats[chat.id] = chat

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        yield


class ScriptedNotifier:
    """Records sends; answers from a per-chat script of statuses, then SENT."""

    def __init__(self, time: VirtualTime) -> None:
        self.time = time
        self.sent: list[tuple[float, OutboxMessage, int | None]] = []
        self.attempts: list[tuple[float, int]] = []
        self.script: dict[int, list[SendResult]] = {}
        self._ids = 500

    async def send(self, message: OutboxMessage, reply_to_message_id: int | None) -> SendResult:
        self.attempts.append((self.time.now, message.chat_id))
        script = self.script.get(message.chat_id)
        if script:
            return script.pop(0)
        self._ids += 1
        self.sent.append((self.time.now, message, reply_to_message_id))
        return SendResult(SendStatus.SENT, message_id=self._ids, message_ids=(self._ids,))


def incident_json(incident_id: int) -> dict[str, Any]:
    return {
        "id": incident_id,
        "date": "2026-03-01",
        "location": {"name": "Basra", "country": "IQ", "admin1": "Basra"},
        "event_type": "Battles",
        "sub_event_type": "Armed clash",
        "summary": f"Clash number {incident_id}.",
    }


def alert(
    chat_id: int,
    incident_id: int,
    when: dt.datetime = NOW,
    *,
    matched: tuple[str, ...] = (),
    silent: bool = False,
) -> OutboxMessage:
    incident = Incident.model_validate(incident_json(incident_id))
    return OutboxMessage(
        chat_id=chat_id,
        kind=OutboxKind.ALERT,
        idempotency_key=f"alert:{chat_id}:{incident_id}",
        payload=AlertPayload(
            incidents=[incident], matched=list(matched), disable_notification=silent
        ),
        next_attempt_at=when,
        incident_id=incident_id,
    )


def text_of(message: OutboxMessage) -> str:
    assert isinstance(message.payload, TextPayload)
    return message.payload.text


def notice(chat_id: int, n: int, kind: OutboxKind = OutboxKind.NOTICE) -> OutboxMessage:
    return OutboxMessage(
        chat_id=chat_id,
        kind=kind,
        idempotency_key=f"notice:{chat_id}:{n}",
        payload=TextPayload(text=f"notice {n}"),
        next_attempt_at=NOW,
    )


def make_dispatcher(
    storage: MemoryStorage,
    notifier: ScriptedNotifier,
    vtime: VirtualTime,
    clock: MutableClock | None = None,
    **limits: Any,
) -> Dispatcher:
    chosen = DeliveryLimits(**limits)
    pacer = Pacer(chosen, monotonic=vtime.monotonic, sleep=vtime.sleep)
    return Dispatcher(storage, notifier, clock or MutableClock(NOW), limits=chosen, pacer=pacer)  # type: ignore[arg-type]


async def queue(storage: MemoryStorage, *messages: OutboxMessage) -> None:
    for message in messages:
        await storage.outbox.enqueue(message)


def statuses(storage: MemoryStorage) -> list[OutboxStatus]:
    return [row.status for row in storage.outbox.rows.values()]


class GatedTime(VirtualTime):
    """Virtual monotonic time whose sleeps wait until the test opens the gate."""

    def __init__(self) -> None:
        super().__init__()
        self.sleeps: list[float] = []
        self.gate = asyncio.Event()

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        await self.gate.wait()
        self.now += max(seconds, 0.0)


async def until(predicate: Any, what: str) -> None:
    """Wait (generously) for a condition the dispatcher task brings about."""
    for _ in range(2000):
        if predicate():
            return
        await asyncio.sleep(0.005)
    raise AssertionError(f"timed out waiting for {what}")
