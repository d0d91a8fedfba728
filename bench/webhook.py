"""Update handling through the webhook against long polling: rate and latency, same bot.

Setup: the real application on a temp SQLite file, replying to ``/start`` (a chat row is written
per update) from N different users; the test suite's fake Bot API in its own process. Latency runs
from the moment an update is handed over (its POST starts, or it is queued for getUpdates) to
the moment its reply reaches the fake Bot API; the webhook's 200 comes only after that.

The webhook is driven from a child process by ``--senders`` concurrent connections (40 is
Telegram's default ``max_connections``); polling gets all updates at once, so its latency is
mostly queueing. PTB's reply rate limiter is off, so the rates are the bot's own capacity on
this machine (in production replies are held to Telegram's 30 msg/s anyway). On a small, busy
machine the webhook's client process competes with the bot for the CPU (Telegram would not):
read the webhook rate as a lower bound.

Run alone: ``python -m bench.webhook [--updates N] [--senders N]``.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.report import Row, percentile, render_text

SENDERS = 40  # Telegram's default max_connections
SECRET = "bench-secret"
FIRST_USER = 70_000_000


def _settings(api_base: str, database: Path, port: int | None, webhook: bool) -> Any:
    from bench.queries import bench_settings

    values: dict[str, Any] = {
        "TELEGRAM_BOT_TOKEN": "7000001:AAFakeTokenForTestsOnly_abcdefghijklmnop",
        "TELEGRAM_API_BASE_URL": api_base,
        "SITREP_DATABASE": str(database),
        "SITREP_USER_RATE_PER_MINUTE": 10_000,
        "SITREP_LOG_LEVEL": "WARNING",
    }
    if webhook:
        values.update(
            SITREP_WEBHOOK_URL="https://bench.example.invalid/hook",
            SITREP_WEBHOOK_SECRET=SECRET,
            SITREP_HTTP_PORT=port or 0,
        )
    return bench_settings(**values)


async def _wait_replies(server: Any, users: range, timeout: float = 600) -> dict[int, float]:
    """First reply arrival (monotonic, in the server process) per chat, once all arrived."""
    import httpx

    from tests.fakebotapi import TOKEN

    wanted = set(users)
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient(trust_env=False, timeout=60) as http:
        while True:
            response = await http.post(f"{server.base_url}{TOKEN}/benchFirstReplies")
            first = {int(k): float(v) for k, v in response.json()["result"].items()}
            seen = {chat: at for chat, at in first.items() if chat in wanted}
            if len(seen) >= len(wanted):
                return seen
            if time.monotonic() > deadline:
                msg = f"only {len(seen)} of {len(wanted)} replies arrived"
                raise RuntimeError(msg)
            await asyncio.sleep(0.1)


def _send_all(port: int, updates_file: Path, senders: int) -> dict[int, float]:
    """In a child process: POST every update (one JSON per line) from ``senders`` threads.

    Returns user id -> ``time.monotonic()`` when its POST started (the same clock in every
    process on Linux). A separate process, so the client does not compete with the bot's loop.
    """
    import http.client
    import json
    import threading

    lines = updates_file.read_text(encoding="utf-8").splitlines()
    sent: dict[int, float] = {}
    lock = threading.Lock()
    errors: list[str] = []

    def worker() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while True:
            with lock:
                if not lines:
                    break
                line = lines.pop()
            user = int(json.loads(line)["message"]["chat"]["id"])
            headers = {
                "Content-Type": "application/json",
                "X-Telegram-Bot-Api-Secret-Token": SECRET,
            }
            sent[user] = time.monotonic()
            connection.request("POST", "/hook", body=line.encode(), headers=headers)
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                errors.append(f"HTTP {response.status}")
        connection.close()

    threads = [threading.Thread(target=worker) for _ in range(senders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        msg = f"{len(errors)} webhook requests failed, e.g. {errors[0]}"
        raise RuntimeError(msg)
    return sent


async def _webhook_run(
    server: Any, folder: Path, count: int, senders: int = SENDERS
) -> tuple[float, list[float]]:
    import json
    import subprocess

    from bot.app import (
        build_application,
        http_server,
        open_context,
        start_webhook,
        stop_application,
    )
    from handlers.metrics import PrometheusMetrics
    from tests.fakebotapi import FakeBotAPI

    settings = _settings(server.base_url, folder / "webhook.sqlite3", 0, webhook=True)
    builder = FakeBotAPI()  # only builds update JSON the way the test server would
    metrics = PrometheusMetrics(process_metrics=False)
    context = await open_context(settings, metrics=metrics)
    users = range(FIRST_USER, FIRST_USER + count)
    updates_file = folder / "updates.jsonl"
    updates_file.write_text(
        "\n".join(
            json.dumps({"update_id": user, **builder.message_update("/start", chat_id=user)})
            for user in users
        ),
        encoding="utf-8",
    )
    try:
        app = build_application(settings, context, rate_limiter=False, polling=False)
        web = http_server(settings, context, metrics, app)
        await start_webhook(settings, app, web)
        child = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bench.webhook",
            "--send",
            str(updates_file),
            "--port",
            str(web.port),
            "--senders",
            str(senders),
            stdout=subprocess.PIPE,
            cwd=Path(__file__).parent.parent,
        )
        out, _ = await child.communicate()
        if child.returncode != 0:
            msg = f"the webhook client failed ({child.returncode})"
            raise RuntimeError(msg)
        sent_at = {int(k): float(v) for k, v in json.loads(out).items()}
        arrivals = await _wait_replies(server, users)
        # From the first POST (the client process's start-up does not count).
        elapsed = max(arrivals.values()) - min(sent_at.values())
        await web.drain()
        await stop_application(app)
        await web.stop()
    finally:
        await context.close()
    return count / elapsed, [arrivals[user] - sent_at[user] for user in users]


async def _polling_run(server: Any, folder: Path, count: int) -> tuple[float, list[float]]:
    import httpx

    from bot.app import build_application, open_context, start_application, stop_application
    from tests.fakebotapi import TOKEN

    settings = _settings(server.base_url, folder / "polling.sqlite3", None, webhook=False)
    context = await open_context(settings)
    users = range(FIRST_USER + count, FIRST_USER + 2 * count)
    try:
        app = build_application(settings, context, rate_limiter=False)
        await start_application(app)
        async with httpx.AsyncClient(trust_env=False, timeout=60) as http:
            started = time.monotonic()
            response = await http.post(
                f"{server.base_url}{TOKEN}/benchPush", json={"chats": list(users)}
            )
            response.raise_for_status()
        arrivals = await _wait_replies(server, users)
        elapsed = max(arrivals.values()) - started
        await stop_application(app)
    finally:
        await context.close()
    return count / elapsed, [arrivals[user] - started for user in users]


def run(updates: int, progress: Callable[[str], None], senders: int = SENDERS) -> list[Row]:
    """Both transports, one after the other, on fresh databases; rows for the table."""
    from bench.fakeserver import serve

    # Limits far above the load: this measures the bot, not Telegram's pacing.
    with (
        tempfile.TemporaryDirectory(prefix="sitrep-webhook-") as name,
        serve(overall_per_second=1_000_000, per_chat_interval=0.0) as server,
    ):
        folder = Path(name)
        progress(f"webhook: {updates} updates from {senders} senders")
        hook_rate, hook_latency = asyncio.run(_webhook_run(server, folder, updates, senders))
        progress(f"long polling: {updates} updates")
        poll_rate, poll_latency = asyncio.run(_polling_run(server, folder, updates))
    note = f"{updates} /start from distinct users, {senders} webhook connections"
    rows = [
        Row(
            "webhook",
            "updates handled, webhook",
            hook_rate,
            "updates/s",
            "long polling",
            poll_rate,
            note,
        ),
    ]
    for label, q in (("p50", 50), ("p99", 99)):
        rows.append(
            Row(
                "webhook",
                f"update to reply, webhook {label}",
                1000 * percentile(hook_latency, q),
                "ms",
                f"long polling {label}",
                1000 * percentile(poll_latency, q),
            )
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    """``python -m bench.webhook``."""
    parser = argparse.ArgumentParser(prog="python -m bench.webhook", description=__doc__)
    parser.add_argument("--updates", type=int, default=2000, help="updates per transport")
    parser.add_argument("--send", type=Path, help=argparse.SUPPRESS)  # the client process
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--senders", type=int, default=SENDERS, help="webhook connections")
    args = parser.parse_args(argv)
    if args.send is not None:
        import json

        print(json.dumps(_send_all(args.port, args.send, args.senders)))
        return 0

    def progress(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    print(render_text(run(args.updates, progress, args.senders)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
