"""Integration fixtures: the session's PostgreSQL scratch database (see tests/postgres.py)."""

from __future__ import annotations

from tests.postgres import postgres_url  # noqa: F401 - a fixture, for every integration test
