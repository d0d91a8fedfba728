"""``sitrep run`` as a real process against the fake Bot API: a second bot on the same database
refuses to start, and the bot token never reaches stdout/stderr, whatever fails.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.services.admin import META_LAST_ERROR
from storage.sqlite import SqliteStorage
from tests.fault.conftest import SECRET_TOKEN, Fault, FaultyBotAPI

ADMIN = 900
SECRET_PART = SECRET_TOKEN.split(":", 1)[1]


def cli_env(api: FaultyBotAPI, database: Path, token: str = SECRET_TOKEN) -> dict[str, str]:
    """The environment of a deployed bot, pointed at the fake server (nothing inherited)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "SITREP_"))}
    env.update(
        TELEGRAM_BOT_TOKEN=token,
        TELEGRAM_API_BASE_URL=api.base_url,
        SITREP_DATABASE=str(database),
        SITREP_ADMIN_IDS=str(ADMIN),
        SITREP_LOG_LEVEL="DEBUG",
        PYTHONUNBUFFERED="1",
    )
    return env


@dataclass
class Process:
    """A ``sitrep`` process whose output goes to files (a full pipe would block its logging)."""

    popen: subprocess.Popen[bytes]
    out_path: Path
    err_path: Path

    def poll(self) -> int | None:
        return self.popen.poll()

    def terminate(self, timeout: float = 30) -> int:
        """SIGTERM, as systemd or Ctrl+C would; wait for the exit status."""
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
        try:
            return self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait()
            raise

    def wait(self, timeout: float = 60) -> int:
        return self.popen.wait(timeout=timeout)

    @property
    def out(self) -> str:
        return self.out_path.read_text(encoding="utf-8", errors="replace")

    @property
    def err(self) -> str:
        return self.err_path.read_text(encoding="utf-8", errors="replace")


def sitrep(env: dict[str, str], cwd: Path, *args: str) -> Process:
    """``sitrep ARGS`` in a fresh interpreter (cwd without a .env file)."""
    stem = cwd / f"sitrep-{time.monotonic_ns()}"
    out_path, err_path = stem.with_suffix(".out"), stem.with_suffix(".err")
    with out_path.open("wb") as out, err_path.open("wb") as err:
        popen = subprocess.Popen(
            [sys.executable, "-c", "from bot.cli import entrypoint; entrypoint()", *args],
            cwd=cwd,
            env=env,
            stdout=out,
            stderr=err,
        )
    return Process(popen, out_path, err_path)


def migrate(env: dict[str, str], cwd: Path) -> None:
    """``sitrep db migrate``: only it creates the database that ``sitrep run`` needs."""
    assert sitrep(env, cwd, "db", "migrate").wait() == 0


def wait_for(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


@pytest.fixture
def running_bot(api: FaultyBotAPI, tmp_path: Path) -> Iterator[Process]:
    """``sitrep run`` polling the fake server; SIGTERM on exit if still running."""
    migrate(cli_env(api, tmp_path / "bot.sqlite3"), tmp_path)
    process = sitrep(cli_env(api, tmp_path / "bot.sqlite3"), tmp_path, "run")
    try:
        wait_for(lambda: len(api.calls_of("getUpdates")) >= 1, 60, "the bot to poll")
        yield process
    finally:
        process.terminate()


@pytest.mark.slow
class TestSecondInstance:
    def test_second_bot_on_the_same_database_refuses_to_start(
        self, api: FaultyBotAPI, tmp_path: Path, running_bot: Process
    ) -> None:
        database = tmp_path / "bot.sqlite3"
        calls_before = len(api.calls)
        second = sitrep(cli_env(api, database), tmp_path, "run")
        assert second.wait() == 1
        err = second.err
        assert "another Sitrep process is already using" in err
        assert str(database) in err
        assert "Traceback" not in err
        # The refusal comes before any Bot API call: nothing can be sent twice.
        second_calls = [c for c in api.calls[calls_before:] if c.method != "getUpdates"]
        assert second_calls == []
        # The first bot is unaffected and still polling.
        assert running_bot.poll() is None
        polls = len(api.calls_of("getUpdates"))
        wait_for(lambda: len(api.calls_of("getUpdates")) > polls, 20, "more polling")
        assert running_bot.terminate() == 0


@pytest.mark.slow
class TestTokenNeverPrinted:
    def test_startup_errors_and_a_refused_token_leave_no_trace_of_it(
        self, api: FaultyBotAPI, tmp_path: Path, running_bot: Process
    ) -> None:
        # Replies that fail (reset, 5xx), polling that fails (5xx, reset), then a refused token.
        api.faults.extend([Fault("reset", count=1), Fault("500", count=1)])
        api.send_text("/start", chat_id=ADMIN)
        api.send_text("/start", chat_id=4321)
        api.send_text("/help", chat_id=4321)
        wait_for(lambda: not api.faults and len(api.messages) >= 1, 30, "replies tried")
        api.faults.extend(
            [
                Fault("500", method="getUpdates", count=1),
                Fault("reset", method="getUpdates", count=1),
            ]
        )
        wait_for(lambda: not api.faults, 30, "polling errors")
        # One 401 from getUpdates: polling goes on (with back-off) and the admin is told.
        api.faults.append(Fault("401", method="getUpdates", count=1))
        wait_for(lambda: not api.faults, 30, "the 401")
        polls = len(api.calls_of("getUpdates"))
        wait_for(lambda: len(api.calls_of("getUpdates")) > polls + 1, 60, "polling to go on")
        assert running_bot.poll() is None
        # A token revoked while running (getMe refuses it too, again and again): the bot
        # stops by itself with one clear line and status 1.
        api.faults.append(Fault("401", method="getUpdates", count=10_000))
        api.faults.append(Fault("401", method="getMe", count=10_000))
        assert running_bot.wait(timeout=120) == 1
        out, err = running_bot.out, running_bot.err
        assert err.rstrip().endswith(
            "error: Telegram rejected the bot token; check TELEGRAM_BOT_TOKEN"
        )

        statuses = {call.status for call in api.calls}
        assert {0, 401, 500} <= statuses  # every failure really happened
        assert "DEBUG" in err  # the logs were verbose
        for text in (out, err):
            assert SECRET_TOKEN not in text
            assert SECRET_PART not in text
        for message in api.messages:  # admin notices included
            assert SECRET_PART not in message.text

        async def last_error() -> str | None:
            storage = await SqliteStorage.open(tmp_path / "bot.sqlite3")
            try:
                return await storage.meta.get(META_LAST_ERROR)
            finally:
                await storage.close()

        recorded = asyncio.run(last_error())
        assert recorded is None or SECRET_PART not in recorded

    def test_a_refused_token_at_startup_is_one_clear_line(
        self, api: FaultyBotAPI, tmp_path: Path
    ) -> None:
        api.faults.append(Fault("401", method="getMe", count=5))
        migrate(cli_env(api, tmp_path / "bot.sqlite3"), tmp_path)
        process = sitrep(cli_env(api, tmp_path / "bot.sqlite3"), tmp_path, "run")
        assert process.wait() == 1
        assert "rejected the bot token" in process.err
        assert SECRET_PART not in process.out + process.err
