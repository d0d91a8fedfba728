"""`sitrep db ...` on PostgreSQL, refusing unknown schemes and unreachable servers, and
`sitrep db copy` from SQLite."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from bot.cli import main
from bot.domain import Feed, IncidentRevision, SourceRef, Subscription, SubscriptionKind
from bot.domain.learning import ActorAliasRecord, LocalPlace
from storage import copy as copy_module
from storage.base import IncidentQuery
from storage.postgres import PostgresStorage
from storage.schema import load_migrations
from storage.sqlite import SqliteStorage
from tests.integration.storage.conftest import (
    AAH,
    ISF,
    T0,
    make_chat,
    make_incident,
    make_message,
    make_report,
)
from tests.postgres import scratch_database

PG_LATEST = load_migrations("storage.postgres")[-1].version


@pytest.fixture
async def pg_url(postgres_url: str) -> AsyncIterator[str]:
    """A brand-new, empty PostgreSQL database."""
    async with scratch_database(postgres_url, "sitrep_cli") as url:
        yield url


class TestUnusableDatabase:
    @pytest.mark.parametrize(
        ("database", "command", "message"),
        [
            ("mysql://root@localhost/sitrep", "migrate", "unsupported database scheme 'mysql'"),
            ("postgresql://bot:pw1234@127.0.0.1:1/x", "check", "cannot connect"),
        ],
        ids=["unknown-scheme", "unreachable-server"],
    )
    def test_refused_in_one_line_without_the_password_and_nothing_created(
        self,
        workdir: Path,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
        database: str,
        command: str,
        message: str,
    ) -> None:
        monkeypatch.setenv("SITREP_DATABASE", database)
        assert main(["db", command]) == 1
        err = capsys.readouterr().err.strip()
        assert message in err
        assert "pw1234" not in err
        assert len(err.splitlines()) == 1
        assert list(workdir.iterdir()) == []


@pytest.mark.postgres
class TestPostgresCommands:
    @pytest.fixture(autouse=True)
    def _database_is_the_scratch_one(self, pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("SITREP_DATABASE", pg_url)

    def test_migrate_check_backup(
        self, workdir: Path, pg_url: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        assert main(["db", "migrate"]) == 0
        out = capsys.readouterr().out
        assert f"schema version {PG_LATEST}" in out
        assert pg_url in out
        # The old bug: a PostgreSQL URL taken for a SQLite path made a "postgresql:" directory.
        assert list(workdir.iterdir()) == []
        assert main(["db", "migrate"]) == 0
        assert "database is up to date" in capsys.readouterr().out
        assert main(["db", "check"]) == 0
        assert capsys.readouterr().out.strip() == f"integrity: ok; schema version {PG_LATEST}"
        assert main(["db", "backup", "dump.pgc"]) == 0
        assert "pg_dump" in capsys.readouterr().out
        assert (workdir / "dump.pgc").read_bytes()[:5] == b"PGDMP"

    def test_only_migrate_creates_the_schema(
        self, workdir: Path, pg_url: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        for command in (["db", "check"], ["db", "reindex"], ["db", "backup", "x.pgc"], ["health"]):
            assert main(command) == 1, command
            err = capsys.readouterr().err.strip()
            assert "has no Sitrep schema; run `sitrep db migrate` to create one" in err, command
            assert len(err.splitlines()) == 1, command
        assert asyncio.run(_tables(pg_url)) == []  # nothing was created on the way
        assert main(["db", "migrate"]) == 0
        assert main(["db", "check"]) == 0

    def test_a_newer_schema_is_refused(
        self, workdir: Path, pg_url: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        assert main(["db", "migrate"]) == 0
        asyncio.run(
            _execute(pg_url, f"INSERT INTO schema_migrations VALUES ({PG_LATEST + 1}, 'x')")
        )
        capsys.readouterr()
        for command in (["db", "check"], ["db", "migrate"]):
            assert main(command) == 1, command
            err = capsys.readouterr().err.strip()
            assert f"schema version {PG_LATEST + 1}, newer than this Sitrep knows" in err
            assert len(err.splitlines()) == 1


async def _tables(url: str) -> list[str]:
    conn = await asyncpg.connect(url)
    try:
        rows = await conn.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1"
        )
        return [str(row[0]) for row in rows]
    finally:
        await conn.close()


async def _execute(url: str, sql: str) -> None:
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def _fill_sqlite(path: Path) -> None:
    async with await SqliteStorage.open(path) as store:
        reports = [(await store.reports.add(make_report(n)))[0] for n in range(1, 6)]
        for n in range(12):
            incident = await store.incidents.add(
                make_incident(
                    date=dt.date(2026, 3, 1) + dt.timedelta(days=n % 4),
                    actors=[AAH, ISF] if n % 2 else [ISF],
                    summary=f"Clash number {n} near the bridge, انفجار {n}",
                    sources=[SourceRef(report_id=reports[n % 5].id, url=f"https://x/{n}")],
                )
            )
            if n == 3:
                changed = incident.model_copy(update={"revision": 2, "summary": "Revised clash"})
                revision = IncidentRevision(
                    incident_id=incident.id or 0, revision=2, changed_at=T0, note="more dead"
                )
                await store.incidents.update(changed, revision)
        await store.actors.upsert(AAH, ["AAH", "عصائب أهل الحق"])
        await store.learning.add_actor_alias(
            AAH, ActorAliasRecord(actor_id=AAH.id, actor_name=AAH.name, alias="Khazali's men",
                                  added_by=900, added_at=T0)
        )  # fmt: skip
        await store.learning.add_place(
            LocalPlace(name="Tell Qasrawi", aliases=["تل قصراوي"], lat=36.21, lon=42.95,
                       country="IQ", admin1="Nineveh", admin1_code="IQ-NI", added_by=900)
        )  # fmt: skip
        for chat_id in (100, -200):
            await store.chats.upsert(
                make_chat(chat_id, digest_time=dt.time(7, 0), last_digest_date=dt.date(2026, 3, 1))
            )
            await store.subscriptions.add(
                Subscription(chat_id=chat_id, kind=SubscriptionKind.ACTOR, key=AAH.id, label="AAH")
            )
        for n in range(7):
            await store.outbox.enqueue(make_message(100, key=f"alert:100:{n}"))
        await store.feeds.add(Feed(url="https://feeds.example/rss"))
        await store.meta.set("last_ingest_at", "2026-03-01T12:00:00+00:00")


async def _assert_terms_in_key_order(url: str) -> None:
    """The search's term rows lie in (term, block) order: each term's blocks on few pages."""
    conn = await asyncpg.connect(url)
    try:
        stored, ordered = await conn.fetchrow(
            "SELECT array_agg((term, block)::text ORDER BY ctid),"
            " array_agg((term, block)::text ORDER BY term, block) FROM incident_terms"
        )
    finally:
        await conn.close()
    assert stored, "no term rows"
    assert stored == ordered


@pytest.mark.postgres
class TestCopy:
    async def test_copy_resumes_and_everything_arrives(
        self,
        tmp_path: Path,
        pg_url: str,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        source = tmp_path / "old.sqlite3"
        await _fill_sqlite(source)
        monkeypatch.setattr(copy_module, "BATCH_ROWS", 4)

        class Interrupted(Exception):
            pass

        def stop_in_incidents(table: str, copied: int) -> None:
            if table == "incidents" and copied >= 4:
                raise Interrupted

        with pytest.raises(Interrupted):
            await copy_module.copy_sqlite_to_postgres(source, pg_url, progress=stop_in_incidents)
        # Resume through the CLI; the counts line up at the end.
        code = await _run_cli(["db", "copy", "--from", f"sqlite:///{source}", "--to", pg_url])
        out = capsys.readouterr().out
        assert code == 0, out
        assert "all counts match" in out
        assert "MISMATCH" not in out
        await _assert_same_contents(source, pg_url)
        await _assert_terms_in_key_order(pg_url)

    async def test_refuses_a_target_that_holds_other_data(
        self, tmp_path: Path, pg_url: str
    ) -> None:
        source = tmp_path / "old.sqlite3"
        await _fill_sqlite(source)
        async with await PostgresStorage.open(pg_url) as target:
            await target.chats.upsert(make_chat(999))
        with pytest.raises(Exception, match="already holds data"):
            await copy_module.copy_sqlite_to_postgres(source, pg_url)


async def _run_cli(argv: list[str]) -> int:
    import asyncio

    return await asyncio.to_thread(main, argv)


async def _assert_same_contents(source: Path, pg_url: str) -> None:
    async with (
        await SqliteStorage.open(source) as old,
        await PostgresStorage.open(pg_url) as new,
    ):
        everything = IncidentQuery(limit=1000)
        assert await new.incidents.query(everything) == await old.incidents.query(everything)
        assert await new.incidents.revisions(4) == await old.incidents.revisions(4)
        for chat_id in (100, -200):
            assert await new.chats.get(chat_id) == await old.chats.get(chat_id)
            assert await new.subscriptions.for_chat(chat_id) == await old.subscriptions.for_chat(
                chat_id
            )
        assert await new.actors.all() == await old.actors.all()
        assert await new.learning.alias_records() == await old.learning.alias_records()
        assert await new.learning.places() == await old.learning.places()
        place = await new.learning.add_place(
            LocalPlace(name="Tell Other", lat=36.3, lon=42.9, country="IQ")
        )
        assert place.id == 2  # the identity moved past the copied ids
        assert await new.feeds.list() == await old.feeds.list()
        assert await new.meta.get("last_ingest_at") == await old.meta.get("last_ingest_at")
        assert await new.outbox.get_by_key("alert:100:3") == await old.outbox.get_by_key(
            "alert:100:3"
        )
        assert [r.id for r in await new.reports.latest(10)] == [
            r.id for r in await old.reports.latest(10)
        ]
        # Search works on the copy, and new rows get ids after the copied ones.
        assert len(await new.incidents.search("bridge", limit=50)) == 12
        added, _ = await new.reports.add(make_report(99))
        assert added.id == 6
