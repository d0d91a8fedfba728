"""SIGKILL in the middle of a digest fan-out and in the middle of ingesting a batch.

A real subprocess (``tests/fault/driver.py``: the real services on a real SQLite file) is
killed with SIGKILL half-way, started again, and left to finish. Then: nothing is lost, the
database passes ``PRAGMA integrity_check``, and nothing is sent twice except what the design
allows: a row that Telegram had accepted but whose ``sent`` mark was not yet written when the
process died is still ``sending``, and is sent again once after recovery. The assertion is
exact: only chats that had their digest before the kill AND whose row was still ``sending``
may have a second copy (never a third); every other chat has exactly one.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from bot.domain import Chat, OutboxStatus, Subscription, SubscriptionKind
from bot.services.delivery import DeliveryLimits
from bot.services.digests import digest_key
from storage.base import IncidentQuery
from storage.sqlite import SqliteStorage
from tests.fault.conftest import ROOT, FaultyBotAPI

CHATS = [90_000 + n for n in range(60)]
DIGEST_MARK = "digest"


def driver(*args: str) -> subprocess.Popen[str]:
    """Start the driver in a fresh interpreter."""
    return subprocess.Popen(
        [sys.executable, "-m", "tests.fault.driver", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen[str], timeout: float = 90) -> str:
    """Wait for a clean exit; return stdout."""
    out, err = process.communicate(timeout=timeout)
    assert process.returncode == 0, err[-3000:]
    return out


def kill(process: subprocess.Popen[str]) -> None:
    os.kill(process.pid, signal.SIGKILL)
    process.communicate(timeout=30)
    assert process.returncode == -signal.SIGKILL


async def wait_until(predicate: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.01)


async def setup_digest_chats(path: Path) -> None:
    """Chats whose digest time (00:00 UTC) has passed today, each following Basra."""
    storage = await SqliteStorage.open(path)
    try:
        async with storage.transaction():
            for chat_id in CHATS:
                await storage.chats.upsert(Chat(id=chat_id))
                await storage.chats.save_settings(
                    Chat(id=chat_id, timezone="UTC", digest_time=dt.time(0, 0))
                )
                await storage.subscriptions.add(
                    Subscription(
                        chat_id=chat_id, kind=SubscriptionKind.PLACE, key="gn:99532", label="Basra"
                    )
                )
    finally:
        await storage.close()


def digest_counts(api: FaultyBotAPI) -> Counter[int]:
    return Counter(m.chat_id for m in api.messages if DIGEST_MARK in m.text.lower())


@pytest.mark.slow
class TestKilledMidDigestFanOut:
    async def test_restart_finishes_without_loss_and_at_most_the_window(
        self, api: FaultyBotAPI, tmp_path: Path
    ) -> None:
        database = tmp_path / "crash.sqlite3"
        await setup_digest_chats(database)
        first = driver("digest", str(database), api.base_url, "--rate", "25")
        await wait_until(lambda: len(api.messages) >= 20, 60, "fan-out under way")
        kill(first)
        delivered_before = set(digest_counts(api))
        assert 20 <= len(delivered_before) < len(CHATS)

        storage = await SqliteStorage.open(database)
        try:
            today = dt.datetime.now(dt.UTC).date()
            rows = {c: await storage.outbox.get_by_key(digest_key(c, today)) for c in CHATS}
        finally:
            await storage.close()
        assert all(row is not None for row in rows.values()), "queued before the kill"
        caught = {c for c, row in rows.items() if row and row.status is OutboxStatus.SENDING}
        # The window: Telegram has the message but the 'sent' mark was never written. Rows
        # claimed but not yet sent are 'sending' too; they must go out exactly once.
        window = caught & delivered_before
        assert len(window) <= DeliveryLimits().concurrency  # at most the sends in flight

        out = finish(driver("digest", str(database), api.base_url, "--rate", "50"))
        assert f"recovered {len(caught)}" in out
        assert "queued 0" in out  # today's digests were queued once, before the kill
        await asyncio.sleep(0.2)

        counts = digest_counts(api)
        assert set(counts) == set(CHATS), "every chat got its digest"
        for chat_id in CHATS:
            allowed = {1, 2} if chat_id in window else {1}
            assert counts[chat_id] in allowed, (chat_id, counts[chat_id], chat_id in window)
        storage = await SqliteStorage.open(database)
        try:
            assert await storage.integrity_check() == "ok"
            assert (await storage.outbox.counts()).get("sent") == len(CHATS)
        finally:
            await storage.close()


REPORT_PLACES = ("Basra", "Mosul", "Kirkuk", "Ramadi", "Tikrit", "Najaf", "Samarra", "Erbil")


def write_reports(path: Path, count: int) -> None:
    """Short reports in our own words, recent enough to alert, each about its own place and day."""
    lines = []
    base = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(days=9)
    for number in range(count):
        place = REPORT_PLACES[number % len(REPORT_PLACES)]
        published = base + dt.timedelta(hours=6 * number)
        text = (
            f"{place}, Iraq - A roadside bomb struck a police patrol on the edge of {place} "
            f"on {published:%A}, killing {number % 7 + 1} officers and wounding "
            f"{number % 5 + 2} others, a security source said. Nobody claimed the attack."
        )
        lines.append(
            json.dumps(
                {
                    "text": text,
                    "url": f"https://reports.example/{number}",
                    "title": f"Bomb hits patrol in {place}",
                    "published": published.isoformat(),
                }
            )
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


async def setup_subscribers(path: Path) -> None:
    storage = await SqliteStorage.open(path)
    try:
        for chat_id, key in ((501, "IQ-BA"), (502, "IQ-NI"), (503, "IQ-KI")):
            await storage.chats.upsert(Chat(id=chat_id))
            await storage.subscriptions.add(
                Subscription(chat_id=chat_id, kind=SubscriptionKind.ADMIN1, key=key, label=key)
            )
    finally:
        await storage.close()


async def snapshot(path: Path) -> dict[str, Any]:
    """What a batch leaves behind, minus timestamps."""
    storage = await SqliteStorage.open(path)
    try:
        assert await storage.integrity_check() == "ok"
        incidents = await storage.incidents.query(IncidentQuery(limit=10_000))
        reports = await storage.reports.latest(limit=10_000)
        keys = set()
        for incident in incidents:
            assert incident.id is not None
            for chat_id in (501, 502, 503):
                if await storage.outbox.get_by_key(f"alert:{chat_id}:{incident.id}"):
                    keys.add((chat_id, incident.id))
        return {
            "reports": sorted((r.url or "", r.content_hash) for r in reports),
            "incidents": sorted(
                (
                    i.id or 0,
                    i.date.isoformat(),
                    i.location.key,
                    i.killed.min or 0,
                    tuple(sorted(s.report_id or 0 for s in i.sources)),
                )
                for i in incidents
            ),
            "alerts": sorted(keys),
            "outbox": await storage.outbox.counts(),
        }
    finally:
        await storage.close()


@pytest.mark.slow
class TestKilledMidIngestBatch:
    async def test_restart_leaves_exactly_what_an_uninterrupted_run_leaves(
        self, tmp_path: Path
    ) -> None:
        reports = tmp_path / "batch.jsonl"
        write_reports(reports, 30)
        clean, crashed = tmp_path / "clean.sqlite3", tmp_path / "crashed.sqlite3"
        for database in (clean, crashed):
            await setup_subscribers(database)
        finish(driver("ingest", str(clean), str(reports)))

        first = driver("ingest", str(crashed), str(reports))
        assert first.stdout is not None
        for line in first.stdout:
            if line.startswith("ingested 8 "):
                break
        kill(first)
        out = finish(driver("ingest", str(crashed), str(reports)))
        assert "duplicate=True" in out  # the restart skipped what was already stored
        expected, got = await snapshot(clean), await snapshot(crashed)
        assert got == expected
        assert len(expected["reports"]) == 30
        assert expected["alerts"], "the batch queued alerts"
