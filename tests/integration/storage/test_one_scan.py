"""A digest's "changed since" queries read in one scan (``storage.sqlite.one_scan``) give what
the statement of one part per query gives: the same briefs per query, the same totals."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest

from bot.domain import EventType, SubEventType
from storage.base import IncidentQuery
from storage.sqlite import SqliteStorage
from storage.sqlite.incidents import BRIEF_SELECT, _incident_filter, briefs_and_totals_sql
from storage.sqlite.one_scan import one_scan_applies, one_scan_sql
from storage.sqlite.rows import MAPPER
from storage.sqlite.values import _fetchall, _ts

from .conftest import AAH, BAGHDAD, BASRA_CITY, BASRA_GOVERNORATE, ISF, T0, make_incident

pytestmark = pytest.mark.sqlite_only  # the SQLite statement itself

HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)


async def _fill(storage: SqliteStorage) -> None:
    """Sixty incidents over three days of updates: places, actors, figures, background rows,
    some created long before their last update, dates out of id order."""
    rng = random.Random(7)
    for n in range(60):
        clash = n % 4 == 0
        incident = make_incident(
            date=dt.date(2026, 2, 20) + dt.timedelta(days=rng.randrange(12)),
            location=rng.choice((BASRA_CITY, BASRA_GOVERNORATE, BAGHDAD)),
            actors=rng.choice(([AAH], [ISF], [AAH, ISF], [])),
            killed=rng.choice((None, 0, 1, 4, 9)),
            is_background=n % 11 == 0,
            event_type=EventType.BATTLES if clash else EventType.EXPLOSIONS,
            sub_event_type=SubEventType.ARMED_CLASH if clash else SubEventType.REMOTE_EXPLOSIVE,
        )
        updated = T0 - 3 * DAY + rng.randrange(72 * 60) * dt.timedelta(minutes=1)
        incident.created_at = updated - rng.choice((dt.timedelta(0), HOUR, 5 * DAY))
        incident.updated_at = updated
        await storage.incidents.add(incident)


def _digest_queries(
    limit: int, offset: int = 0
) -> tuple[list[IncidentQuery], list[IncidentQuery]]:
    """A digest's window queries and the day before's, for three kinds of subscription."""
    since = T0 - DAY
    window = IncidentQuery(
        updated_since=since, include_background=False, limit=limit, offset=offset
    )
    before = IncidentQuery(
        updated_since=since - DAY,
        created_since=since - DAY,
        created_before=since,
        since=dt.date(2026, 2, 25),
        include_background=False,
        limit=limit,
        offset=offset,
    )
    scopes: list[dict[str, Any]] = [
        {"place_keys": [BASRA_CITY.key, BAGHDAD.key]},
        {"admin1_code": BASRA_CITY.admin1_code},
        {"actor_id": AAH.id},
        {"actor_id": ISF.id, "min_killed": 1},
    ]
    return (
        [window.model_copy(update=scope) for scope in scopes],
        [before.model_copy(update=scope) for scope in scopes],
    )


async def _by_parts(
    storage: SqliteStorage, queries: list[IncidentQuery], counted: list[IncidentQuery], limit: int
) -> object:
    """What the statement of one part per query returns (``briefs_and_totals_sql``)."""
    sql, params = briefs_and_totals_sql(queries, counted, limit)
    return MAPPER.briefs_and_totals(await _fetchall(storage._conn, sql, params), len(queries))


class TestOneScan:
    """Same answers as one part per query, with limits, offsets and totals that bind."""

    @pytest.mark.parametrize(
        ("limit", "offset", "total_limit"),
        [(100, 0, 100), (5, 0, 100), (4, 2, 100), (100, 0, 7), (3, 1, 4)],
    )
    async def test_same_briefs_and_totals(
        self, storage: SqliteStorage, limit: int, offset: int, total_limit: int
    ) -> None:
        await _fill(storage)
        queries, counted = _digest_queries(limit, offset)
        assert one_scan_applies([*queries, *counted])
        for wanted, summed in ((queries, counted), (queries, []), ([], counted)):
            expected = await _by_parts(storage, wanted, summed, total_limit)
            found = await storage.incidents.briefs_and_totals(wanted, summed, total_limit)
            assert found == expected
        briefs, totals = await storage.incidents.briefs_and_totals(queries, counted, total_limit)
        # The data exercises every part.
        assert all(briefs)
        assert totals.incidents > 0

    def test_only_for_changed_since_queries(self) -> None:
        queries, _ = _digest_queries(10)
        assert one_scan_applies(queries[:1])
        assert not one_scan_applies([])
        assert not one_scan_applies([*queries, IncidentQuery(admin1_code="IQ-BA")])
        assert not one_scan_applies([queries[0].model_copy(update={"ids": [1, 2]})])

    async def test_one_read_of_the_covering_index(self, storage: SqliteStorage) -> None:
        await _fill(storage)
        await storage._conn.execute("ANALYZE")
        queries, counted = _digest_queries(100)
        every = [*queries, *counted]
        filters = [_incident_filter(query)[1:3] for query in every]
        sql, params = one_scan_sql(filters, _ts(T0 - 2 * DAY), BRIEF_SELECT)
        details = await storage.explain(sql, params)
        covering = [d for d in details if "COVERING INDEX incidents_by_updated" in d]
        assert len(covering) == 1, details
        assert not [d for d in details if d.startswith("SCAN i")], details
        # Each actor filter is looked up once per row, not again for the outer "parts != 0".
        lookups = [d for d in details if "SEARCH a USING PRIMARY KEY" in d]
        assert len(lookups) == sum(1 for query in every if query.actor_id), details
