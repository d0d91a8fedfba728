"""`sitrep health`: the container's HEALTHCHECK, true only while a bot beats."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.app import open_context
from bot.cli import main
from bot.config import load_settings


@pytest.fixture(autouse=True)
def _database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SITREP_DATABASE", str(tmp_path / "h.sqlite3"))
    monkeypatch.setenv("SITREP_LOG_LEVEL", "WARNING")
    monkeypatch.delenv("SITREP_ACTORS_FILE", raising=False)


async def _beat() -> None:
    context = await open_context(load_settings(), lock=False)
    try:
        await context.services.admin.beat()
    finally:
        await context.close()


class TestHealth:
    def test_unhealthy_without_a_database(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert main(["health"]) == 1
        err = capsys.readouterr().err.strip()
        assert "is `sitrep run` running?" in err
        assert len(err.splitlines()) == 1

    def test_unhealthy_when_the_bot_never_beat(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert main(["db", "migrate"]) == 0
        capsys.readouterr()
        assert main(["health"]) == 1
        err = capsys.readouterr().err.strip()
        assert "no heartbeat" in err
        assert len(err.splitlines()) == 1

    def test_healthy_after_a_recent_beat(self, capsys: pytest.CaptureFixture[str]) -> None:
        asyncio.run(_beat())
        assert main(["health"]) == 0
        assert "healthy" in capsys.readouterr().out

    def test_stale_beat_is_unhealthy(self, capsys: pytest.CaptureFixture[str]) -> None:
        asyncio.run(_beat())
        assert main(["health", "--max-age", "0"]) == 1
        assert "last heartbeat" in capsys.readouterr().err
