"""SqliteStorage is a ``storage.base.Storage`` (checked by mypy and at run time)."""

from __future__ import annotations

import subprocess
import sys

from storage.base import Storage
from storage.sqlite import SqliteStorage


class TestProtocol:
    """The backend offers every repository the services use."""

    async def test_is_a_storage(self, storage: SqliteStorage) -> None:
        as_protocol: Storage = storage  # mypy verifies the structural match
        for name in ("reports", "incidents", "actors", "chats", "subscriptions", "feeds"):
            assert getattr(as_protocol, name) is not None
        assert as_protocol.outbox is storage.outbox
        assert as_protocol.meta is storage.meta


def test_package_import_is_light() -> None:
    """Importing ``storage`` and ``storage.base`` loads no backend and no aiosqlite."""
    code = (
        "import sys, storage, storage.base; "
        "print(sorted(m for m in ('aiosqlite', 'sqlite3', 'storage.sqlite') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
