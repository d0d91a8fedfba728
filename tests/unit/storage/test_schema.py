"""storage.schema: migration files are found, ordered and split into statements."""

from __future__ import annotations

import sqlite3

import pytest

from storage.schema import load_migrations, parse_migrations, split_statements


class TestSplitStatements:
    """Statements split on ';' except inside trigger bodies; comments are skipped."""

    def test_trigger_body_stays_one_statement(self) -> None:
        script = """
        -- a comment
        CREATE TABLE a (x INTEGER);
        CREATE TRIGGER t AFTER INSERT ON a BEGIN
            INSERT INTO a (x) VALUES (1);
            INSERT INTO a (x) VALUES (2);
        END;
        CREATE INDEX i ON a (x);
        """
        statements = split_statements(script)
        assert len(statements) == 3
        assert statements[1].startswith("CREATE TRIGGER")
        assert statements[1].endswith("END;")

    def test_incomplete_statement_is_an_error(self) -> None:
        with pytest.raises(ValueError, match="incomplete"):
            split_statements("CREATE TABLE a (x INTEGER)")


class TestParseMigrations:
    """Versions come from the file names and must have no gaps."""

    def test_sorted_by_version_and_other_files_ignored(self) -> None:
        migrations = parse_migrations(
            [("0002_more.sql", "SELECT 2;"), ("README.txt", "x"), ("0001_init.sql", "SELECT 1;")]
        )
        assert [m.version for m in migrations] == [1, 2]
        assert migrations[0].statements == ("SELECT 1;",)

    def test_gap_is_an_error(self) -> None:
        with pytest.raises(ValueError, match="out of sequence"):
            parse_migrations([("0001_init.sql", "SELECT 1;"), ("0003_x.sql", "SELECT 3;")])


class TestPackagedMigrations:
    """The shipped migrations load from package data and run on a fresh database."""

    def test_packaged_migrations_apply_cleanly(self) -> None:
        migrations = load_migrations()
        assert migrations[0].version == 1
        conn = sqlite3.connect(":memory:")
        for migration in migrations:
            for statement in migration.statements:
                conn.execute(statement)
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        conn.close()
        expected = {"reports", "incidents", "incident_actors", "incident_sources"}
        expected |= {"incident_revisions", "actors", "actor_aliases", "chats", "subscriptions"}
        expected |= {"feeds", "outbox", "meta", "reports_fts", "incidents_fts", "local_places"}
        assert expected <= tables
