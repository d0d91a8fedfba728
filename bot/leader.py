"""Leader election: on a shared database one process sends the outbox and runs scheduled work.

Every process answers updates (polling or webhook) and ingests; only the leader drains the
outbox (so Telegram's bot-wide limits hold with one pacer) and runs the digest and feed jobs
(so each runs once). On SQLite the one process is always the leader. On PostgreSQL the leader
holds a session advisory lock; when it stops or crashes the lock is freed and another process
takes over at its next check (``CHECK_SECONDS``). Why one sender and not a shared limiter:
docs/multi-instance.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from storage.base import Backend

logger = logging.getLogger(__name__)

CHECK_SECONDS = 5.0

Duty = Callable[[], Awaitable[None]]


class Leadership:
    """Start the leader's duties when this process becomes leader, stop them when it is not."""

    def __init__(
        self,
        storage: Backend,
        start: Duty,
        stop: Duty,
        *,
        interval: float = CHECK_SECONDS,
    ) -> None:
        """Watch ``storage``'s leadership; ``start``/``stop`` begin and end the duties."""
        self._storage = storage
        self._start = start
        self._stop = stop
        self._interval = interval
        self.leading = False

    async def check(self) -> bool:
        """Try to lead now; start or stop the duties on a change. Returns whether leading."""
        try:
            leads = await self._storage.try_lead()
        except Exception:
            logger.exception("leader check failed; acting as a follower until the next one")
            leads = False
        if leads and not self.leading:
            self.leading = True
            logger.info("leading: sending the outbox and running scheduled work")
            await self._start()
        elif not leads and self.leading:
            self.leading = False
            logger.warning("no longer the leader: stopping sends and scheduled work")
            await self._stop()
        return self.leading

    async def run(self, stop: asyncio.Event) -> None:
        """Check every ``interval`` seconds until ``stop`` is set."""
        while not stop.is_set():
            try:
                await self.check()
            except Exception:  # starting or stopping the duties failed: try again next time
                logger.exception("leader duties could not change state")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self._interval)

    async def resign(self) -> None:
        """Stop the duties (if running) and give the lock back, so another process leads."""
        if self.leading:
            self.leading = False
            await self._stop()
        await self._storage.release_leadership()
