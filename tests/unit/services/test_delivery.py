"""Tests for bot.services.delivery: pacing, grouping, retries, blocked and migrated chats."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools

import pytest

from bot.domain import (
    AlertPayload,
    Chat,
    ChatType,
    Incident,
    OutboxKind,
    OutboxMessage,
    OutboxStatus,
    UpdatePayload,
)
from bot.ports import SendResult, SendStatus
from bot.services.delivery import DeliveryLimits, Dispatcher, Pacer, in_quiet_hours
from tests.fakes import MutableClock, VirtualTime
from tests.unit.services.delivery_doubles import (
    NOW,
    GatedTime,
    MemoryStorage,
    ScriptedNotifier,
    alert,
    incident_json,
    make_dispatcher,
    notice,
    queue,
    statuses,
    text_of,
    until,
)


@pytest.fixture
def storage() -> MemoryStorage:
    """Three private chats and a supergroup."""
    private = (Chat(id=chat_id) for chat_id in (1, 2, 3))
    return MemoryStorage(*private, Chat(id=-100, type=ChatType.SUPERGROUP))


class TestPacing:
    async def test_one_message_per_second_per_chat(
        self, storage: MemoryStorage, notifier: ScriptedNotifier, vtime: VirtualTime
    ) -> None:
        await queue(storage, *(notice(1, n) for n in range(5)))
        handled = await make_dispatcher(storage, notifier, vtime).run_once()
        assert handled == 5
        times = [t for t, _, _ in notifier.sent]
        assert all(b - a >= 1.0 for a, b in itertools_pairwise(times))

    async def test_chats_do_not_wait_for_each_other(
        self, storage: MemoryStorage, notifier: ScriptedNotifier, vtime: VirtualTime
    ) -> None:
        await queue(storage, notice(1, 1), notice(2, 1), notice(3, 1))
        await make_dispatcher(storage, notifier, vtime).run_once()
        times = [t for t, _, _ in notifier.sent]
        assert len(times) == 3
        assert max(times) < 0.2  # spaced by 1/30 s, not by a chat's 1 s

    async def test_overall_rate_is_capped(
        self, storage: MemoryStorage, notifier: ScriptedNotifier, vtime: VirtualTime
    ) -> None:
        for chat_id in range(10, 80):
            storage.chats.chats[chat_id] = Chat(id=chat_id)
            await queue(storage, notice(chat_id, 1))
        await make_dispatcher(storage, notifier, vtime, concurrency=100).run_once()
        times = sorted(t for t, _, _ in notifier.sent)
        assert len(times) == 70
        for index, start in enumerate(times):
            in_window = [t for t in times[index:] if t < start + 1.0]
            assert len(in_window) <= 30

    async def test_groups_limited_per_minute(
        self, storage: MemoryStorage, notifier: ScriptedNotifier, vtime: VirtualTime
    ) -> None:
        await queue(storage, *(notice(-100, n) for n in range(25)))
        await make_dispatcher(storage, notifier, vtime).run_once()
        times = [t for t, _, _ in notifier.sent]
        assert len(times) == 25
        assert times[20] - times[0] >= 60.0

    def test_quiet_hours_cross_midnight(self) -> None:
        chat = Chat(id=1, timezone="Asia/Baghdad", quiet_start=dt.time(22), quiet_end=dt.time(7))
        # 20:30 UTC = 23:30 in Baghdad (UTC+3)
        assert in_quiet_hours(chat, dt.datetime(2026, 3, 1, 20, 30, tzinfo=dt.UTC))
        assert in_quiet_hours(chat, dt.datetime(2026, 3, 1, 3, 0, tzinfo=dt.UTC))
        assert not in_quiet_hours(chat, dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC))
        assert not in_quiet_hours(Chat(id=1), NOW)


class TestGrouping:
    async def test_burst_of_alerts_becomes_one_message(
        self, storage: MemoryStorage, notifier: ScriptedNotifier, vtime: VirtualTime
    ) -> None:
        matched = {1: ("Basra",), 3: ("AAH", "Basra")}
        rows = [alert(1, n, matched=matched.get(n, ())) for n in range(1, 5)]
        await queue(storage, *rows)
        await make_dispatcher(storage, notifier, vtime).run_once()
        assert len(notifier.sent) == 1
        payload = notifier.sent[0][1].payload
        assert isinstance(payload, AlertPayload)
        assert payload.matched == ["Basra", "AAH"]
        assert [item.id for item in payload.incidents] == [1, 2, 3, 4]
        rows = list(storage.outbox.rows.values())
        assert {row.status for row in rows} == {OutboxStatus.SENT}
        assert len({row.sent_message_id for row in rows}) == 1

    async def test_update_replies_to_the_alert(
        self, storage: MemoryStorage, notifier: ScriptedNotifier, vtime: VirtualTime
    ) -> None:
        await queue(storage, alert(1, 7))
        update = OutboxMessage(
            chat_id=1,
            kind=OutboxKind.UPDATE,
            idempotency_key="update:1:7:2",
            payload=UpdatePayload(
                incident=Incident.model_validate(incident_json(7)), note="toll rose"
            ),
            next_attempt_at=NOW,
            reply_to_key="alert:1:7",
        )
        await queue(storage, update)
        await make_dispatcher(storage, notifier, vtime).run_once()
        assert len(notifier.sent) == 2
        first_id = storage.outbox.rows[1].sent_message_id
        assert notifier.sent[1][2] == first_id

    async def test_update_waits_for_unsent_alert(
        self, storage: MemoryStorage, notifier: ScriptedNotifier, vtime: VirtualTime
    ) -> None:
        await queue(storage, alert(1, 7, NOW + dt.timedelta(hours=1)))
        update = alert(1, 8).model_copy(
            update={"kind": OutboxKind.UPDATE, "reply_to_key": "alert:1:7"}
        )
        await queue(storage, update)
        await make_dispatcher(storage, notifier, vtime).run_once()
        assert notifier.sent == []
        assert storage.outbox.rows[2].status is OutboxStatus.PENDING
        assert storage.outbox.rows[2].next_attempt_at > NOW

    async def test_quiet_hours_send_silently(
        self, storage: MemoryStorage, notifier: ScriptedNotifier, vtime: VirtualTime
    ) -> None:
        storage.chats.chats[1] = Chat(id=1, quiet_start=dt.time(11), quiet_end=dt.time(13))
        stale = alert(2, 2, silent=True)  # queued in quiet hours, sent after
        await queue(storage, alert(1, 1), notice(1, 1), stale)
        await make_dispatcher(storage, notifier, vtime).run_once()
        by_chat = {(m.chat_id, m.kind): m.payload for _, m, _ in notifier.sent}
        assert by_chat[1, OutboxKind.ALERT].disable_notification is True
        assert by_chat[1, OutboxKind.NOTICE].disable_notification is False  # never touched
        assert by_chat[2, OutboxKind.ALERT].disable_notification is False


class TestFailures:
    async def test_retry_after_pauses_everything_and_loses_nothing(
        self, storage: MemoryStorage, notifier: ScriptedNotifier, vtime: VirtualTime
    ) -> None:
        notifier.script[1] = [SendResult(SendStatus.RETRY_AFTER, retry_after=7)]
        await queue(storage, notice(1, 1), notice(2, 1))
        await make_dispatcher(storage, notifier, vtime, concurrency=1).run_once()
        assert statuses(storage) == [OutboxStatus.SENT, OutboxStatus.SENT]
        assert all(t >= 7.0 for t, _, _ in notifier.sent)
        assert len(notifier.sent) == 2

    async def test_repeated_429_requeues_with_delay(
        self, storage: MemoryStorage, notifier: ScriptedNotifier, vtime: VirtualTime
    ) -> None:
        notifier.script[1] = [SendResult(SendStatus.RETRY_AFTER, retry_after=3)] * 10
        await queue(storage, notice(1, 1))
        await make_dispatcher(storage, notifier, vtime, max_inline_retry_after=2).run_once()
        row = storage.outbox.rows[1]
        assert row.status is OutboxStatus.PENDING
        assert row.next_attempt_at == NOW + dt.timedelta(seconds=3)

    async def test_transient_backs_off_then_fails(
        self, storage: MemoryStorage, notifier: ScriptedNotifier, vtime: VirtualTime
    ) -> None:
        clock = MutableClock(NOW)
        notifier.script[1] = [SendResult(SendStatus.TRANSIENT, error="timeout")] * 3
        await queue(storage, notice(1, 1))
        dispatcher = make_dispatcher(storage, notifier, vtime, clock, max_attempts=3)
        delays = []
        for _ in range(3):
            await dispatcher.run_once()
            row = storage.outbox.rows[1]
            if row.status is OutboxStatus.PENDING:
                delays.append((row.next_attempt_at - clock.now()).total_seconds())
                clock.set(row.next_attempt_at)
        assert storage.outbox.rows[1].status is OutboxStatus.FAILED
        assert len(delays) == 2
        assert 1.0 <= delays[0] <= 4.0
        assert 2.0 <= delays[1] <= 8.0

    def test_backoff_grows_and_is_capped(
        self, storage: MemoryStorage, notifier: ScriptedNotifier, vtime: VirtualTime
    ) -> None:
        dispatcher = make_dispatcher(storage, notifier, vtime, backoff_cap=100)
        assert dispatcher.backoff(1) < dispatcher.backoff(10) <= 100
        assert dispatcher.backoff(500) <= 100

    async def test_blocked_chat_deactivated_and_its_queue_failed(
        self, storage: MemoryStorage, notifier: ScriptedNotifier, vtime: VirtualTime
    ) -> None:
        notifier.script[1] = [SendResult(SendStatus.BLOCKED, error="Forbidden")]
        await queue(storage, notice(1, 1), notice(1, 2), notice(2, 1))
        later = notice(1, 3).model_copy(update={"next_attempt_at": NOW + dt.timedelta(hours=1)})
        await queue(storage, later)
        await make_dispatcher(storage, notifier, vtime).run_once()
        assert storage.chats.chats[1].active is False
        assert statuses(storage) == [
            OutboxStatus.FAILED,
            OutboxStatus.FAILED,
            OutboxStatus.SENT,
            OutboxStatus.FAILED,
        ]

    async def test_migrated_group_followed(
        self, storage: MemoryStorage, notifier: ScriptedNotifier, vtime: VirtualTime
    ) -> None:
        storage.chats.chats[-5] = Chat(id=-5, type=ChatType.GROUP)
        notifier.script[-5] = [SendResult(SendStatus.MIGRATED, new_chat_id=-1005)]
        await queue(storage, notice(-5, 1), notice(-5, 2))
        await make_dispatcher(storage, notifier, vtime).run_once()
        assert storage.chats.migrations == [(-5, -1005)]
        assert [message.chat_id for _, message, _ in notifier.sent] == [-1005, -1005]
        assert statuses(storage) == [OutboxStatus.SENT, OutboxStatus.SENT]

    async def test_permanent_error_fails_only_that_row(
        self, storage: MemoryStorage, notifier: ScriptedNotifier, vtime: VirtualTime
    ) -> None:
        notifier.script[1] = [SendResult(SendStatus.PERMANENT, error="can't parse entities")]
        await queue(storage, notice(1, 1), notice(1, 2))
        await make_dispatcher(storage, notifier, vtime).run_once()
        assert statuses(storage) == [OutboxStatus.FAILED, OutboxStatus.SENT]

    async def test_inactive_chat_gets_nothing(
        self, storage: MemoryStorage, notifier: ScriptedNotifier, vtime: VirtualTime
    ) -> None:
        storage.chats.chats[2].active = False
        await queue(storage, notice(2, 1))
        await make_dispatcher(storage, notifier, vtime).run_once()
        assert notifier.attempts == []
        assert statuses(storage) == [OutboxStatus.FAILED]


class TestLifecycle:
    async def test_recover_returns_sending_rows(
        self, storage: MemoryStorage, notifier: ScriptedNotifier, vtime: VirtualTime
    ) -> None:
        await queue(storage, notice(1, 1))
        await storage.outbox.claim_due(NOW)
        dispatcher = make_dispatcher(storage, notifier, vtime)
        assert await dispatcher.recover() == 1
        await dispatcher.run_once()
        assert statuses(storage) == [OutboxStatus.SENT]

    async def test_stop_mid_pass_releases_unsent_rows(
        self, storage: MemoryStorage, notifier: ScriptedNotifier
    ) -> None:
        # Real time here: 1 s per chat would make five notices take 4 s; stop after the first.
        limits = DeliveryLimits(per_chat_interval=0.2, idle_interval=0.01)
        dispatcher = Dispatcher(storage, notifier, MutableClock(NOW), limits=limits)  # type: ignore[arg-type]
        await queue(storage, *(notice(1, n) for n in range(5)))
        stop = asyncio.Event()
        task = asyncio.create_task(dispatcher.run_forever(stop))
        while not notifier.sent:
            await asyncio.sleep(0.01)
        stop.set()
        await asyncio.wait_for(task, 5)
        sent = statuses(storage).count(OutboxStatus.SENT)
        assert sent == len(notifier.sent)
        assert 1 <= sent < 5
        assert statuses(storage).count(OutboxStatus.PENDING) == 5 - sent
        # A new dispatcher (a restart) sends the rest, nothing twice.
        second = ScriptedNotifier(VirtualTime())
        again = Dispatcher(storage, second, MutableClock(NOW), limits=limits)  # type: ignore[arg-type]
        await again.run_once()
        assert statuses(storage) == [OutboxStatus.SENT] * 5
        texts = [text_of(m) for _, m, _ in notifier.sent + second.sent]
        assert sorted(texts) == sorted(f"notice {n}" for n in range(5))


class TestPipeline:
    async def test_a_slow_chat_does_not_hold_up_the_others(
        self, storage: MemoryStorage, notifier: ScriptedNotifier
    ) -> None:
        for chat_id in (4, 5, 6):
            storage.chats.chats[chat_id] = Chat(id=chat_id)
        limits = DeliveryLimits(per_chat_interval=0.3, idle_interval=0.01, batch_size=5)
        dispatcher = Dispatcher(storage, notifier, MutableClock(NOW), limits=limits)  # type: ignore[arg-type]
        await queue(storage, *(notice(1, n) for n in range(4)))
        await queue(storage, *(notice(chat_id, 0) for chat_id in (2, 3, 4, 5, 6)))
        stop = asyncio.Event()
        task = asyncio.create_task(dispatcher.run_forever(stop))
        for _ in range(500):
            if len(notifier.sent) == 9:
                break
            await asyncio.sleep(0.01)
        stop.set()
        await asyncio.wait_for(task, 5)
        order = [message.chat_id for _, message, _ in notifier.sent]
        assert sorted(order) == [1, 1, 1, 1, 2, 3, 4, 5, 6]
        # Chats 2-6 were claimed after chat 1's burst, yet went out before its last message.
        assert order.index(6) < len(order) - 1 - order[::-1].index(1)
        assert statuses(storage) == [OutboxStatus.SENT] * 9


class TestBurstWindow:
    async def test_first_alert_goes_at_once_and_followers_in_its_window_are_grouped(
        self, storage: MemoryStorage
    ) -> None:
        time = GatedTime()
        notifier = ScriptedNotifier(time)
        limits = DeliveryLimits(idle_interval=0.01)
        pacer = Pacer(limits, monotonic=time.monotonic, sleep=time.sleep)
        dispatcher = Dispatcher(storage, notifier, MutableClock(NOW), limits=limits, pacer=pacer)  # type: ignore[arg-type]
        stop = asyncio.Event()
        task = asyncio.create_task(dispatcher.run_forever(stop))
        try:
            await queue(storage, alert(1, 1))
            dispatcher.wake()
            await until(lambda: len(notifier.sent) == 1, "the first alert")
            assert time.sleeps == []  # nothing waited before the first alert left
            # Two more arrive within the chat's one-message-per-second window after it.
            await queue(storage, alert(1, 2))
            dispatcher.wake()
            await until(lambda: bool(time.sleeps), "the dispatcher to wait for the window")
            await queue(storage, alert(1, 3))
            dispatcher.wake()
            await until(
                lambda: storage.outbox.rows[3].status is OutboxStatus.SENDING, "alert 3 claimed"
            )
            time.gate.set()
            await until(lambda: statuses(storage) == [OutboxStatus.SENT] * 3, "every alert sent")
        finally:
            time.gate.set()
            stop.set()
            await asyncio.wait_for(task, 10)
        payloads = [message.payload for _, message, _ in notifier.sent]
        assert len(payloads) == 2
        assert all(isinstance(payload, AlertPayload) for payload in payloads)
        assert [[i.id for i in p.incidents] for p in payloads if isinstance(p, AlertPayload)] == [
            [1],
            [2, 3],
        ]


class TestUnexpectedErrors:
    async def test_a_crashing_pass_keeps_sent_rows_sent(
        self, storage: MemoryStorage, notifier: ScriptedNotifier
    ) -> None:
        original = storage.outbox.mark_sent
        calls = {"n": 0}

        async def flaky_mark_sent(
            message_id: int, telegram_message_id: int | None, at: dt.datetime
        ) -> None:
            calls["n"] += 1
            if calls["n"] == 2:
                raise RuntimeError("disk full")
            await original(message_id, telegram_message_id, at)

        storage.outbox.mark_sent = flaky_mark_sent  # type: ignore[method-assign]
        limits = DeliveryLimits(per_chat_interval=0.0, idle_interval=0.01)
        dispatcher = Dispatcher(storage, notifier, MutableClock(NOW), limits=limits)  # type: ignore[arg-type]
        await queue(storage, notice(1, 0), notice(1, 1), notice(1, 2))
        stop = asyncio.Event()
        task = asyncio.create_task(dispatcher.run_forever(stop))
        for _ in range(300):
            if statuses(storage) == [OutboxStatus.SENT] * 3:
                break
            await asyncio.sleep(0.01)
        stop.set()
        await asyncio.wait_for(task, 5)
        assert statuses(storage) == [OutboxStatus.SENT] * 3
        texts = [text_of(m) for _, m, _ in notifier.sent]
        # The row whose mark_sent failed went out twice (the documented window); no other did.
        assert texts.count("notice 0") == 1
        assert texts.count("notice 1") == 2
        assert texts.count("notice 2") == 1


def itertools_pairwise(values: list[float]) -> list[tuple[float, float]]:
    return list(itertools.pairwise(values))
