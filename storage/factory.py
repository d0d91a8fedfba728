"""Open the backend a ``DatabaseUrl`` names: the one place that picks SQLite or PostgreSQL.

Only the composition root (``bot.app``) and the CLI call this; everything else sees the
``storage.base`` Protocols.
"""

from __future__ import annotations

from storage.base import Backend
from storage.url import DatabaseUrl


async def open_backend(database: DatabaseUrl, *, migrate: bool = True) -> Backend:
    """Open (and by default migrate) the database; backends are imported only when used."""
    if database.dsn is not None:
        from storage.postgres import PostgresStorage

        return await PostgresStorage.open(database.dsn, migrate=migrate)
    from storage.sqlite import SqliteStorage

    assert database.path is not None
    return await SqliteStorage.open(database.path, migrate=migrate)
