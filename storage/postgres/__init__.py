"""The PostgreSQL backend (asyncpg): every repository of ``storage.base`` on one shared database.

Its layout mirrors ``storage.sqlite``: ``connection`` (pool, transactions, heartbeat,
leadership), ``maintenance`` (migrations under an advisory lock, checks, pg_dump backups),
``rows``, ``values``, ``search`` (tsquery building) and one module per repository.
Migrations live in ``storage/postgres/migrations``, numbered independently of SQLite's.
"""

from __future__ import annotations

from storage.postgres.connection import LEASE_SECONDS, PostgresStorage

__all__ = ["LEASE_SECONDS", "PostgresStorage"]
