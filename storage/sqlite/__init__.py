"""The SQLite backend (aiosqlite): every repository of ``storage.base`` on one WAL database file.

Layout (the PostgreSQL backend in ``storage.postgres`` mirrors it): ``connection`` opens the file
and runs transactions, ``maintenance`` migrates, checks and backs up, ``rows`` gives the
backend-neutral ``storage.mapping`` SQLite's value converters and its ``storage.dialect``
(placeholders, statement runners), ``values`` converts values. The repositories are written
once for both backends in ``storage.shared``; a module here holds what SQLite does its own way
(FTS5 search and indexing, claiming the outbox, chat migration's SQL).

Concurrency model. One ``SqliteStorage`` owns one connection. Every repository call runs as
its own short transaction, serialised by an ``asyncio.Lock``; writes start with
``BEGIN IMMEDIATE`` so that two connections (or two processes) queue on SQLite's busy handler
instead of failing with "database is locked" half-way through. ``transaction()`` holds the lock
for a whole block; repository calls made inside it from the same task (tracked with a
ContextVar) join that transaction, each inside its own SAVEPOINT so a failed call leaves no
partial rows behind. Inside a block, do not wait for *another* task that uses the same storage:
that task queues behind the block, so the two would wait for each other.
"""

from __future__ import annotations

from storage.sqlite.connection import SqliteStorage
from storage.sqlite.incidents import (
    MERGE_CANDIDATES_SQL,
    SEARCH_HITS_SQL,
    incident_ids_sql,
    incident_query_sql,
)
from storage.sqlite.rows import _count_from_row, _incident_params
from storage.sqlite.values import SEARCH_CANDIDATES, _ts

__all__ = [
    "MERGE_CANDIDATES_SQL",
    "SEARCH_CANDIDATES",
    "SEARCH_HITS_SQL",
    "SqliteStorage",
    "_count_from_row",
    "_incident_params",
    "_ts",
    "incident_ids_sql",
    "incident_query_sql",
]
