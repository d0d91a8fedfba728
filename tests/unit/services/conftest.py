"""Fixtures for the services tests: a controllable clock, fake gazetteer/registry, storage."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any, Protocol

import pytest

from bot.config import Settings
from bot.domain import (
    ActorRef,
    CasualtyCount,
    ChatType,
    CountStatus,
    GeoPrecision,
    Incident,
    Location,
    Report,
    SubEventType,
)
from bot.domain.views import Target
from bot.extract.actors import ActorRegistry
from bot.extract.gazetteer import Gazetteer
from bot.extract.pipeline import build_rules_extractor
from bot.ports import PlaceLearner
from bot.services import Services, build_services
from storage.base import Storage
from storage.sqlite import SqliteStorage
from tests.fake_storage import InMemoryStorage
from tests.fakes import (
    FakeActorRegistry,
    FakeGazetteer,
    MutableClock,
    ScriptedExtractor,
    VirtualTime,
    same_event,
)
from tests.unit.services.delivery_doubles import ScriptedNotifier

# 2022-08-30 09:00 in Baghdad (UTC+3), the morning after the Green Zone clashes began.
START = dt.datetime(2022, 8, 30, 6, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock() -> MutableClock:
    """A clock tests move by hand."""
    return MutableClock(START)


@pytest.fixture
def gazetteer() -> FakeGazetteer:
    """A few real Iraqi places."""
    return FakeGazetteer()


@pytest.fixture
def actors() -> FakeActorRegistry:
    """A few real armed groups."""
    return FakeActorRegistry()


def make_settings(**overrides: Any) -> Settings:
    """Settings isolated from the environment and any .env file."""
    values: dict[str, Any] = {
        "SITREP_TIMEZONE": "Asia/Baghdad",
        "SITREP_DEFAULT_DIGEST_TIME": "07:00",
        "SITREP_MAX_INPUT_CHARS": 5_000,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)


@pytest.fixture
def settings() -> Settings:
    """Settings for tests (Baghdad time, 07:00 digests, 5,000-character input limit)."""
    return make_settings()


@pytest.fixture(params=["memory", "sqlite"])
async def storage(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Storage]:
    """A fresh storage per test: every services test runs on the fake and on real SQLite."""
    backend: Storage
    if request.param == "sqlite":
        backend = await SqliteStorage.open(tmp_path / "sitrep.sqlite3")
    else:
        backend = InMemoryStorage()
    yield backend
    await backend.close()


@pytest.fixture
def vtime() -> VirtualTime:
    """Virtual monotonic time for the dispatcher tests."""
    return VirtualTime()


@pytest.fixture
def notifier(vtime: VirtualTime) -> ScriptedNotifier:
    """A notifier that answers the dispatcher from a script, in virtual time."""
    return ScriptedNotifier(vtime)


@pytest.fixture
def extractor() -> ScriptedExtractor:
    """An extractor that returns the incidents a test scripted for a marker in the text."""
    return ScriptedExtractor()


class SimpleMerge:
    """A merge result with bot.extract.merge.MergeResult's shape."""

    def __init__(self, existing: Incident, new: Incident) -> None:
        urls = {s.url for s in existing.sources}
        added = [s for s in new.sources if s.url not in urls]
        killed = existing.killed
        self.changes: dict[str, dict[str, Any]] = {}
        self.note = ""
        if new.killed.best > existing.killed.best:
            killed = new.killed
            self.changes["killed"] = {"old": existing.killed.best, "new": new.killed.best}
            self.note = f"death toll rose from {existing.killed.best} to {new.killed.best}"
        if added:
            self.changes["sources"] = {"old": len(existing.sources), "new": len(urls) + 1}
        self.incident = existing.model_copy(
            update={"killed": killed, "sources": [*existing.sources, *added]}
        )
        self.toll_changed = "killed" in self.changes
        self.changed = bool(self.changes)


def simple_merge(existing: Incident, new: Incident) -> SimpleMerge:
    """Merge two reports of one event: keep the higher toll, add the source."""
    return SimpleMerge(existing, new)


class BuildServices(Protocol):
    """Builds the services over the test's fakes (see the ``build`` fixture)."""

    def __call__(
        self,
        other: Settings | None = None,
        /,
        *,
        real_merge: bool = False,
        place_learner: PlaceLearner | None = None,
    ) -> Services: ...


