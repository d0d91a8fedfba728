"""The outbox as the services queue into it: a message that is new wakes delivery by itself.

Nobody who queues has to remember to wake the dispatcher (the feed poll once forgot); the
composition root tells the one :class:`Outbox` whom to wake.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.domain import OutboxMessage
from storage.base import Storage


def _nobody() -> None:
    """No delivery is running (the CLI, a test of one service): queued rows wait for one."""


class Outbox:
    """Queue messages for delivery; each new row wakes the waker."""

    def __init__(self, storage: Storage) -> None:
        """Queue into ``storage``'s outbox (looked up at each call: a rollback may rebind it)."""
        self._storage = storage
        self._wake: Callable[[], None] = _nobody

    def wake_with(self, wake: Callable[[], None]) -> None:
        """Call ``wake`` (the running dispatcher's) whenever a new message is queued."""
        self._wake = wake

    async def enqueue(self, message: OutboxMessage) -> tuple[OutboxMessage, bool]:
        """Queue a message (idempotent on its key); return the row and whether it is new."""
        row, created = await self._storage.outbox.enqueue(message)
        if created:
            self._wake()
        return row, created
