"""The outbox: idempotent enqueue, atomic claiming, retries, crash recovery, counts."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

import pytest

from bot.domain import OutboxKind, OutboxStatus, TextPayload, UpdatePayload
from storage.base import NotFoundError
from storage.sqlite import SqliteStorage

from .conftest import T0, make_chat, make_incident, make_message

MINUTE = dt.timedelta(minutes=1)


@pytest.fixture
async def chat(storage: SqliteStorage) -> int:
    """A stored chat to queue messages for."""
    await storage.chats.upsert(make_chat(100))
    return 100


class TestEnqueue:
    """One row per idempotency key."""

    async def test_same_key_is_one_row(self, storage: SqliteStorage, chat: int) -> None:
        first, new = await storage.outbox.enqueue(
            make_message(chat, "alert:100:1", payload={"text": "تحديث: ٣ قتلى"})
        )
        again, new_again = await storage.outbox.enqueue(
            make_message(chat, "alert:100:1", payload={"text": "different"})
        )
        assert (new, new_again) == (True, False)
        assert again == first
        assert first.payload == TextPayload(text="تحديث: ٣ قتلى")
        assert first.status is OutboxStatus.PENDING
        assert first.created_at is not None
        assert await storage.outbox.counts() == {
            "pending": 1,
            "sending": 0,
            "sent": 0,
            "failed": 0,
        }

    async def test_a_typed_payload_comes_back_as_it_went_in(
        self, storage: SqliteStorage, chat: int
    ) -> None:
        incident = make_incident(summary="انفجار")
        payload = UpdatePayload(incident=incident, note="toll rose", matched=["Basra"])
        stored, _ = await storage.outbox.enqueue(
            make_message(chat, "update:100:9", kind=OutboxKind.UPDATE, payload=payload)
        )
        assert stored.payload == payload
        assert isinstance(stored.payload, UpdatePayload)
        assert stored.payload.incident == incident

    async def test_unknown_chat_is_a_clear_error(self, storage: SqliteStorage) -> None:
        with pytest.raises(NotFoundError, match="chat 7"):
            await storage.outbox.enqueue(make_message(7, "x"))

    async def test_get_by_key(self, storage: SqliteStorage, chat: int) -> None:
        stored, _ = await storage.outbox.enqueue(
            make_message(chat, "digest:100:2026-03-01", kind=OutboxKind.DIGEST, reply_to_key="a")
        )
        assert await storage.outbox.get_by_key("digest:100:2026-03-01") == stored
        assert await storage.outbox.get_by_key("nope") is None
        assert stored.reply_to_key == "a"


class TestClaim:
    """claim_due moves due pending rows to sending, oldest first, each row once."""

    async def test_claims_due_rows_once(self, storage: SqliteStorage, chat: int) -> None:
        await storage.outbox.enqueue(make_message(chat, "later", next_attempt_at=T0 + MINUTE))
        await storage.outbox.enqueue(make_message(chat, "b", next_attempt_at=T0))
        await storage.outbox.enqueue(make_message(chat, "a", next_attempt_at=T0 - MINUTE))
        claimed = await storage.outbox.claim_due(T0)
        assert [m.idempotency_key for m in claimed] == ["a", "b"]
        assert all(m.status is OutboxStatus.SENDING for m in claimed)
        assert all(m.attempts == 1 for m in claimed)  # claiming counts the attempt
        assert await storage.outbox.claim_due(T0) == []
        assert [m.idempotency_key for m in await storage.outbox.claim_due(T0 + MINUTE)] == [
            "later"
        ]

    async def test_limit(self, storage: SqliteStorage, chat: int) -> None:
        for n in range(5):
            await storage.outbox.enqueue(make_message(chat, f"k{n}"))
        assert len(await storage.outbox.claim_due(T0, limit=2)) == 2
        assert len(await storage.outbox.claim_due(T0, limit=0)) == 0
        assert len(await storage.outbox.claim_due(T0)) == 3

    @pytest.mark.sqlite_only
    async def test_two_connections_never_claim_the_same_row(
        self, storage: SqliteStorage, db_path: Path, chat: int
    ) -> None:
        for n in range(60):
            await storage.outbox.enqueue(make_message(chat, f"k{n}"))
        other = await SqliteStorage.open(db_path)
        try:

            async def drain(store: SqliteStorage) -> list[int]:
                got: list[int] = []
                while batch := await store.outbox.claim_due(T0, limit=7):
                    got += [m.id or 0 for m in batch]
                    await asyncio.sleep(0)
                return got

            mine, theirs = await asyncio.gather(drain(storage), drain(other))
        finally:
            await other.close()
        assert not set(mine) & set(theirs)
        assert len(mine) + len(theirs) == 60


class TestOutcomes:
    """mark_sent / mark_retry / mark_failed / recover_stale."""

    async def test_sent(self, storage: SqliteStorage, chat: int) -> None:
        stored, _ = await storage.outbox.enqueue(make_message(chat))
        assert stored.id is not None
        await storage.outbox.claim_due(T0)
        await storage.outbox.mark_sent(stored.id, 555, T0 + MINUTE)
        sent = await storage.outbox.get_by_key(stored.idempotency_key)
        assert sent is not None
        assert (sent.status, sent.sent_message_id, sent.sent_at, sent.attempts) == (
            OutboxStatus.SENT,
            555,
            T0 + MINUTE,
            1,
        )

    async def test_retry_then_fail(self, storage: SqliteStorage, chat: int) -> None:
        stored, _ = await storage.outbox.enqueue(make_message(chat))
        assert stored.id is not None
        await storage.outbox.claim_due(T0)
        await storage.outbox.mark_retry(stored.id, T0 + 5 * MINUTE, "flood wait 300")
        retry = await storage.outbox.get_by_key(stored.idempotency_key)
        assert retry is not None
        assert (retry.status, retry.attempts, retry.last_error) == (
            OutboxStatus.PENDING,
            1,
            "flood wait 300",
        )
        assert await storage.outbox.claim_due(T0 + MINUTE) == []
        assert len(await storage.outbox.claim_due(T0 + 5 * MINUTE)) == 1
        await storage.outbox.mark_failed(stored.id, "chat not found")
        failed = await storage.outbox.get_by_key(stored.idempotency_key)
        assert failed is not None
        assert (failed.status, failed.attempts) == (OutboxStatus.FAILED, 2)
        assert await storage.outbox.counts() == {
            "pending": 0,
            "sending": 0,
            "sent": 0,
            "failed": 1,
        }

    async def test_unknown_id(self, storage: SqliteStorage) -> None:
        with pytest.raises(NotFoundError):
            await storage.outbox.mark_sent(42, None, T0)
        with pytest.raises(NotFoundError):
            await storage.outbox.mark_failed(42, "x")
        with pytest.raises(NotFoundError):
            await storage.outbox.mark_retry(42, T0, "x")

    async def test_recover_stale(self, storage: SqliteStorage, chat: int) -> None:
        await storage.outbox.enqueue(make_message(chat, "old"))
        await storage.outbox.claim_due(T0)
        await storage.outbox.enqueue(make_message(chat, "fresh"))
        await storage.outbox.claim_due(T0 + 10 * MINUTE)
        assert await storage.outbox.recover_stale(T0 + 5 * MINUTE) == 1
        recovered = await storage.outbox.get_by_key("old")
        fresh = await storage.outbox.get_by_key("fresh")
        assert recovered is not None
        assert fresh is not None
        assert recovered.status is OutboxStatus.PENDING
        assert fresh.status is OutboxStatus.SENDING
        assert [m.idempotency_key for m in await storage.outbox.claim_due(T0)] == ["old"]


class TestOldestUnsent:
    """The age of the queue's head, for the metrics: pending and sending count, sent do not."""

    async def test_empty_outbox_has_none(self, storage: SqliteStorage) -> None:
        assert await storage.outbox.oldest_unsent() is None

    async def test_oldest_pending_or_sending_row(self, storage: SqliteStorage, chat: int) -> None:
        early, _ = await storage.outbox.enqueue(
            make_message(chat, "alert:100:1", created_at=T0 - 10 * MINUTE)
        )
        await storage.outbox.enqueue(make_message(chat, "alert:100:2", created_at=T0 - MINUTE))
        await storage.outbox.enqueue(make_message(chat, "alert:100:3", created_at=T0))
        assert await storage.outbox.oldest_unsent() == T0 - 10 * MINUTE

        claimed = await storage.outbox.claim_due(T0, limit=1)
        assert [row.id for row in claimed] == [early.id]
        assert await storage.outbox.oldest_unsent() == T0 - 10 * MINUTE  # sending still counts

        assert early.id is not None
        await storage.outbox.mark_sent(early.id, 5, T0)
        assert await storage.outbox.oldest_unsent() == T0 - MINUTE

    async def test_failed_rows_are_not_waiting(self, storage: SqliteStorage, chat: int) -> None:
        row, _ = await storage.outbox.enqueue(make_message(chat, "alert:100:1", created_at=T0))
        assert row.id is not None
        await storage.outbox.mark_failed(row.id, "gone")
        assert await storage.outbox.oldest_unsent() is None
