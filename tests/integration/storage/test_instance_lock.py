"""The instance lock: one Sitrep process per database file."""

from __future__ import annotations

import asyncio
import sys
import textwrap
from pathlib import Path

import pytest

from storage.base import InstanceLockedError
from storage.sqlite import SqliteStorage

HOLDER = textwrap.dedent(
    """
    import asyncio, sys
    from storage.sqlite import SqliteStorage

    async def main(path: str) -> None:
        store = await SqliteStorage.open(path)
        store.acquire_instance_lock()
        print("locked", flush=True)
        sys.stdin.readline()
        await store.close()

    asyncio.run(main(sys.argv[1]))
    """
)


class TestInstanceLock:
    """flock on <db>.lock, across processes, released on close."""

    async def test_lock_held_by_another_process(self, db_path: Path) -> None:
        holder = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            HOLDER,
            str(db_path),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        assert holder.stdout is not None
        assert holder.stdin is not None
        try:
            assert (await holder.stdout.readline()).strip() == b"locked"
            store = await SqliteStorage.open(db_path)
            try:
                with pytest.raises(InstanceLockedError, match="another Sitrep process") as info:
                    store.acquire_instance_lock()
                assert str(db_path) in str(info.value)
            finally:
                await store.close()
        finally:
            holder.stdin.write(b"\n")
            await holder.stdin.drain()
            assert await holder.wait() == 0
        # The holder exited: the lock is free again.
        store = await SqliteStorage.open(db_path)
        try:
            store.acquire_instance_lock()
        finally:
            await store.close()

    async def test_close_releases_the_lock(self, db_path: Path) -> None:
        first = await SqliteStorage.open(db_path)
        first.acquire_instance_lock()
        first.acquire_instance_lock()  # taking it twice is harmless
        second = await SqliteStorage.open(db_path)
        try:
            with pytest.raises(InstanceLockedError):
                second.acquire_instance_lock()
            await first.close()
            second.acquire_instance_lock()
            assert second.lock_path.read_text().strip().isdigit()
        finally:
            await first.close()
            await second.close()
