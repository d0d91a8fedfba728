"""Drain the outbox through a Notifier within Telegram's limits, each message once.

Transport-neutral: the dispatcher knows the ``Notifier`` port and the storage Protocols only.

Exactly-once, as far as Telegram allows: a row is claimed (``pending`` -> ``sending``) before the
send and marked ``sent`` in the very next step after the send returns, with nothing else in
between. A graceful stop finishes the send in flight and returns unsent claimed rows to
``pending``. Only a crash (power loss, SIGKILL) in the window between Telegram accepting a
message and the ``mark_sent`` write can leave a row in ``sending`` that was in fact delivered;
start-up recovery (``recover``) puts it back to ``pending`` and it is sent again: at most one
duplicate per row, never a loss. The same holds for a send whose answer is lost (a timeout after
Telegram accepted the message): it is retried. The Bot API has no idempotency key, so no client
can do better.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.domain import (
    AlertPayload,
    Chat,
    OutboxKind,
    OutboxMessage,
    OutboxStatus,
    ReviewPayload,
)
from bot.ports import Clock, Notifier, SendResult, SendStatus
from bot.services.alerts import alert_key, should_silence, update_key
from bot.services.chats import in_quiet_hours, local_date
from bot.services.digests import digest_key
from bot.services.pacing import DeliveryLimits, Pacer
from storage.base import IncidentQuery, Storage

__all__ = ["ChatDelivery", "DeliveryLimits", "Dispatcher", "Pacer", "in_quiet_hours"]

logger = logging.getLogger(__name__)


@dataclass
class _Unit:
    """What goes out as one Telegram message: one row, or several alerts grouped."""

    rows: list[OutboxMessage]
    message: OutboxMessage

    @property
    def ids(self) -> list[int]:
        return [row.id for row in self.rows if row.id is not None]


@dataclass
class DispatchStats:
    """What the dispatcher did since it was built (for /status and tests)."""

    sent: int = 0
    failed: int = 0
    retried: int = 0
    rate_limited: int = 0
    by_chat: dict[int, int] = field(default_factory=dict)


class Dispatcher:
    """Drains the outbox through a Notifier, within Telegram's limits, exactly once."""

    def __init__(
        self,
        storage: Storage,
        notifier: Notifier,
        clock: Clock,
        *,
        limits: DeliveryLimits | None = None,
        pacer: Pacer | None = None,
        rng: random.Random | None = None,
    ) -> None:
        """Deliver rows of ``storage.outbox`` with ``notifier``."""
        self._storage = storage
        self._notifier = notifier
        self._clock = clock
        self.limits = limits or DeliveryLimits()
        self._pacer = pacer or Pacer(self.limits)
        self._rng = rng or random.Random()  # noqa: S311 - jitter, not cryptography
        self._stopping = False
        self._wake = asyncio.Event()
        self._inflight = 0
        self._migrated: dict[int, int] = {}  # old group id -> supergroup id, this run
        self.stats = DispatchStats()

    def wake(self) -> None:
        """Ask a sleeping ``run_forever`` to look at the outbox now (after an ingest)."""
        self._wake.set()

    async def recover(self) -> int:
        """At start-up: put rows left in ``sending`` by a previous process back to pending."""
        # The instance lock guarantees no other process is sending, so every 'sending' row
        # is an orphan, however recent.
        recovered = await self._storage.outbox.recover_stale(
            self._clock.now() + dt.timedelta(seconds=1)
        )
        if recovered:
            logger.warning("recovered %d outbox messages left in 'sending' by a crash", recovered)
        return recovered

    async def run_forever(self, stop: asyncio.Event) -> None:
        """Drain the outbox until ``stop`` is set; the sends in flight always complete.

        One worker per chat with due messages, so a chat waiting out its one-per-second
        pace (or a group its twenty-per-minute) never holds up the others; the main loop keeps
        claiming new rows (up to ``batch_size`` in flight) and hands each to its chat's worker.

        A worker takes its chat's queue only when the chat's next send slot has come: the first
        message to a chat leaves at once, and whatever arrives while it is being sent or within
        the per-chat interval after it goes out together (alerts grouped into one message).
        """
        self._stopping = False
        self._inflight = 0
        queues: dict[int, list[OutboxMessage]] = {}
        workers: dict[int, asyncio.Task[None]] = {}
        semaphore = asyncio.Semaphore(self.limits.concurrency)

        async def watch() -> None:
            await stop.wait()
            self._stopping = True
            self._wake.set()

        async def worker(chat_id: int) -> None:
            try:
                await self._work_chat(chat_id, queues, semaphore)
            finally:
                workers.pop(chat_id, None)

        watcher = asyncio.ensure_future(watch())
        try:
            while not stop.is_set():
                claimed: list[OutboxMessage] = []
                room = self.limits.batch_size - self._inflight
                if room > 0:
                    try:
                        claimed = await self._storage.outbox.claim_due(
                            self._clock.now(), limit=room
                        )
                    except Exception:
                        logger.exception("could not claim outbox rows; retrying shortly")
                for row in claimed:
                    self._inflight += 1
                    queues.setdefault(row.chat_id, []).append(row)
                    if row.chat_id not in workers:
                        workers[row.chat_id] = asyncio.create_task(worker(row.chat_id))
                if not claimed and not stop.is_set():
                    self._wake.clear()
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._wake.wait(), self.limits.idle_interval)
        finally:
            watcher.cancel()
            # Workers see the stop flag: they finish the send in flight and release the rest.
            if workers:
                await asyncio.gather(*workers.values(), return_exceptions=True)

    async def _work_chat(
        self,
        chat_id: int,
        queues: dict[int, list[OutboxMessage]],
        semaphore: asyncio.Semaphore,
    ) -> None:
        """Serve one chat's queue at its pace until it is empty."""
        while queues.get(chat_id):
            await self._pacer.wait_chat_slot(chat_id, abort=lambda: self._stopping)
            rows = queues.pop(chat_id)
            try:
                async with semaphore:
                    await self._serve_chat(chat_id, rows)
            except Exception:
                logger.exception("delivery to chat %s failed; rows go back", chat_id)
                await self._release_unfinished(rows)
            finally:
                self._inflight -= len(rows)
                self._wake.set()

    async def run_once(self) -> int:
        """Claim due rows and deliver them; return how many rows were handled."""
        now = self._clock.now()
        rows = await self._storage.outbox.claim_due(now, limit=self.limits.batch_size)
        if not rows:
            return 0
        by_chat: dict[int, list[OutboxMessage]] = {}
        for row in rows:
            by_chat.setdefault(row.chat_id, []).append(row)
        semaphore = asyncio.Semaphore(self.limits.concurrency)

        async def serve(chat_id: int, chat_rows: list[OutboxMessage]) -> int:
            async with semaphore:
                return await self._serve_chat(chat_id, chat_rows)

        results = await asyncio.gather(
            *(serve(chat_id, chat_rows) for chat_id, chat_rows in by_chat.items())
        )
        return sum(results)

    async def _serve_chat(self, chat_id: int, rows: list[OutboxMessage]) -> int:
        if chat_id in self._migrated:  # claimed before the group moved: follow it
            chat_id = self._migrated[chat_id]
            rows = [row.model_copy(update={"chat_id": chat_id}) for row in rows]
        chat = await self._storage.chats.get(chat_id)
        if chat is None or not chat.active:
            for row in rows:
                await self._fail(row, "chat is inactive or unknown")
            return len(rows)
        units = _group(rows, self.limits.max_grouped_alerts)
        handled = 0
        for position, unit in enumerate(units):
            if self._stopping:
                # Graceful stop: hand the rest back untouched (no attempt counted).
                await self._release(units[position:])
                break
            outcome = await self._deliver(chat, unit)
            handled += len(unit.rows)
            if outcome is SendStatus.BLOCKED:
                for rest in units[position + 1 :]:
                    for row in rest.rows:
                        await self._fail(row, "chat unreachable")
                    handled += len(rest.rows)
                break
            if unit.message.chat_id != chat.id:  # the group became a supergroup
                refreshed = await self._storage.chats.get(unit.message.chat_id)
                chat = refreshed or chat.model_copy(update={"id": unit.message.chat_id})
                for rest in units[position + 1 :]:
                    rest.message = rest.message.model_copy(update={"chat_id": chat.id})
        return handled

    async def _release(self, units: Sequence[_Unit]) -> None:
        now = self._clock.now()
        for unit in units:
            for row in unit.rows:
                if row.id is not None:
                    await self._storage.outbox.mark_retry(row.id, now, "released unsent")

    async def _release_unfinished(self, rows: Sequence[OutboxMessage]) -> None:
        """After an unexpected error: rows still 'sending' go back; sent ones stay sent."""
        for row in rows:
            try:
                current = await self._storage.outbox.get_by_key(row.idempotency_key)
                if current is not None and current.status is OutboxStatus.SENDING:
                    await self._release([_Unit([row], row)])
            except Exception:  # the database is failing; start-up recovery will do it
                logger.exception("could not release outbox row %s", row.id)

    async def _reply_target(self, unit: _Unit) -> tuple[bool, int | None]:
        """(ready, message id to reply to). Not ready = the first alert is still on its way."""
        key = unit.message.reply_to_key
        if not key:
            return True, None
        original = await self._storage.outbox.get_by_key(key)
        if original is None or original.status is OutboxStatus.FAILED:
            return True, None
        if original.status is OutboxStatus.SENT:
            return True, original.sent_message_id
        return False, None

    async def _deliver(self, chat: Chat, unit: _Unit) -> SendStatus:
        ready, reply_to = await self._reply_target(unit)
        if not ready:
            await self._retry_all(
                unit,
                self._clock.now() + dt.timedelta(seconds=self.limits.reply_wait),
                "waiting for the first alert to be sent",
            )
            return SendStatus.TRANSIENT
        message = _silenced(unit.message, chat, self._clock.now())
        rate_limited = 0
        migrations = 0
        while True:
            result = await self._attempt(message, chat, reply_to, unit)
            if result is None:
                await self._release([unit])
                return SendStatus.TRANSIENT
            status = result.status
            if status is SendStatus.SENT:
                await self._mark_sent(unit, result)
                return status
            if status is SendStatus.RETRY_AFTER:
                wait = result.retry_after if result.retry_after is not None else 1.0
                self._pacer.pause(wait)
                self.stats.rate_limited += 1
                rate_limited += 1
                if rate_limited <= self.limits.max_inline_retry_after and not self._stopping:
                    continue
                await self._retry_all(
                    unit,
                    self._clock.now() + dt.timedelta(seconds=wait),
                    result.error or "flood control",
                )
                return status
            if status is SendStatus.MIGRATED and result.new_chat_id is not None:
                migrations += 1
                if migrations > 2:
                    await self._fail_all(unit, "chat migrated repeatedly")
                    return SendStatus.PERMANENT
                old_id, new_id = message.chat_id, result.new_chat_id
                logger.info("chat %s migrated to %s; following", old_id, new_id)
                await self._storage.chats.migrate(old_id, new_id)
                self._migrated[old_id] = new_id
                message = message.model_copy(update={"chat_id": new_id})
                unit.message = unit.message.model_copy(update={"chat_id": new_id})
                continue
            if status is SendStatus.BLOCKED:
                await self._unreachable(unit, message.chat_id, result.error or "chat unreachable")
                return status
            if status is SendStatus.TRANSIENT:
                return await self._transient(unit, result)
            await self._fail_all(unit, result.error or "permanent error")
            return SendStatus.PERMANENT

    async def _attempt(
        self, message: OutboxMessage, chat: Chat, reply_to: int | None, unit: _Unit
    ) -> SendResult | None:
        """One send when the pacer allows it (None: stopping before it could go)."""
        if not await self._pacer.wait_turn(
            message.chat_id, chat.is_group, abort=lambda: self._stopping
        ):
            return None
        try:
            return await self._notifier.send(message, reply_to)
        except Exception as exc:  # a Notifier must not raise; if it does, retry later
            logger.exception("notifier raised for outbox %s", unit.ids)
            return SendResult(SendStatus.TRANSIENT, error=f"{type(exc).__name__}: {exc}")
        finally:
            self._pacer.finished(message.chat_id)

    async def _unreachable(self, unit: _Unit, chat_id: int, error: str) -> None:
        """Blocked or removed: the chat is deactivated and nothing more is sent to it."""
        logger.info("chat %s unreachable (%s); deactivating", chat_id, error)
        await self._storage.chats.set_active(chat_id, False)
        await self._fail_all(unit, error)
        await self._storage.outbox.fail_pending_for_chat(chat_id, error)

    async def _transient(self, unit: _Unit, result: SendResult) -> SendStatus:
        """Back off and retry later, or give up after ``max_attempts``."""
        attempts = max(row.attempts for row in unit.rows)
        if attempts >= self.limits.max_attempts:
            await self._fail_all(unit, f"gave up after {attempts} attempts: {result.error}")
            return SendStatus.PERMANENT
        await self._retry_all(
            unit,
            self._clock.now() + dt.timedelta(seconds=self.backoff(attempts)),
            result.error or "transient error",
        )
        return SendStatus.TRANSIENT

    def backoff(self, attempts: int) -> float:
        """Seconds to wait after ``attempts`` failures: exponential, capped, half jitter."""
        exponent = min(max(0, attempts), 30)
        ceiling = min(self.limits.backoff_cap, self.limits.backoff_base * float(2**exponent))
        return ceiling / 2 + self._rng.uniform(0, ceiling / 2)

    async def _mark_sent(self, unit: _Unit, result: SendResult) -> None:
        at = self._clock.now()
        if len(unit.ids) == 1:  # one UPDATE is atomic by itself: no transaction round trips
            await self._storage.outbox.mark_sent(unit.ids[0], result.message_id, at)
        else:
            async with self._storage.transaction():
                for row_id in unit.ids:
                    await self._storage.outbox.mark_sent(row_id, result.message_id, at)
        self.stats.sent += len(unit.rows)
        chat_id = unit.message.chat_id
        self.stats.by_chat[chat_id] = self.stats.by_chat.get(chat_id, 0) + 1
        if result.error:
            logger.warning("outbox %s sent with a problem: %s", unit.ids, result.error)

    async def _retry_all(self, unit: _Unit, when: dt.datetime, error: str) -> None:
        # Attempts are counted by claim_due, so a flood-control wait costs one attempt too.
        for row_id in unit.ids:
            await self._storage.outbox.mark_retry(row_id, when, error[:500])
        self.stats.retried += len(unit.rows)

    async def _fail_all(self, unit: _Unit, error: str) -> None:
        for row in unit.rows:
            await self._fail(row, error)

    async def _fail(self, row: OutboxMessage, error: str) -> None:
        if row.id is not None:
            await self._storage.outbox.mark_failed(row.id, error[:500])
        self.stats.failed += 1


