"""`sitrep webhook info|delete` against the fake Bot API on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from tests.fakebotapi import TOKEN, FakeBotAPI, running

URL = "https://bot.example.invalid/telegram"


def webhook_of(api: FakeBotAPI) -> dict[str, Any] | None:
    """The webhook the fake server holds now (a call, so type narrowing does not stick)."""
    return api.webhook


@pytest.fixture
def api(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeBotAPI]:
    """A fake Bot API and an environment pointing at it (no .env file)."""
    monkeypatch.chdir(tmp_path)
    for name in ("SITREP_WEBHOOK_URL", "SITREP_WEBHOOK_SECRET", "SITREP_HTTP_PORT"):
        monkeypatch.delenv(name, raising=False)
    with running() as server:
        monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
        monkeypatch.setenv("TELEGRAM_API_BASE_URL", server.base_url)
        monkeypatch.setenv("SITREP_LOG_LEVEL", "WARNING")
        yield server


class TestInfo:
    def test_polling_bot_has_no_webhook(
        self, api: FakeBotAPI, capsys: pytest.CaptureFixture[str]
    ) -> None:
        api.send_text("/start", chat_id=5)
        assert main(["webhook", "info"]) == 0
        out = capsys.readouterr().out
        assert "webhook: none (the bot uses long polling)" in out
        assert "updates waiting at Telegram: 1" in out

    def test_shows_the_webhook_and_its_last_error(
        self, api: FakeBotAPI, capsys: pytest.CaptureFixture[str]
    ) -> None:
        api.webhook = {
            "url": URL,
            "max_connections": 10,
            "allowed_updates": ["message", "callback_query"],
            "last_error_message": "Connection refused",
        }
        assert main(["webhook", "info"]) == 0
        out = capsys.readouterr().out
        assert f"webhook: {URL}" in out
        assert "max connections: 10" in out
        assert "update types: message, callback_query" in out
        assert "last delivery error: Connection refused" in out
        assert "SITREP_WEBHOOK_URL is not set here" in out
        assert TOKEN not in out

    def test_without_a_token_it_is_one_line(
        self, api: FakeBotAPI, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        monkeypatch.delenv("TELEGRAM_BOT_TOKEN")
        assert main(["webhook", "info"]) == 1
        assert "no bot token" in capsys.readouterr().err


class TestDelete:
    def test_removes_the_webhook_and_keeps_waiting_updates(
        self, api: FakeBotAPI, capsys: pytest.CaptureFixture[str]
    ) -> None:
        api.webhook = {"url": URL}
        api.send_text("/start", chat_id=5)
        assert main(["webhook", "delete"]) == 0
        assert webhook_of(api) is None
        assert api.pending_updates == 1
        assert "webhook removed;" in capsys.readouterr().out

    def test_drop_pending_and_a_reminder_when_still_configured(
        self,
        api: FakeBotAPI,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        monkeypatch.setenv("SITREP_WEBHOOK_URL", URL)
        monkeypatch.setenv("SITREP_WEBHOOK_SECRET", "abc")
        api.webhook = {"url": URL}
        api.send_text("/start", chat_id=5)
        assert main(["webhook", "delete", "--drop-pending"]) == 0
        assert (webhook_of(api), api.pending_updates) == (None, 0)
        out = capsys.readouterr().out
        assert "dropped the waiting updates" in out
        assert "SITREP_WEBHOOK_URL is still set" in out
