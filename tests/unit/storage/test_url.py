"""Which backend a SITREP_DATABASE value selects, and refusing the ones Sitrep lacks."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import SettingsError, load_settings
from storage.url import DatabaseUrlError, dsn_password, parse_database_url, redact_dsn


class TestParse:
    def test_postgresql_url_selects_postgresql_not_a_file(self) -> None:
        url = parse_database_url("postgresql://sitrep@db.internal/sitrep")
        assert url.backend == "postgresql"
        assert url.path is None
        assert url.dsn == "postgresql://sitrep@db.internal/sitrep"

    def test_postgres_alias_is_accepted(self) -> None:
        assert parse_database_url("postgres://u@h/d").is_postgres

    @pytest.mark.parametrize(
        ("value", "path"),
        [
            ("data/sitrep.sqlite3", Path("data/sitrep.sqlite3")),
            ("/srv/sitrep.sqlite3", Path("/srv/sitrep.sqlite3")),
            ("sqlite:///data/x.sqlite3", Path("data/x.sqlite3")),
            ("sqlite:////srv/x.sqlite3", Path("/srv/x.sqlite3")),
        ],
    )
    def test_paths_and_sqlite_urls_select_sqlite(self, value: str, path: Path) -> None:
        url = parse_database_url(value)
        assert url.backend == "sqlite"
        assert url.path == path

    @pytest.mark.parametrize("value", ["mysql://u@h/d", "postgresql+asyncpg://u@h/d", "redis://x"])
    def test_unknown_scheme_is_refused_in_one_line(self, value: str) -> None:
        with pytest.raises(DatabaseUrlError) as info:
            parse_database_url(value)
        message = str(info.value)
        assert "\n" not in message
        assert "unsupported database scheme" in message
        assert "postgresql://" in message

    def test_sqlite_url_with_two_slashes_is_explained(self) -> None:
        with pytest.raises(DatabaseUrlError, match="three slashes"):
            parse_database_url("sqlite://data.db")


class TestRedaction:
    def test_password_never_shown(self) -> None:
        shown = redact_dsn("postgresql://bot:s3cret@db:5432/sitrep?password=other")
        assert "s3cret" not in shown
        assert "other" not in shown
        assert shown.startswith("postgresql://bot:***@db:5432/sitrep")

    def test_the_password_is_found_for_the_log_filter(self) -> None:
        assert dsn_password("postgresql://bot:s%40cret@db/sitrep") == "s@cret"
        assert dsn_password("postgresql://bot@db/sitrep?sslmode=require&password=q1") == "q1"
        assert dsn_password("postgresql://bot@db/sitrep") is None

    def test_display_of_a_postgres_url_hides_the_password(self) -> None:
        assert "pw" not in parse_database_url("postgresql://u:pw@h/d").display()


class TestSettings:
    def test_postgresql_setting_is_not_taken_for_a_sqlite_path(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("SITREP_DATABASE", "postgresql://sitrep@localhost/sitrep")
        settings = load_settings()
        assert settings.database.is_postgres
        with pytest.raises(SettingsError, match="PostgreSQL"):
            _ = settings.database_path

    def test_the_database_password_is_a_secret_to_redact(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("SITREP_DATABASE", "postgresql://sitrep:pw-9417@localhost/sitrep")
        assert "pw-9417" in load_settings().secrets
        monkeypatch.setenv("SITREP_DATABASE", "sqlite:///data/x.sqlite3")
        assert not any("pw-9417" in secret for secret in load_settings().secrets)

    def test_unknown_scheme_fails_at_load_naming_the_variable(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("SITREP_DATABASE", "mysql://root@localhost/sitrep")
        with pytest.raises(SettingsError, match=r"SITREP_DATABASE.*unsupported database scheme"):
            load_settings()
