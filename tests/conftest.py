"""Fixtures for the whole suite."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from storage.sqlite import SqliteStorage
from tests.httpserver import LocalHTTPServer, running_server


@pytest.fixture(autouse=True)
def _logging_enabled_again() -> Iterator[None]:
    """A CLI error shuts logging off for the rest of the process; tests turn it on again."""
    yield
    logging.disable(logging.NOTSET)


@pytest.fixture
def http_server() -> Iterator[LocalHTTPServer]:
    """A local HTTP server on 127.0.0.1 serving the routes a test sets (pages, feeds, tiles)."""
    with running_server() as server:
        yield server


@pytest.fixture
async def sqlite(tmp_path: Path) -> AsyncIterator[SqliteStorage]:
    """A migrated SQLite database in the test's temp dir, closed after the test (closing twice
    is fine)."""
    storage = await SqliteStorage.open(tmp_path / "sitrep.sqlite3")
    try:
        yield storage
    finally:
        await storage.close()


# Hypothesis: speed is measured in bench/, never asserted in a unit test. Its default 200 ms
# deadline per example and its "too slow" health check fail on a loaded machine (CI shares two
# cores), so the suite turns both off for every property test.
settings.register_profile(
    "sitrep",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.load_profile("sitrep")