def _silenced(message: OutboxMessage, chat: Chat, now: dt.datetime) -> OutboxMessage:
    """Quiet hours are decided at send time (the flag set at queue time may be stale)."""
    if message.kind is OutboxKind.NOTICE:
        return message
    silent = should_silence(chat, now)
    payload = message.payload.model_copy(update={"disable_notification": silent})
    return message.model_copy(update={"payload": payload})


class ChatDelivery:
    """Delivers one chat's queued messages at once, never touching other chats' rows.

    For the console chat: it shares the database with the real bot, so it must not claim
    (and "deliver" into the console) messages meant for Telegram users. It finds its rows by
    their idempotency keys (alerts and updates of recent incidents, today's digest).
    """

    def __init__(
        self,
        storage: Storage,
        notifier: Notifier,
        clock: Clock,
        chat_id: int,
        *,
        interval: float = 0.3,
        lookback: dt.timedelta = dt.timedelta(days=2),
    ) -> None:
        """Deliver the rows of ``chat_id`` through ``notifier``."""
        self._storage = storage
        self._notifier = notifier
        self._clock = clock
        self.chat_id = chat_id
        self._interval = interval
        self._since = clock.now() - lookback
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """Look for new messages now."""
        self._wake.set()

    async def recover(self) -> int:
        """Nothing to recover: rows are marked sent right after sending, without a claim."""
        return 0

    async def _candidate_keys(self) -> list[str]:
        incidents = await self._storage.incidents.query(
            IncidentQuery(updated_since=self._since, limit=1000)
        )
        keys: list[str] = []
        for incident in sorted(incidents, key=lambda item: item.id or 0):
            if incident.id is None:
                continue
            keys.append(alert_key(self.chat_id, incident.id))
            keys.extend(
                update_key(self.chat_id, incident.id, revision)
                for revision in range(2, incident.revision + 1)
            )
        chat = await self._storage.chats.get(self.chat_id)
        if chat is not None:
            keys.append(digest_key(self.chat_id, local_date(chat, self._clock.now())))
        return keys

    async def run_once(self) -> int:
        """Send this chat's pending messages (due or not: a console has no flood limits)."""
        chat = await self._storage.chats.get(self.chat_id)
        if chat is None:
            return 0
        sent = 0
        for key in await self._candidate_keys():
            row = await self._storage.outbox.get_by_key(key)
            if row is None or row.id is None or row.status is not OutboxStatus.PENDING:
                continue
            reply_to = None
            if row.reply_to_key:
                original = await self._storage.outbox.get_by_key(row.reply_to_key)
                reply_to = original.sent_message_id if original is not None else None
            result = await self._notifier.send(_silenced(row, chat, self._clock.now()), reply_to)
            if result.status is SendStatus.SENT:
                await self._storage.outbox.mark_sent(row.id, result.message_id, self._clock.now())
                sent += 1
            else:
                await self._storage.outbox.mark_failed(row.id, result.error or "not delivered")
        return sent

    async def run_forever(self, stop: asyncio.Event) -> None:
        """Poll until ``stop`` is set."""
        while not stop.is_set():
            try:
                await self.run_once()
            except Exception:
                logger.exception("console delivery failed")
            self._wake.clear()
            waiter = asyncio.ensure_future(self._wake.wait())
            stopper = asyncio.ensure_future(stop.wait())
            await asyncio.wait(
                {waiter, stopper}, timeout=self._interval, return_when=asyncio.FIRST_COMPLETED
            )
            waiter.cancel()
            stopper.cancel()


