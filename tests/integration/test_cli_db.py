"""`sitrep db migrate|backup|check` end to end on a database in tmp_path."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.cli import main
from storage.schema import load_migrations

LATEST = load_migrations()[-1].version


class TestMigrate:
    """`sitrep db migrate` creates the database, then reports it is up to date."""

    def test_first_run_then_no_op(
        self, database: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        assert main(["db", "migrate"]) == 0
        out = capsys.readouterr().out
        assert f"schema version {LATEST}" in out
        assert "applied migrations 1" in out
        assert str(database) in out
        assert database.exists()
        assert main(["db", "migrate"]) == 0
        assert f"database is up to date (schema version {LATEST})" in capsys.readouterr().out

    def test_db_option_overrides_the_environment(
        self, database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        other = tmp_path / "other.sqlite3"
        assert main(["db", "migrate", "--db", str(other)]) == 0
        assert other.exists()
        assert not database.exists()
        assert str(other) in capsys.readouterr().out


class TestCheck:
    """`sitrep db check` runs the integrity check."""

    def test_healthy(self, database: Path, capsys: pytest.CaptureFixture[str]) -> None:
        assert main(["db", "migrate"]) == 0
        capsys.readouterr()
        assert main(["db", "check"]) == 0
        assert capsys.readouterr().out.strip() == f"integrity: ok; schema version {LATEST}"

    def test_missing_database(self, database: Path, capsys: pytest.CaptureFixture[str]) -> None:
        assert main(["db", "check"]) == 1
        err = capsys.readouterr().err.strip().splitlines()
        assert err == [f"error: no database at {database}; run `sitrep db migrate` to create one"]

    def test_not_a_database(self, database: Path, capsys: pytest.CaptureFixture[str]) -> None:
        database.parent.mkdir(parents=True)
        database.write_bytes(b"definitely not a database file " * 64)
        assert main(["db", "check"]) == 1
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1
        assert (
            err[0] == f"error: {database} is not an SQLite database; check SITREP_DATABASE or --db"
        )
        assert "Traceback" not in err[0]


class TestBackup:
    """`sitrep db backup PATH`."""

    def test_backup_to_a_file(
        self, database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        assert main(["db", "migrate"]) == 0
        conn = sqlite3.connect(database)
        conn.execute("INSERT INTO meta (key, value, updated_at) VALUES ('k', 'قيمة', 'x')")
        conn.commit()
        conn.close()
        destination = tmp_path / "backup.sqlite3"
        assert main(["db", "backup", str(destination)]) == 0
        assert f"to {destination}" in capsys.readouterr().out
        copy = sqlite3.connect(destination)
        try:
            assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            assert copy.execute("SELECT value FROM meta WHERE key = 'k'").fetchone() == ("قيمة",)
            assert copy.execute("PRAGMA user_version").fetchone() == (LATEST,)
        finally:
            copy.close()

    def test_an_existing_backup_is_kept_unless_forced(
        self, database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        assert main(["db", "migrate"]) == 0
        destination = tmp_path / "last-good.sqlite3"
        destination.write_bytes(b"yesterday's backup")
        capsys.readouterr()
        assert main(["db", "backup", str(destination)]) == 1
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1
        assert "already exists" in err[0]
        assert "--force" in err[0]
        assert destination.read_bytes() == b"yesterday's backup"
        assert main(["db", "backup", "--force", str(destination)]) == 0
        copy = sqlite3.connect(destination)
        try:
            assert copy.execute("PRAGMA user_version").fetchone() == (LATEST,)
        finally:
            copy.close()

    def test_backup_to_a_directory_is_one_line_error(
        self, database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        assert main(["db", "migrate"]) == 0
        capsys.readouterr()
        assert main(["db", "backup", str(tmp_path)]) == 1
        err = capsys.readouterr().err.strip().splitlines()
        assert err == [f"error: {tmp_path} is a directory; give a file name"]

    def test_backup_into_a_missing_directory(
        self, database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        assert main(["db", "migrate"]) == 0
        capsys.readouterr()
        assert main(["db", "backup", str(tmp_path / "nope" / "b.sqlite3")]) == 1
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1
        assert "does not exist" in err[0]

    def test_backup_without_a_database(
        self, database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        assert main(["db", "backup", str(tmp_path / "b.sqlite3")]) == 1
        err = capsys.readouterr().err.strip()
        assert err == f"error: no database at {database}; run `sitrep db migrate` to create one"