@pytest.fixture
def build(
    storage: Storage,
    extractor: ScriptedExtractor,
    gazetteer: FakeGazetteer,
    actors: FakeActorRegistry,
    clock: MutableClock,
    settings: Settings,
) -> BuildServices:
    """Builds the services over the fakes: with other settings than the ``settings`` fixture's,
    with bot.extract.merge's matching and merge instead of the simple ones, with a place learner.
    Building twice over one storage is what a restart does."""

    def services(
        other: Settings | None = None,
        /,
        *,
        real_merge: bool = False,
        place_learner: PlaceLearner | None = None,
    ) -> Services:
        return build_services(
            storage,
            extractor,
            gazetteer,
            actors,
            clock,
            other or settings,
            find_match=None if real_merge else same_event,
            merge_incidents=None if real_merge else simple_merge,
            place_learner=place_learner,
        )

    return services


@pytest.fixture
def services(build: BuildServices) -> Services:
    """The services over the fakes."""
    return build()


def engine_services(storage: Storage, clock: MutableClock, settings: Settings) -> Services:
    """The services over the real rules extractor, gazetteer and actor registry."""
    gazetteer, actors = Gazetteer.default(), ActorRegistry.default()
    extractor = build_rules_extractor(gazetteer, actors)
    return build_services(storage, extractor, gazetteer, actors, clock, settings)


PLACES: dict[str, tuple[str, int | None, str, str]] = {
    # name -> (admin1, geonames id, admin1 code, key)
    "Basra": ("Basra", 99532, "IQ-BA", "gn:99532"),
    "Baghdad": ("Baghdad", 98182, "IQ-BG", "gn:98182"),
    "Green Zone": ("Baghdad", None, "IQ-BG", "iq:green-zone"),
    "Sadr City": ("Baghdad", 9000003, "IQ-BG", "gn:9000003"),
    "Sinjar": ("Nineveh", 94298, "IQ-NI", "gn:94298"),
    "Kirkuk": ("Kirkuk", 94787, "IQ-KI", "gn:94787"),
    "Daquq": ("Kirkuk", 90220, "IQ-KI", "gn:90220"),
    "Nasiriyah": ("Dhi Qar", 98860, "IQ-DQ", "gn:98860"),
    "Baqubah": ("Diyala", 98717, "IQ-DI", "gn:98717"),
}


def make_incident(
    place: str = "Basra",
    *,
    day: dt.date = dt.date(2022, 8, 29),
    killed: int | None = None,
    injured: int | None = None,
    actors: Sequence[ActorRef] = (),
    event: SubEventType = SubEventType.ARMED_CLASH,
    precision: GeoPrecision = GeoPrecision.POINT,
    summary: str | None = None,
    incident_id: int | None = None,
    created_at: dt.datetime | None = None,
) -> Incident:
    """An incident at one of the PLACES."""
    admin1, geonames_id, code, _ = PLACES[place]
    return Incident(
        id=incident_id,
        date=day,
        location=Location(
            name=place,
            geonames_id=geonames_id,
            admin1=admin1,
            admin1_code=code,
            country="IQ",
            geo_precision=precision,
            timezone="Asia/Baghdad",
        ),
        actors=list(actors),
        event_type=event.event_type,
        sub_event_type=event,
        killed=CasualtyCount(min=killed, max=killed, status=CountStatus.EXACT)
        if killed is not None
        else CasualtyCount(),
        injured=CasualtyCount(min=injured, max=injured, status=CountStatus.EXACT)
        if injured is not None
        else CasualtyCount(),
        summary=summary or f"{event.value} in {place}",
        created_at=created_at,
        updated_at=created_at,
    )


def actor(registry: FakeActorRegistry, actor_id: str) -> ActorRef:
    """An actor of the fake registry by id."""
    found = registry.get(actor_id)
    assert found is not None
    return found


async def add_chat(
    services: Services, chat_id: int, *, timezone: str | None = None, active: bool = True
) -> None:
    """Create a chat, optionally in another timezone or inactive."""
    await services.chats.ensure_chat(chat_id, ChatType.PRIVATE, f"chat {chat_id}")
    if timezone is not None:
        await services.chats.set_timezone(chat_id, timezone)
    if not active:
        await services.chats.deactivate(chat_id)


async def add_subscriber(services: Services, chat_id: int, *targets: Target) -> None:
    """Create a chat (see ``add_chat``) subscribed to each of ``targets``."""
    await add_chat(services, chat_id)
    for target in targets:
        await services.subscriptions.subscribe(chat_id, target)


def report(services: Services, text: str, url: str | None = None) -> Report:
    """A report built by the ingestion service (hash and fetch time filled in)."""
    return services.ingestion.make_report(text, url=url, outlet="Test Wire")


async def outbox_counts(storage: Storage) -> dict[str, int]:
    """Outbox counts by status, leaving out statuses with no messages."""
    return {status: n for status, n in (await storage.outbox.counts()).items() if n}
