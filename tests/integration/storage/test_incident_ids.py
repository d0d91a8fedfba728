"""Ids-only incident queries, the ``ids`` filter and the creation-time window."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.domain import ActorRef, Incident
from storage.base import IncidentBrief, IncidentQuery, IncidentStats
from storage.sqlite import SqliteStorage, incident_ids_sql, incident_query_sql
from storage.sqlite.incidents import BRIEF_SELECT, briefs_and_totals_sql, briefs_each_sql

from .conftest import AAH, BAGHDAD, BASRA_CITY, ISF, T0, make_incident

HOUR = dt.timedelta(hours=1)


async def _fill(storage: SqliteStorage) -> list[int]:
    """Ten incidents, one created per hour from T0, alternating city and actor."""
    ids = []
    for n in range(10):
        incident = make_incident(
            date=dt.date(2026, 3, 1 + n % 4),
            location=BASRA_CITY if n % 2 else BAGHDAD,
            actors=[AAH] if n % 3 else [ISF],
            killed=n,
            is_background=n == 7,
        )
        incident.created_at = incident.updated_at = T0 + n * HOUR
        stored = await storage.incidents.add(incident)
        assert stored.id is not None
        ids.append(stored.id)
    return ids


class TestIds:
    """``ids`` returns the ids ``query`` would return, in the same order."""

    async def test_same_as_query(self, storage: SqliteStorage) -> None:
        await _fill(storage)
        for query in (
            IncidentQuery(limit=100),
            IncidentQuery(admin1_code="IQ-BA", limit=100),
            IncidentQuery(actor_id=AAH.id, limit=3, offset=1),
            IncidentQuery(updated_since=T0 + 4 * HOUR, include_background=False, limit=100),
        ):
            expected = [i.id for i in await storage.incidents.query(query)]
            assert await storage.incidents.ids(query) == expected, query


class TestBriefs:
    """``briefs`` returns what ``query`` would, as briefs, in the same order."""

    async def test_same_as_query(self, storage: SqliteStorage) -> None:
        await _fill(storage)
        unknown = make_incident(killed=None)
        unknown.date_end = dt.date(2026, 3, 9)
        await storage.incidents.add(unknown)
        for query in (
            IncidentQuery(limit=100),
            IncidentQuery(actor_id=AAH.id, limit=3, offset=1),
            IncidentQuery(updated_since=T0 + 4 * HOUR, include_background=False, limit=100),
        ):
            expected = [IncidentBrief.of(i) for i in await storage.incidents.query(query)]
            assert await storage.incidents.briefs(query) == expected, query
        briefs = await storage.incidents.briefs(IncidentQuery(limit=100))
        assert {(b.killed, b.date_end) for b in briefs} >= {(None, dt.date(2026, 3, 9)), (9, None)}

    async def test_each_query_gets_its_own_briefs_in_one_read(
        self, storage: SqliteStorage
    ) -> None:
        await _fill(storage)
        window = IncidentQuery(updated_since=T0 + 2 * HOUR, include_background=False, limit=100)
        queries = [
            window.model_copy(update={"admin1_code": "IQ-BA"}),
            window.model_copy(update={"place_keys": [BAGHDAD.key]}),
            window.model_copy(update={"actor_id": AAH.id}),  # overlaps both places
            IncidentQuery(actor_id=ISF.id, limit=2, offset=1),
            window.model_copy(update={"admin1_code": "XX-NONE"}),
            window,
        ]
        found = await storage.incidents.briefs_each(queries)
        assert found == [await storage.incidents.briefs(query) for query in queries]
        assert [len(briefs) > 0 for briefs in found] == [True, True, True, True, False, True]
        assert await storage.incidents.briefs_each([]) == []


class TestBriefsAndTotals:
    """``briefs_and_totals``: the briefs of some queries, the totals of the union of others."""

    async def test_totals_of_the_first_distinct_incidents(self, storage: SqliteStorage) -> None:
        await _fill(storage)  # incident n: killed n, Baghdad when n is even, AAH unless n % 3 == 0
        window = IncidentQuery(updated_since=T0 + 2 * HOUR, include_background=False, limit=100)
        counted = [  # Baghdad: n = 6, 2 (3 March), 8, 4 (1 March); AAH: n = 2, 5, 8, 4
            window.model_copy(update={"place_keys": [BAGHDAD.key]}),
            window.model_copy(update={"actor_id": AAH.id}),
        ]
        expected = {3: (3, 16), 4: (4, 20), 5: (5, 25), 100: (5, 25), 1: (1, 6)}
        for limit, (incidents, killed) in expected.items():
            _, totals = await storage.incidents.briefs_and_totals([], counted, limit)
            assert (totals.incidents, totals.killed, totals.injured) == (incidents, killed, 0)

    async def test_briefs_as_briefs_each_and_totals_as_their_union(
        self, storage: SqliteStorage
    ) -> None:
        await _fill(storage)
        unknown = make_incident(killed=None, location=BAGHDAD)  # unknown figures count as 0
        unknown.created_at = unknown.updated_at = T0 + 20 * HOUR
        await storage.incidents.add(unknown)
        window = IncidentQuery(updated_since=T0 + 2 * HOUR, include_background=False, limit=100)
        queries = [
            window.model_copy(update={"admin1_code": "IQ-BA"}),
            window.model_copy(update={"place_keys": [BAGHDAD.key]}),
            window.model_copy(update={"actor_id": AAH.id}),
        ]
        counted = [*queries, window.model_copy(update={"actor_id": ISF.id, "limit": 2})]
        found, totals = await storage.incidents.briefs_and_totals(queries, counted, 100)
        assert found == await storage.incidents.briefs_each(queries)
        union = {b.id: b for part in await storage.incidents.briefs_each(counted) for b in part}
        assert totals.incidents == len(union) > 0
        assert totals.killed == sum(b.killed or 0 for b in union.values())
        assert totals.injured == sum(b.injured or 0 for b in union.values())

    @pytest.mark.parametrize(("limit", "before_limit"), [(100, 100), (3, 100), (100, 2)])
    async def test_a_digests_day_and_the_day_before_each_subscription(
        self, storage: SqliteStorage, limit: int, before_limit: int
    ) -> None:
        # The shape a digest asks for: per subscription, its window's briefs and the day
        # before's totals (created in the day before, events since the day before's date,
        # changed since then). PostgreSQL reads each subscription's two days once and cuts
        # both from them: each must still be what it is asked alone.
        await _fill(storage)  # incident n: created T0 + n h, dated 1 + n % 4 March
        window = IncidentQuery(updated_since=T0 + 5 * HOUR, include_background=False, limit=100)
        before = window.model_copy(
            update={
                "updated_since": T0 + HOUR,
                "created_since": T0 + HOUR,
                "created_before": T0 + 5 * HOUR,
                "since": dt.date(2026, 3, 2),
                "limit": before_limit,
            }
        )
        scopes: list[dict[str, object]] = [
            {"admin1_code": BASRA_CITY.admin1_code},
            {"place_keys": [BAGHDAD.key]},
            {"actor_id": AAH.id},
        ]
        queries = [window.model_copy(update=scope) for scope in scopes]
        counted = [before.model_copy(update=scope) for scope in scopes]
        found, totals = await storage.incidents.briefs_and_totals(queries, counted, limit)
        assert found == await storage.incidents.briefs_each(queries)
        assert all(found)
        first: dict[int, IncidentBrief] = {}
        for part in await storage.incidents.briefs_each(counted):
            for brief in part:
                if len(first) < limit:
                    first.setdefault(brief.id, brief)
        assert totals.incidents == len(first) > 0
        assert totals.killed == sum(b.killed or 0 for b in first.values())

    async def test_nothing_counted_or_found(self, storage: SqliteStorage) -> None:
        await _fill(storage)
        queries = [IncidentQuery(admin1_code="XX-NONE", limit=10), IncidentQuery(limit=3)]
        found, totals = await storage.incidents.briefs_and_totals(queries, [], 10)
        assert found == await storage.incidents.briefs_each(queries)
        assert totals == IncidentStats()
        _, none = await storage.incidents.briefs_and_totals([], queries[:1], 10)
        assert none == IncidentStats()
        assert await storage.incidents.briefs_and_totals([], [], 10) == ([], IncidentStats())


class TestBriefsAndListed:
    """``briefs_and_listed``: ``briefs_and_totals``, then the incidents the picker chooses from
    them, loaded as ``query(ids=...)`` loads them."""

    async def test_picks_from_the_briefs_and_loads_the_picked(
        self, storage: SqliteStorage
    ) -> None:
        await _fill(storage)
        window = IncidentQuery(updated_since=T0 + 2 * HOUR, include_background=False, limit=100)
        queries = [
            window.model_copy(update={"place_keys": [BAGHDAD.key]}),
            window.model_copy(update={"place_keys": [BASRA_CITY.key]}),
        ]
        counted = [window.model_copy(update={"actor_id": AAH.id})]
        seen: list[tuple[list[list[IncidentBrief]], IncidentStats]] = []

        def pick(found: list[list[IncidentBrief]], totals: IncidentStats) -> list[int]:
            seen.append((found, totals))
            # The most killed of each part, in an order that is not the load's (newest first).
            return [max(part, key=lambda b: b.killed or 0).id for part in found]

        found, totals, loaded = await storage.incidents.briefs_and_listed(
            queries, counted, 100, pick
        )
        assert (found, totals) == await storage.incidents.briefs_and_totals(queries, counted, 100)
        assert seen == [(found, totals)]
        picked = pick(found, totals)
        assert loaded == await storage.incidents.query(IncidentQuery(ids=picked, limit=2))
        # Picked Baghdad's (n = 8, 1 March) then Basra's (n = 9, 2 March); loaded newest first.
        assert [i.killed.min for i in loaded] == [9, 8]

    async def test_nothing_picked_or_read(self, storage: SqliteStorage) -> None:
        await _fill(storage)
        queries = [IncidentQuery(limit=3)]
        found, totals, loaded = await storage.incidents.briefs_and_listed(
            queries, [], 10, lambda found, totals: []
        )
        assert (found, totals, loaded) == (
            await storage.incidents.briefs_each(queries),
            totals,
            [],
        )
        everything = await storage.incidents.briefs_and_listed(
            [], [], 10, lambda found, totals: [b.id for part in found for b in part]
        )
        assert everything == ([], IncidentStats(), [])

    async def test_a_failing_picker_fails_the_read_only(self, storage: SqliteStorage) -> None:
        ids = await _fill(storage)

        def broken(found: list[list[IncidentBrief]], totals: IncidentStats) -> list[int]:
            raise LookupError("no pick")

        with pytest.raises(LookupError, match="no pick"):
            await storage.incidents.briefs_and_listed([IncidentQuery(limit=3)], [], 10, broken)
        assert sorted(await storage.incidents.ids(IncidentQuery(limit=100))) == sorted(ids)


class TestIdsFilter:
    """``IncidentQuery.ids`` keeps only the given incidents, newest first, by primary key."""

    async def test_only_those_incidents(self, storage: SqliteStorage) -> None:
        ids = await _fill(storage)
        wanted = [ids[1], ids[4], ids[8], 999_999]
        found = await storage.incidents.query(IncidentQuery(ids=wanted, limit=100))
        every = await storage.incidents.query(IncidentQuery(limit=100))
        assert [i.id for i in found] == [i.id for i in every if i.id in wanted]
        assert await storage.incidents.count(IncidentQuery(ids=[])) == 0
        stats = await storage.incidents.stats(IncidentQuery(ids=wanted))
        assert (stats.incidents, stats.killed) == (3, 1 + 4 + 8)

    async def test_with_an_actor(self, storage: SqliteStorage) -> None:
        ids = await _fill(storage)
        found = await storage.incidents.ids(IncidentQuery(ids=ids, actor_id=ISF.id, limit=100))
        assert sorted(found) == sorted(ids[n] for n in (0, 3, 6, 9))

    @pytest.mark.sqlite_only
    async def test_looked_up_by_primary_key(self, storage: SqliteStorage) -> None:
        ids = await _fill(storage)
        await storage._conn.execute("ANALYZE")
        sql, params = incident_query_sql(IncidentQuery(ids=ids[:3]))
        plan = " | ".join(await storage.explain(sql, params))
        assert "PRIMARY KEY" in plan, plan
        assert "SCAN" not in plan, plan


class TestCreatedWindow:
    """``created_since`` is inclusive and ``created_before`` exclusive."""

    async def test_window(self, storage: SqliteStorage) -> None:
        ids = await _fill(storage)
        query = IncidentQuery(created_since=T0 + 2 * HOUR, created_before=T0 + 5 * HOUR, limit=100)
        assert sorted(await storage.incidents.ids(query)) == ids[2:5]
        changed = query.model_copy(update={"updated_since": T0 + 3 * HOUR})
        assert sorted(await storage.incidents.ids(changed)) == ids[3:5]


async def _analysed_digest_parts(storage: SqliteStorage) -> list[IncidentQuery]:
    """A filled, analysed database and a digest's three kinds of subscription window
    (governorate, place keys, faction), as a chat subscribed to each would ask."""
    await _fill(storage)
    await storage._conn.execute("ANALYZE")
    window = IncidentQuery(updated_since=T0, include_background=False)
    return [
        window.model_copy(update={"admin1_code": "IQ-BA"}),
        window.model_copy(update={"place_keys": [BASRA_CITY.key, BAGHDAD.key]}),
        window.model_copy(update={"actor_id": AAH.id}),
    ]


@pytest.mark.sqlite_only
class TestChangedSincePlan:
    """A digest's ids queries read only the changed-since index (no table rows)."""

    async def test_covering_index(self, storage: SqliteStorage) -> None:
        await _fill(storage)
        await storage._conn.execute("ANALYZE")
        window = IncidentQuery(
            updated_since=T0,
            created_since=T0,
            created_before=T0 + 5 * HOUR,
            include_background=False,
        )
        for query in (
            window.model_copy(update={"admin1_code": "IQ-BA"}),
            window.model_copy(update={"place_keys": [BASRA_CITY.key, BAGHDAD.key]}),
        ):
            sql, params = incident_ids_sql(query)
            plan = " | ".join(await storage.explain(sql, params))
            assert "COVERING INDEX incidents_by_updated" in plan, plan

    async def test_window_briefs_come_from_the_index(self, storage: SqliteStorage) -> None:
        # The digest reads each subscription's briefs straight from the window (0013): the
        # brief columns are in the updated_at index, so no incident row is read; a faction
        # adds one lookup per row, after the index's own filters.
        await _fill(storage)
        await storage._conn.execute("ANALYZE")
        window = IncidentQuery(updated_since=T0, include_background=False)
        for query in (
            window.model_copy(update={"admin1_code": "IQ-BA"}),
            window.model_copy(update={"place_keys": [BASRA_CITY.key, BAGHDAD.key]}),
            window.model_copy(update={"actor_id": AAH.id}),
        ):
            sql, params = incident_ids_sql(query, BRIEF_SELECT)
            plan = " | ".join(await storage.explain(sql, params))
            assert "COVERING INDEX incidents_by_updated" in plan, plan
        sql, _ = incident_ids_sql(window.model_copy(update={"actor_id": AAH.id}), BRIEF_SELECT)
        where = sql.split(" WHERE ", 1)[1]
        assert where.index("i.is_background") < where.index("EXISTS"), sql

    async def test_briefs_of_every_subscription_come_from_the_index(
        self, storage: SqliteStorage
    ) -> None:
        # One statement for all of a digest's subscriptions: each part is planned as alone.
        queries = await _analysed_digest_parts(storage)
        sql, params = briefs_each_sql(queries)
        details = await storage.explain(sql, params)
        covering = [d for d in details if "COVERING INDEX incidents_by_updated" in d]
        assert len(covering) == len(queries), details
        assert not [d for d in details if d.startswith("SCAN i")], details

    async def test_counted_parts_come_from_the_index_too(self, storage: SqliteStorage) -> None:
        # The day before's totals (briefs_and_totals): each counted part, ranked and summed
        # around it, still reads only the window's index, as the briefs' parts do.
        queries = await _analysed_digest_parts(storage)
        sql, params = briefs_and_totals_sql(queries, queries, 100)
        details = await storage.explain(sql, params)
        covering = [d for d in details if "COVERING INDEX incidents_by_updated" in d]
        assert len(covering) == 2 * len(queries), details
        assert not [d for d in details if d.startswith("SCAN i")], details

    async def test_window_briefs_match_the_ids(self, storage: SqliteStorage) -> None:
        await _fill(storage)
        window = IncidentQuery(updated_since=T0 + 2 * HOUR, include_background=False, limit=100)
        for query in (window, window.model_copy(update={"actor_id": AAH.id})):
            briefs = await storage.incidents.briefs(query)
            assert [b.id for b in briefs] == await storage.incidents.ids(query)
            assert briefs, query


