"""Query latency (p50/p99) at 10k, 100k and 1M incidents in SQLite, through the real services.

The databases are built by a bulk loader (below): the schema comes from ``SqliteStorage.open``
(the real migrations); chats and subscriptions go in through the storage API; incidents are
generated as ``Incident`` models, turned into rows by the storage's own row mapping
(``storage.sqlite._incident_params``) and written with ``executemany`` on a separate
``sqlite3`` connection, with their actors, one source each and the FTS index rows (keyed as
``storage.sqlite.fts_index`` keys them), exactly as ``incidents.add`` writes them (``add``
itself does one transaction and a read-back per row, which would take most of an hour at 1M).
Built files are cached in ``bench/.cache/``; one built before a later migration is migrated
on first use (0014 re-keys the incident search index: about half a minute at 1M).

Data shape: incidents spread over ten years up to a fixed "now" (so the density of every
time window grows with the size: the harsh case), 80% in Iraq over ~40 places and their
governorates weighted by a Zipf law (Baghdad largest), the rest in Syria and Yemen; one or two
actors each, also Zipf-weighted. Queries are timed through ``QueryService`` and
``DigestService`` (what a user's command costs, models included), plus the storage's first
page for comparison.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import random
import sqlite3
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.report import Row, percentile

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.domain import ActorRef, Incident, Report
    from bot.domain.views import Target
    from bot.extract.gazetteer import GazetteerEntry
    from bot.services import Services
    from storage.base import IncidentQuery, Storage

CACHE = Path(__file__).resolve().parent / ".cache"
NOW = dt.datetime(2026, 11, 1, 12, 0, tzinfo=dt.UTC)
SPAN_DAYS = 3650
GENERATOR_VERSION = 1  # bump when the generated data changes (invalidates the cache)
DIGEST_CHATS = 10

_IRAQ = (
    "Baghdad", "Mosul", "Basra", "Kirkuk", "Ramadi", "Fallujah", "Tikrit", "Baqubah", "Samarra",
    "Karbala", "Najaf", "Hillah", "Kut", "Amarah", "Nasiriyah", "Diwaniyah", "Erbil",
    "Sulaymaniyah", "Duhok", "Sinjar", "Tal Afar", "Haditha", "Hit", "Khanaqin", "Tuz Khurmatu",
    "Balad", "Muqdadiyah", "Baiji", "Qaim", "Rutba", "Zakho", "Halabja", "Samawah", "Kufa",
    "Jurf al-Sakhar", "Tarmiyah", "Sharqat", "Makhmour", "Shirqat", "Hawija",
)  # fmt: skip
_OTHER = (
    ("Aleppo", "SY"), ("Idlib", "SY"), ("Raqqa", "SY"), ("Homs", "SY"), ("Deir ez-Zor", "SY"),
    ("Sanaa", "YE"), ("Aden", "YE"), ("Taiz", "YE"), ("Marib", "YE"), ("Hodeidah", "YE"),
)  # fmt: skip
_KINDS = (
    ("Explosions/Remote violence", "Remote explosive/landmine/IED", "roadside bomb"),
    ("Explosions/Remote violence", "Air/drone strike", "drone strike"),
    ("Explosions/Remote violence", "Shelling/artillery/missile attack", "mortar attack"),
    ("Explosions/Remote violence", "Suicide bomb", "suicide bombing"),
    ("Battles", "Armed clash", "clashes"),
    ("Violence against civilians", "Attack", "shooting"),
    ("Violence against civilians", "Abduction/forced disappearance", "kidnapping"),
    ("Strategic developments", "Arrests", "arrest raid"),
    ("Protests", "Peaceful protest", "protest"),
)
_TARGETS = ("a checkpoint", "a market", "an army patrol", "a police station", "a convoy",
            "a village", "farmers", "a minibus", "a power station", "an oil field")  # fmt: skip
_SEARCHES = ("drone {place}", "roadside bomb", "checkpoint {place}", "mortar {place}",
             "kidnapping", "convoy {place}", "market bombing", "protest {place}")  # fmt: skip


@dataclass(frozen=True, slots=True)
class Catalog:
    """The places and actors the generator draws from (resolved through the real data)."""

    places: list[GazetteerEntry]
    place_weights: list[float]
    actors: list[ActorRef]
    actor_weights: list[float]


def _catalog() -> Catalog:
    from bot.extract.actors import ActorRegistry
    from bot.extract.gazetteer import Gazetteer

    gazetteer = Gazetteer.default()
    places: list[GazetteerEntry] = []
    weights: list[float] = []
    seen: set[str] = set()
    for rank, name in enumerate(_IRAQ, start=1):
        found = [e for e in gazetteer.lookup(name, country="IQ") if e.kind == "place"]
        if found and found[0].key not in seen and found[0].admin1_code:
            seen.add(found[0].key)
            places.append(found[0])
            weights.append(0.8 / rank)
    iraq_total = sum(weights)
    weights = [w / iraq_total * 0.8 for w in weights]
    for rank, (name, country) in enumerate(_OTHER, start=1):
        found = [e for e in gazetteer.lookup(name, country=country) if e.kind == "place"]
        if found and found[0].key not in seen:
            seen.add(found[0].key)
            places.append(found[0])
            weights.append(0.2 / len(_OTHER) * (1.5 if rank <= 3 else 0.8))
    registry = ActorRegistry.default()
    actors = [a for a in registry.all() if a.country in (None, "IQ", "SY", "YE")]
    actors = actors[:40]
    actor_weights = [1.0 / rank for rank in range(1, len(actors) + 1)]
    return Catalog(places, weights, actors, actor_weights)


def _make_incident(rng: random.Random, catalog: Catalog, incident_id: int) -> Incident:
    from bot.domain import (
        CasualtyCount,
        CountStatus,
        EventType,
        GeoPrecision,
        Incident,
        SourceRef,
        SubEventType,
    )

    entry = rng.choices(catalog.places, catalog.place_weights)[0]
    admin_level = rng.random() < 0.1
    location = entry.to_location(GeoPrecision.ADMIN1 if admin_level else None)
    actors = rng.choices(catalog.actors, catalog.actor_weights, k=rng.choice((1, 1, 2)))
    actors = list({a.id: a for a in actors}.values())
    event, sub, words = rng.choice(_KINDS)
    day = NOW.date() - dt.timedelta(days=int(rng.random() ** 1.0 * SPAN_DAYS))
    created = min(
        NOW,
        dt.datetime.combine(day, dt.time(0), tzinfo=dt.UTC)
        + dt.timedelta(hours=rng.uniform(1, 30)),
    )
    killed = rng.choice((0, 0, 1, 2, 3, 5, 8, 12))
    injured = rng.choice((0, 1, 2, 4, 7, 15))
    target = rng.choice(_TARGETS)
    summary = f"A {words} hit {target} in {location.name}; {killed} killed and {injured} injured."
    evidence = [
        f"The {words} struck {target} near {location.name} on the day, officials said, "
        f"leaving {killed} dead."
    ]
    return Incident(
        id=incident_id,
        date=day,
        location=location,
        actors=actors,
        event_type=EventType(event),
        sub_event_type=SubEventType(sub),
        killed=CasualtyCount(min=killed, max=killed, status=CountStatus.EXACT),
        injured=CasualtyCount(min=injured, max=injured, status=CountStatus.EXACT),
        summary=summary,
        evidence=evidence,
        sources=[SourceRef(url=f"https://news.example/{incident_id}", outlet="Example News")],
        created_at=created,
        updated_at=created,
    )


async def _prepare_schema(path: Path, catalog: Catalog) -> None:
    """Schema through the real migrations; chats with subscriptions through the storage API."""
    from bot.domain import Chat, Subscription, SubscriptionKind
    from storage.sqlite import SqliteStorage

    storage = await SqliteStorage.open(path)
    try:
        async with storage.transaction():
            for index in range(DIGEST_CHATS):
                chat_id = 1000 + index
                await storage.chats.upsert(Chat(id=chat_id, timezone="Asia/Baghdad"))
                place = catalog.places[index % 8]
                actor = catalog.actors[index % 5]
                for kind, key, label in (
                    (SubscriptionKind.PLACE, place.key, place.name),
                    (SubscriptionKind.ADMIN1, place.admin1_code or "", f"{place.admin1} province"),
                    (SubscriptionKind.ACTOR, actor.id, actor.name),
                ):
                    await storage.subscriptions.add(
                        Subscription(chat_id=chat_id, kind=kind, key=key, label=label)
                    )
    finally:
        await storage.close()


@dataclass
class _Batch:
    """One batch of generated incidents as rows of the four tables ``incidents.add`` writes."""

    incidents: list[dict[str, Any]] = field(default_factory=list)
    actors: list[tuple[Any, ...]] = field(default_factory=list)
    sources: list[tuple[Any, ...]] = field(default_factory=list)
    fts: list[tuple[Any, ...]] = field(default_factory=list)


def _batch(rng: random.Random, catalog: Catalog, ids: range) -> _Batch:
    from storage.sqlite import _incident_params, _ts
    from storage.sqlite.fts_index import incident_index_row

    batch = _Batch()
    for incident_id in ids:
        incident = _make_incident(rng, catalog, incident_id)
        params = _incident_params(incident)
        params["id"] = incident_id
        params["created_at"] = params["updated_at"] = _ts(incident.created_at or NOW)
        batch.incidents.append(params)
        day = incident.date.isoformat()
        batch.actors += [
            (incident_id, a.id, position, a.name, a.type.value, a.country, day)
            for position, a in enumerate(incident.actors)
        ]
        batch.sources += [
            (incident_id, position, None, source.url, source.outlet, None, None)
            for position, source in enumerate(incident.sources)
        ]
        batch.fts.append(
            incident_index_row(incident_id, incident.date, incident.summary, incident.evidence)
        )
    return batch


def _write_batch(conn: sqlite3.Connection, batch: _Batch) -> None:
    from storage.sqlite.fts_index import INDEX_INCIDENT_SQL

    columns = list(batch.incidents[0])
    with conn:
        conn.executemany(
            f"INSERT INTO incidents ({', '.join(columns)}) "
            f"VALUES ({', '.join(':' + c for c in columns)})",
            batch.incidents,
        )
        conn.executemany(
            "INSERT INTO incident_actors "
            "(incident_id, actor_id, position, name, type, country, date) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            batch.actors,
        )
        conn.executemany(
            "INSERT INTO incident_sources "
            "(incident_id, position, report_id, url, outlet, title, published_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            batch.sources,
        )
        # Newest first: the search keys then rise, as FTS5 writes them fastest.
        conn.executemany(INDEX_INCIDENT_SQL, reversed(batch.fts))


def _bulk_load(path: Path, size: int, catalog: Catalog, progress: Callable[[str], None]) -> None:
    """Write ``size`` generated incidents the way ``incidents.add`` does, in big batches."""
    rng = random.Random(size)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA synchronous = OFF")
    batch = 20_000
    started = time.perf_counter()
    try:
        for first in range(1, size + 1, batch):
            _write_batch(conn, _batch(rng, catalog, range(first, min(first + batch, size + 1))))
            done = min(first + batch - 1, size)
            if size >= 100_000 and done % 100_000 < batch:
                progress(f"  {done:,}/{size:,} incidents ({time.perf_counter() - started:.0f} s)")
        conn.execute("ANALYZE")
        conn.commit()
    finally:
        conn.close()


def database_for(size: int, progress: Callable[[str], None] = print) -> Path:
    """A cached database with ``size`` incidents (built on first use)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"incidents-{size}-v{GENERATOR_VERSION}.sqlite3"
    if path.exists():
        return path
    progress(f"building {path.name} (cached for later runs) ...")
    partial = path.with_name(path.name + ".partial")
    for stale in CACHE.glob(partial.name + "*"):
        stale.unlink()
    catalog = _catalog()
    started = time.perf_counter()
    asyncio.run(_prepare_schema(partial, catalog))
    _bulk_load(partial, size, catalog, progress)
    conn = sqlite3.connect(partial)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    for suffix in ("-wal", "-shm", ".lock"):
        Path(str(partial) + suffix).unlink(missing_ok=True)
    partial.rename(path)
    progress(f"  built in {time.perf_counter() - started:.0f} s")
    return path


