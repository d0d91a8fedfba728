"""Telegram's sending limits as the dispatcher keeps them: per chat, per group, overall.

One message per second to a chat, twenty a minute to a group, about thirty a second in all;
a 429 pauses everything for the time Telegram asks.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DeliveryLimits:
    """Telegram's flood limits and our retry policy (tests shrink the intervals)."""

    overall_per_second: float = 30.0
    # Sends are spaced for this share of the overall limit: what leaves evenly here arrives
    # with network and scheduling jitter, and Telegram counts arrivals in its own window.
    pace_margin: float = 0.97
    # A send still unanswered this long after it left is taken as counted at that moment
    # (bounds how long one slow request can hold the overall window).
    in_flight_stamp: float = 0.5
    per_chat_interval: float = 1.0  # seconds between two messages to one chat
    group_per_minute: int = 20
    group_window: float = 60.0
    max_attempts: int = 12  # about an hour of transient failures before giving up
    backoff_base: float = 2.0  # seconds; doubled per attempt, with jitter
    backoff_cap: float = 900.0
    max_inline_retry_after: int = 5  # 429s absorbed within one pass before re-queueing
    batch_size: int = 100
    max_grouped_alerts: int = 10  # a burst of alerts to one chat becomes one message
    concurrency: int = 32  # chats served in parallel
    idle_interval: float = 1.0  # seconds between polls of an empty outbox
    reply_wait: float = 5.0  # an update whose alert is not out yet waits this long


@dataclass(slots=True)
class _Send:
    """One granted send: when it left and, once answered, when the answer came."""

    granted: float
    done: float | None = None


class Pacer:
    """Sliding-window limits (overall, per chat, per group) plus a global pause on 429.

    Telegram stamps a message somewhere between the moment it leaves and the moment the answer
    comes back. The overall window therefore counts each send at the latest moment it can have
    been stamped (its answer, see :meth:`finished`), so jitter on the way never makes Telegram
    see more sends in one second than the limit; even spacing at ``pace_margin`` of the limit
    keeps that window from binding when answers are quick.
    """

    def __init__(
        self,
        limits: DeliveryLimits,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        """Pace with ``limits``; time and sleep are injectable for tests."""
        self._limits = limits
        self._now = monotonic
        self._sleep = sleep
        self._recent: deque[_Send] = deque()
        self._in_flight: dict[int, _Send] = {}
        self._next_any = 0.0
        self._chat_next: dict[int, float] = {}
        self._group_sends: dict[int, deque[float]] = {}
        self._paused_until = 0.0

    def _stamp(self, send: _Send, now: float) -> float:
        """The latest moment Telegram can have counted this send."""
        if send.done is not None:
            return send.done
        return min(now, send.granted + self._limits.in_flight_stamp)

    def finished(self, chat_id: int) -> None:
        """The send to this chat got its answer (any answer): Telegram has counted it by now."""
        send = self._in_flight.pop(chat_id, None)
        if send is not None:
            send.done = self._now()

    def pause(self, seconds: float) -> None:
        """Stop every send for ``seconds`` (Telegram's retry_after applies to the whole bot)."""
        self._paused_until = max(self._paused_until, self._now() + max(0.0, seconds))

    def _wait_for(self, chat_id: int, is_group: bool) -> float:
        now = self._now()
        # Evenly spaced sends (no bursts): a burst that arrives late at Telegram would land in
        # the next second's window and trip the overall limit.
        waits = [
            self._paused_until - now,
            self._chat_next.get(chat_id, 0.0) - now,
            self._next_any - now,
        ]
        # Sliding windows, not bursty buckets: never more than N sends in any window.
        overall = self._recent
        while overall and self._stamp(overall[0], now) <= now - 1.0:
            overall.popleft()
        if len(overall) >= self._limits.overall_per_second:
            stamps = sorted(self._stamp(send, now) for send in overall)
            excess = len(stamps) - math.ceil(self._limits.overall_per_second)
            waits.append(stamps[max(0, excess)] + 1.0 - now)
        if is_group:
            sends = self._group_sends.setdefault(chat_id, deque())
            while sends and sends[0] <= now - self._limits.group_window:
                sends.popleft()
            if len(sends) >= self._limits.group_per_minute:
                waits.append(sends[0] + self._limits.group_window - now)
        return max(waits)

    async def wait_chat_slot(self, chat_id: int, abort: Callable[[], bool]) -> None:
        """Wait until this chat may get its next message (at once if it had none lately)."""
        while not abort():
            wait = self._chat_next.get(chat_id, 0.0) - self._now()
            if wait <= 1e-6:
                return
            await self._sleep(max(1e-3, min(wait, 0.5)))

    async def wait_turn(
        self, chat_id: int, is_group: bool, abort: Callable[[], bool] | None = None
    ) -> bool:
        """Wait until a message to this chat is allowed and take the slot; False if aborted."""
        while True:
            if abort is not None and abort():
                return False
            wait = self._wait_for(chat_id, is_group)
            if wait <= 1e-6:
                break
            # Sleep in short slices so a stop request is noticed during a long pause.
            await self._sleep(max(1e-3, min(wait, 0.5) if abort is not None else wait))
        now = self._now()
        send = _Send(now)
        self._recent.append(send)
        self._in_flight[chat_id] = send
        interval = 1.0 / (self._limits.overall_per_second * self._limits.pace_margin)
        # Schedule from the slot, not from the (slightly late) grant: timers overshoot by a
        # millisecond or so, and adding that to every interval cost 8-12% of the limit. A
        # grant later than a whole interval (an idle spell, a pause) starts a new grid.
        slot = self._next_any
        self._next_any = (slot if 0.0 <= now - slot < interval else now) + interval
        # Per chat, from when this send left, with the same margin for jitter on the way.
        self._chat_next[chat_id] = now + self._limits.per_chat_interval / self._limits.pace_margin
        if is_group:
            self._group_sends.setdefault(chat_id, deque()).append(now)
        return True