def _group(rows: Sequence[OutboxMessage], max_alerts: int) -> list[_Unit]:
    """Consecutive plain alerts to one chat become one message, and so do consecutive review
    requests (several incidents arriving at once); everything else goes alone."""
    units: list[_Unit] = []
    batch: list[OutboxMessage] = []

    def flush() -> None:
        if not batch:
            return
        if len(batch) == 1:
            units.append(_Unit([batch[0]], batch[0]))
        else:
            combined = batch[0].model_copy(update={"payload": _combine(batch)})
            units.append(_Unit(list(batch), combined))
        batch.clear()

    for row in rows:
        kind = _batch_kind(row)
        if kind is not None:
            if batch and _batch_kind(batch[0]) != kind:
                flush()
            batch.append(row)
            if len(batch) >= max_alerts:
                flush()
        else:
            flush()
            units.append(_Unit([row], row))
    flush()
    return units


def _combine(batch: Sequence[OutboxMessage]) -> AlertPayload | ReviewPayload:
    """The payloads of a batch (all alerts, or all review requests) as one."""
    alerts = [row.payload for row in batch if isinstance(row.payload, AlertPayload)]
    reviews = [row.payload for row in batch if isinstance(row.payload, ReviewPayload)]
    combined: AlertPayload | ReviewPayload
    if alerts:
        combined = alerts[0]
        for alert in alerts[1:]:
            combined = combined.with_more(alert)
        return combined
    combined = reviews[0]
    for review in reviews[1:]:
        combined = combined.with_more(review)
    return combined


def _batch_kind(row: OutboxMessage) -> str | None:
    """ "alert" or "review" for rows that group with their neighbours, else None."""
    if row.kind is OutboxKind.ALERT and not row.reply_to_key:
        return "alert" if isinstance(row.payload, AlertPayload) else None
    if row.kind is OutboxKind.NOTICE and isinstance(row.payload, ReviewPayload):
        return "review"
    return None
