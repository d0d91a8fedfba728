"""Several Sitrep instances on one PostgreSQL: fan-out with one and with three, and the cost of
the alternative we did not choose (a token bucket in PostgreSQL every sender would consult).

Needs a PostgreSQL server: ``SITREP_BENCH_POSTGRES_URL`` (or ``SITREP_TEST_POSTGRES_URL``);
each run uses a scratch database it drops afterwards.

Fan-out: the real ``Dispatcher``, ``TelegramNotifier`` and PTB ``Bot`` over HTTP to the fake
Bot API (``bench/fakeserver.py``, enforcing the limits), limits time-scaled like
``bench/fanout.py``. With three instances each runs ``bot.leader.Leadership`` exactly as
``bot.app`` does; the leader is killed (connections cut, tasks cancelled, no clean-up: what
SIGKILL leaves) after 40% of the chats got their digest, and another instance takes over.
Reported: rate, 429s, chats without the digest, duplicates, the failover gap.

Token bucket: ``SENDERS`` concurrent takers on three pools run the one-statement bucket from
research/round2.md (30/s, burst 30) for a few seconds; reported: grants/s against the 30/s
maximum and the round trip of each attempt (a shared limiter adds it to every message).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from bench.fakeserver import RunningServer, ServerStats, serve
from bench.report import Row, percentile

if TYPE_CHECKING:
    from bot.leader import Leadership
    from storage.postgres import PostgresStorage

FIRST_CHAT = 50_000_000
LEASE_SECONDS = 3.0
CHECK_SECONDS = 0.5
SENDERS = 12
BUCKET_SECONDS = 4.0


def server_url() -> str | None:
    """The PostgreSQL server to use, or None."""
    for name in ("SITREP_BENCH_POSTGRES_URL", "SITREP_TEST_POSTGRES_URL"):
        value = os.environ.get(name, "").strip()
        if value:
            return value
    return None


class _Instance:
    """One Sitrep process's sending side: storage, dispatcher, leadership."""

    def __init__(self, storage: PostgresStorage, server: RunningServer, scale: float) -> None:
        from telegram import Bot
        from telegram.request import HTTPXRequest

        from bot.leader import Leadership
        from bot.ports import SystemClock
        from bot.services.delivery import DeliveryLimits, Dispatcher
        from handlers.notifier import TelegramNotifier
        from tests.fakebotapi import TOKEN

        self.storage = storage
        self.bot = Bot(
            TOKEN, base_url=server.base_url, request=HTTPXRequest(connection_pool_size=64)
        )
        limits = DeliveryLimits(
            overall_per_second=round(30 * scale),
            per_chat_interval=1.0 / scale,
            group_window=60.0 / scale,
            idle_interval=0.05,
        )
        self.dispatcher = Dispatcher(
            storage, TelegramNotifier(self.bot, secrets=(TOKEN,)), SystemClock(), limits=limits
        )
        self.stop = asyncio.Event()
        self.closing = asyncio.Event()
        self.task: asyncio.Task[None] | None = None
        self.leadership: Leadership = Leadership(
            storage, self._start, self._stop, interval=CHECK_SECONDS
        )
        self.loop_task: asyncio.Task[None] | None = None
        self.led_at: float | None = None

    async def _start(self) -> None:
        self.led_at = time.monotonic()
        await self.dispatcher.recover()
        self.stop.clear()
        self.task = asyncio.create_task(self.dispatcher.run_forever(self.stop))

    async def _stop(self) -> None:
        self.stop.set()
        if self.task is not None:
            await self.task
            self.task = None

    async def begin(self) -> None:
        await self.bot.initialize()
        self.loop_task = asyncio.create_task(self.leadership.run(self.closing))

    async def kill(self) -> None:
        """What SIGKILL leaves: tasks gone mid-send, connections cut, nothing cleaned up."""
        for task in (self.loop_task, self.task):
            if task is not None:
                task.cancel()
                with contextlib.suppress(BaseException):
                    await task
        self.storage.abandon()
        with contextlib.suppress(Exception):
            await self.bot.shutdown()

    async def end(self) -> None:
        self.closing.set()
        if self.loop_task is not None:
            await self.loop_task
        await self.leadership.resign()
        await self.bot.shutdown()
        await self.storage.close()


async def _fanout(
    url: str, chats: int, instances: int, scale: float, progress: Callable[[str], None]
) -> list[Row]:
    from bench.fanout import fill_outbox
    from storage.postgres import PostgresStorage

    overall = round(30 * scale)
    stores = [
        await PostgresStorage.open(url, lease_seconds=LEASE_SECONDS) for _ in range(instances)
    ]
    progress(f"queueing a digest for {chats:,} chats on PostgreSQL ...")
    parts = await fill_outbox(stores[0], chats)
    with serve(overall, 1.0 / scale) as server:
        fleet = [_Instance(store, server, scale) for store in stores]
        for instance in fleet:
            await instance.begin()
        started = time.monotonic()
        killed_at: float | None = None
        takeover: float | None = None
        deadline = started + chats / overall * 4 + 60
        alive = list(fleet)
        while time.monotonic() < deadline:
            await asyncio.sleep(0.2)
            stats = await asyncio.to_thread(server.stats)
            if instances > 1 and killed_at is None and stats.accepted >= chats * parts * 0.4:
                leader = next(i for i in alive if i.leadership.leading)
                progress(f"killing the leader after {stats.accepted:,} messages ...")
                await leader.kill()
                alive.remove(leader)
                killed_at = time.monotonic()
            if killed_at is not None and takeover is None:
                new = [i.led_at for i in alive if i.led_at is not None and i.led_at > killed_at]
                takeover = min(new) - killed_at if new else None
            counts = await alive[0].storage.outbox.counts()
            if counts["pending"] + counts["sending"] == 0:
                break
        elapsed = time.monotonic() - started
        for instance in alive:
            await instance.end()
        stats = await asyncio.to_thread(server.stats)
    return _rows(
        stats, elapsed, takeover, chats=chats, parts=parts, instances=instances, scale=scale
    )


