"""Fixtures for ingestion tests: a local HTTP server and fetchers pointed at it."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings
from bot.domain import (
    CasualtyCount,
    CountStatus,
    EventType,
    Incident,
    Location,
    SubEventType,
)
from bot.ingest.fetch import SafeFetcher
from bot.services import Services, build_services
from bot.services.feeds import FeedService
from storage.base import Storage
from storage.sqlite import SqliteStorage
from tests.fake_storage import InMemoryStorage
from tests.fakes import (
    FakeActorRegistry,
    FakeGazetteer,
    MutableClock,
    ScriptedExtractor,
    same_event,
)
from tests.httpserver import LocalHTTPServer


def make_settings(**values: Any) -> Settings:
    """Settings for tests, ignoring the environment's .env file."""
    defaults: dict[str, Any] = {
        "SITREP_ALLOW_PRIVATE_FETCH": True,
        "SITREP_FETCH_TIMEOUT_SECONDS": 2.0,
        "SITREP_FETCH_MAX_BYTES": 200_000,
    }
    defaults.update(values)
    return Settings(_env_file=None, **defaults)


@pytest.fixture
def fetcher() -> SafeFetcher:
    """A fetcher that may reach 127.0.0.1 (SITREP_ALLOW_PRIVATE_FETCH on)."""
    return SafeFetcher(make_settings())


@pytest.fixture
def strict_fetcher(http_server: LocalHTTPServer) -> SafeFetcher:
    """A fetcher with private addresses OFF; only the test server's exact endpoint is allowed."""
    return SafeFetcher(
        make_settings(SITREP_ALLOW_PRIVATE_FETCH=False),
        allowed_endpoints={("127.0.0.1", http_server.port)},
    )


# -- services over in-memory storage ------------------------------------------------------------

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
ADMINS = (111, 222)


@dataclass
class _Merged:
    incident: Incident
    changed: bool
    toll_changed: bool
    changes: dict[str, Any]
    note: str


def add_sources(existing: Incident, new: Incident) -> _Merged:
    """Merge two reports of one event by adding the new sources."""
    urls = {source.url for source in existing.sources}
    added = [source for source in new.sources if source.url not in urls]
    merged = existing.model_copy(update={"sources": [*existing.sources, *added]})
    changes = {"sources": {"old": len(existing.sources), "new": len(merged.sources)}}
    return _Merged(merged, bool(added), False, changes if added else {}, "")


def scripted_incident(place: str = "Tikrit", killed: int = 2) -> Incident:
    """An incident the scripted extractor hands out."""
    return Incident(
        date=dt.date(2026, 3, 2),
        location=Location(name=place, country="IQ", admin1="Salahuddin", admin1_code="IQ-SD"),
        event_type=EventType.EXPLOSIONS,
        sub_event_type=SubEventType.REMOTE_EXPLOSIVE,
        killed=CasualtyCount(min=killed, max=killed, status=CountStatus.EXACT),
        summary=f"Roadside bomb near {place}",
    )


@dataclass
class FeedWorld:
    """Everything a feed test needs, wired like the composition root does."""

    server: LocalHTTPServer
    clock: MutableClock
    storage: Storage
    extractor: ScriptedExtractor
    settings: Settings
    services: Services
    fetcher: SafeFetcher
    feeds: FeedService


def build_world(
    server: LocalHTTPServer,
    *,
    storage: Storage | None = None,
    strict: bool = False,
    **settings: Any,
) -> FeedWorld:
    """Services over the given (default: in-memory) storage, fetching from the local server."""
    values: dict[str, Any] = {"SITREP_ADMIN_IDS": ",".join(map(str, ADMINS))}
    values.update(settings)
    if strict:
        values["SITREP_ALLOW_PRIVATE_FETCH"] = False
    config = make_settings(**values)
    clock = MutableClock(START)
    storage = storage if storage is not None else InMemoryStorage()
    extractor = ScriptedExtractor()
    extractor.script("Tikrit", [scripted_incident()])
    services = build_services(
        storage,
        extractor,
        FakeGazetteer(),
        FakeActorRegistry(),
        clock,
        config,
        find_match=same_event,
        merge_incidents=add_sources,
    )
    endpoints = {("127.0.0.1", server.port)} if strict else set()
    fetcher = SafeFetcher(config, allowed_endpoints=endpoints)
    feeds = FeedService(storage, services.ingestion, fetcher, clock, config, host_gap_seconds=0)
    return FeedWorld(server, clock, storage, extractor, config, services, fetcher, feeds)


@pytest.fixture(params=["memory", "sqlite"])
async def world(
    request: pytest.FixtureRequest, http_server: LocalHTTPServer, tmp_path: Path
) -> AsyncIterator[FeedWorld]:
    """A feed world (in-memory fake and real SQLite) with private fetching allowed."""
    storage: Storage
    if request.param == "sqlite":
        storage = await SqliteStorage.open(tmp_path / "sitrep.sqlite3")
    else:
        storage = InMemoryStorage()
    try:
        yield build_world(http_server, storage=storage)
    finally:
        await storage.close()
