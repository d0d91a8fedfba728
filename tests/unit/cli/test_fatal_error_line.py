"""A command's closing error line is the last line the process writes to stderr.

Threads that are still shutting down (aiosqlite's connection threads, PTB's) log after the
command returns; the error line must still come last, whatever the scheduling.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

import pytest

from bot.cli import main


class Stderr:
    """Root logging at DEBUG to stderr, as ``sitrep run`` logs; what was written there."""

    def __init__(self, capsys: pytest.CaptureFixture[str]) -> None:
        self.capsys = capsys
        self.handler: logging.StreamHandler[TextIO] | None = None

    def start(self) -> None:
        """Attach the handler to the stderr of the test's call phase (capture swaps it)."""
        self.handler = logging.StreamHandler(sys.stderr)
        self.handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
        logging.getLogger().addHandler(self.handler)

    def lines(self) -> list[str]:
        return self.capsys.readouterr().err.rstrip().splitlines()


@pytest.fixture
def stderr_log(capsys: pytest.CaptureFixture[str]) -> Iterator[Stderr]:
    """Root logging at DEBUG to the captured stderr that click's error output also goes to."""
    root = logging.getLogger()
    old_level = root.level
    root.setLevel(logging.DEBUG)
    stderr = Stderr(capsys)
    try:
        yield stderr
    finally:
        if stderr.handler is not None:
            root.removeHandler(stderr.handler)
        root.setLevel(old_level)


class ChattyThread(threading.Thread):
    """Logs a DEBUG line in a loop, as a connection thread finishing its work does."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.stop = threading.Event()
        self.calls = 0
        self.progress = threading.Condition()

    def run(self) -> None:
        log = logging.getLogger("aiosqlite")
        while not self.stop.is_set():
            log.debug("operation completed")
            with self.progress:
                self.calls += 1
                self.progress.notify_all()

    def wait_for_more_calls(self, count: int) -> None:
        with self.progress:
            target = self.calls + count
            assert self.progress.wait_for(lambda: self.calls >= target, timeout=60)


class TestFatalErrorIsTheLastLine:
    def test_logging_from_other_threads_cannot_follow_the_error(
        self,
        stderr_log: Stderr,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
        monkeypatch.setenv("SITREP_DATA_DIR", str(tmp_path))
        stderr_log.start()
        thread = ChattyThread()
        thread.start()
        try:
            thread.wait_for_more_calls(5)
            code = main(["run", "--db", str(tmp_path / "bot.sqlite3")])
            # The thread goes on logging after the command returned, as in the real race.
            thread.wait_for_more_calls(50)
        finally:
            thread.stop.set()
            thread.join(timeout=60)
        lines = stderr_log.lines()
        assert code == 1
        assert any(line.startswith("DEBUG aiosqlite") for line in lines)  # it did log before
        assert lines[-1].startswith("error: ")
        assert "TELEGRAM_BOT_TOKEN" in lines[-1]

    def test_a_usage_error_is_last_too(self, stderr_log: Stderr) -> None:
        stderr_log.start()
        logging.getLogger("telegram.ext").debug("shutting down")
        code = main(["extract", "--no-such-option"])
        logging.getLogger("aiosqlite").debug("a thread finishing after the error")
        lines = stderr_log.lines()
        assert code == 2
        assert "No such option" in lines[-1]
