"""The incident search index keys its rows by id (counted down) and date (migration 0014):
searches answer as they did when the rows were keyed by id alone, and a changed date moves the
row's key."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from bot.domain import SourceRef
from storage.base import Backend
from storage.schema import load_migrations
from storage.sqlite import SqliteStorage
from storage.sqlite.fts_index import (
    DAY_BITS,
    MAX_INCIDENT_ID,
    _incident_search_values,
    incident_search_key,
)

from .conftest import make_incident, make_report

SEARCHES = ("clash", "mortar", "clash mortar", "outpost", "nothing-like-this")


async def _fill(storage: Backend) -> list[int]:
    """Incidents whose dates are out of id order, about clashes and mortars."""
    ids = []
    for n, day in enumerate((5, 1, 2, 9, 3, 9, 7)):
        summary = "Clash at an outpost." if n % 2 else "Mortar fire and a clash at the gate."
        incident = make_incident(date=dt.date(2026, 3, day), summary=summary)
        stored = await storage.incidents.add(incident)
        assert stored.id is not None
        ids.append(stored.id)
    return ids


async def _answers(storage: Backend) -> dict[str, tuple[list[int], int]]:
    """Each search's ids (newest first) and count."""
    answers = {}
    for words in SEARCHES:
        found = await storage.incidents.search_page(words, limit=3, offset=1, count_limit=100)
        answers[words] = ([i.id or 0 for i in found.items], found.total)
    return answers


class TestKeys:
    """``incident_search_key``: the id order, with the date inside."""

    def test_newer_incidents_have_smaller_keys_whatever_the_dates(self) -> None:
        late, early = dt.date(9999, 12, 31), dt.date(1, 1, 1)
        assert incident_search_key(2, early) < incident_search_key(1, late)
        assert incident_search_key(MAX_INCIDENT_ID, late) < incident_search_key(1, early)
        key = incident_search_key(41, dt.date(2026, 3, 9))
        assert MAX_INCIDENT_ID - (key >> DAY_BITS) == 41
        assert dt.date.fromordinal(key & ((1 << DAY_BITS) - 1)) == dt.date(2026, 3, 9)

    @pytest.mark.parametrize("incident_id", [0, -1, 1 << (63 - DAY_BITS)])
    def test_ids_outside_the_key_space_are_refused(self, incident_id: int) -> None:
        from storage.base import StorageError

        with pytest.raises(StorageError, match="out of the search index"):
            incident_search_key(incident_id, dt.date(2026, 3, 1))


async def test_a_changed_date_moves_the_incident_in_search_order(storage: Backend) -> None:
    ids = await _fill(storage)
    first = await storage.incidents.get(ids[0])
    assert first is not None
    found = await storage.incidents.search("outpost", limit=10)
    assert ids[0] not in [i.id for i in found]
    await storage.incidents.update(
        first.model_copy(
            update={
                "date": dt.date(2026, 4, 1),
                "summary": "Outpost clash.",
                "evidence": ["Outpost clash."],
            }
        )
    )
    found = await storage.incidents.search("clash", limit=10)
    assert [i.id for i in found][:1] == [ids[0]]
    assert len({i.id for i in found}) == len(found) == len(ids)
    assert await storage.incidents.search_count("mortar") == 3
    assert [i.id for i in await storage.incidents.search("outpost", limit=1)] == [ids[0]]


@pytest.mark.sqlite_only
class TestMigration:
    """0014 re-keys an index written with the id as key; the answers stay the same."""

    async def test_old_keys_are_rewritten_with_the_same_answers(self, db_path: Path) -> None:
        before = [m for m in load_migrations() if m.version < 14]
        store = await SqliteStorage.open(db_path, migrate=False)
        try:
            await store._apply_migrations(before)
            ids = await _fill(store)
            expected = await _answers(store)
            # The index as a version-13 database holds it: keyed by id.
            conn = store._conn
            await conn.execute("INSERT INTO incidents_fts (incidents_fts) VALUES ('delete-all')")
            async with conn.execute("SELECT id, summary, evidence FROM incidents") as cursor:
                rows = list(await cursor.fetchall())
            await conn.executemany(
                "INSERT INTO incidents_fts (rowid, summary, evidence) VALUES (?, ?, ?)",
                [(r[0], *_incident_search_values(r[1], json.loads(r[2]))) for r in rows],
            )
            assert 14 in await store.migrate()
            assert await _answers(store) == expected
            async with conn.execute(
                "SELECT rowid FROM incidents_fts WHERE incidents_fts MATCH 'clash'"
            ) as cursor:
                keys = sorted(row[0] for row in await cursor.fetchall())
            dates = {i: (await store.incidents.get(i)).date for i in ids}  # type: ignore[union-attr]
            assert keys == sorted(incident_search_key(i, dates[i]) for i in ids)
        finally:
            await store.close()

    async def test_rebuilding_the_index_keeps_the_answers(self, storage: SqliteStorage) -> None:
        await _fill(storage)
        expected = await _answers(storage)
        assert await storage.rebuild_search_index() == 7
        assert await _answers(storage) == expected


async def test_pages_merge_index_and_report_matches_once_each(storage: Backend) -> None:
    # Found through their own text, through a report's, or both (listed once), dates out of
    # id order: every page is the next slice of one list, newest first.
    expected: list[tuple[dt.date, int]] = []
    for n, day in enumerate((4, 9, 1, 9, 6, 2, 8, 3, 7, 5)):
        sources = []
        summary = "Shelling of a depot." if n % 3 else "Quiet day at the depot."
        if n % 3 != 1:
            report, _ = await storage.reports.add(
                make_report(n, text=f"Reporters saw shelling near depot {n}.")
            )
            sources = [SourceRef(report_id=report.id)]
        date = dt.date(2026, 3, day)
        stored = await storage.incidents.add(
            make_incident(date=date, summary=summary, sources=sources)
        )
        assert stored.id is not None
        expected.append((date, stored.id))
    order = [incident_id for _, incident_id in sorted(expected, reverse=True)]
    pages = []
    for offset in range(0, 10, 3):
        found = await storage.incidents.search_page("shelling", limit=3, offset=offset)
        assert found.total == 10
        pages += [i.id for i in found.items]
    assert pages == order