def bench_settings(**overrides: Any) -> Settings:
    """Settings isolated from the environment and any .env file."""
    from bot.config import Settings

    values: dict[str, Any] = {"SITREP_TIMEZONE": "Asia/Baghdad"}
    values.update(overrides)
    return Settings(_env_file=None, **values)


class NoExtractor:
    """The query benchmark never extracts."""

    async def extract(self, report: Report) -> list[Incident]:
        return []


class _Clock:
    def now(self) -> dt.datetime:
        return NOW


async def _timed(call: Callable[[], Awaitable[object]], runs: int) -> list[float]:
    for _ in range(min(5, runs)):
        await call()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        await call()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


async def postgres_for(size: int, server: str, progress: Callable[[str], None] = print) -> str:
    """A PostgreSQL database holding the same incidents as ``database_for(size)``.

    Kept between runs (like the SQLite cache) and filled by ``sitrep db copy``'s code, which
    resumes where an interrupted fill stopped.
    """
    import asyncpg

    from storage.copy import copy_sqlite_to_postgres
    from tests.postgres import create_database, with_database

    source = database_for(size, progress)
    name = f"sitrep_bench_{size}_v{GENERATOR_VERSION}"
    conn = await asyncpg.connect(server)
    try:
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
    finally:
        await conn.close()
    if not exists:
        await create_database(server, name)
    url = with_database(server, name)
    started = time.perf_counter()

    def report(table: str, copied: int) -> None:
        if copied % 100_000 < 2000:
            progress(f"  PostgreSQL {size:,}: {table} {copied:,} rows")

    result = await copy_sqlite_to_postgres(source, url, progress=report)
    if not result.ok:
        msg = f"copy into {name} is incomplete: {result.tables}"
        raise RuntimeError(msg)
    conn = await asyncpg.connect(url)
    try:
        # Statistics, and the visibility map that index-only scans need: autovacuum keeps both
        # on a database in use; a freshly copied one has neither (a no-op on later runs).
        await conn.execute("VACUUM ANALYZE")
    finally:
        await conn.close()
    progress(f"  PostgreSQL {size:,} ready in {time.perf_counter() - started:.0f} s")
    return url


