"""The test suite's fake Bot API (``tests/fakebotapi.py``) in its own process, for benchmarks.

Run in a subprocess so that the server's threads do not compete with the bot for the GIL. It
enforces Telegram's flood limits (time-scaled on request), remembers when each message arrived
(``time.monotonic``, which is the same clock in every process on Linux), and answers a
``benchStats`` call with what it saw. Started by :func:`serve`; stops when stdin closes.
"""

from __future__ import annotations

import argparse
import contextlib
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from tests.fakebotapi import TOKEN, FakeBotAPI

ROOT = Path(__file__).resolve().parent.parent


class BenchBotAPI(FakeBotAPI):
    """FakeBotAPI that records arrival times and reports statistics."""

    def __init__(self, *, overall_per_second: int, per_chat_interval: float) -> None:
        """Enforce ``overall_per_second`` messages overall and one per chat per interval."""
        super().__init__(enforce_limits=True, per_chat_interval=per_chat_interval)
        self.overall_per_second = overall_per_second
        self.arrivals: dict[int, float] = {}

    def _api_sendMessage(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        arrived = time.monotonic()
        status, payload = super()._api_sendMessage(params)
        if status == 200:
            with self._lock:
                self.arrivals[int(payload["result"]["message_id"])] = arrived
        return status, payload

    def _api_benchPush(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """Queue ``/start`` from each chat in ``chats`` for getUpdates (one update each)."""
        chats = [int(chat) for chat in params.get("chats", [])]
        for chat in chats:
            self.push_update(self.message_update("/start", chat_id=chat))
        return self._ok(len(chats))

    def _api_benchFirstReplies(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """chat id -> arrival time (monotonic) of the first message accepted for that chat."""
        with self._lock:
            first: dict[str, float] = {}
            for message in self.messages:
                arrived = self.arrivals.get(message.message_id)
                if arrived is not None:
                    first.setdefault(str(message.chat_id), arrived)
        return self._ok(first)

    def _api_benchStats(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self._lock:
            per_chat = Counter(message.chat_id for message in self.messages)
            statuses = Counter(call.status for call in self.calls if call.method == "sendMessage")
            return self._ok(
                {
                    "per_chat": {str(chat): count for chat, count in per_chat.items()},
                    "statuses": {str(status): count for status, count in statuses.items()},
                    "limit_violations": self.limit_violations,
                    "arrivals": {str(mid): at for mid, at in self.arrivals.items()},
                }
            )


@dataclass
class ServerStats:
    """What the fake server saw."""

    per_chat: dict[int, int]
    statuses: dict[int, int]
    limit_violations: int
    arrivals: dict[int, float]  # message id -> time.monotonic() at arrival

    @property
    def accepted(self) -> int:
        """Messages the server accepted."""
        return sum(self.per_chat.values())

    def rate(self) -> float:
        """Accepted messages per second between the first and the last arrival."""
        times = sorted(self.arrivals.values())
        if len(times) < 2 or times[-1] <= times[0]:
            return 0.0
        return (len(times) - 1) / (times[-1] - times[0])


@dataclass
class RunningServer:
    """A server subprocess and its address."""

    process: subprocess.Popen[str]
    base_url: str

    def stats(self) -> ServerStats:
        """Ask the server what it saw."""
        response = httpx.post(f"{self.base_url}{TOKEN}/benchStats", timeout=30)
        data = response.json()["result"]
        return ServerStats(
            per_chat={int(k): int(v) for k, v in data["per_chat"].items()},
            statuses={int(k): int(v) for k, v in data["statuses"].items()},
            limit_violations=int(data["limit_violations"]),
            arrivals={int(k): float(v) for k, v in data["arrivals"].items()},
        )


@contextlib.contextmanager
def serve(overall_per_second: int, per_chat_interval: float) -> Iterator[RunningServer]:
    """Start the server in a subprocess; stop it on exit."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bench.fakeserver",
            "--overall",
            str(overall_per_second),
            "--per-chat",
            str(per_chat_interval),
        ],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline().strip()
        if not line.startswith("http://"):
            msg = f"fake Bot API did not start: {line!r}"
            raise RuntimeError(msg)
        yield RunningServer(process, line)
    finally:
        if process.stdin is not None:
            with contextlib.suppress(OSError):
                process.stdin.close()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main() -> None:
    """Serve until stdin closes; print the base URL first."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--overall", type=int, default=30)
    parser.add_argument("--per-chat", type=float, default=1.0)
    args = parser.parse_args()
    server = BenchBotAPI(overall_per_second=args.overall, per_chat_interval=args.per_chat)
    server.start()
    print(server.base_url, flush=True)
    try:
        sys.stdin.read()
    finally:
        server.stop()


if __name__ == "__main__":
    main()