def _rows(
    stats: ServerStats,
    elapsed: float,
    takeover: float | None,
    *,
    chats: int,
    parts: int,
    instances: int,
    scale: float,
) -> list[Row]:
    """The table rows for one fleet size: rate, limit violations, losses, duplicates, failover."""
    overall = round(30 * scale)
    expected = range(FIRST_CHAT, FIRST_CHAT + chats)
    lost = sum(1 for chat in expected if stats.per_chat.get(chat, 0) == 0)
    duplicated = sum(max(0, stats.per_chat.get(chat, 0) - parts) for chat in expected)
    label = f"{instances} instance{'s' if instances > 1 else ''}"
    rows = [
        Row("instances", f"PostgreSQL, {label}: digest to {chats:,} chats", stats.rate(),
            "msg/s", "scaled 30/s limit", float(overall),
            f"time-scaled {scale:g}x; wall clock {stats.accepted / elapsed:.0f} msg/s"),
        Row("instances", f"  {label}: 429 answers / limit violations",
            float(stats.statuses.get(429, 0) + stats.limit_violations), "", note="goal 0"),
        Row("instances", f"  {label}: chats without the digest", float(lost), "", note="goal 0"),
        Row("instances", f"  {label}: duplicates", float(duplicated), "",
            note="goal 0 (a send in flight when the leader dies may repeat)"),
    ]  # fmt: skip
    if instances > 1:
        rows.append(
            Row("instances", f"  {label}: failover after the leader was killed",
                (takeover or float("nan")) * 1000, "ms",
                note=f"leader check every {CHECK_SECONDS:g} s; claims lease {LEASE_SECONDS:g} s")
        )  # fmt: skip
    return rows


async def _token_bucket(url: str) -> list[Row]:
    """The shared-limiter alternative: grants/s and the round trip per attempt."""
    import asyncpg

    setup = await asyncpg.connect(url)
    try:
        await setup.execute(
            "CREATE TABLE IF NOT EXISTS bench_bucket (name text PRIMARY KEY, tokens float8, "
            "updated_at timestamptz); DELETE FROM bench_bucket; "
            "INSERT INTO bench_bucket VALUES ('all', 30, clock_timestamp())"
        )
    finally:
        await setup.close()
    take = (
        "UPDATE bench_bucket SET tokens = LEAST(30, tokens + 30 * EXTRACT(EPOCH FROM "
        "clock_timestamp() - updated_at)) - 1, updated_at = clock_timestamp() WHERE name = 'all' "
        "AND LEAST(30, tokens + 30 * EXTRACT(EPOCH FROM clock_timestamp() - updated_at)) >= 1 "
        "RETURNING tokens"
    )
    pools = [await asyncpg.create_pool(url, min_size=4, max_size=4) for _ in range(3)]
    latencies: list[float] = []
    grants = 0
    end = time.monotonic() + BUCKET_SECONDS

    async def taker(pool: asyncpg.Pool) -> None:
        nonlocal grants
        while time.monotonic() < end:
            began = time.perf_counter()
            granted = await pool.fetchval(take)
            latencies.append((time.perf_counter() - began) * 1000)
            if granted is not None:
                grants += 1
            else:
                await asyncio.sleep(1 / 30)

    await asyncio.gather(*(taker(pools[i % 3]) for i in range(SENDERS)))
    for pool in pools:
        await pool.close()
    return [
        Row("instances", "PostgreSQL token bucket: grants/s, 3 pools", grants / BUCKET_SECONDS,
            "msg/s", "30/s limit", 30.0, f"{SENDERS} concurrent takers, not chosen"),
        Row("instances", "  round trip per attempt, p50", percentile(latencies, 50), "ms",
            note=f"{len(latencies):,} attempts"),
        Row("instances", "  round trip per attempt, p99", percentile(latencies, 99), "ms"),
    ]  # fmt: skip


async def _run(chats: int, scale: float, progress: Callable[[str], None]) -> list[Row]:
    from tests.postgres import create_database, drop_database, scratch_name, with_database

    base = server_url()
    if base is None:
        progress("instances: no PostgreSQL (set SITREP_BENCH_POSTGRES_URL); skipped")
        return []
    rows: list[Row] = []
    for instances in (1, 3):
        name = scratch_name("sitrep_bench")
        await create_database(base, name)
        try:
            rows += await _fanout(with_database(base, name), chats, instances, scale, progress)
        finally:
            await drop_database(base, name)
    name = scratch_name("sitrep_bench")
    await create_database(base, name)
    try:
        rows += await _token_bucket(with_database(base, name))
    finally:
        await drop_database(base, name)
    return rows


def run(chats: int, scale: float, progress: Callable[[str], None] = print) -> list[Row]:
    """Fan-out with one and three instances on PostgreSQL, and the token-bucket alternative."""
    return asyncio.run(_run(chats, scale, progress))
