"""The PostgreSQL backend (asyncpg): every repository of ``storage.base`` on one shared database.

Its layout mirrors ``storage.sqlite``: ``connection`` (pool, transactions, heartbeat,
leadership), ``maintenance`` (migrations under an advisory lock, checks, pg_dump backups),
``rows`` (with its ``storage.dialect``), ``values``, ``search`` (tsquery building),
``report_matches`` (a search's matching reports) and a module for each repository where
PostgreSQL does something of its own (search, leases, locks);
the rest is written once for both backends in ``storage.shared``.
Migrations live in ``storage/postgres/migrations``, numbered independently of SQLite's.
"""

from __future__ import annotations

from storage.postgres.connection import LEASE_SECONDS, PostgresStorage

__all__ = ["LEASE_SECONDS", "PostgresStorage"]
