"""PostgreSQL only: several processes on one database (migrations, claims, leases, leader)."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from bot.domain import Incident
from storage.base import StorageError
from storage.postgres import PostgresStorage
from storage.schema import load_migrations
from tests.postgres import scratch_database, truncate_all

from .conftest import T0, make_chat, make_incident, make_message, make_report

pytestmark = pytest.mark.postgres

DEADLINE = 30.0  # seconds; generous, the box is shared
D = dt.date(2026, 3, 1)


@pytest.fixture
async def empty_url(postgres_url: str) -> AsyncIterator[str]:
    """A brand-new database with no schema at all."""
    async with scratch_database(postgres_url, "sitrep_empty") as url:
        yield url


@pytest.fixture
async def shared_url(postgres_url: str) -> str:
    """The session database, emptied: for tests that open several storages on it."""
    await truncate_all(postgres_url)
    return postgres_url


class TestMigrations:
    async def test_many_processes_starting_together_migrate_once(self, empty_url: str) -> None:
        stores = await asyncio.gather(*(PostgresStorage.open(empty_url) for _ in range(4)))
        try:
            latest = load_migrations("storage.postgres")[-1].version
            assert {await s.schema_version() for s in stores} == {latest}
            conn = await asyncpg.connect(empty_url)
            try:
                versions = [
                    r[0] for r in await conn.fetch("SELECT version FROM schema_migrations")
                ]
            finally:
                await conn.close()
            assert sorted(versions) == list(range(1, latest + 1))
        finally:
            for store in stores:
                await store.close()

    async def test_rerun_is_a_no_op(self, empty_url: str) -> None:
        async with await PostgresStorage.open(empty_url) as store:
            assert await store.migrate() == []

    async def test_newer_database_is_refused(self, empty_url: str) -> None:
        async with await PostgresStorage.open(empty_url) as store:
            await store._run(
                lambda conn: conn.execute(
                    "INSERT INTO schema_migrations (version, name) VALUES (999, 'future')"
                ),
                write=True,
            )
        with pytest.raises(StorageError, match="newer than this Sitrep knows"):
            await PostgresStorage.open(empty_url)

    async def test_unreachable_server_is_one_clear_line_without_the_password(self) -> None:
        with pytest.raises(StorageError) as info:
            await PostgresStorage.open("postgresql://sitrep:hunter2@127.0.0.1:1/nowhere")
        message = str(info.value)
        assert "cannot connect" in message
        assert "hunter2" not in message
        assert "\n" not in message

    async def test_integrity_check_is_ok(self, empty_url: str) -> None:
        async with await PostgresStorage.open(empty_url) as store:
            assert await store.integrity_check() == "ok"


class TestSharedOutbox:
    async def test_concurrent_claimers_never_take_the_same_row(self, shared_url: str) -> None:
        stores = [await PostgresStorage.open(shared_url) for _ in range(4)]
        try:
            await stores[0].chats.upsert(make_chat(100))
            for n in range(300):
                await stores[0].outbox.enqueue(make_message(100, key=f"k{n}"))
            claimed: list[list[int]] = [[] for _ in stores]

            async def drain(index: int) -> None:
                while rows := await stores[index].outbox.claim_due(T0, limit=7):
                    claimed[index] += [row.id or 0 for row in rows]

            await asyncio.gather(*(drain(i) for i in range(len(stores))))
            every = [row_id for ids in claimed for row_id in ids]
            assert len(every) == 300
            assert len(set(every)) == 300
        finally:
            for store in stores:
                await store.close()

    async def test_a_live_instances_claims_are_left_alone(self, shared_url: str) -> None:
        async with (
            await PostgresStorage.open(shared_url) as first,
            await PostgresStorage.open(shared_url) as second,
        ):
            await first.chats.upsert(make_chat(100))
            await first.outbox.enqueue(make_message(100, key="a"))
            assert len(await first.outbox.claim_due(T0)) == 1
            assert await second.outbox.claim_due(T0 + dt.timedelta(hours=1)) == []
            far_future = T0 + dt.timedelta(days=3650)
            assert await second.outbox.recover_stale(far_future) == 0
            counts = await second.outbox.counts()
            assert counts["sending"] == 1

    async def test_a_crashed_instances_claims_return_after_the_lease(
        self, shared_url: str
    ) -> None:
        crashed = await PostgresStorage.open(shared_url, lease_seconds=1.0)
        async with await PostgresStorage.open(shared_url, lease_seconds=1.0) as survivor:
            await survivor.chats.upsert(make_chat(100))
            for n in range(3):
                await survivor.outbox.enqueue(make_message(100, key=f"m{n}"))
            taken = await crashed.outbox.claim_due(T0)
            assert len(taken) == 3
            crashed.abandon()
            loop = asyncio.get_running_loop()
            deadline = loop.time() + DEADLINE
            regained: list[int] = []
            while not regained and loop.time() < deadline:
                regained = [m.id or 0 for m in await survivor.outbox.claim_due(T0)]
                if not regained:
                    await asyncio.sleep(0.2)
            assert sorted(regained) == sorted(m.id or 0 for m in taken)
            # Each crash costs an attempt, so a message that kills senders still runs out.
            again = await survivor.outbox.get_by_key("m0")
            assert again is not None
            assert again.attempts == 2

    async def test_a_clean_stop_frees_claims_at_once(self, shared_url: str) -> None:
        async with await PostgresStorage.open(shared_url) as survivor:
            await survivor.chats.upsert(make_chat(100))
            await survivor.outbox.enqueue(make_message(100, key="x"))
            leaving = await PostgresStorage.open(shared_url)
            assert len(await leaving.outbox.claim_due(T0)) == 1
            await leaving.close()
            assert [m.idempotency_key for m in await survivor.outbox.claim_due(T0)] == ["x"]

    async def test_same_key_from_two_instances_is_queued_once(self, shared_url: str) -> None:
        async with (
            await PostgresStorage.open(shared_url) as first,
            await PostgresStorage.open(shared_url) as second,
        ):
            await first.chats.upsert(make_chat(100))
            message = make_message(100, key="digest:100:2026-03-01")
            results = await asyncio.gather(
                *(store.outbox.enqueue(message) for store in (first, second, first, second))
            )
            assert sum(created for _, created in results) == 1
            assert len({row.id for row, _ in results}) == 1


class TestLeadership:
    async def test_one_leader_at_a_time_and_handover(self, shared_url: str) -> None:
        async with (
            await PostgresStorage.open(shared_url) as first,
            await PostgresStorage.open(shared_url) as second,
        ):
            assert await first.try_lead() is True
            assert await second.try_lead() is False
            assert await first.try_lead() is True  # re-checking keeps it
            await first.release_leadership()
            assert await second.try_lead() is True
            assert await first.try_lead() is False

    async def test_a_crashed_leader_is_replaced(self, shared_url: str) -> None:
        crashed = await PostgresStorage.open(shared_url)
        async with await PostgresStorage.open(shared_url) as other:
            assert await crashed.try_lead() is True
            assert await other.try_lead() is False
            crashed.abandon()
            loop = asyncio.get_running_loop()
            deadline = loop.time() + DEADLINE
            while not await other.try_lead():
                assert loop.time() < deadline, "leadership never freed after the crash"
                await asyncio.sleep(0.1)


class TestBackup:
    async def test_pg_dump_writes_a_custom_format_dump(
        self, shared_url: str, tmp_path: Path
    ) -> None:
        async with await PostgresStorage.open(shared_url) as store:
            await store.reports.add(make_report(1))
            target = tmp_path / "sitrep.dump"
            await store.backup(target)
            assert target.read_bytes()[:5] == b"PGDMP"
            assert not list(tmp_path.glob(".*partial"))

    async def test_bad_destination_is_refused(self, shared_url: str, tmp_path: Path) -> None:
        async with await PostgresStorage.open(shared_url) as store:
            with pytest.raises(StorageError, match="is a directory"):
                await store.backup(tmp_path)
            with pytest.raises(StorageError, match="does not exist"):
                await store.backup(tmp_path / "missing" / "x.dump")


async def _fill_blocks(store: PostgresStorage) -> list[Incident]:
    """Incidents in five blocks two apart, their dates out of id order; the fourth block holds
    one word of the pairs alone."""
    words = ("clash convoy", "clash", "convoy raid", "clash convoy raids")
    stored = []
    for block in range(5):
        await store._pool.execute(
            f"ALTER TABLE incidents ALTER COLUMN id RESTART WITH {block * 2048 + 1}"
        )
        in_block = ("convoy patrol", "raid") if block == 3 else words * (2 - block % 2)
        for n, summary in enumerate(in_block):
            day = D.replace(day=1 + (7 * block + 3 * n) % 27)
            stored.append(await store.incidents.add(make_incident(date=day, summary=summary)))
    return stored


class TestSearchBlocks:
    """Incident search through the term blocks of migration 0006 (``storage.postgres.terms``)."""

    async def test_term_rows_are_clustered_by_term_and_block(self, shared_url: str) -> None:
        # Migration 0009: CLUSTER marks the key as the table's order (a later bare CLUSTER
        # keeps to it).
        async with await PostgresStorage.open(shared_url) as store:
            clustered = await store._pool.fetchval(
                "SELECT indisclustered FROM pg_index"
                " WHERE indexrelid = 'incident_terms_pkey'::regclass"
            )
        assert clustered is True

    async def test_hidden_candidates_have_a_partial_index(self, shared_url: str) -> None:
        # What HIDDEN_MATCH_SQL tests (a search's candidates that are withdrawn or merged) is
        # answered by a partial index of those few rows, not by each candidate's row. (Which
        # index the planner picks depends on the table's size: at 1M rows it is this one.)
        from storage.postgres.terms import HIDDEN_MATCH_SQL

        async with await PostgresStorage.open(shared_url) as store:
            definition = await store._pool.fetchval(
                "SELECT pg_get_indexdef('incidents_hidden'::regclass)"
            )
        assert "(id) WHERE (status <> 'active'::text)" in definition, definition
        assert "status <> 'active'" in HIDDEN_MATCH_SQL

    async def test_newest_matches_first_across_blocks(
        self, shared_url: str, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        from storage.postgres import incidents as pg_incidents
        from storage.postgres import terms

        monkeypatch.setattr(pg_incidents, "SEARCH_CANDIDATES", 3)
        monkeypatch.setattr(terms, "FIRST_SEARCH_BLOCKS", 1)
        async with await PostgresStorage.open(shared_url) as store:
            rare = await store.incidents.add(make_incident(summary="A rare heliport raid"))
            # The next incidents land 20 blocks of 1,024 ids later.
            await store._pool.execute("ALTER TABLE incidents ALTER COLUMN id RESTART WITH 20500")
            days = (5, 1, 2, 9, 3)
            ids = [
                (
                    await store.incidents.add(
                        make_incident(date=D.replace(day=d), summary="clash")
                    )
                ).id
                for d in days
            ]
            await store._pool.execute("ALTER TABLE incidents ALTER COLUMN id RESTART WITH 21600")
            for _ in range(3):
                await store.incidents.add(make_incident(summary="quiet day"))
            # The three stored last among the matches (days 2, 9, 3), newest date first.
            hits = await store.incidents.search("clash", limit=3)
            assert [i.id for i in hits] == [ids[3], ids[4], ids[2]]
            assert await store.incidents.search_count("clash", limit=10) == 5
            assert await store.incidents.search_count("clash", limit=4) == 4
            # Paging past the cap widens it.
            assert len(await store.incidents.search("clash", limit=2, offset=3)) == 2
            # Only the oldest row matches: the windows widen until they reach it.
            assert [i.id for i in await store.incidents.search("heliport")] == [rare.id]
            assert [i.id for i in await store.incidents.search("helip*")] == [rare.id]

    @pytest.mark.parametrize("config", ["simple", "english"])
    async def test_one_ascii_word_has_the_keys_of_its_terms(
        self, shared_url: str, config: str
    ) -> None:
        # search_start reads a one-word term's keys straight from its vector; they must be
        # what sitrep_search_terms gives (which the stored entries were built with).
        from storage.postgres import terms

        words = ["Sniper", "the", "UN", "x", "Heliports", "bombing", "A" * 100]
        assert all(terms._ONE_TOKEN.fullmatch(w) for w in words)
        assert not any(
            terms._ONE_TOKEN.fullmatch(w) for w in ["al-Qaim", "3rd", "Qāmishlī", "a b"]
        )
        async with await PostgresStorage.open(shared_url) as store:
            for word in words:
                fast, slow = await store._pool.fetchrow(
                    f"SELECT {terms._vector_keys(config, '$1', one_word=True)},"
                    f" {terms._vector_keys(config, '$1')}",
                    word,
                )
                assert fast == slow, word

    async def test_a_prefix_after_words_is_a_phrase(self, shared_url: str) -> None:
        async with await PostgresStorage.open(shared_url) as store:
            together = await store.incidents.add(make_incident(summary="A market bombing."))
            await store.incidents.add(make_incident(summary="A bombing near the market."))
            found = await store.incidents.search('"market bomb*"')
            assert [i.id for i in found] == [together.id]

    async def test_deleted_and_redated_incidents(self, shared_url: str) -> None:
        async with await PostgresStorage.open(shared_url) as store:
            first = await store.incidents.add(make_incident(date=D, summary="clash"))
            second = await store.incidents.add(make_incident(date=D, summary="clash"))
            await store._pool.execute("DELETE FROM incidents WHERE id = $1", first.id)
            assert [i.id for i in await store.incidents.search("clash")] == [second.id]
            assert await store.incidents.search_count("clash") == 1
            third = await store.incidents.add(make_incident(date=D, summary="clash"))
            # A new date moves the incident in the date order.
            await store.incidents.update(second.model_copy(update={"date": D.replace(day=9)}))
            assert [i.id for i in await store.incidents.search("clash")] == [second.id, third.id]

    async def test_deleted_newest_matches_do_not_hide_older_ones(
        self, shared_url: str, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # Only the newest blocks whose candidates reach the cap are dated; a deleted incident
        # (its id still in the term blocks) among them must not keep the older blocks unread.
        from storage.postgres import incidents as pg_incidents

        monkeypatch.setattr(pg_incidents, "SEARCH_CANDIDATES", 3)
        async with await PostgresStorage.open(shared_url) as store:
            old = [
                (await store.incidents.add(make_incident(date=D, summary="clash"))).id
                for _ in range(2)
            ]
            # The next incidents land a few blocks of 1,024 ids later.
            later = (old[-1] or 0) + 5000
            await store._pool.execute(
                f"ALTER TABLE incidents ALTER COLUMN id RESTART WITH {later}"
            )
            new = [
                (await store.incidents.add(make_incident(date=D, summary="clash"))).id
                for _ in range(3)
            ]
            await store._pool.execute(
                "DELETE FROM incidents WHERE id = ANY($1::bigint[])", new[:2]
            )
            # A cap of 3: the newest block's three candidates reach it, so at first only they
            # are dated, and two of them are gone.
            found = await store.incidents.search_page("clash", limit=3, count_limit=3)
            assert [i.id for i in found.items] == [new[2], old[1], old[0]]
            assert found.total == 3

    async def test_streamed_searches_find_what_the_windows_find(
        self, shared_url: str, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # A search whose every term is one exact key reads its blocks in one streamed
        # statement (terms.streamed_matches_sql); the windows of newest_matches_sql must
        # find the same pages and totals: across blocks, with a small cap, deleted and
        # hidden matches among the newest, dates out of id order.
        from bot.domain import IncidentStatus
        from storage.postgres import incidents as pg_incidents
        from storage.postgres import terms

        monkeypatch.setattr(pg_incidents, "SEARCH_CANDIDATES", 4)
        monkeypatch.setattr(terms, "FIRST_SEARCH_BLOCKS", 1)
        async with await PostgresStorage.open(shared_url) as store:
            stored = await _fill_blocks(store)
            await store._pool.execute("DELETE FROM incidents WHERE id = $1", stored[-1].id)
            await store.incidents.update(
                stored[-2].model_copy(update={"status": IncidentStatus.MERGED})
            )
            searches = [
                "clash",
                "convoy clash",
                "raid convoy clash",
                "raids",  # english "raid", simple "raids"
                '"convoy raid"',  # its words and their pair
                '"clash convoy"',
                '"convoy raids"',  # english and simple keys differ
                '"clash convoy raid"',  # three words: tested, so windows
                "clash conv*",  # a prefix: windows
            ]
            for text in searches:
                start = await terms.search_start(store._pool, text)
                windowed = text in {'"clash convoy raid"', "clash conv*"}
                assert terms._streams(start.keys) == (not windowed), text
            pages = [(3, 0, 4), (2, 2, 4), (5, 0, 0), (0, 0, 3), (4, 6, 50), (20, 0, 200)]

            async def read_all() -> list[tuple[int, list[int | None]]]:
                found = []
                for text in searches:
                    for limit, offset, count_limit in pages:
                        page = await store.incidents.search_page(
                            text, limit=limit, offset=offset, count_limit=count_limit
                        )
                        found.append((page.total, [i.id for i in page.items]))
                return found

            streamed = await read_all()
            monkeypatch.setattr(terms, "_streams", lambda keys: False)
            assert await read_all() == streamed
            assert streamed[0][0] == 4  # "clash": the count reaches the cap (4)
            assert all(items for _, items in streamed[:: len(pages)])  # each finds some

    async def test_rows_written_by_other_clients_are_indexed_too(self, shared_url: str) -> None:
        """An older Sitrep during a rolling upgrade, or an analyst's SQL, writes incidents
        without the repository: the triggers of migration 0006 index them."""
        async with await PostgresStorage.open(shared_url) as store:
            stored = await store.incidents.add(make_incident(date=D, summary="Sniper fire."))
            columns = [
                row[0]
                for row in await store._pool.fetch(
                    "SELECT column_name FROM information_schema.columns"
                    " WHERE table_name = 'incidents' AND column_name NOT IN ('id', 'search')"
                    " AND table_schema = current_schema()"
                )
            ]
            names = ", ".join(columns)
            values = ", ".join(
                "'heliport raid'"
                if c == "search_text"
                else ("DATE '2026-03-09'" if c == "date" else c)
                for c in columns
            )
            other = await asyncpg.connect(shared_url)
            try:
                copied = await other.fetchval(
                    f"INSERT INTO incidents ({names}) SELECT {values} FROM incidents"
                    " WHERE id = $1 RETURNING id",
                    stored.id,
                )
                found = await store.incidents.search("heliport")
                assert [i.id for i in found] == [copied]
                assert found[0].date == D.replace(day=9)
                await other.execute(
                    "UPDATE incidents SET search_text = 'mortar fire' WHERE id = $1", copied
                )
            finally:
                await other.close()
            assert await store.incidents.search("heliport") == []
            assert [i.id for i in await store.incidents.search("mortar")] == [copied]
            assert [i.id for i in await store.incidents.search("sniper")] == [stored.id]

    async def test_rebuilt_search_text_rebuilds_the_blocks(self, shared_url: str) -> None:
        async with await PostgresStorage.open(shared_url) as store:
            stored = await store.incidents.add(make_incident(summary="Sniper fire."))
            # Text written behind the repository's back (as an old folding would have left it).
            await store._pool.execute(
                "UPDATE incidents SET search_text = 'nothing' WHERE id = $1", stored.id
            )
            await store._pool.execute("TRUNCATE incident_terms")
            assert await store.incidents.search("sniper") == []
            assert await store.rebuild_search_index() == 1
            assert [i.id for i in await store.incidents.search("sniper")] == [stored.id]


class TestDigestWindow:
    """A digest's window briefs can come from the updated_at index alone (migration 0009)."""

    async def test_the_index_holds_every_column_a_brief_reads(self, shared_url: str) -> None:
        from storage.mapping import BRIEF_COLUMNS

        async with await PostgresStorage.open(shared_url) as store:
            definition = await store._pool.fetchval(
                "SELECT pg_get_indexdef('incidents_by_updated'::regclass)"
            )
        columns = {
            name.strip()
            for part in definition.split("(")[1:]
            for name in part.split(")")[0].split(",")
        }
        # Brief columns, plus the status every non-hidden query tests.
        assert {*BRIEF_COLUMNS, "status"} <= columns, definition

    @pytest.mark.parametrize(("max_dates", "hashed"), [(31, True), (0, False)])
    async def test_a_faction_is_matched_by_the_windows_dates(
        self, shared_url: str, monkeypatch: pytest.MonkeyPatch, max_dates: int, hashed: bool
    ) -> None:
        # A faction's window reads the faction's rows on the window's dates into a hash once
        # (not a probe per incident), unless the window holds more dates than that is worth.
        # (On so small a table the planner hashes the probe's rows too: compare what runs.)
        from storage.base import IncidentQuery
        from storage.postgres import incidents as pg_incidents

        monkeypatch.setattr(pg_incidents, "MAX_WINDOW_DATES", max_dates)
        query = IncidentQuery(updated_since=T0, actor_id="x", include_background=False)
        sql, args = pg_incidents.incident_query_sql(query, "i.id")
        async with await PostgresStorage.open(shared_url) as store:
            await store.incidents.add(make_incident(summary="clash"))
            plan = "\n".join(
                row[0]
                for row in await store._pool.fetch(f"EXPLAIN (ANALYZE, COSTS OFF) {sql}", *args)
            )
        # Both ways are planned; the node that reads the faction's rows by date runs or not.
        # (The condition may be the scan's index condition or a filter under it, so the scan is
        # the nearest plan node above the line that tests the dates.)
        lines = plan.splitlines()
        by_date = next(n for n, line in enumerate(lines) if "date = ANY" in line)
        node = next(line for line in reversed(lines[:by_date]) if "->" in line)
        assert ("never executed" not in node) is hashed, plan

    async def test_a_digests_parts_are_read_by_one_scan(self, shared_url: str) -> None:
        # A digest asks, per subscription, for its day's briefs and the day before's totals:
        # the two differ only in their window's bounds, so the incidents changed in both
        # days are read once, for every subscription, and each part is cut from those rows.
        from storage.base import IncidentQuery
        from storage.postgres import incidents as pg_incidents

        window = IncidentQuery(updated_since=T0, include_background=False)
        before = window.model_copy(
            update={
                "updated_since": T0 - dt.timedelta(days=1),
                "created_since": T0 - dt.timedelta(days=1),
                "created_before": T0,
                "since": dt.date(2026, 2, 28),
            }
        )
        scopes: list[dict[str, object]] = [{"admin1_code": "IQ-BG"}, {"place_keys": ["gn:1"]}]
        queries = [window.model_copy(update=scope) for scope in scopes]
        paired = [before.model_copy(update=scope) for scope in scopes]
        other = [*paired[:1], before.model_copy(update={"admin1_code": "IQ-BA"})]
        async with await PostgresStorage.open(shared_url) as store:
            await store.incidents.add(make_incident(summary="clash"))

            async def scans(counted: list[IncidentQuery]) -> int:
                sql, args = pg_incidents.briefs_and_totals_sql(queries, counted, 100)
                plan = await store._pool.fetch(f"EXPLAIN (COSTS OFF) {sql}", *args)
                return sum(" on incidents " in row[0] for row in plan)

            assert await scans(paired) == 1
            assert await scans(other) == 2 * len(scopes)  # the second pair differs: unpaired
