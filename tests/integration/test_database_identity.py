"""Only `sitrep db migrate` creates a database; every command refuses a file that is not one.

A missing file, a 0-byte file, an empty SQLite file, another application's SQLite file, a
file that is not SQLite at all and a Sitrep database from a newer schema are each refused
with one line, and the file is left exactly as it was (a check never writes).
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.cli import main
from storage.identity import SITREP_APPLICATION_ID, DatabaseState, identify
from storage.schema import load_migrations
from tests.fakebotapi import TOKEN

LATEST = load_migrations()[-1].version


@pytest.fixture
def database(database: Path, workdir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The integration database (its directory made), a token and an unused Bot API address,
    and two report files in the working directory."""
    path = database
    path.parent.mkdir()
    monkeypatch.setenv("SITREP_LOG_LEVEL", "WARNING")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    # Nothing listens there: a command that got as far as Telegram would fail differently.
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", "http://127.0.0.1:9/bot")
    (workdir / "report.txt").write_text("Two people were hurt in a blast in Basra on Monday.\n")
    (workdir / "reports.jsonl").write_text('{"text": "A clash near Kirkuk left one dead."}\n')
    return path


def _zero_bytes(path: Path) -> str:
    path.write_bytes(b"")
    return "empty"


def _empty_sqlite(path: Path) -> str:
    sqlite3.connect(path).close()  # creates a 0-byte file; give it a page, as tools do
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA user_version = 0")
        conn.execute("VACUUM")
    return "empty"


def _foreign(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)")
        conn.execute("INSERT INTO users (name) VALUES ('someone')")
    return "not a Sitrep database"


def _other_application(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA application_id = 1234")
        conn.execute("CREATE TABLE reports (id INTEGER PRIMARY KEY)")
        conn.execute("PRAGMA user_version = 1")
    return "not a Sitrep database"


def _not_sqlite(path: Path) -> str:
    path.write_bytes(b"definitely not a database file " * 64)
    return "not an SQLite database"


def _newer(path: Path) -> str:
    assert main(["db", "migrate"]) == 0
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {LATEST + 5}")
    return "newer than this Sitrep"


BAD_FILES: list[Callable[[Path], str]] = [
    _zero_bytes,
    _empty_sqlite,
    _foreign,
    _other_application,
    _not_sqlite,
    _newer,
]

COMMANDS = [
    ["db", "check"],
    ["db", "backup", "copy.sqlite3"],
    ["db", "reindex"],
    ["run"],
    ["chat", "--script", "report.txt"],
    ["ingest", "report.txt"],
    ["import", "reports.jsonl"],
    ["export", "--format", "csv"],
    ["feeds", "list"],
]


def _fingerprint(path: Path) -> tuple[str, float] | None:
    if not path.exists():
        return None
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime


def _one_error_line(capsys: pytest.CaptureFixture[str]) -> str:
    captured = capsys.readouterr()
    lines = [line for line in captured.err.splitlines() if line.strip()]
    assert len(lines) == 1, captured.err
    assert "Traceback" not in captured.err
    return lines[0]


class TestRefused:
    @pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
    def test_missing_file_is_not_created(
        self, database: Path, capsys: pytest.CaptureFixture[str], command: list[str]
    ) -> None:
        capsys.readouterr()
        # `sitrep run`; the chat takes the same lock the same way. (One case only: a lock on
        # /dev/full is one lock for every process on the machine.)
        assert main(["run"]) == 1
        line = _one_error_line(capsys)
        assert str(database) in line
        assert "sitrep db migrate" in line
        assert not database.exists()
        assert not Path(f"{database}-wal").exists()

    @pytest.mark.parametrize("make", BAD_FILES, ids=lambda make: make.__name__.strip("_"))
    @pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
    def test_bad_file_is_refused_and_left_alone(
        self,
        database: Path,
        capsys: pytest.CaptureFixture[str],
        command: list[str],
        make: Callable[[Path], str],
    ) -> None:
        expected = make(database)
        before = _fingerprint(database)
        capsys.readouterr()
        assert main(command) == 1
        line = _one_error_line(capsys)
        assert expected in line
        assert str(database) in line
        assert _fingerprint(database) == before
        assert not Path(f"{database}-wal").exists() or make is _newer

    @pytest.mark.parametrize(
        "make", [_foreign, _other_application, _not_sqlite, _newer], ids=lambda m: m.__name__
    )
    def test_migrate_refuses_what_it_cannot_own(
        self, database: Path, capsys: pytest.CaptureFixture[str], make: Callable[[Path], str]
    ) -> None:
        expected = make(database)
        before = _fingerprint(database)
        capsys.readouterr()
        assert main(["db", "migrate"]) == 1
        assert expected in _one_error_line(capsys)
        assert _fingerprint(database) == before


class TestMigrateCreates:
    @pytest.mark.parametrize("make", [_zero_bytes, _empty_sqlite], ids=lambda m: m.__name__)
    def test_an_empty_file_becomes_a_sitrep_database(
        self, database: Path, capsys: pytest.CaptureFixture[str], make: Callable[[Path], str]
    ) -> None:
        make(database)
        assert main(["db", "migrate"]) == 0
        assert identify(database).state is DatabaseState.SITREP
        capsys.readouterr()
        assert main(["db", "check"]) == 0
        assert capsys.readouterr().out.strip() == f"integrity: ok; schema version {LATEST}"

    def test_then_every_command_works(
        self, database: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        assert main(["db", "migrate"]) == 0
        assert main(["ingest", "report.txt"]) == 0
        assert main(["feeds", "list"]) == 0

    def test_a_database_from_before_the_stamp_is_recognised_and_stamped(
        self, database: Path
    ) -> None:
        assert main(["db", "migrate"]) == 0
        with sqlite3.connect(database) as conn:
            conn.execute("PRAGMA application_id = 0")
        assert identify(database).state is DatabaseState.SITREP
        assert main(["db", "migrate"]) == 0
        with sqlite3.connect(database) as conn:
            assert conn.execute("PRAGMA application_id").fetchone()[0] == SITREP_APPLICATION_ID


class TestCheckNeverWrites:
    def test_a_healthy_database_is_byte_identical_after_a_check(
        self, database: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        assert main(["db", "migrate"]) == 0
        assert main(["ingest", "report.txt"]) == 0
        before = _fingerprint(database)
        files_before = sorted(database.parent.iterdir())
        capsys.readouterr()
        assert main(["db", "check"]) == 0
        assert capsys.readouterr().out.strip() == f"integrity: ok; schema version {LATEST}"
        assert _fingerprint(database) == before
        # Not even the WAL's side files are created next to it.
        assert sorted(database.parent.iterdir()) == files_before


class TestFullDiskAtStartUp:
    """The instance lock is the first thing written at start-up; a full disk is one line."""

    def test_lock_file_on_a_full_disk(
        self, database: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        if not Path("/dev/full").exists():
            pytest.skip("needs /dev/full to stand in for a full disk")
        assert main(["db", "migrate"]) == 0
        Path(f"{database}.lock").symlink_to("/dev/full")  # every write: "No space left"
        capsys.readouterr()
        # `sitrep run`; the chat takes the same lock the same way. (One case only: a lock on
        # /dev/full is one lock for every process on the machine.)
        assert main(["run"]) == 1
        line = _one_error_line(capsys)
        assert "No space left on device" in line
        assert f"{database}.lock" in line
