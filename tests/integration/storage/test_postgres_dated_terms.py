"""PostgreSQL only: migration 0010 dates the term entries stored before it."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator

import asyncpg
import pytest

from storage.postgres import PostgresStorage
from storage.postgres.rows import INCIDENT_COLUMNS, incident_args
from storage.schema import load_migrations
from tests.postgres import scratch_database

from .conftest import T0, make_incident

pytestmark = pytest.mark.postgres

D = dt.date(2026, 3, 1)


@pytest.fixture
async def empty_url(postgres_url: str) -> AsyncIterator[str]:
    """A brand-new database with no schema at all."""
    async with scratch_database(postgres_url, "sitrep_dated") as url:
        yield url


async def _insert_as_before(url: str, days: list[int], summary: str) -> list[int]:
    """Incidents written with plain SQL on a schema-9 database: the statement triggers of
    migration 0006 index them the way every incident was indexed before 0010."""
    columns = [*INCIDENT_COLUMNS, "created_at", "updated_at"]
    marks = ", ".join(f"${n}" for n in range(1, len(columns) + 1))
    sql = f"INSERT INTO incidents ({', '.join(columns)}) VALUES ({marks}) RETURNING id"
    conn = await asyncpg.connect(url)
    await conn.set_type_codec("jsonb", encoder=json.dumps, decoder=json.loads, schema="pg_catalog")
    try:
        return [
            await conn.fetchval(
                sql,
                *incident_args(make_incident(date=D.replace(day=day), summary=summary)),
                T0,
                T0,
            )
            for day in days
        ]
    finally:
        await conn.close()


class TestDatedTerms:
    async def test_entries_stored_before_are_dated(self, empty_url: str) -> None:
        store = await PostgresStorage.open(empty_url, migrate=False)
        try:
            older = [m for m in load_migrations("storage.postgres") if m.version < 10]
            await store._apply_migrations(older)
            clashes = await _insert_as_before(empty_url, [5, 1, 9, 3], "A clash at a checkpoint.")
            raids = await _insert_as_before(empty_url, [2, 7], "A night raid.")
            await store._pool.execute("DELETE FROM incidents WHERE id = $1", clashes[2])
            assert await store.migrate() == [10]
            # Newest date first, the deleted incident nowhere; the count agrees.
            found = await store.incidents.search_page("clash", limit=10)
            assert [i.id for i in found.items] == [clashes[0], clashes[3], clashes[1]]
            assert found.total == 3
            assert [i.id for i in await store.incidents.search("raid")] == [raids[1], raids[0]]
            # Each entry is the incident's place in its block and its date, days since 5000.
            entries = await store._pool.fetchval(
                "SELECT ids FROM incident_terms WHERE term = 'raid'"
            )
            epoch = dt.date(5000, 1, 1)
            assert sorted(entries) == sorted(
                ((D.replace(day=day) - epoch).days << 10) | (raid & 1023)
                for day, raid in zip([2, 7], raids, strict=True)
            )
            # The incident_blocks table is gone; writes after the migration keep the dates.
            assert await store._pool.fetchval("SELECT to_regclass('incident_blocks')") is None
            new = await store.incidents.add(make_incident(date=D.replace(day=8), summary="raid"))
            assert [i.id for i in await store.incidents.search("raid")] == [
                new.id,
                raids[1],
                raids[0],
            ]
        finally:
            await store.close()

    async def test_dates_far_from_now_keep_their_order(self, empty_url: str) -> None:
        async with await PostgresStorage.open(empty_url) as store:
            # (asyncpg stores date.min and date.max as -infinity and infinity.)
            days = [
                dt.date(1, 1, 2),
                dt.date(1969, 12, 31),
                dt.date(1970, 1, 1),
                dt.date(9999, 12, 30),
            ]
            ids = [
                (await store.incidents.add(make_incident(date=day, summary="sniper"))).id
                for day in days
            ]
            found = await store.incidents.search("sniper", limit=10)
            assert [(i.id, i.date) for i in found] == list(zip(ids, days, strict=True))[::-1]
