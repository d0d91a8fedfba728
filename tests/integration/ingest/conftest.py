"""Fixtures for ingestion tests: a local HTTP server and fetchers pointed at it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from bot.config import Settings
from bot.ingest.fetch import SafeFetcher
from tests.httpserver import LocalHTTPServer, running_server


def make_settings(**values: Any) -> Settings:
    """Settings for tests, ignoring the environment's .env file."""
    defaults: dict[str, Any] = {
        "SITREP_ALLOW_PRIVATE_FETCH": True,
        "SITREP_FETCH_TIMEOUT_SECONDS": 2.0,
        "SITREP_FETCH_MAX_BYTES": 200_000,
    }
    defaults.update(values)
    return Settings(_env_file=None, **defaults)


@pytest.fixture
def http_server() -> Iterator[LocalHTTPServer]:
    """A local HTTP server on 127.0.0.1 serving routes the test sets."""
    with running_server() as server:
        yield server


@pytest.fixture
def fetcher() -> SafeFetcher:
    """A fetcher that may reach 127.0.0.1 (SITREP_ALLOW_PRIVATE_FETCH on)."""
    return SafeFetcher(make_settings())


@pytest.fixture
def strict_fetcher(http_server: LocalHTTPServer) -> SafeFetcher:
    """A fetcher with private addresses OFF; only the test server's exact endpoint is allowed."""
    return SafeFetcher(
        make_settings(SITREP_ALLOW_PRIVATE_FETCH=False),
        allowed_endpoints={("127.0.0.1", http_server.port)},
    )
