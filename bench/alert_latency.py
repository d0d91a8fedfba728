"""Alert latency: from a report arriving (``IngestService.ingest``) to the alert request
reaching the fake Bot API, under load.

Setup: 1,000 chats on a real SQLite file, each following one thing (a city, a governorate or
a faction); a quarter follow what the reports are about, the rest follow Syrian and Yemeni
places the reports never name, so a report alerts about a dozen chats. 100 generated reports
(our own words) are ingested at a steady pace through the real services and the rules
extractor while the real ``Dispatcher`` + ``TelegramNotifier`` + PTB ``Bot`` deliver to the
fake server (its own process) under Telegram's real limits (30/s overall, 1/s per chat).

Production settings throughout (``build_services`` and ``DeliveryLimits`` defaults): alerts
are due at once and the dispatcher groups only what reaches a chat while its earlier alert is
being sent or within its one-second slot. Only first alerts are timed (updates to merged
incidents are not). Reports that queue fewer than 30 alerts (Telegram's per-second limit) are
reported apart from bigger bursts, whose queueing at 30/s is by design.
"""

from __future__ import annotations

import asyncio
import bisect
import random
import sqlite3
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from bench.fakeserver import ServerStats, serve
from bench.report import Row, percentile

if TYPE_CHECKING:
    from bench.extraction import Article
    from bot.domain.views import Target
    from bot.services import Services
    from storage.sqlite import SqliteStorage

FIRST_CHAT = 60_000_000
PACE = 1.5  # reports per second
BURST = 30  # alerts due at once beyond Telegram's 30/s queue by design: reported apart
_ELSEWHERE = ("Aleppo", "Idlib", "Raqqa", "Homs", "Sanaa", "Aden", "Taiz", "Marib", "Hodeidah")
_FACTIONS = ("Islamic State", "Asaib Ahl al-Haq", "Kataib Hezbollah", "PKK", "Peshmerga")


@dataclass
class _Timings:
    """What the drive records: when each report began and the outbox's last row after it."""

    begun_at: list[float] = field(default_factory=list)
    last_row: list[int] = field(default_factory=list)
    ingest_ms: list[float] = field(default_factory=list)


async def _run(quick: bool, progress: Callable[[str], None]) -> list[Row]:
    from bench.extraction import IRAQ_PLACES, generate_articles
    from bench.queries import bench_settings
    from bot.extract.actors import ActorRegistry
    from bot.extract.gazetteer import Gazetteer
    from bot.extract.pipeline import build_rules_extractor
    from bot.ports import SystemClock
    from bot.services import build_services
    from storage.sqlite import SqliteStorage

    chats = 300 if quick else 1_000
    reports = 30 if quick else 100
    gazetteer = Gazetteer.default()
    actors = ActorRegistry.default()
    clock = SystemClock()
    with tempfile.TemporaryDirectory(prefix="sitrep-alerts-") as folder:
        path = Path(folder) / "alerts.sqlite3"
        storage = await SqliteStorage.open(path)
        try:
            services = build_services(
                storage,
                build_rules_extractor(gazetteer, actors),
                gazetteer,
                actors,
                clock,
                bench_settings(),
            )
            progress(f"subscribing {chats:,} chats ...")
            await _subscribe(storage, services, chats)
            articles = generate_articles(
                reports, seed=21, places=IRAQ_PLACES, published=clock.now()
            )
            timings, stats = await _drive(storage, services, articles, path, progress)
        finally:
            await storage.close()
        sent, unsent = _read_outbox(path)
    return _rows(timings, stats, sent, unsent, chats=chats, reports=reports)


