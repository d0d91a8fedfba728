"""Several ``sitrep run`` processes on one PostgreSQL against the fake Bot API (limits enforced).

Chats subscribe to a governorate and have a digest time that has just passed; a report is
ingested through a separate ``sitrep ingest`` process. Three bots start; the leader is SIGKILLed
mid fan-out and a fourth process starts. Every chat must get its alert and its digest, the
server must never see the bot exceed 30 msg/s or 1 msg/s per chat, and a chat that got a
message twice must be one whose row was claimed again after the kill (the lost-answer window:
Telegram accepted it, the dead leader never recorded it).

``SITREP_FLEET_CHATS`` sets the number of chats (default 300; the issue's proof uses 2000,
about two and a half minutes at Telegram's 30 msg/s).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import asyncpg
import pytest

from bot.domain import Chat, ChatType, Subscription, SubscriptionKind
from storage.postgres import PostgresStorage
from storage.postgres.connection import LEADER_APPLICATION
from tests.fakebotapi import FakeBotAPI
from tests.fault.conftest import SECRET_TOKEN
from tests.fault.test_cli_process import Process, sitrep
from tests.postgres import (
    scratch_database,
)

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

CHATS = int(os.environ.get("SITREP_FLEET_CHATS", "300"))
FIRST_CHAT = 7_000_000
REPORT = (
    "BASRA, Iraq - A roadside bomb exploded beside a police patrol in central Basra on Monday "
    "morning, killing two officers and wounding three others, a police source said.\n"
)


@pytest.fixture
async def fleet_url(postgres_url: str) -> AsyncIterator[str]:
    """A brand-new database for the fleet."""
    async with scratch_database(postgres_url, "sitrep_fleet") as url:
        yield url


@pytest.fixture
def api() -> Iterator[FakeBotAPI]:
    """The fake Bot API answering 429 (and counting it) whenever the bot floods."""
    with FakeBotAPI(enforce_limits=True) as server:
        yield server


def _env(api: FakeBotAPI, url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "SITREP_"))}
    env.update(
        TELEGRAM_BOT_TOKEN=SECRET_TOKEN,
        TELEGRAM_API_BASE_URL=api.base_url,
        SITREP_DATABASE=url,
        SITREP_LOG_LEVEL="INFO",
        PYTHONUNBUFFERED="1",
    )
    return env


async def _prepare(url: str) -> None:
    now = dt.datetime.now(dt.UTC)
    digest_at = (now - dt.timedelta(minutes=2)).time().replace(second=0, microsecond=0)
    if digest_at > now.time():  # just after midnight: keep it earlier today
        digest_at = dt.time(0, 0)
    async with await PostgresStorage.open(url) as store, store.transaction():
        for index in range(CHATS):
            chat_id = FIRST_CHAT + index
            await store.chats.upsert(
                Chat(id=chat_id, type=ChatType.PRIVATE, timezone="UTC", digest_time=digest_at)
            )
            await store.subscriptions.add(
                Subscription(
                    chat_id=chat_id, kind=SubscriptionKind.ADMIN1, key="IQ-BA", label="Basra"
                )
            )


async def _leader_pid(url: str) -> int | None:
    conn = await asyncpg.connect(url)
    try:
        name = await conn.fetchval(
            "SELECT application_name FROM pg_stat_activity"
            " WHERE datname = current_database() AND application_name LIKE $1",
            f"{LEADER_APPLICATION} %",
        )
    finally:
        await conn.close()
    return None if name is None else int(str(name).split()[1].split(":")[1])


async def _outbox(url: str) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(url)
    try:
        return list(await conn.fetch("SELECT chat_id, kind, status, attempts FROM outbox"))
    finally:
        await conn.close()


async def _wait(predicate: Callable[[], Awaitable[bool]], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not await predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.5)


async def test_fleet_sends_each_alert_and_digest_once_through_a_leader_crash(
    api: FakeBotAPI, fleet_url: str, tmp_path: Path
) -> None:
    await _prepare(fleet_url)
    env = _env(api, fleet_url)
    (tmp_path / "report.txt").write_text(REPORT, encoding="utf-8")
    today = dt.datetime.now(dt.UTC).date().isoformat()
    ingest = sitrep(env, tmp_path, "ingest", "report.txt", "--published", today)
    assert await asyncio.to_thread(ingest.wait, 120) == 0, ingest.err
    alerts = [r for r in await _outbox(fleet_url) if r["kind"] == "alert"]
    assert len(alerts) == CHATS

    bots: list[Process] = [sitrep(env, tmp_path, "run") for _ in range(3)]
    try:
        expected = 2 * CHATS  # an alert and a digest per chat

        async def halfway() -> bool:
            return len(api.messages) >= expected * 0.4

        await _wait(halfway, 120 + expected / 30, "40% of the messages")
        leader = await _leader_pid(fleet_url)
        assert leader is not None
        victim = next(bot for bot in bots if bot.popen.pid == leader)
        victim.popen.send_signal(signal.SIGKILL)
        victim.wait(30)
        bots.remove(victim)
        bots.append(sitrep(env, tmp_path, "run"))  # a restart joins the fleet

        async def all_sent() -> bool:
            rows = await _outbox(fleet_url)
            return len(rows) == expected and all(r["status"] == "sent" for r in rows)

        # The killed leader's claims return after the 30 s lease.
        await _wait(all_sent, 180 + expected / 30, "every outbox row to be sent")
    finally:
        for bot in bots:
            bot.terminate()
    received: dict[int, int] = {}
    for message in api.messages:
        received[message.chat_id] = received.get(message.chat_id, 0) + 1
    chats = range(FIRST_CHAT, FIRST_CHAT + CHATS)
    assert [c for c in chats if received.get(c, 0) < 2] == []
    reclaimed = {r["chat_id"] for r in await _outbox(fleet_url) if r["attempts"] > 1}
    duplicated = {c for c in chats if received.get(c, 0) > 2}
    assert duplicated <= reclaimed
    assert len(duplicated) <= 100  # at most one claimed batch was in the dead leader's hands
    assert api.limit_violations == 0
    for bot in bots:
        assert SECRET_TOKEN.split(":", 1)[1] not in bot.err
