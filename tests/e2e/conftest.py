"""End-to-end fixtures: the real application, long polling a fake Bot API on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.app import (
    AppContext,
    build_application,
    open_context,
    start_application,
    stop_application,
)
from bot.config import Settings
from bot.services.delivery import DeliveryLimits
from tests.fakebotapi import TOKEN, FakeBotAPI

ADMIN_ID = 900
# Quick pacing for tests that are not about pacing; backoff in tenths of a second.
FAST = DeliveryLimits(
    per_chat_interval=0.05,
    idle_interval=0.05,
    backoff_base=0.05,
    backoff_cap=0.5,
    reply_wait=0.2,
)

# Reports written for these tests (facts invented, wording ours).
FIRST_REPORT = (
    "BASRA, Iraq - Gunmen clashed with police at a checkpoint in Basra on Monday, "
    "killing two people and wounding five, police said."
)
TOLL_REPORT = (
    "Four people were killed in Monday's clash between gunmen and police at a checkpoint "
    "in Basra, police said on Tuesday."
)


class OffsetClock:
    """Real time, shifted: starts at ``start`` and runs; tests jump it forward."""

    def __init__(self, start: dt.datetime) -> None:
        self._base = start
        self._started = time.monotonic()

    def now(self) -> dt.datetime:
        """The shifted current time (aware, UTC)."""
        return self._base + dt.timedelta(seconds=time.monotonic() - self._started)

    def jump(self, delta: dt.timedelta) -> None:
        """Move forward by ``delta``."""
        self._base += delta


def early_morning() -> dt.datetime:
    """Tomorrow 02:00 UTC = 05:00 in Baghdad: before the 07:00 default digest time."""
    tomorrow = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1)
    return dt.datetime.combine(tomorrow, dt.time(2, 0), tzinfo=dt.UTC)


@pytest.fixture
def api() -> Iterator[FakeBotAPI]:
    """A fake Bot API server (no flood enforcement unless a test turns it on)."""
    with FakeBotAPI() as server:
        yield server


@pytest.fixture
def clock() -> OffsetClock:
    """The services' clock, controllable by jumps."""
    return OffsetClock(early_morning())


def e2e_settings(api: FakeBotAPI, tmp_path: Path, **overrides: Any) -> Settings:
    """Settings pointing the bot at the fake server and a fresh database under ``tmp_path``,
    with ``overrides`` (environment and .env ignored)."""
    values: dict[str, Any] = {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": api.base_url,
        "SITREP_DATABASE": str(tmp_path / "e2e.sqlite3"),
        "SITREP_ADMIN_IDS": str(ADMIN_ID),
        "SITREP_TIMEZONE": "Asia/Baghdad",
        "SITREP_USER_RATE_PER_MINUTE": 1000,
        **overrides,
    }
    return Settings(_env_file=None, **values)


@pytest.fixture
def settings(api: FakeBotAPI, tmp_path: Path) -> Settings:
    """Settings pointing the bot at the fake server and a fresh database."""
    return e2e_settings(api, tmp_path)


@dataclass
class RunningBot:
    """A started application and its context."""

    app: Any
    context: AppContext


@asynccontextmanager
async def running_bot(
    settings: Settings, clock: OffsetClock, limits: DeliveryLimits = FAST
) -> AsyncIterator[RunningBot]:
    """Open the database, build the real application, poll the fake server; stop on exit."""
    context = await open_context(settings, clock=clock)
    try:
        app = build_application(
            settings, context, limits=limits, digest_interval=0.1, feed_interval=3600
        )
        await start_application(app)
        try:
            yield RunningBot(app, context)
        finally:
            await stop_application(app)
    finally:
        await context.close()


@pytest.fixture
async def bot(settings: Settings, clock: OffsetClock) -> AsyncIterator[RunningBot]:
    """The bot running for one test."""
    async with running_bot(settings, clock) as running:
        yield running