class _Probes:
    """The timed lookups, each drawing its place or faction from a seeded generator."""

    def __init__(self, storage: Storage, services: Services, catalog: Catalog) -> None:
        self.storage = storage
        self.queries = services.queries
        self.digests = services.digests
        self.rng = random.Random(11)
        self.week = self.queries.parse_period("7d")
        self.month = self.queries.parse_period("30d")
        self.places = [p for p in catalog.places if p.country == "IQ"]
        self.actors = catalog.actors[:20]

    def _place(self) -> Target:
        from bot.domain import SubscriptionKind
        from bot.domain.views import Target

        entry = self.rng.choice(self.places)
        return Target(kind=SubscriptionKind.PLACE, key=entry.key, label=entry.name)

    def _actor(self) -> Target:
        from bot.domain import SubscriptionKind
        from bot.domain.views import Target

        actor = self.rng.choice(self.actors)
        return Target(kind=SubscriptionKind.ACTOR, key=actor.id, label=actor.name)

    async def city(self) -> object:
        return await self.queries.for_target(self._place(), self.week)

    async def faction(self) -> object:
        return await self.queries.for_target(self._actor(), self.month)

    async def _page(self, query: IncidentQuery) -> object:
        incidents = self.storage.incidents
        return await incidents.query(query), await incidents.count(query)

    async def city_page(self) -> object:
        from storage.base import IncidentQuery

        key = self.rng.choice(self.places).key
        week = self.week
        return await self._page(
            IncidentQuery(place_key=key, since=week.first_day, until=week.last_day, limit=5)
        )

    async def faction_page(self) -> object:
        from storage.base import IncidentQuery

        actor_id = self.rng.choice(self.actors).id
        month = self.month
        return await self._page(
            IncidentQuery(actor_id=actor_id, since=month.first_day, until=month.last_day, limit=5)
        )

    async def search(self) -> object:
        place = self.rng.choice(self.places[:12]).name
        return await self.queries.search(self.rng.choice(_SEARCHES).format(place=place))

    async def digest(self) -> object:
        return await self.digests.compose(1000 + self.rng.randrange(DIGEST_CHATS))