async def _subscribe(storage: SqliteStorage, services: Services, chats: int) -> None:
    """A quarter of the chats follow what the reports are about, the rest follow elsewhere."""
    from bench.extraction import IRAQ_PLACES
    from bot.domain import ChatType

    catalog = services.catalog
    relevant: list[Target] = []
    for name in IRAQ_PLACES:
        relevant += catalog.resolve_place(name).matches[:1]
        relevant += catalog.resolve_governorate(name).matches[:1]
    for name in _FACTIONS:
        relevant += (await catalog.resolve_actor(name)).matches[:1]
    relevant = list({(t.kind, t.key): t for t in relevant}.values())
    elsewhere: list[Target] = []
    for name in _ELSEWHERE:
        elsewhere += catalog.resolve_place(name).matches[:1]
    async with storage.transaction():
        for index in range(chats):
            chat_id = FIRST_CHAT + index
            await services.chats.ensure_chat(chat_id, ChatType.PRIVATE)
            pool = relevant if index % 4 == 0 else elsewhere
            await services.subscriptions.subscribe(chat_id, pool[index // 4 % len(pool)])


async def _drive(
    storage: SqliteStorage,
    services: Services,
    articles: Sequence[Article],
    path: Path,
    progress: Callable[[str], None],
) -> tuple[_Timings, ServerStats]:
    """Ingest the articles at a steady pace while the real dispatcher delivers to the fake API.

    Each alert is timed from the report whose ingest queued it (an alert queued when a later
    report raised the toll past a chat's threshold counts from that report).
    """
    from telegram import Bot
    from telegram.request import HTTPXRequest

    from bot.ports import SystemClock
    from bot.services.delivery import DeliveryLimits, Dispatcher
    from handlers.notifier import TelegramNotifier
    from tests.fakebotapi import TOKEN

    timings = _Timings()
    watcher = sqlite3.connect(path)
    try:
        with serve(30, 1.0) as server:
            bot = Bot(
                TOKEN, base_url=server.base_url, request=HTTPXRequest(connection_pool_size=64)
            )
            notifier = TelegramNotifier(bot, secrets=(TOKEN,))
            dispatcher = Dispatcher(storage, notifier, SystemClock(), limits=DeliveryLimits())
            services.outbox.wake_with(dispatcher.wake)  # as the composition root does
            stop = asyncio.Event()
            async with bot:
                task = asyncio.create_task(dispatcher.run_forever(stop))
                progress(f"ingesting {len(articles)} reports at {PACE:g}/s ...")
                rng = random.Random(5)
                for article in articles:
                    begun = time.monotonic()
                    await services.ingestion.ingest_text(
                        article.text,
                        title=article.title,
                        published_at=article.published,
                        url=f"https://news.example/{article.name}",
                    )
                    timings.ingest_ms.append((time.monotonic() - begun) * 1000)
                    timings.begun_at.append(begun)
                    last = watcher.execute("SELECT COALESCE(MAX(id), 0) FROM outbox").fetchone()
                    timings.last_row.append(last[0])
                    await asyncio.sleep(rng.expovariate(PACE))
                await _drain(storage)
                stop.set()
                await task
            return timings, server.stats()
    finally:
        watcher.close()


async def _drain(storage: SqliteStorage, limit: float = 120.0) -> None:
    """Wait (up to ``limit`` seconds) until nothing is pending or being sent."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        counts = await storage.outbox.counts()
        if counts.get("pending", 0) + counts.get("sending", 0) == 0:
            return
        await asyncio.sleep(0.25)


def _read_outbox(path: Path) -> tuple[list[tuple[int, int]], int]:
    """Bench-side read of what was sent (the storage API has no "list sent rows" call)."""
    conn = sqlite3.connect(path)
    try:
        sent = conn.execute(
            "SELECT id, sent_message_id FROM outbox WHERE kind = 'alert' AND status = 'sent'"
        ).fetchall()
        unsent = conn.execute("SELECT COUNT(*) FROM outbox WHERE status != 'sent'").fetchone()[0]
    finally:
        conn.close()
    return sent, int(unsent)


def _rows(
    timings: _Timings,
    stats: ServerStats,
    sent: list[tuple[int, int]],
    unsent: int,
    *,
    chats: int,
    reports: int,
) -> list[Row]:
    timed = []
    for row_id, message_id in sent:
        report = bisect.bisect_left(timings.last_row, row_id)
        if report < len(timings.begun_at) and message_id in stats.arrivals:
            timed.append((report, (stats.arrivals[message_id] - timings.begun_at[report]) * 1000))
    per_report: dict[int, int] = {}
    for report, _ in timed:
        per_report[report] = per_report.get(report, 0) + 1
    latencies = [ms for report, ms in timed if per_report[report] < BURST]
    bursts = [ms for report, ms in timed if per_report[report] >= BURST]
    load = f"{reports} reports at {PACE:g}/s, {chats:,} chats, {len(latencies)} alerts timed"
    burst_note = (
        f"{len(bursts)} alerts from reports alerting >= {BURST} chats: "
        f"p50 {percentile(bursts, 50):.0f} ms, p99 {percentile(bursts, 99):.0f} ms"
        if bursts
        else f"no report alerted {BURST} chats or more"
    )
    ingest_ms = timings.ingest_ms
    return [
        Row("alerts", "report in -> alert at Bot API: p50", percentile(latencies, 50), "ms",
            note=load),
        Row("alerts", "report in -> alert at Bot API: p99", percentile(latencies, 99), "ms",
            note="production settings; real limits 30/s, 1/s per chat; < 30 alerts due at once"),
        Row("alerts", "  bursts of >= 30 alerts (queued at 30/s)", percentile(bursts, 99)
            if bursts else 0.0, "ms", note=burst_note),
        Row("alerts", "  of which ingest (extract + store + queue): p99",
            percentile(ingest_ms, 99), "ms", note=f"p50 {percentile(ingest_ms, 50):.1f} ms"),
        Row("alerts", "  429 answers / messages not sent", float(stats.statuses.get(429, 0)),
            "", note=f"{unsent} outbox rows not sent"),
    ]  # fmt: skip


def run(quick: bool, progress: Callable[[str], None] = print) -> list[Row]:
    """Measure alert latency under load."""
    return asyncio.run(_run(quick, progress))
