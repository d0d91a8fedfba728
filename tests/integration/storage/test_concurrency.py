"""Two connections and two processes writing one file: no "database is locked" errors."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from storage.base import StorageError
from storage.schema import load_migrations
from storage.sqlite import SqliteStorage

from .conftest import make_chat, make_incident, make_message, make_report

WRITER = textwrap.dedent(
    """
    import asyncio, hashlib, sys
    import datetime as dt
    from bot.domain import Report
    from storage.sqlite import SqliteStorage

    async def main(path: str, count: int) -> None:
        store = await SqliteStorage.open(path)
        try:
            now = dt.datetime.now(dt.UTC)
            for n in range(count):
                text = f"written by the other process, number {n}"
                await store.reports.add(Report(
                    url=f"https://child.example/{n}",
                    content_hash=hashlib.sha256(text.encode()).hexdigest(),
                    fetched_at=now, text=text,
                ))
                async with store.transaction():
                    await store.meta.set(f"child:{n}", "a")
                    await store.meta.set(f"child:{n}:b", "b")
        finally:
            await store.close()
        print("done")

    asyncio.run(main(sys.argv[1], int(sys.argv[2])))
    """
)


class TestTwoConnections:
    """Two SqliteStorage instances on one file, written from interleaved tasks."""

    async def test_interleaved_writers(self, db_path: Path) -> None:
        first = await SqliteStorage.open(db_path)
        second = await SqliteStorage.open(db_path)
        try:
            await first.chats.upsert(make_chat(1))

            async def write(store: SqliteStorage, offset: int) -> None:
                for n in range(offset, offset + 40):
                    await store.reports.add(make_report(n))
                    async with store.transaction():
                        incident = await store.incidents.add(make_incident())
                        await store.outbox.enqueue(
                            make_message(1, f"alert:1:{incident.id}", incident_id=incident.id)
                        )
                    await asyncio.sleep(0)

            await asyncio.gather(
                write(first, 0), write(second, 1000), write(first, 2000), write(second, 3000)
            )
            assert await first.reports.count() == 160
            assert await second.incidents.count() == 160
            counts = await second.outbox.counts()
            assert counts["pending"] == 160
        finally:
            await first.close()
            await second.close()

    async def test_concurrent_opening_migrates_once(self, db_path: Path) -> None:
        stores = await asyncio.gather(*(SqliteStorage.open(db_path) for _ in range(4)))
        try:
            versions = {await s.schema_version() for s in stores}
            assert versions == {load_migrations()[-1].version}
        finally:
            for store in stores:
                await store.close()


class TestTwoProcesses:
    """A writer in another OS process while this one writes."""

    async def test_writer_in_a_subprocess(self, db_path: Path) -> None:
        store = await SqliteStorage.open(db_path)
        try:
            child = await asyncio.create_subprocess_exec(
                sys.executable,
                "-c",
                WRITER,
                str(db_path),
                "60",
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
            )
            for n in range(60):
                await store.reports.add(make_report(n))
                async with store.transaction():
                    await store.meta.set(f"parent:{n}", "x")
            out, err = await child.communicate()
            assert child.returncode == 0, err.decode()
            assert out.decode().strip() == "done"
            assert b"locked" not in err
            assert await store.reports.count() == 120
        finally:
            await store.close()
        conn = sqlite3.connect(db_path)
        try:
            (meta_rows,) = conn.execute("SELECT COUNT(*) FROM meta").fetchone()
        finally:
            conn.close()
        assert meta_rows == 60 + 2 * 60


class _LockHolder:
    """Another connection that holds the write lock until told to let go."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.taken = threading.Event()
        self.release = threading.Event()

    def run(self) -> None:
        conn = sqlite3.connect(self.path, isolation_level=None)
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("INSERT INTO meta (key, value, updated_at) VALUES ('holder', 'x', 'x')")
            self.taken.set()
            self.release.wait(timeout=30)
            conn.execute("COMMIT")
        finally:
            conn.close()

    def __enter__(self) -> _LockHolder:
        """Take the lock in a thread; return once it is held."""
        self._thread = threading.Thread(target=self.run)
        self._thread.start()
        self.taken.wait()
        return self

    def __exit__(self, *exc_info: object) -> None:
        """Let go of the lock (if not yet) and wait for the thread."""
        self.release.set()
        self._thread.join()


class TestBusyFallback:
    """When a writer holds the lock past busy_timeout, writes retry and then fail clearly."""

    async def test_retry_succeeds_once_the_lock_is_released(
        self, db_path: Path, caplog: pytest.LogCaptureFixture
    ) -> None:
        store = await SqliteStorage.open(db_path, busy_timeout=0.05)
        try:
            with (
                _LockHolder(db_path) as holder,
                caplog.at_level(logging.WARNING, "storage.sqlite"),
            ):
                write = asyncio.create_task(store.meta.set("k", "v"))
                while "database busy" not in caplog.text:
                    await asyncio.sleep(0.01)
                holder.release.set()
                await write
            assert await store.meta.get("k") == "v"
            assert await store.meta.get("holder") == "x"
        finally:
            await store.close()

    async def test_gives_up_with_a_storage_error(self, db_path: Path) -> None:
        store = await SqliteStorage.open(db_path, busy_timeout=0.01)
        try:
            with _LockHolder(db_path):
                with pytest.raises(StorageError, match="could not start a transaction"):
                    await store.meta.set("k", "v")
                # Reads are not blocked by a writer in WAL mode.
                assert await store.meta.get("holder") is None
            await store.meta.set("k", "v")
            assert await store.meta.get("k") == "v"
        finally:
            await store.close()


CRASHER = textwrap.dedent(
    """
    import asyncio, sys
    from storage.sqlite import SqliteStorage

    async def main(path: str) -> None:
        store = await SqliteStorage.open(path)
        await store.meta.set("before", "crash")
        raise SystemExit(3)  # dies without close()

    asyncio.run(main(sys.argv[1]))
    """
)


class TestCrash:
    """A process that dies without closing the storage still exits, and loses no commit."""

    async def test_process_exits_without_close(self, db_path: Path) -> None:
        child = await asyncio.create_subprocess_exec(
            sys.executable, "-c", CRASHER, str(db_path), stderr=asyncio.subprocess.PIPE
        )
        # Before the fix this hung for ever on aiosqlite's non-daemon thread.
        returncode = await asyncio.wait_for(child.wait(), timeout=60)
        assert returncode == 3
        store = await SqliteStorage.open(db_path)
        try:
            assert await store.meta.get("before") == "crash"
            assert await store.integrity_check() == "ok"
        finally:
            await store.close()