class TestActorCount:
    """Counting a faction's incidents gives what the query returns, with or without filters."""

    async def test_same_as_query(self, storage: SqliteStorage) -> None:
        await _fill(storage)
        for query in (
            IncidentQuery(actor_id=AAH.id, limit=100),
            IncidentQuery(
                actor_id=AAH.id, since=dt.date(2026, 3, 2), until=dt.date(2026, 3, 3), limit=100
            ),
            IncidentQuery(actor_id=ISF.id, admin1_code="IQ-BA", limit=100),
            IncidentQuery(actor_id=AAH.id, include_background=False, limit=100),
            IncidentQuery(actor_id="nobody", limit=100),
        ):
            expected = len(await storage.incidents.query(query))
            assert await storage.incidents.count(query) == expected, query


class TestFactionWindow:
    """A faction's incidents updated since a moment (a digest's window), whatever their date."""

    @pytest.mark.parametrize("max_dates", [31, 1])  # PostgreSQL: dates hashed, or probes
    async def test_late_redated_and_shared_dates(
        self, storage: SqliteStorage, max_dates: int, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        from storage.postgres import incidents as pg_incidents

        monkeypatch.setattr(pg_incidents, "MAX_WINDOW_DATES", max_dates)

        async def add(hours: int, day: dt.date, actors: list[ActorRef]) -> Incident:
            incident = make_incident(date=day, actors=actors)
            incident.created_at = incident.updated_at = T0 + hours * HOUR
            return await storage.incidents.add(incident)

        late = await add(5, dt.date(2025, 1, 5), [AAH])  # an old event reported in the window
        await add(-5, dt.date(2025, 1, 5), [AAH])  # the same day, updated before the window
        await add(1, dt.date(2026, 3, 1), [ISF])
        both = await add(2, dt.date(2026, 3, 2), [ISF, AAH])
        redated = await add(-3, dt.date(2026, 3, 3), [AAH])
        redated = await storage.incidents.update(
            redated.model_copy(update={"date": dt.date(2024, 6, 1), "updated_at": T0 + 6 * HOUR})
        )
        dropped = await add(3, dt.date(2026, 3, 1), [AAH])
        await storage.incidents.update(
            dropped.model_copy(update={"actors": [ISF], "updated_at": T0 + 7 * HOUR})
        )
        window = IncidentQuery(
            updated_since=T0, actor_id=AAH.id, include_background=False, limit=100
        )
        expected = [both.id, late.id, redated.id]  # newest date first
        assert await storage.incidents.ids(window) == expected
        assert [b.id for b in await storage.incidents.briefs(window)] == expected
        assert await storage.incidents.count(window) == 3
        found, totals = await storage.incidents.briefs_and_totals([window], [window], 100)
        assert [b.id for b in found[0]] == expected
        assert totals.incidents == 3
