"""A small Sitrep process for crash tests: the real services on a real SQLite file.

``python -m tests.fault.driver digest DB API_URL``: open the app context (instance lock and
all), recover the outbox, queue due digests, deliver them through the real Dispatcher,
TelegramNotifier and PTB Bot at ``--rate`` messages/s, print ``done`` when nothing is left.

``python -m tests.fault.driver ingest DB REPORTS.jsonl``: ingest each report (text, url,
title, published) through ``IngestService`` and print ``ingested <n>`` after each one.

The crash tests kill this process with SIGKILL half-way and start it again.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from bot.config import Settings
from tests.fakebotapi import TOKEN


def settings_for(database: Path, api_url: str | None = None) -> Settings:
    """Settings isolated from the environment, pointing at ``database`` (and the fake API)."""
    values: dict[str, Any] = {
        "SITREP_DATABASE": str(database),
        "SITREP_TIMEZONE": "UTC",
        "SITREP_MAX_INPUT_CHARS": 100_000,
    }
    if api_url is not None:
        values["TELEGRAM_BOT_TOKEN"] = TOKEN
        values["TELEGRAM_API_BASE_URL"] = api_url
    return Settings(_env_file=None, **values)


async def digest(database: Path, api_url: str, rate: float) -> None:
    """Queue due digests and deliver everything in the outbox."""
    from telegram import Bot
    from telegram.request import HTTPXRequest

    from bot.app import open_context
    from bot.services.delivery import DeliveryLimits, Dispatcher
    from handlers.notifier import TelegramNotifier

    context = await open_context(settings_for(database, api_url))
    try:
        bot = Bot(TOKEN, base_url=api_url, request=HTTPXRequest(connection_pool_size=16))
        limits = DeliveryLimits(overall_per_second=rate, per_chat_interval=0.0, idle_interval=0.05)
        dispatcher = Dispatcher(
            context.storage, TelegramNotifier(bot, secrets=(TOKEN,)), context.clock, limits=limits
        )
        print("recovered", await dispatcher.recover(), flush=True)
        print("queued", await context.services.digests.queue_due(), flush=True)
        async with bot:
            while True:
                await dispatcher.run_once()
                counts = await context.storage.outbox.counts()
                if counts.get("pending", 0) + counts.get("sending", 0) == 0:
                    break
                await asyncio.sleep(0.02)
        print("done", flush=True)
    finally:
        await context.close()


async def ingest(database: Path, reports: Path) -> None:
    """Ingest every report of a JSONL file, in order."""
    from bot.app import open_context

    context = await open_context(settings_for(database))
    try:
        lines = reports.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines, start=1):
            item = json.loads(line)
            outcome = await context.services.ingestion.ingest_text(
                item["text"],
                url=item["url"],
                title=item.get("title"),
                published_at=dt.datetime.fromisoformat(item["published"]),
                origin="file",
            )
            print(f"ingested {number} duplicate={outcome.duplicate}", flush=True)
        print("done", flush=True)
    finally:
        await context.close()


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run one mode."""
    parser = argparse.ArgumentParser(prog="python -m tests.fault.driver")
    modes = parser.add_subparsers(dest="mode", required=True)
    digest_mode = modes.add_parser("digest")
    digest_mode.add_argument("database", type=Path)
    digest_mode.add_argument("api_url")
    digest_mode.add_argument("--rate", type=float, default=20.0)
    ingest_mode = modes.add_parser("ingest")
    ingest_mode.add_argument("database", type=Path)
    ingest_mode.add_argument("reports", type=Path)
    args = parser.parse_args(argv)
    if args.mode == "digest":
        asyncio.run(digest(args.database, args.api_url, args.rate))
    else:
        asyncio.run(ingest(args.database, args.reports))
    return 0


if __name__ == "__main__":
    sys.exit(main())
