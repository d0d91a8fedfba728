"""Open the backend a ``DatabaseUrl`` names: the one place that picks SQLite or PostgreSQL.

Only the composition root (``bot.app``) and the CLI call this; everything else sees the
``storage.base`` Protocols.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from storage.base import Backend
from storage.url import DatabaseUrl


async def open_backend(
    database: DatabaseUrl,
    *,
    migrate: bool = True,
    create: bool = True,
    now: Callable[[], dt.datetime] | None = None,
) -> Backend:
    """Open (and by default migrate) the database; backends are imported only when used.

    Without ``create``, a database that is missing or has no Sitrep schema yet is refused
    with :class:`storage.base.StorageError` (only ``sitrep db migrate`` creates one); a
    newer schema, or a file that is not Sitrep's, is refused either way.
    """
    if database.dsn is not None:
        from storage.postgres import PostgresStorage

        backend: Backend = await PostgresStorage.open(database.dsn, migrate=migrate, create=create)
    else:
        from storage.sqlite import SqliteStorage

        assert database.path is not None
        backend = await SqliteStorage.open(database.path, migrate=migrate, create=create)
    if now is not None:
        backend.now = now  # the Clock port's: stamps follow the services' time
    return backend
