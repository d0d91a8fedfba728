"""transaction(): atomic blocks on a shared connection, joined by calls from the same task."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest

from bot.domain import SourceRef
from storage.base import IncidentQuery, StorageError
from storage.sqlite import SqliteStorage

from .conftest import make_chat, make_incident, make_message, make_report, reopen


class Boom(Exception):
    """Raised on purpose inside a transaction."""


async def _block_held_open(
    storage: SqliteStorage, finish: Callable[[], Awaitable[object]]
) -> tuple[asyncio.Task[None], asyncio.Event]:
    """Start a transaction block that adds report 1 and waits; return once it is inside.

    Setting the returned event lets the block go on to ``finish`` and end.
    """
    inside = asyncio.Event()
    release = asyncio.Event()

    async def writer() -> None:
        async with storage.transaction():
            await storage.reports.add(make_report(1))
            inside.set()
            await release.wait()
            await finish()

    task = asyncio.create_task(writer())
    await inside.wait()
    return task, release


class TestAtomicity:
    """All or nothing."""

    async def test_commit(self, storage: SqliteStorage) -> None:
        await storage.chats.upsert(make_chat(1))
        async with storage.transaction():
            incident = await storage.incidents.add(make_incident())
            await storage.outbox.enqueue(make_message(1, "alert:1:1", incident_id=incident.id))
        assert await storage.incidents.count() == 1
        stored = await storage.outbox.get_by_key("alert:1:1")
        assert stored is not None
        assert stored.incident_id == incident.id

    async def test_rollback_on_exception(self, storage: SqliteStorage) -> None:
        await storage.chats.upsert(make_chat(1))

        async def block() -> None:
            async with storage.transaction():
                await storage.incidents.add(make_incident())
                await storage.outbox.enqueue(make_message(1, "alert:1:1"))
                raise Boom

        with pytest.raises(Boom):
            await block()
        assert await storage.incidents.count() == 0
        assert await storage.outbox.get_by_key("alert:1:1") is None
        # The connection is usable afterwards.
        await storage.reports.add(make_report(1))
        assert await storage.reports.count() == 1

    async def test_nested_transaction_joins_the_outer_one(self, storage: SqliteStorage) -> None:

        async def block() -> None:
            async with storage.transaction():
                await storage.reports.add(make_report(1))
                async with storage.transaction():
                    await storage.reports.add(make_report(2))
                raise Boom

        with pytest.raises(Boom):
            await block()
        assert await storage.reports.count() == 0
        async with storage.transaction(), storage.transaction():
            await storage.reports.add(make_report(3))
        assert await storage.reports.count() == 1

    async def test_failed_call_inside_a_block_leaves_no_partial_rows(
        self, storage: SqliteStorage
    ) -> None:
        async with storage.transaction():
            await storage.reports.add(make_report(1))
            with pytest.raises(StorageError):
                # The incident row goes in before its source fails the foreign key.
                await storage.incidents.add(make_incident(sources=[SourceRef(report_id=999)]))
            await storage.reports.add(make_report(2))
        assert await storage.reports.count() == 2
        assert await storage.incidents.count() == 0

    async def test_gathered_calls_inside_a_block(self, storage: SqliteStorage) -> None:
        async with storage.transaction():
            await asyncio.gather(*(storage.reports.add(make_report(n)) for n in range(10)))
        assert await storage.reports.count() == 10

    async def test_cancelled_block_rolls_back(self, storage: SqliteStorage) -> None:
        inside = asyncio.Event()

        async def writer() -> None:
            async with storage.transaction():
                await storage.reports.add(make_report(1))
                inside.set()
                await asyncio.Event().wait()

        task = asyncio.create_task(writer())
        await inside.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert await storage.reports.count() == 0
        await storage.reports.add(make_report(2))
        assert await storage.reports.count() == 1


class TestIsolation:
    """Other tasks wait for a running block instead of seeing its uncommitted rows."""

    async def test_other_task_does_not_see_uncommitted_rows(self, storage: SqliteStorage) -> None:
        async def fail() -> None:
            raise Boom

        task, release = await _block_held_open(storage, fail)
        reader = asyncio.create_task(storage.reports.count())
        await asyncio.sleep(0)
        release.set()
        with pytest.raises(Boom):
            await task
        assert await reader == 0

    async def test_single_statement_reads_wait_too(self, storage: SqliteStorage) -> None:
        # On SQLite a read of one statement runs without BEGIN/COMMIT of its own; it must
        # still wait for another task's open block, not read inside it.
        inside, release = asyncio.Event(), asyncio.Event()

        async def writer() -> None:
            async with storage.transaction():
                await storage.incidents.add(make_incident())
                await storage.chats.upsert(make_chat(7))
                inside.set()
                await release.wait()
                raise Boom

        task = asyncio.create_task(writer())
        await inside.wait()
        query = IncidentQuery(limit=10)
        readers = [
            asyncio.create_task(storage.incidents.count()),
            asyncio.create_task(storage.incidents.ids(query)),
            asyncio.create_task(storage.incidents.briefs_each([query])),
            asyncio.create_task(storage.chats.get(7)),
        ]
        await asyncio.sleep(0)
        release.set()
        with pytest.raises(Boom):
            await task
        assert [await reader for reader in readers] == [0, [], [[]], None]

    async def test_closed_storage_refuses_work(self, storage: SqliteStorage) -> None:
        await storage.close()
        with pytest.raises(StorageError, match="closed"):
            await storage.reports.count()


class TestClose:
    """Closing waits for a running transaction instead of cutting it in half."""

    async def test_close_waits_for_a_running_block(self, storage: SqliteStorage) -> None:
        task, release = await _block_held_open(
            storage, lambda: storage.reports.add(make_report(2))
        )
        closing = asyncio.create_task(storage.close())
        await asyncio.sleep(0)
        release.set()
        await task
        await closing
        reopened = await reopen(storage)
        try:
            assert await reopened.reports.count() == 2
        finally:
            await reopened.close()
