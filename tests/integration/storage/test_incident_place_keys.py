"""Incident queries over several place keys, and "changed since" with other filters.

Each new query path must return exactly what the older path (one query per key, or the
unhinted filters checked one by one) returns, and must be answered from an index.
"""

from __future__ import annotations

import datetime as dt

import pytest

from bot.domain import Incident
from storage.base import IncidentQuery
from storage.sqlite import SqliteStorage, incident_query_sql

from .conftest import AAH, BAGHDAD, BASRA_CITY, BASRA_GOVERNORATE, ISF, ZUBAIR_NEAR, make_incident

BASRA, ZUBAIR = BASRA_CITY.key, ZUBAIR_NEAR.key


async def _fill(storage: SqliteStorage) -> list[Incident]:
    """Twenty-four incidents over four locations, two actors and twelve days."""
    stored = []
    locations = [BASRA_CITY, ZUBAIR_NEAR, BASRA_GOVERNORATE, BAGHDAD]
    for n in range(24):
        incident = make_incident(
            date=dt.date(2026, 3, 1 + n % 12),
            location=locations[n % 4],
            actors=[AAH] if n % 3 else [ISF],
            killed=n % 5,
        )
        stored.append(await storage.incidents.add(incident))
    return stored


def _newest_first(incidents: list[Incident]) -> list[int]:
    ordered = sorted(incidents, key=lambda i: (i.date, i.id or 0), reverse=True)
    return [i.id or 0 for i in ordered]


class TestPlaceKeys:
    """``place_keys`` is the union of one ``place_key`` query per key, newest first."""

    async def test_same_rows_as_one_query_per_key(self, storage: SqliteStorage) -> None:
        await _fill(storage)
        union: list[Incident] = []
        for key in (BASRA, ZUBAIR):
            union += await storage.incidents.query(IncidentQuery(place_key=key, limit=100))
        found = await storage.incidents.query(IncidentQuery(place_keys=[BASRA, ZUBAIR], limit=100))
        assert [i.id for i in found] == _newest_first(union)
        assert len(found) == 12  # the governorate-level rows share Basra's key but are left out

    async def test_pages_count_and_stats_agree(self, storage: SqliteStorage) -> None:
        await _fill(storage)
        base = IncidentQuery(
            place_keys=[ZUBAIR, BASRA, BASRA],
            since=dt.date(2026, 3, 3),
            until=dt.date(2026, 3, 10),
        )
        everything = await storage.incidents.query(base.model_copy(update={"limit": 100}))
        pages = []
        for offset in range(0, 12, 5):
            query = base.model_copy(update={"limit": 5, "offset": offset})
            pages += await storage.incidents.query(query)
        assert [i.id for i in pages] == [i.id for i in everything]
        assert await storage.incidents.count(base) == len(everything)
        stats = await storage.incidents.stats(base)
        assert stats.incidents == len(everything)
        assert stats.killed == sum(i.killed.best for i in everything)

    async def test_no_keys_match_nothing(self, storage: SqliteStorage) -> None:
        await _fill(storage)
        assert await storage.incidents.query(IncidentQuery(place_keys=[])) == []
        assert await storage.incidents.count(IncidentQuery(place_keys=[])) == 0
        assert await storage.incidents.query(IncidentQuery(place_keys=["gn:1"])) == []

    @pytest.mark.sqlite_only
    async def test_answered_from_the_place_index(self, storage: SqliteStorage) -> None:
        await _fill(storage)
        sql, params = incident_query_sql(
            IncidentQuery(place_keys=[BASRA, ZUBAIR], since=dt.date(2026, 3, 1))
        )
        plan = " | ".join(await storage.explain(sql, params))
        assert "INDEX incidents_by_place" in plan, plan
        assert "SCAN" not in plan, plan


class TestChangedSinceWithFilters:
    """``updated_since`` with a governorate, place or actor reads the short updated_at range."""

    @staticmethod
    def _cases(since: dt.datetime) -> list[IncidentQuery]:
        return [
            IncidentQuery(updated_since=since, admin1_code="IQ-BA", limit=100),
            IncidentQuery(updated_since=since, place_keys=[BASRA, ZUBAIR], limit=100),
            IncidentQuery(updated_since=since, actor_id=AAH.id, limit=100),
            IncidentQuery(updated_since=since, actor_id=ISF.id, admin1_code="IQ-BA", limit=100),
        ]

    async def test_same_rows_as_filtering_by_hand(self, storage: SqliteStorage) -> None:
        stored = await _fill(storage)
        since = sorted(i.updated_at for i in stored if i.updated_at is not None)[10]
        for query in self._cases(since):
            without = query.model_copy(update={"updated_since": None})
            expected = [
                i
                for i in await storage.incidents.query(without)
                if i.updated_at is not None and i.updated_at >= since
            ]
            found = await storage.incidents.query(query)
            assert [i.id for i in found] == [i.id for i in expected], query
            assert await storage.incidents.count(query) == len(expected), query
            assert {a.id for i in found for a in i.actors} <= {AAH.id, ISF.id}

    @pytest.mark.sqlite_only
    async def test_answered_from_the_updated_index(self, storage: SqliteStorage) -> None:
        await _fill(storage)
        for query in self._cases(dt.datetime(2026, 1, 1, tzinfo=dt.UTC)):
            sql, params = incident_query_sql(query)
            details = await storage.explain(sql, params)
            plan = " | ".join(details)
            assert "INDEX incidents_by_updated" in plan, plan
            assert [d for d in details if d.startswith("SCAN")] == [], plan
