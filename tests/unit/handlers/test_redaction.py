"""Credentials inside TELEGRAM_API_BASE_URL never reach an error or a log line."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.cli import main
from handlers.redaction import RedactingFilter, redact
from tests.fakebotapi import TOKEN

BASE_WITH_PASSWORD = "http://alice:s3cret-pass@127.0.0.1:9/bot"


class TestUserinfo:
    @pytest.mark.parametrize(
        "text",
        [
            f"POST {BASE_WITH_PASSWORD}{TOKEN}/getMe failed",
            "proxy https://bob:pa%40ss@relay.example:8443/bot said no",
            "token-only user https://s3cret-pass@relay.example/bot",
        ],
    )
    def test_userinfo_in_a_url_is_redacted(self, text: str) -> None:
        cleaned = redact(text)
        for secret in ("s3cret-pass", "pa%40ss", "alice:", "bob:"):
            assert secret not in cleaned
        assert "<redacted>@" in cleaned

    def test_an_email_address_is_not_a_url(self) -> None:
        assert redact("write to desk@wire.example") == "write to desk@wire.example"

    def test_log_records_are_cleaned(self) -> None:
        record = logging.LogRecord(
            "httpx",
            logging.DEBUG,
            __file__,
            1,
            "HTTP Request: POST %s",
            (BASE_WITH_PASSWORD,),
            None,
        )
        RedactingFilter(()).filter(record)
        assert "s3cret-pass" not in record.getMessage()


class TestCommandLine:
    def test_run_error_does_not_echo_the_password(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
        monkeypatch.setenv("TELEGRAM_API_BASE_URL", BASE_WITH_PASSWORD)
        monkeypatch.setenv("SITREP_DATABASE", str(tmp_path / "r.sqlite3"))
        monkeypatch.setenv("SITREP_LOG_LEVEL", "DEBUG")
        monkeypatch.chdir(tmp_path)
        assert main(["db", "migrate"]) == 0
        capsys.readouterr()
        assert main(["run"]) == 1
        captured = capsys.readouterr()
        assert "127.0.0.1:9" in captured.err  # the error still says where it tried
        assert "s3cret-pass" not in captured.out + captured.err
        assert TOKEN not in captured.out + captured.err
