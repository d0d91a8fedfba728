"""Counting full-text matches (the cheap half of a paged search) and the search plan."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.domain import IncidentStatus, SourceRef
from storage.sqlite import SEARCH_HITS_SQL, SqliteStorage

from .conftest import make_incident, make_report


async def _fill(storage: SqliteStorage) -> None:
    """Twelve incidents about mortars (four of them only through their report's text)."""
    for n in range(12):
        sources = []
        summary = f"Mortar fire on outpost {n}."
        if n % 3 == 0:
            report, _ = await storage.reports.add(
                make_report(n, text=f"Mortar rounds landed near outpost {n}.")
            )
            sources = [SourceRef(report_id=report.id)]
            summary = f"Attack on outpost {n}."
        incident = make_incident(date=dt.date(2026, 3, 1 + n), summary=summary, sources=sources)
        await storage.incidents.add(incident)
    await storage.incidents.add(make_incident(summary="A protest in the square."))


class TestSearchCount:
    """``search_count`` counts what ``search`` returns, up to the limit."""

    async def test_counts_what_search_finds(self, storage: SqliteStorage) -> None:
        await _fill(storage)
        for words in ("mortar", "outpost", "protest", "mortar outpost", "nothing-like-this"):
            found = await storage.incidents.search(words, limit=100)
            assert await storage.incidents.search_count(words, limit=100) == len(found), words
        assert await storage.incidents.search_count("mortar", limit=100) == 12

    async def test_stops_at_the_limit(self, storage: SqliteStorage) -> None:
        await _fill(storage)
        assert await storage.incidents.search_count("mortar", limit=5) == 5
        assert await storage.incidents.search_count("mortar", limit=0) == 0
        assert await storage.incidents.search_count("   ") == 0

    async def test_many_reports_of_one_incident_count_once(self, storage: SqliteStorage) -> None:
        for n in range(3):
            sources = []
            for r in range(4):
                report, _ = await storage.reports.add(
                    make_report(100 + 4 * n + r, text=f"A tanker exploded ({n}, {r}).")
                )
                sources.append(SourceRef(report_id=report.id))
            await storage.incidents.add(make_incident(summary="A blast.", sources=sources))
        assert await storage.incidents.search_count("tanker", limit=10) == 3
        assert await storage.incidents.search_count("tanker", limit=2) == 2
        assert len(await storage.incidents.search("tanker", limit=10)) == 3

    async def test_pages_join_up_to_the_full_list(self, storage: SqliteStorage) -> None:
        await _fill(storage)
        everything = await storage.incidents.search("mortar", limit=100)
        pages = []
        for offset in range(0, 12, 5):
            pages += await storage.incidents.search("mortar", limit=5, offset=offset)
        assert [i.id for i in pages] == [i.id for i in everything]


class TestSearchPage:
    """``search_page`` is ``search`` and ``search_count`` read together."""

    async def test_each_page_and_the_total_are_what_the_two_calls_give(
        self, storage: SqliteStorage
    ) -> None:
        await _fill(storage)
        for words in ("mortar", "outpost", "protest", "nothing-like-this"):
            for offset in (0, 5, 10):
                found = await storage.incidents.search_page(
                    words, limit=5, offset=offset, count_limit=100
                )
                page = await storage.incidents.search(words, limit=5, offset=offset)
                assert [i.id for i in found.items] == [i.id for i in page], (words, offset)
                assert found.total == await storage.incidents.search_count(words, limit=100)

    async def test_the_total_stops_at_the_count_limit_not_at_the_page(
        self, storage: SqliteStorage
    ) -> None:
        await _fill(storage)
        found = await storage.incidents.search_page("outpost", limit=5, count_limit=3)
        assert (found.total, len(found.items)) == (3, 5)

    async def test_a_page_past_the_end_is_empty_but_counted(self, storage: SqliteStorage) -> None:
        await _fill(storage)
        total = await storage.incidents.search_count("outpost", limit=100)
        assert total == 12
        found = await storage.incidents.search_page("outpost", limit=5, offset=40)
        assert (found.total, found.items) == (total, [])
        counted_only = await storage.incidents.search_page("outpost", limit=0, count_limit=100)
        assert (counted_only.total, counted_only.items) == (total, [])

    async def test_a_hidden_incident_is_neither_listed_nor_counted(
        self, storage: SqliteStorage
    ) -> None:
        await _fill(storage)
        [newest] = await storage.incidents.search("outpost", limit=1)
        newest.status = IncidentStatus.RETRACTED
        await storage.incidents.update(newest)
        found = await storage.incidents.search_page("outpost", limit=20)
        assert found.total == len(found.items) == 11
        assert newest.id not in [i.id for i in found.items]

    async def test_a_hidden_incident_found_through_its_report_is_neither_listed_nor_counted(
        self, storage: SqliteStorage
    ) -> None:
        await _fill(storage)
        # "rounds" is only in the reports' text: four incidents are found through them.
        before = await storage.incidents.search_page("rounds", limit=20)
        assert before.total == len(before.items) == 4
        withdrawn = before.items[1]
        withdrawn.status = IncidentStatus.RETRACTED
        await storage.incidents.update(withdrawn)
        after = await storage.incidents.search_page("rounds", limit=20)
        assert after.total == len(after.items) == 3
        assert [i.id for i in after.items] == [i.id for i in before.items if i is not withdrawn]

    async def test_a_search_with_no_report_stored_finds_the_incidents(
        self, storage: SqliteStorage
    ) -> None:
        # (PostgreSQL skips the report search when no report is stored.)
        for n in range(3):
            await storage.incidents.add(
                make_incident(date=dt.date(2026, 3, 1 + n), summary=f"Sniper fire {n}.")
            )
        found = await storage.incidents.search_page("sniper", limit=2, count_limit=10)
        assert found.total == 3
        assert [i.date.day for i in found.items] == [3, 2]


@pytest.mark.sqlite_only
class TestSearchPlan:
    """Report matches reach their incidents through the report index, never a scan."""

    async def test_report_matches_use_the_report_index(self, storage: SqliteStorage) -> None:
        await _fill(storage)
        await storage._conn.execute("ANALYZE")
        sql = f"{SEARCH_HITS_SQL} SELECT id FROM hits"
        details = await storage.explain(sql, {"q": '"mortar"', "cap": 10, "report_cap": 10})
        plan = " | ".join(details)
        assert "INDEX incident_sources_by_report" in plan, plan
        assert not [d for d in details if d.startswith("SCAN s")], plan
