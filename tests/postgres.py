"""PostgreSQL for the tests: a scratch database per pytest session on SITREP_TEST_POSTGRES_URL.

Without the variable, PostgreSQL tests are skipped for a developer who has no PostgreSQL, and
fail in CI (``CI=true``), where `.ci/run` always provides one. `scripts/pg_test_cluster.sh`
starts a throwaway cluster and prints the variable to export.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import uuid
from collections.abc import AsyncIterator, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

T = TypeVar("T")

URL_VARIABLE = "SITREP_TEST_POSTGRES_URL"
SKIP_REASON = (
    f'PostgreSQL tests need {URL_VARIABLE} (see README: `eval "$(scripts/pg_test_cluster.sh '
    'start /tmp/sitrep-pg)"`)'
)


def in_ci() -> bool:
    """True when running under CI, where a missing PostgreSQL is a failure, not a skip."""
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def base_url_or_skip() -> str:
    """The server URL from the environment; skip (locally) or fail (CI) without it."""
    url = os.environ.get(URL_VARIABLE, "").strip()
    if not url:
        if in_ci():
            pytest.fail(f"{URL_VARIABLE} is not set in CI; `.ci/run` must start PostgreSQL")
        pytest.skip(SKIP_REASON)
    return url


def with_database(url: str, name: str) -> str:
    """The same server URL pointing at database ``name``."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


async def create_database(url: str, name: str) -> None:
    """CREATE DATABASE ``name`` (UTF-8, C.UTF-8 so pg_trgm sees Arabic) on the server of url."""
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(
            f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' "
            "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
        )
    finally:
        await conn.close()


async def drop_database(url: str, name: str) -> None:
    """DROP DATABASE ``name``, disconnecting anyone still on it."""
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


def scratch_name(prefix: str = "sitrep_test") -> str:
    """A database name no other test run uses."""
    return f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:8]}"


@contextlib.asynccontextmanager
async def scratch_database(url: str, prefix: str) -> AsyncIterator[str]:
    """A brand-new database with no schema on the server of ``url``, dropped on exit; its URL."""
    name = scratch_name(prefix)
    await create_database(url, name)
    try:
        yield with_database(url, name)
    finally:
        await drop_database(url, name)


async def truncate_all(url: str) -> None:
    """Empty every Sitrep table (the schema and its version stay)."""
    conn = await asyncpg.connect(url)
    try:
        tables = [
            row[0]
            for row in await conn.fetch(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                "AND tablename <> 'schema_migrations'"
            )
        ]
        if tables:
            names = ", ".join(f'"{t}"' for t in tables)
            await conn.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
    finally:
        await conn.close()


def run_sync(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion from sync code, even inside a running event loop.

    Session fixtures may be first requested from inside an async test's loop, where
    ``asyncio.run`` is refused; a short-lived thread has a loop of its own.
    """
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A scratch PostgreSQL database for this session (skipped locally without a server).

    Conftests that need it import it (``from tests.postgres import postgres_url``).
    """
    base, name, url = session_database()
    try:
        yield url
    finally:
        run_sync(drop_database(base, name))


def session_database() -> tuple[str, str, str]:
    """Create this session's scratch database; return (server url, name, database url)."""
    base = base_url_or_skip()
    name = scratch_name()
    run_sync(create_database(base, name))
    return base, name, with_database(base, name)
