"""Integration fixtures: the session's PostgreSQL scratch database (see tests/postgres.py), and
a clean working directory and database path for the `sitrep` command."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.postgres import postgres_url  # noqa: F401 - a fixture, for every integration test


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working directory (so no .env) under tmp_path, made the current one."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return work


@pytest.fixture
def database(workdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """SITREP_DATABASE points at a file in tmp_path/data, outside the working directory."""
    path = tmp_path / "data" / "sitrep.sqlite3"
    monkeypatch.setenv("SITREP_DATABASE", str(path))
    return path
