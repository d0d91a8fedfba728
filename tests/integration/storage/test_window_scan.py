"""SQLite's one-scan read of a digest's windows answers exactly as reading each query does."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest

from bot.domain import IncidentStatus
from storage.base import IncidentBrief, IncidentQuery, IncidentStats
from storage.sqlite import SqliteStorage, window_scan
from storage.sqlite import incidents as sqlite_incidents

from .conftest import (
    AAH,
    BAGHDAD,
    BASRA_CITY,
    BASRA_GOVERNORATE,
    ISF,
    T0,
    ZUBAIR_NEAR,
    make_incident,
)

pytestmark = pytest.mark.sqlite_only

HOUR = dt.timedelta(hours=1)
PLACES = [BAGHDAD, BASRA_CITY, BASRA_GOVERNORATE, ZUBAIR_NEAR]


async def _fill(storage: SqliteStorage, seed: int) -> None:
    """80 incidents created and updated over three days up to T0: some about old events, some
    in the background, some withdrawn or merged, some without a figure, shared dates."""
    rng = random.Random(seed)
    for _ in range(80):
        late = rng.random() < 0.15
        created = T0 - rng.uniform(0, 72) * HOUR
        day = (created - dt.timedelta(days=rng.choice((0, 0, 1)))).date()
        incident = make_incident(
            date=dt.date(2025, rng.randint(1, 12), 5) if late else day,
            location=rng.choice(PLACES),
            actors=rng.choice(([], [AAH], [ISF], [AAH, ISF])),
            killed=rng.choice((None, 0, 1, 4, 9)),
            is_background=rng.random() < 0.1,
        )
        incident.created_at = created
        incident.updated_at = created + rng.choice((0, 0, rng.uniform(0, 30))) * HOUR
        stored = await storage.incidents.add(incident)
        if rng.random() < 0.08:
            status = rng.choice((IncidentStatus.RETRACTED, IncidentStatus.MERGED))
            await storage.incidents.update(stored.model_copy(update={"status": status}))


def _digest_like(
    limit: int, offset: int, counted_limit: int = 100
) -> tuple[list[IncidentQuery], list[IncidentQuery]]:
    """A digest's shape: each subscription's window, and its window of the day before."""
    since = T0 - 24 * HOUR
    window = IncidentQuery(updated_since=since, include_background=False, limit=limit)
    before = IncidentQuery(
        updated_since=since - 24 * HOUR,
        created_since=since - 24 * HOUR,
        created_before=since,
        since=(since - 24 * HOUR).date(),
        include_background=False,
        limit=counted_limit,
    )
    scopes: list[dict[str, Any]] = [
        {"place_keys": [BAGHDAD.key, ZUBAIR_NEAR.key]},
        {"admin1_code": "IQ-BA"},
        {"actor_id": AAH.id},
        {"place_key": BASRA_CITY.key, "country": "IQ", "min_killed": 1},
    ]
    queries = [window.model_copy(update={**scope, "offset": offset}) for scope in scopes]
    return queries, [before.model_copy(update=scope) for scope in scopes]


Read = tuple[list[list[IncidentBrief]], IncidentStats]


async def _read_both(
    storage: SqliteStorage,
    queries: list[IncidentQuery],
    counted: list[IncidentQuery],
    limit: int,
    monkeypatch: pytest.MonkeyPatch,
) -> tuple[Read, Read, bool]:
    """The read through the scan (and whether the scan answered), and the per-query read."""
    answered: list[bool] = []

    def spy(*args: Any) -> Any:
        result = window_scan.sorted_out(*args)
        answered.append(result is not None)
        return result

    with monkeypatch.context() as patched:
        patched.setattr(sqlite_incidents, "sorted_out", spy)
        scanned = await storage.incidents.briefs_and_totals(queries, counted, limit)
    with monkeypatch.context() as patched:
        patched.setattr(window_scan, "RANGE_CAP", 0)  # every range "too long": per query
        per_query = await storage.incidents.briefs_and_totals(queries, counted, limit)
    return scanned, per_query, answered == [True]


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize(
    ("limit", "offset", "counted_limit", "total_limit"),
    [(100, 0, 100, 100), (3, 0, 100, 100), (4, 2, 100, 100), (100, 0, 100, 5), (100, 0, 3, 100)],
)
async def test_same_briefs_and_totals_as_each_query(
    storage: SqliteStorage,
    monkeypatch: pytest.MonkeyPatch,
    seed: int,
    limit: int,
    offset: int,
    counted_limit: int,
    total_limit: int,
) -> None:
    await _fill(storage, seed)
    queries, counted = _digest_like(limit, offset, counted_limit)
    scanned, per_query, answered = await _read_both(
        storage, queries, counted, total_limit, monkeypatch
    )
    assert scanned == per_query
    assert scanned[0] == await storage.incidents.briefs_each(queries)
    assert sum(map(len, scanned[0])) > 0
    # The scan answers unless a limit could have cut the day before's union (then per query).
    uncut = [query.model_copy(update={"limit": 10_000}) for query in counted]
    union = {b.id for part in await storage.incidents.briefs_each(uncut) for b in part}
    assert answered == (len(union) <= min(counted_limit, total_limit))
    # Some window limits bind, and some offsets skip briefs, on the scan's path too.
    if answered and limit < 100:
        assert [len(p) for p in scanned[0]] != [len(p) for p in await _uncut(storage, queries)]


async def _uncut(
    storage: SqliteStorage, queries: list[IncidentQuery]
) -> list[list[IncidentBrief]]:
    return await storage.incidents.briefs_each(
        [query.model_copy(update={"limit": 10_000, "offset": 0}) for query in queries]
    )


async def test_a_long_range_is_read_per_query(
    storage: SqliteStorage, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _fill(storage, 4)
    queries, counted = _digest_like(100, 0)
    monkeypatch.setattr(window_scan, "RANGE_CAP", 10)
    scanned, per_query, answered = await _read_both(storage, queries, counted, 100, monkeypatch)
    assert not answered
    assert scanned == per_query
    assert scanned[0] == await storage.incidents.briefs_each(queries)


async def test_queries_off_the_updated_index_are_read_per_query(
    storage: SqliteStorage, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _fill(storage, 5)
    queries, counted = _digest_like(100, 0)
    mixed = [*queries, IncidentQuery(actor_id=ISF.id, limit=5)]  # no time window
    for shape in ((mixed, counted), (queries, [*counted, IncidentQuery(limit=5)]), ([], counted)):
        scanned, per_query, answered = await _read_both(storage, *shape, 100, monkeypatch)
        assert not answered
        assert scanned == per_query
