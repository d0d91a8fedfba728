"""Session-wide fixtures: the PostgreSQL scratch database (see tests/postgres.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.postgres import drop_database, run_sync, session_database


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A scratch PostgreSQL database for this session (skipped locally without a server)."""
    base, name, url = session_database()
    try:
        yield url
    finally:
        run_sync(drop_database(base, name))
