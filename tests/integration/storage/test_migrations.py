"""Migrations: applied once from empty, recorded in user_version, re-runs are no-ops."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from storage.base import StorageError
from storage.schema import load_migrations, parse_migrations
from storage.sqlite import SqliteStorage
from storage.sqlite.connection import MMAP_BYTES


def _tables(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {
            row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
    finally:
        conn.close()


class TestMigrate:
    """Start-up migration."""

    async def test_from_empty_applies_every_migration(self, db_path: Path) -> None:
        store = await SqliteStorage.open(db_path, migrate=False)
        try:
            assert await store.schema_version() == 0
            latest = load_migrations()[-1].version
            assert await store.migrate() == list(range(1, latest + 1))
            assert await store.schema_version() == latest
        finally:
            await store.close()
        assert {"reports", "incidents", "outbox", "chats"} <= _tables(db_path)

    async def test_rerun_is_a_no_op(self, db_path: Path) -> None:
        store = await SqliteStorage.open(db_path)
        version = await store.schema_version()
        assert await store.migrate() == []
        await store.close()
        again = await SqliteStorage.open(db_path)
        try:
            assert await again.migrate() == []
            assert await again.schema_version() == version
        finally:
            await again.close()

    async def test_failed_migration_leaves_nothing_behind(self, db_path: Path) -> None:
        first = parse_migrations([("0001_a.sql", "CREATE TABLE a (x INTEGER);")])
        broken = parse_migrations(
            [
                ("0001_a.sql", "CREATE TABLE a (x INTEGER);"),
                ("0002_b.sql", "CREATE TABLE b (x INTEGER);\nCREATE TABLE a (x INTEGER);"),
            ]
        )
        store = await SqliteStorage.open(db_path, migrate=False)
        try:
            assert await store._apply_migrations(first) == [1]
            with pytest.raises(StorageError, match="already exists"):
                await store._apply_migrations(broken)
            assert await store.schema_version() == 1
        finally:
            await store.close()
        assert "b" not in _tables(db_path)

    async def test_newer_database_is_refused(self, db_path: Path) -> None:
        conn = sqlite3.connect(db_path)
        conn.execute("PRAGMA user_version = 999")
        conn.close()
        with pytest.raises(StorageError, match="newer"):
            await SqliteStorage.open(db_path)

    async def test_not_a_database_is_a_clear_error(self, db_path: Path) -> None:
        db_path.write_bytes(b"this is not sqlite at all, just some text padding" * 40)
        with pytest.raises(StorageError, match="is not an SQLite database"):
            await SqliteStorage.open(db_path)

    async def test_missing_parent_directory_is_created(self, tmp_path: Path) -> None:
        path = tmp_path / "deep" / "er" / "db.sqlite3"
        store = await SqliteStorage.open(path)
        await store.close()
        assert path.exists()


@pytest.mark.sqlite_only
class TestConnectionSettings:
    """WAL, foreign keys, busy timeout, synchronous=NORMAL and memory-mapped reads on every
    connection."""

    async def test_pragmas(self, storage: SqliteStorage) -> None:
        conn = storage._conn
        expected = {
            "journal_mode": "wal",
            "foreign_keys": 1,
            "busy_timeout": 10000,
            "synchronous": 1,
        }
        for pragma, value in expected.items():
            async with conn.execute(f"PRAGMA {pragma}") as cursor:
                row = await cursor.fetchone()
            assert row is not None
            assert row[0] == value, pragma

    async def test_reads_are_memory_mapped(self, storage: SqliteStorage) -> None:
        # Up to SQLite's compile-time ceiling (2 GB unless built otherwise); 0 means off.
        async with storage._conn.execute("PRAGMA mmap_size") as cursor:
            row = await cursor.fetchone()
        assert row is not None
        assert 1 << 30 <= row[0] <= MMAP_BYTES

    async def test_integrity_check_is_ok(self, storage: SqliteStorage) -> None:
        assert await storage.integrity_check() == "ok"
