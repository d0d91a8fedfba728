"""Fan-out: one digest to N chats through a fake Bot API that enforces Telegram's limits.

Real parts: ``SqliteStorage`` (outbox rows on a temporary file), the ``Dispatcher`` with its
pacer, ``TelegramNotifier`` and python-telegram-bot's ``Bot`` over HTTP to the fake server
(``bench/fakeserver.py``, in its own process). The limits are TIME-SCALED on both sides by the
same factor (default 10x: 300 messages/s overall, one message per chat every 0.1 s), so that
10,000 chats take about 33 s instead of 5.5 minutes; the result is reported as a ratio of the
scaled limit. The digest itself is composed by ``DigestService`` from a few incidents, once,
and queued for every chat with the same key scheme as ``DigestService.queue_due``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from bench.fakeserver import serve
from bench.report import Row

if TYPE_CHECKING:
    from bot.services.delivery import Dispatcher
    from storage.base import Storage
    from storage.sqlite import SqliteStorage

TELEGRAM_OVERALL = 30
TELEGRAM_PER_CHAT = 1.0
FIRST_CHAT = 50_000_000


async def _prepare(path: Path, chats: int) -> tuple[SqliteStorage, int]:
    """A database with ``chats`` chats and one queued digest each; (storage, parts/message)."""
    from storage.sqlite import SqliteStorage

    storage = await SqliteStorage.open(path)
    return storage, await fill_outbox(storage, chats)


async def fill_outbox(storage: Storage, chats: int) -> int:
    """Store ``chats`` chats and queue one digest each; return the parts per message."""
    from bench.queries import NoExtractor, _catalog, _make_incident, bench_settings
    from bot.domain import Chat, DigestPayload, OutboxKind, OutboxMessage
    from bot.extract.actors import ActorRegistry
    from bot.extract.gazetteer import Gazetteer
    from bot.ports import SystemClock
    from bot.services import build_services
    from bot.services.digests import digest_key
    from handlers.html import split_html
    from handlers.outbox_render import render_outbox

    clock = SystemClock()
    now = clock.now()
    catalog = _catalog()
    rng = random.Random(3)
    async with storage.transaction():
        for index in range(chats):
            await storage.chats.upsert(Chat(id=FIRST_CHAT + index, timezone="Asia/Baghdad"))
        for number in range(8):
            incident = _make_incident(rng, catalog, number + 1).model_copy(
                update={
                    "id": None,
                    "date": now.date(),
                    "created_at": now - dt.timedelta(hours=2),
                    "updated_at": now - dt.timedelta(hours=2),
                }
            )
            await storage.incidents.add(incident)
    services = build_services(
        storage,
        NoExtractor(),
        Gazetteer.default(),
        ActorRegistry.default(),
        clock,
        bench_settings(),
    )
    digest = await services.digests.compose(FIRST_CHAT)
    parts = 0
    async with storage.transaction():
        for index in range(chats):
            chat_id = FIRST_CHAT + index
            message = OutboxMessage(
                chat_id=chat_id,
                kind=OutboxKind.DIGEST,
                idempotency_key=digest_key(chat_id, digest.local_date),
                payload=DigestPayload(digest=digest.model_copy(update={"chat_id": chat_id})),
                next_attempt_at=now,
            )
            if not parts:
                parts = len(split_html(render_outbox(message)))
            await storage.outbox.enqueue(message)
    return parts


async def _drain(storage: Storage, dispatcher: Dispatcher, timeout: float) -> float:
    """Run the dispatcher until the outbox is empty; return the seconds it took."""
    stop = asyncio.Event()
    started = time.monotonic()
    task = asyncio.create_task(dispatcher.run_forever(stop))
    try:
        while time.monotonic() - started < timeout:
            await asyncio.sleep(0.25)
            counts = await storage.outbox.counts()
            if counts.get("pending", 0) + counts.get("sending", 0) == 0:
                break
    finally:
        stop.set()
        await task
    return time.monotonic() - started


async def _run(chats: int, scale: float, progress: Callable[[str], None]) -> list[Row]:
    from telegram import Bot
    from telegram.request import HTTPXRequest

    from bot.ports import SystemClock
    from bot.services.delivery import DeliveryLimits, Dispatcher
    from handlers.notifier import TelegramNotifier
    from tests.fakebotapi import TOKEN

    overall = round(TELEGRAM_OVERALL * scale)
    per_chat = TELEGRAM_PER_CHAT / scale
    with tempfile.TemporaryDirectory(prefix="sitrep-fanout-") as folder:
        progress(f"queueing a digest for {chats:,} chats ...")
        storage, parts = await _prepare(Path(folder) / "fanout.sqlite3", chats)
        try:
            with serve(overall, per_chat) as server:
                bot = Bot(
                    TOKEN,
                    base_url=server.base_url,
                    request=HTTPXRequest(connection_pool_size=64),
                )
                limits = DeliveryLimits(
                    overall_per_second=overall,
                    per_chat_interval=per_chat,
                    group_window=60.0 / scale,
                    idle_interval=0.05,
                )
                dispatcher = Dispatcher(
                    storage, TelegramNotifier(bot, secrets=(TOKEN,)), SystemClock(), limits=limits
                )
                async with bot:
                    progress(f"sending at a {overall}/s limit ({scale:g}x Telegram's 30/s) ...")
                    elapsed = await _drain(storage, dispatcher, timeout=chats / overall * 4 + 60)
                stats = server.stats()
            counts = await storage.outbox.counts()
        finally:
            await storage.close()
    expected = set(range(FIRST_CHAT, FIRST_CHAT + chats))
    lost = sum(1 for chat in expected if stats.per_chat.get(chat, 0) == 0)
    duplicated = sum(max(0, stats.per_chat.get(chat, 0) - parts) for chat in expected)
    too_many = stats.statuses.get(429, 0)
    rate = stats.rate()
    scaled = (
        f"limits time-scaled {scale:g}x: {overall}/s overall, 1 per chat per {per_chat:g} s"
        if scale != 1
        else "Telegram's real limits: 30/s overall, 1 per chat per second"
    )
    limit_name = "scaled 30/s limit" if scale != 1 else "30/s limit"
    return [
        Row("fanout", f"digest to {chats:,} chats: achieved rate", rate, "msg/s",
            limit_name, float(overall), scaled),
        Row("fanout", "  same, wall clock incl. start and drain", stats.accepted / elapsed,
            "msg/s", limit_name, float(overall),
            f"{stats.accepted:,} accepted in {elapsed:.1f} s"),
        Row("fanout", "  429 answers provoked", float(too_many), "", note="goal 0"),
        Row("fanout", "  messages lost (chats without the digest)", float(lost), "",
            note=f"goal 0; outbox {counts}"),
        Row("fanout", "  messages duplicated", float(duplicated), "",
            note=f"goal 0; {parts} part(s) per digest"),
    ]  # fmt: skip


def run(chats: int, scale: float, progress: Callable[[str], None] = print) -> list[Row]:
    """Fan one digest out to ``chats`` chats and measure."""
    return asyncio.run(_run(chats, scale, progress))
