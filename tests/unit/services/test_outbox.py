"""Queuing a message wakes delivery by itself: the feed poll needs no hand-cranked wake-up."""

from __future__ import annotations

import datetime as dt

from bot.domain import OutboxKind, OutboxMessage, TextPayload
from bot.services.outbox import Outbox
from tests.fake_storage import InMemoryStorage

NOW = dt.datetime(2024, 5, 10, 9, 0, tzinfo=dt.UTC)


def _message(key: str) -> OutboxMessage:
    return OutboxMessage(
        chat_id=1,
        kind=OutboxKind.NOTICE,
        payload=TextPayload(text="hello"),
        idempotency_key=key,
        next_attempt_at=NOW,
        created_at=NOW,
    )


class TestWake:
    async def test_a_new_message_wakes_and_a_repeated_key_does_not(self) -> None:
        wakes: list[str] = []
        outbox = Outbox(InMemoryStorage())
        outbox.wake_with(lambda: wakes.append("wake"))
        _, created = await outbox.enqueue(_message("a"))
        assert created
        _, created_again = await outbox.enqueue(_message("a"))
        assert not created_again
        assert wakes == ["wake"]

    async def test_without_a_waker_the_message_still_queues(self) -> None:
        storage = InMemoryStorage()
        _, created = await Outbox(storage).enqueue(_message("b"))
        assert created
        assert await storage.outbox.get_by_key("b") is not None
