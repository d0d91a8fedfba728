"""Readiness over a real SQLite database, and the probes as HTTP answers on 127.0.0.1."""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
from pathlib import Path

import httpx
import pytest

from bot.domain import Chat, ChatType, OutboxKind, OutboxMessage, TextPayload
from bot.services.health import HealthService
from handlers.metrics import PrometheusMetrics
from handlers.web import SitrepHttpServer
from storage.schema import load_migrations
from storage.sqlite import SqliteStorage
from tests.fake_storage import InMemoryStorage
from tests.fakes import FixedClock

NOW = dt.datetime(2026, 5, 1, 9, 0, tzinfo=dt.UTC)
LATEST = max(migration.version for migration in load_migrations())


@pytest.fixture
def storage(sqlite: SqliteStorage) -> SqliteStorage:
    """Health is read from real SQLite."""
    return sqlite


def health_for(storage: SqliteStorage, **kwargs: float) -> HealthService:
    return HealthService(storage, storage.schema_version, LATEST, FixedClock(NOW), **kwargs)


def set_schema_version(path: Path, version: int) -> None:
    """What an older or newer Sitrep would have left: another process writes user_version."""
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {version}")


class TestReadiness:
    async def test_ready_when_reachable_and_current(self, storage: SqliteStorage) -> None:
        readiness = await health_for(storage).readiness()
        assert readiness.ready
        assert readiness.schema_version == LATEST == readiness.expected_version

    async def test_not_ready_when_migrations_are_behind(self, storage: SqliteStorage) -> None:
        set_schema_version(storage.path, LATEST - 1)
        readiness = await health_for(storage).readiness()
        assert not readiness.ready
        assert readiness.schema_version == LATEST - 1
        assert "behind" in readiness.reason
        assert "sitrep db migrate" in readiness.reason

    async def test_not_ready_when_the_database_is_newer(self, storage: SqliteStorage) -> None:
        set_schema_version(storage.path, LATEST + 1)
        readiness = await health_for(storage).readiness()
        assert not readiness.ready
        assert "newer" in readiness.reason

    async def test_not_ready_when_the_database_is_gone(self, storage: SqliteStorage) -> None:
        await storage.close()
        readiness = await health_for(storage).readiness()
        assert not readiness.ready
        assert readiness.reason.startswith("database unreachable")
        assert readiness.schema_version is None

    async def test_a_hung_database_makes_it_unready_instead_of_hanging(
        self, storage: SqliteStorage
    ) -> None:
        never = asyncio.Event()

        async def hangs() -> int:
            await never.wait()
            return LATEST

        health = HealthService(storage, hangs, LATEST, FixedClock(NOW), timeout=0.05)
        readiness = await asyncio.wait_for(health.readiness(), timeout=30)
        assert not readiness.ready
        assert "did not answer" in readiness.reason


class TestOutboxFigures:
    async def test_counts_and_age_of_the_oldest_unsent_message(self) -> None:
        store = InMemoryStorage()
        await store.chats.upsert(Chat(id=5, type=ChatType.PRIVATE, created_at=NOW))
        for minutes in (3, 7):
            await store.outbox.enqueue(
                OutboxMessage(
                    chat_id=5,
                    kind=OutboxKind.ALERT,
                    idempotency_key=f"alert:5:{minutes}",
                    payload=TextPayload(text="x"),
                    next_attempt_at=NOW,
                    created_at=NOW - dt.timedelta(minutes=minutes),
                )
            )

        async def version() -> int:
            return LATEST

        health = HealthService(store, version, LATEST, FixedClock(NOW))
        snapshot = await health.outbox_snapshot()
        assert snapshot.counts["pending"] == 2
        assert snapshot.oldest_unsent_age == 7 * 60

        metrics = PrometheusMetrics(process_metrics=False)
        await health.observe_outbox(metrics)
        registry = metrics.registry
        assert registry.get_sample_value("sitrep_outbox_messages", {"status": "pending"}) == 2
        assert registry.get_sample_value("sitrep_outbox_oldest_unsent_seconds") == 7 * 60

    async def test_a_failing_database_leaves_the_last_figures(
        self, storage: SqliteStorage
    ) -> None:
        metrics = PrometheusMetrics(process_metrics=False)
        metrics.outbox_observed({"pending": 4}, 12.0)
        await storage.close()
        await health_for(storage).observe_outbox(metrics)  # must not raise
        registry = metrics.registry
        assert registry.get_sample_value("sitrep_outbox_messages", {"status": "pending"}) == 4


class TestProbesOverHttp:
    async def test_readyz_is_503_with_the_reason_when_the_database_is_gone(
        self, storage: SqliteStorage
    ) -> None:
        metrics = PrometheusMetrics(process_metrics=False)
        server = SitrepHttpServer(health_for(storage), metrics, metrics.exposition)
        await server.start("127.0.0.1", 0)
        try:
            base = f"http://127.0.0.1:{server.port}"
            async with httpx.AsyncClient(base_url=base, trust_env=False, timeout=30) as http:
                starting = await http.get("/readyz")
                server.mark_started()
                assert (await http.get("/readyz")).status_code == 200
                set_schema_version(storage.path, LATEST - 1)
                behind = await http.get("/readyz")
                await storage.close()
                gone = await http.get("/readyz")
                alive = await http.get("/healthz")
                metrics_page = await http.get("/metrics")
                webhook = await http.post("/", json={"update_id": 1})
        finally:
            await server.stop()
        assert (starting.status_code, starting.json()["reason"]) == (503, "starting")
        assert behind.status_code == 503
        assert behind.json()["schema_version"] == LATEST - 1
        assert gone.status_code == 503
        assert gone.json()["ready"] is False
        assert gone.json()["reason"].startswith("database unreachable")
        assert alive.status_code == 200  # alive even when not ready: no restart loop
        assert metrics_page.status_code == 200
        assert "sitrep_outbox_messages" in metrics_page.text
        assert webhook.status_code == 404  # polling mode: no webhook route at all