async def _measure(path: Path | str, runs: int) -> dict[str, list[float]]:
    from bot.extract.actors import ActorRegistry
    from bot.extract.gazetteer import Gazetteer
    from bot.heap import freeze_startup_heap
    from bot.services import build_services
    from storage.factory import open_backend
    from storage.url import parse_database_url

    catalog = _catalog()
    # A cached SQLite file built before a later migration (a new index) is brought up to date,
    # so the queries are timed on the schema the bot runs.
    migrate = isinstance(path, Path)
    storage = await open_backend(parse_database_url(str(path)), migrate=migrate)
    try:
        services = build_services(
            storage,
            NoExtractor(),
            Gazetteer.default(),
            ActorRegistry.default(),
            _Clock(),
            bench_settings(),
        )
        freeze_startup_heap()  # as bot.app.open_context does once the services are built
        probe = _Probes(storage, services, catalog)
        return {
            "city, last 7 days (/city: service, all pages)": await _timed(probe.city, runs),
            "faction, last 30 days (/faction: service, all pages)": await _timed(
                probe.faction, runs
            ),
            "full-text search (/search, 200 kept)": await _timed(probe.search, runs),
            "digest composition (3 subscriptions)": await _timed(probe.digest, runs),
            "city, last 7 days (storage: first page + count)": await _timed(probe.city_page, runs),
            "faction, last 30 days (storage: first page + count)": await _timed(
                probe.faction_page, runs
            ),
        }
    finally:
        await storage.close()


