"""The main incident queries are answered from indexes, never by scanning the table."""

from __future__ import annotations

import datetime as dt

import pytest

from storage.base import IncidentQuery
from storage.sqlite import MERGE_CANDIDATES_SQL, SqliteStorage, incident_query_sql
from storage.sqlite.incidents import (
    GET_INCIDENT_SQL,
    SEARCH_PAGE_ROWS_SQL,
    SEARCH_PAGE_SQL,
    with_children_sql,
)

from .conftest import AAH, make_incident

pytestmark = pytest.mark.sqlite_only  # SQLite itself: plans, files, locks

SINCE = dt.date(2026, 1, 1)

CASES = {
    "place": (IncidentQuery(place_key="gn:99532"), "incidents_by_place"),
    "place, last N days": (IncidentQuery(place_key="gn:99532", since=SINCE), "incidents_by_place"),
    "governorate": (IncidentQuery(admin1_code="IQ-BA", since=SINCE), "incidents_by_admin1"),
    "actor, last N days": (IncidentQuery(actor_id="x", since=SINCE), "incident_actors_by_actor"),
    "country": (IncidentQuery(country="IQ", since=SINCE), "incidents_by_country"),
    "latest": (IncidentQuery(), "incidents_by_date"),
    "changed since": (
        IncidentQuery(updated_since=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)),
        "incidents_by_updated",
    ),
}


@pytest.fixture(params=["fresh", "analyzed"])
async def filled(storage: SqliteStorage, request: pytest.FixtureRequest) -> SqliteStorage:
    """A few rows; with or without planner statistics (a new vs a long-running database)."""
    for day in range(1, 20):
        await storage.incidents.add(make_incident(date=dt.date(2026, 1, day), actors=[AAH]))
    if request.param == "analyzed":
        await storage._conn.execute("ANALYZE")
    return storage


def _full_scans(details: list[str]) -> list[str]:
    """Plan steps that read a whole table ("SCAN t" without an index)."""
    return [d for d in details if d.startswith("SCAN") and "USING" not in d]


class TestQueryPlans:
    """EXPLAIN QUERY PLAN names the expected index and shows no full scan of incidents."""

    @pytest.mark.parametrize("case", list(CASES))
    async def test_uses_index(self, filled: SqliteStorage, case: str) -> None:
        query, index = CASES[case]
        sql, params = incident_query_sql(query)
        details = await filled.explain(sql, params)
        plan = " | ".join(details)
        assert f"INDEX {index}" in plan, plan
        assert _full_scans(details) == [], plan
        if case != "changed since":
            # Newest-first comes straight from the index: no sort step.
            assert "TEMP B-TREE" not in plan, plan

    @pytest.mark.parametrize("case", list(CASES))
    async def test_children_of_the_found_rows_only(self, filled: SqliteStorage, case: str) -> None:
        query, index = CASES[case]
        sql, params = incident_query_sql(query)
        details = await filled.explain(with_children_sql(sql), params)
        plan = " | ".join(details)
        # The query keeps its own plan inside; each row it returns (after its LIMIT) finds its
        # actors and sources by incident, not by a scan.
        assert f"INDEX {index}" in plan, plan
        assert "SEARCH a USING PRIMARY KEY (incident_id=?)" in plan, plan
        assert "SEARCH s USING INDEX incident_sources_by_incident (incident_id=?)" in plan, plan
        assert _full_scans(details) == ["SCAN p"], plan

    async def test_one_incident_by_primary_key(self, filled: SqliteStorage) -> None:
        details = await filled.explain(GET_INCIDENT_SQL, [1])
        plan = " | ".join(details)
        assert "SEARCH i USING INTEGER PRIMARY KEY (rowid=?)" in plan, plan
        assert _full_scans(details) == [], plan

    async def test_merge_candidates_use_two_index_ranges(self, filled: SqliteStorage) -> None:
        details = await filled.explain(
            MERGE_CANDIDATES_SQL,
            {"country": "IQ", "start": "2026-01-01", "end": "2026-01-05", "limit": 200},
        )
        plan = " | ".join(details)
        assert "INDEX incidents_by_country (country=? AND date>? AND date<?)" in plan, plan
        assert "INDEX incidents_spans (country=? AND date_end>?)" in plan, plan
        assert _full_scans(details) == [], plan

    async def test_subscription_matching_uses_its_index(self, filled: SqliteStorage) -> None:
        plan = " | ".join(
            await filled.explain(
                "SELECT s.* FROM subscriptions AS s JOIN chats AS c ON c.id = s.chat_id "
                "WHERE c.active = 1 AND ((s.kind = ? AND s.key IN (?, ?))) "
                "ORDER BY s.chat_id, s.id",
                ["place", "a", "b"],
            )
        )
        assert "subscriptions_by_target" in plan, plan

    async def test_claim_due_uses_its_index(self, filled: SqliteStorage) -> None:
        plan = " | ".join(
            await filled.explain(
                "SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= ? "
                "ORDER BY next_attempt_at, id LIMIT 10",
                ["2026-01-01"],
            )
        )
        assert "outbox_due" in plan, plan

    async def test_search_dates_its_index_matches_from_their_keys(
        self, filled: SqliteStorage
    ) -> None:
        details = await filled.explain(
            SEARCH_PAGE_SQL,
            {"q": "bomb", "cap": 2000, "report_cap": 2000, "limit": 5, "offset": 0},
        )
        plan = " | ".join(details)
        # The incident index's matches carry their dates in their keys; only report matches
        # are dated through the covering (id, date) index, one probe each.
        assert plan.count("COVERING INDEX incidents_search_order (id=?)") == 1, plan
        assert [d for d in _full_scans(details) if d in ("SCAN i", "SCAN incidents")] == [], plan

    async def test_a_page_of_rows_and_its_count_read_only_the_candidates(
        self, filled: SqliteStorage
    ) -> None:
        details = await filled.explain(
            SEARCH_PAGE_ROWS_SQL,
            {
                "q": "bomb",
                "cap": 2000,
                "report_cap": 2000,
                "limit": 5,
                "offset": 0,
                "count_cap": 200,
                "count_report_cap": 2000,
                "count_limit": 200,
            },
        )
        plan = " | ".join(details)
        # The page and the count each date their report matches through the narrow index, one
        # probe per match (the index's own matches need none); the page's rows are read by
        # primary key. Nothing walks a table or the whole (id, date) index.
        assert plan.count("COVERING INDEX incidents_search_order (id=?)") == 2, plan
        assert "SEARCH i USING INTEGER PRIMARY KEY (rowid=?)" in plan, plan
        assert not [d for d in details if "incidents_search_order" in d and "(id=?)" not in d]
        assert [d for d in _full_scans(details) if d in ("SCAN i", "SCAN incidents")] == [], plan
