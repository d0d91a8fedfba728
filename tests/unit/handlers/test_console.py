"""The console chat and the run/chat/demo commands, without Telegram."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import pytest
from click.testing import CliRunner
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from bot.cli import app as cli_app
from bot.cli import main
from bot.cli.common import configure_console_logging
from handlers.console import TerminalInput
from tests.fakebotapi import TOKEN


def run_cli(args: list[str], tmp_path: Path, stdin: str = "") -> tuple[int, str]:
    runner = CliRunner()
    env = {
        "SITREP_DATA_DIR": str(tmp_path),
        "SITREP_DATABASE": str(tmp_path / "c.sqlite3"),
        "SITREP_LOG_LEVEL": "WARNING",
        "TELEGRAM_BOT_TOKEN": "",
    }
    if args[0] == "chat":  # the chat needs a database made by `sitrep db migrate`
        runner.invoke(cli_app, ["db", "migrate"], env=env, catch_exceptions=False)
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
        # The headline query answers: the Basra clash is in the city.
        assert "Basra — 0 incidents" not in output
        assert "Basra — 1 incident" in output
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
        assert "There is no button 9 here; press 1 to 5." in output
        assert "too short to be a report" not in output

    def test_a_number_presses_only_a_button_of_the_latest_message(self, tmp_path: Path) -> None:
        # /settings has buttons, /help (after it) has none: "1" must not press /settings' first.
        code, output = run_cli(["chat"], tmp_path, stdin="/settings\n/help\n1\n")
        assert code == 0
        assert output.rstrip().endswith("There are no buttons to press here.")

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
        assert main(["db", "migrate"]) == 0
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


class TestTerminal:
    """Interactive input: line editing, history, Ctrl-C, through prompt_toolkit's pipe input."""

    async def _lines(self, chunks: list[str], history: Path) -> list[str | None]:
        """Type each chunk of keys, then read one line (one chunk per prompt, like a person)."""
        with create_pipe_input() as pipe:
            terminal = TerminalInput(history, input=pipe, output=DummyOutput())
            lines: list[str | None] = []
            for chunk in chunks:
                pipe.send_text(chunk)
                lines.append(await terminal.read_line())
            return lines

    async def test_arrow_keys_edit_and_recall_history(self, tmp_path: Path) -> None:
        history = tmp_path / "history"
        # Type "/cty", move left twice, insert "i"; then recall it with the up arrow.
        keys = ["/cty Basra" + "\x1b[D" * 8 + "i\r", "\x1b[A\r", "\x04"]
        lines = await self._lines(keys, history)
        assert lines == ["/city Basra", "/city Basra", None]
        assert "/city Basra" in history.read_text("utf-8")

    async def test_history_survives_a_restart(self, tmp_path: Path) -> None:
        history = tmp_path / "history"
        await self._lines(["/latest\r", "\x04"], history)
        assert await self._lines(["\x1b[A\r", "\x04"], history) == ["/latest", None]

    async def test_ctrl_c_discards_the_line_and_ctrl_c_on_an_empty_line_quits(
        self, tmp_path: Path
    ) -> None:
        lines = await self._lines(["/city Bas\x03/help\r", "\x03"], tmp_path / "history")
        assert lines == ["/help", None]


class TestConsoleLogging:
    def test_info_lines_go_to_the_log_file_not_the_conversation(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        root = logging.getLogger()
        saved = (list(root.handlers), root.level)
        log_file = tmp_path / "console.log"
        try:
            configure_console_logging(logging.INFO, log_file)
            logging.getLogger("bot.services.ingestion").info("stored report 3")
            logging.getLogger("bot.services.delivery").warning("delivery is failing")
            for handler in root.handlers:
                handler.flush()
        finally:
            for handler in list(root.handlers):
                if handler not in saved[0]:
                    root.removeHandler(handler)
                    handler.close()
            for handler in saved[0]:
                if handler not in root.handlers:
                    root.addHandler(handler)
            root.setLevel(saved[1])
        terminal = capsys.readouterr().err
        assert "stored report 3" not in terminal
        assert "delivery is failing" in terminal
        logged = log_file.read_text("utf-8")
        assert "INFO bot.services.ingestion: stored report 3" in logged
        assert "delivery is failing" in logged

    def test_the_chat_writes_its_log_next_to_the_database(self, tmp_path: Path) -> None:
        code, _ = run_cli(["chat"], tmp_path, stdin="/latest\n")
        assert code == 0
        assert (tmp_path / "console.log").is_file()
