"""Helpers for the `sitrep` command tests: run it, and a migrated temp database."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run the CLI; return (exit status, stdout, stderr)."""
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A migrated temp database as SITREP_DATABASE; no .env file, no token, and none of the
    developer's data directory or actors file."""
    monkeypatch.chdir(tmp_path)
    for name in ("SITREP_DATABASE", "SITREP_DATA_DIR", "TELEGRAM_BOT_TOKEN", "SITREP_ACTORS_FILE"):
        monkeypatch.delenv(name, raising=False)
    path = tmp_path / "sitrep.sqlite3"
    monkeypatch.setenv("SITREP_DATABASE", str(path))
    monkeypatch.setenv("SITREP_LOG_LEVEL", "WARNING")
    assert main(["db", "migrate"]) == 0  # only `db migrate` creates a database
    return path