def run(
    sizes: Sequence[int],
    quick: bool,
    progress: Callable[[str], None] = print,
    postgres: str | None = None,
) -> list[Row]:
    """Build (or reuse) one database per size and time every query on each.

    With ``postgres`` (a server URL) the same data is also loaded into PostgreSQL and every
    query is timed there too, in the same run: rows marked "(PostgreSQL)".
    """
    runs = 40 if quick else 200
    rows: list[Row] = []
    by_name: dict[str, dict[int, tuple[float, float]]] = {}
    for size in sizes:
        path = database_for(size, progress)
        targets: list[tuple[str, Path | str]] = [("", path)]
        if postgres is not None:
            targets.append((" (PostgreSQL)", asyncio.run(postgres_for(size, postgres, progress))))
        for suffix, where in targets:
            results = asyncio.run(_measure(where, runs))
            for name, samples in results.items():
                p50, p99 = percentile(samples, 50), percentile(samples, 99)
                by_name.setdefault(name + suffix, {})[size] = (p50, p99)
    smallest = min(sizes)
    for name, per_size in by_name.items():
        for size, (p50, p99) in per_size.items():
            growth = p99 / per_size[smallest][1] if size != smallest else 1.0
            rows.append(
                Row(
                    "queries",
                    f"{name} @ {size:,}: p99",
                    p99,
                    "ms",
                    "goal",
                    10.0,
                    f"p50 {p50:.2f} ms; p99 x{growth:.1f} vs {smallest:,}; {runs} runs",
                )
            )
    return rows


def describe(path: Path) -> dict[str, object]:
    """Row counts and file size of a cached database (for RESULTS.md)."""
    conn = sqlite3.connect(path)
    try:
        counts = {
            table: conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            for table in ("incidents", "incident_actors", "incident_sources")
        }
    finally:
        conn.close()
    return {"file": path.name, "bytes": path.stat().st_size, **counts}


if __name__ == "__main__":  # pragma: no cover - a manual helper
    print(json.dumps(describe(database_for(10_000)), indent=2))
