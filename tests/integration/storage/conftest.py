"""The storage contract suite's fixtures: one fresh database per test, on every backend.

Each test here that asks for ``storage`` runs on SQLite (a file in tmp_path) and on PostgreSQL
(a scratch database, emptied before each test), so the two backends cannot drift apart. Tests
about SQLite itself (query plans, files, locks) carry ``@pytest.mark.sqlite_only``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.domain import (
    ActorRef,
    ActorType,
    CasualtyClaim,
    CasualtyCount,
    Chat,
    ChatType,
    CountStatus,
    EventType,
    GeoPrecision,
    Incident,
    Location,
    OutboxKind,
    OutboxMessage,
    Report,
    SourceRef,
    SubEventType,
)
from storage.base import Backend
from storage.postgres import PostgresStorage
from storage.sqlite import SqliteStorage
from tests.postgres import truncate_all

UTC = dt.UTC
T0 = dt.datetime(2026, 3, 1, 12, 0, tzinfo=UTC)

BASRA_CITY = Location(
    name="Basra",
    geonames_id=99532,
    admin1="Basra",
    admin1_code="IQ-BA",
    country="IQ",
    lat=30.5085,
    lon=47.7804,
    geo_precision=GeoPrecision.POINT,
    timezone="Asia/Baghdad",
)
BASRA_GOVERNORATE = Location(
    name="Basra",
    geonames_id=99532,  # same key as the city on purpose: only precision tells them apart
    admin1="Basra",
    admin1_code="IQ-BA",
    country="IQ",
    geo_precision=GeoPrecision.ADMIN1,
)
ZUBAIR_NEAR = Location(
    name="Az Zubayr",
    geonames_id=99608,
    admin1="Basra",
    admin1_code="IQ-BA",
    country="IQ",
    geo_precision=GeoPrecision.NEAR,
)
BAGHDAD = Location(
    name="Baghdad",
    geonames_id=98182,
    admin1="Baghdad",
    admin1_code="IQ-BG",
    country="IQ",
    lat=33.34,
    lon=44.40,
)

AAH = ActorRef(
    id="asaib-ahl-al-haq", name="Asaib Ahl al-Haq", type=ActorType.POLITICAL_MILITIA, country="IQ"
)
ISF = ActorRef(
    id="iraq-security-forces", name="Iraqi Security Forces", type=ActorType.STATE_FORCES
)


def make_report(n: int = 1, **overrides: object) -> Report:
    """A report whose URL and hash derive from ``n`` (different n, different report)."""
    text = str(overrides.pop("text", f"Report number {n}: a roadside bomb hit a patrol."))
    fields: dict[str, object] = {
        "url": f"https://news.example/report/{n}",
        "content_hash": hashlib.sha256(text.encode()).hexdigest(),
        "title": f"Report {n}",
        "outlet": "Example News",
        "published_at": T0,
        "fetched_at": T0 + dt.timedelta(minutes=5),
        "text": text,
    }
    fields.update(overrides)
    return Report.model_validate(fields)


def make_incident(
    *,
    date: dt.date = dt.date(2026, 3, 1),
    location: Location = BASRA_CITY,
    actors: list[ActorRef] | None = None,
    killed: int | None = 2,
    summary: str = "A roadside bomb struck a patrol.",
    event_type: EventType = EventType.EXPLOSIONS,
    sub_event_type: SubEventType = SubEventType.REMOTE_EXPLOSIVE,
    sources: list[SourceRef] | None = None,
    is_background: bool = False,
) -> Incident:
    """An incident with sensible defaults for storage tests."""
    return Incident(
        date=date,
        location=location,
        actors=list(actors or []),
        event_type=event_type,
        sub_event_type=sub_event_type,
        killed=CasualtyCount(
            min=killed,
            max=killed,
            status=CountStatus.EXACT if killed is not None else CountStatus.NONE_REPORTED,
            source="police" if killed is not None else None,
            claims=[CasualtyClaim(min=killed, status=CountStatus.EXACT, source="police")]
            if killed is not None
            else [],
        ),
        summary=summary,
        evidence=[summary],
        sources=list(sources or []),
        is_background=is_background,
    )


def make_chat(chat_id: int = 100, **overrides: object) -> Chat:
    """A private chat."""
    fields: dict[str, object] = {"id": chat_id, "type": ChatType.PRIVATE, "title": "reader"}
    fields.update(overrides)
    return Chat.model_validate(fields)


def make_message(
    chat_id: int = 100, key: str = "alert:100:1", **overrides: object
) -> OutboxMessage:
    """A pending alert due at T0."""
    fields: dict[str, object] = {
        "chat_id": chat_id,
        "kind": OutboxKind.ALERT,
        "idempotency_key": key,
        "payload": {"text": "hello"},
        "next_attempt_at": T0,
    }
    fields.update(overrides)
    return OutboxMessage.model_validate(fields)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """Where the test database lives."""
    return tmp_path / "sitrep.sqlite3"


BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run every ``storage`` test on each backend (SQLite alone for ``sqlite_only`` tests)."""
    if "storage" in metafunc.fixturenames:
        only_sqlite = metafunc.definition.get_closest_marker("sqlite_only") is not None
        metafunc.parametrize("storage", ["sqlite"] if only_sqlite else BACKENDS, indirect=True)


async def reopen(storage: Backend) -> Backend:
    """Open the database of ``storage`` again, with a new connection (or pool)."""
    if isinstance(storage, PostgresStorage):
        return await PostgresStorage.open(storage.dsn)
    assert isinstance(storage, SqliteStorage)
    return await SqliteStorage.open(storage.path)


@pytest.fixture
async def storage(request: pytest.FixtureRequest, db_path: Path) -> AsyncIterator[Backend]:
    """A migrated, empty database of the backend under test, closed after the test."""
    store: Backend
    if request.param == "postgres":
        url = request.getfixturevalue("postgres_url")
        await truncate_all(url)
        store = await PostgresStorage.open(url)
    else:
        store = await SqliteStorage.open(db_path)
    try:
        yield store
    finally:
        await store.close()
