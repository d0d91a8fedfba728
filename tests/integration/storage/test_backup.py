"""Online backup: consistent while another task keeps writing."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from storage.base import StorageError
from storage.sqlite import SqliteStorage

from .conftest import make_report

pytestmark = pytest.mark.sqlite_only  # SQLite itself: plans, files, locks


def _open_backup(path: Path) -> tuple[str, int, str]:
    conn = sqlite3.connect(path)
    try:
        (integrity,) = conn.execute("PRAGMA integrity_check").fetchone()
        (reports,) = conn.execute("SELECT COUNT(*) FROM reports").fetchone()
        (mode,) = conn.execute("PRAGMA journal_mode").fetchone()
        return str(integrity), int(reports), str(mode)
    finally:
        conn.close()


class TestBackup:
    """backup() uses the online backup API from a separate connection."""

    async def test_backup_while_writing(
        self, storage: SqliteStorage, db_path: Path, tmp_path: Path
    ) -> None:
        for n in range(50):
            await storage.reports.add(make_report(n, text="بداية " + str(n)))
        writer_store = await SqliteStorage.open(db_path)
        stop = asyncio.Event()
        written = 0

        async def keep_writing() -> None:
            nonlocal written
            n = 10_000
            while not stop.is_set():
                await writer_store.reports.add(make_report(n))
                written += 1
                n += 1
                await asyncio.sleep(0)

        writer = asyncio.create_task(keep_writing())
        try:
            while written < 5:
                await asyncio.sleep(0.01)
            committed_before = await storage.reports.count()
            destination = tmp_path / "backup.sqlite3"
            await storage.backup(destination)
            # The writer was never blocked for good: it keeps committing afterwards.
            written_at_backup = written
            while written < written_at_backup + 5:
                await asyncio.sleep(0.01)
        finally:
            stop.set()
            await writer
            await writer_store.close()
        integrity, reports, mode = _open_backup(destination)
        assert integrity == "ok"
        assert reports >= committed_before
        assert mode == "delete"
        restored = await SqliteStorage.open(destination)
        try:
            assert await restored.schema_version() == await storage.schema_version()
            hits = await restored.reports.search("بداية")
            assert len(hits) == 20  # default limit; the FTS index came along
        finally:
            await restored.close()

    async def test_backup_overwrites_an_old_backup_file(
        self, storage: SqliteStorage, tmp_path: Path
    ) -> None:
        destination = tmp_path / "b.sqlite3"
        destination.write_text("old junk")
        await storage.reports.add(make_report(1))
        await storage.backup(destination)
        assert _open_backup(destination)[:2] == ("ok", 1)
        assert not list(tmp_path.glob(".*.partial"))

    async def test_bad_destinations(
        self, storage: SqliteStorage, tmp_path: Path, db_path: Path
    ) -> None:
        with pytest.raises(StorageError, match="is a directory"):
            await storage.backup(tmp_path)
        with pytest.raises(StorageError, match="does not exist"):
            await storage.backup(tmp_path / "missing" / "b.sqlite3")
        with pytest.raises(StorageError, match="itself"):
            await storage.backup(db_path)

    async def test_in_memory_database(self, tmp_path: Path) -> None:
        store = await SqliteStorage.open(":memory:")
        try:
            await store.reports.add(make_report(1))
            await store.backup(tmp_path / "mem.sqlite3")
        finally:
            await store.close()
        assert _open_backup(tmp_path / "mem.sqlite3")[:2] == ("ok", 1)
