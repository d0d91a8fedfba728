"""The console chat and the run/chat/demo commands, without Telegram."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import app as cli_app
from bot.cli import main
from tests.fakebotapi import TOKEN


def run_cli(args: list[str], tmp_path: Path, stdin: str = "") -> tuple[int, str]:
    runner = CliRunner()
    env = {
        "SITREP_DATA_DIR": str(tmp_path),
        "SITREP_DATABASE": str(tmp_path / "c.sqlite3"),
        "SITREP_LOG_LEVEL": "WARNING",
        "TELEGRAM_BOT_TOKEN": "",
    }
    result = runner.invoke(cli_app, args, input=stdin, env=env, catch_exceptions=False)
    return result.exit_code, result.output


class TestDemo:
    def test_demo_without_terminal_runs_the_tour(self, tmp_path: Path) -> None:
        code, output = run_cli(["demo"], tmp_path)
        assert code == 0
        assert "demo: 10 example reports" in output
        for command in ("/help", "/latest", "/city Basra", "/faction AAH", "/incident 1"):
            assert f"you: {command}" in output
        assert "Latest incidents" in output
        # The demo reports are years old: the tour's /stats must still show them.
        assert "you: /stats" in output
        assert "Incidents: 0" not in output
        assert "Incidents: 9" in output
        assert "Traceback" not in output
        assert "<b>" not in output  # plain text, tags stripped

    def test_demo_is_idempotent_and_scripts_work(self, tmp_path: Path) -> None:
        run_cli(["demo"], tmp_path)
        script = tmp_path / "script.txt"
        today = dt.datetime.now(dt.UTC).date()
        report = f"Gunmen clashed with police in Basra on {today:%d %B %Y}, killing three people."
        script.write_text(f"/subscribe Basra\n1\n/subscriptions\n/ingest {report}\n", "utf-8")
        code, output = run_cli(["demo", "--script", str(script)], tmp_path)
        assert code == 0
        assert "(0 new, 0 new incidents)" in output
        assert "Subscribed to Basra" in output
        assert "• Basra" in output
        # The console user is an admin; its own alert arrives in the console.
        assert "New incidents: 1" in output
        assert "🚨 New incident" in output

    def test_a_long_script_is_answered_to_the_end(self, tmp_path: Path) -> None:
        # The console has one user: the per-user flood guard must not cut a script short.
        lines = ["/settings"] * 40 + ["/help"]
        code, output = run_cli(["chat"], tmp_path, stdin="\n".join(lines) + "\n")
        assert code == 0
        assert "faster than I can answer" not in output
        assert output.count("Timezone: Asia/Baghdad") == 40
        assert "Sitrep commands" in output

    def test_a_number_without_its_button_says_so(self, tmp_path: Path) -> None:
        code, output = run_cli(["chat"], tmp_path, stdin="1\n/settings\n9\n")
        assert code == 0
        assert "There are no buttons to press here." in output
        assert "There is no button 9 here; press 1 to 3." in output
        assert "too short to be a report" not in output

    def test_chat_reads_piped_commands(self, tmp_path: Path) -> None:
        code, output = run_cli(["chat"], tmp_path, stdin="/start\n/settings\n")
        assert code == 0
        assert "Sitrep turns news reports" in output
        assert "Timezone: Asia/Baghdad" in output


class TestRun:
    def test_run_without_token_says_what_to_do(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "")
        monkeypatch.setenv("SITREP_DATABASE", str(tmp_path / "r.sqlite3"))
        monkeypatch.chdir(tmp_path)
        assert main(["run"]) == 1
        err = capsys.readouterr().err
        assert "TELEGRAM_BOT_TOKEN" in err
        assert "sitrep demo" in err
        assert len(err.strip().splitlines()) == 1

    def test_token_never_printed(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        # An unreachable Bot API: start-up fails, and the error must not show the token.
        monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
        monkeypatch.setenv("TELEGRAM_API_BASE_URL", "http://127.0.0.1:9/bot")
        monkeypatch.setenv("SITREP_DATABASE", str(tmp_path / "r.sqlite3"))
        monkeypatch.chdir(tmp_path)
        code = main(["run"])
        captured = capsys.readouterr()
        assert code != 0
        assert TOKEN not in captured.err + captured.out


class TestPictures:
    def test_the_stats_chart_is_saved_where_the_console_says(self, tmp_path: Path) -> None:
        from handlers.console import ConsoleRequest

        lines: list[str] = []
        request = ConsoleRequest(lines.append, picture_dir=tmp_path / "pictures")
        png = b"\x89PNG\r\n\x1a\nfake"
        request._answer("sendPhoto", {"chat_id": 1, "photo": png, "caption": "📊 chart"})
        [saved] = (tmp_path / "pictures").iterdir()
        assert saved.read_bytes() == png
        assert f"[picture: {saved}]" in lines[-1]
        assert "📊 chart" in lines[-1]

    def test_a_venue_is_printed_with_its_coordinates(self, tmp_path: Path) -> None:
        from handlers.console import ConsoleRequest

        lines: list[str] = []
        request = ConsoleRequest(lines.append, picture_dir=tmp_path)
        venue = {"chat_id": 1, "latitude": 30.5, "longitude": 47.8, "title": "#1 Basra"}
        request._answer("sendVenue", {**venue, "address": "Basra, IQ"})
        assert "📍 #1 Basra, Basra, IQ (30.5, 47.8)" in lines[-1]
