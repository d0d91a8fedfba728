"""What an admin sees with /status: counts, the outbox queue, the last ingest and last error."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from bot.domain import Chat, ChatType, OutboxKind, OutboxMessage, TextPayload
from bot.domain.views import ExtractorHealth, StatusReport
from bot.ports import Clock, Extractor, ReportsHealth
from bot.services.outbox import Outbox
from storage.base import Storage

logger = logging.getLogger(__name__)

META_LAST_INGEST = "last_ingest_at"
META_LAST_ERROR = "last_error"
META_LAST_ERROR_AT = "last_error_at"
META_HEARTBEAT = "heartbeat_at"
MAX_ERROR_CHARS = 500


async def notify_admins(
    storage: Storage,
    outbox: Outbox,
    now: dt.datetime,
    *,
    admin_ids: Iterable[int],
    text: str,
    key: str,
) -> int:
    """Queue ``text`` to each admin's private chat once per ``key`` (``key:admin``); how many
    were new. An admin's private chat has the admin's user id; it may not be stored yet."""
    queued = 0
    for admin_id in sorted(set(admin_ids)):
        if await storage.chats.get(admin_id) is None:
            await storage.chats.upsert(Chat(id=admin_id, type=ChatType.PRIVATE, created_at=now))
        _, is_new = await outbox.enqueue(
            OutboxMessage(
                chat_id=admin_id,
                kind=OutboxKind.NOTICE,
                idempotency_key=f"{key}:{admin_id}",
                payload=TextPayload(text=text),
                next_attempt_at=now,
            )
        )
        queued += int(is_new)
    return queued


def _parse_time(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=dt.UTC)


class AdminService:
    """Health and counts for admins."""

    def __init__(
        self,
        storage: Storage,
        clock: Clock,
        extractor: Extractor | None = None,
        outbox: Outbox | None = None,
    ) -> None:
        self._storage = storage
        self._clock = clock
        self._extractor: object = extractor
        self._outbox = outbox or Outbox(storage)

    def extractor_health(self) -> ExtractorHealth:
        """Which extractor runs and, for a language model, whether the rules answer alone."""
        if isinstance(self._extractor, ReportsHealth):
            try:
                return self._extractor.health()
            except Exception:  # status must answer even if the extractor is confused
                logger.exception("could not read the extractor's health")
        return ExtractorHealth()

    async def status(self) -> StatusReport:
        """Counts of reports, incidents, chats, subscriptions, feeds; outbox by status."""
        meta = self._storage.meta
        return StatusReport(
            reports=await self._storage.reports.count(),
            incidents=await self._storage.incidents.count(None),
            chats=await self._storage.chats.count(active_only=True),
            subscriptions=await self._storage.subscriptions.count(),
            feeds=len(await self._storage.feeds.list()),
            outbox=dict(await self._storage.outbox.counts()),
            last_ingest_at=_parse_time(await meta.get(META_LAST_INGEST)),
            last_error=await meta.get(META_LAST_ERROR),
            last_error_at=_parse_time(await meta.get(META_LAST_ERROR_AT)),
            extractor=self.extractor_health(),
        )

    async def beat(self) -> None:
        """Record that the running bot is alive (its event loop and database work)."""
        await self._storage.meta.set(META_HEARTBEAT, self._clock.now().isoformat())

    async def heartbeat_age(self) -> dt.timedelta | None:
        """How long ago the running bot last beat; None when it never has."""
        last = _parse_time(await self._storage.meta.get(META_HEARTBEAT))
        return None if last is None else self._clock.now() - last

    async def notify_admins(self, admin_ids: Iterable[int], text: str, key: str) -> int:
        """Queue ``text`` to each admin's private chat once per ``key``; how many were new."""
        now = self._clock.now()
        return await notify_admins(
            self._storage, self._outbox, now, admin_ids=admin_ids, text=text, key=key
        )

    async def record_error(self, error: str) -> None:
        """Remember the last error for /status (truncated; never raises)."""
        try:
            await self._storage.meta.set(META_LAST_ERROR, error[:MAX_ERROR_CHARS])
            await self._storage.meta.set(META_LAST_ERROR_AT, self._clock.now().isoformat())
        except Exception:  # a broken database must not hide the original error
            logger.exception("could not record the last error")
