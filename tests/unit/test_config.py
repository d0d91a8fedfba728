"""Settings: defaults, parsing, clear errors, and deploy/.env.example kept in step."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.config import DEFAULT_API_BASE_URL, Settings, SettingsError, load_settings

ENV_EXAMPLE = Path(__file__).resolve().parents[2] / "deploy" / ".env.example"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Run each test with no Sitrep variables set and no .env in the working directory."""
    for name in _example_variables():
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def _example_variables() -> dict[str, str]:
    values = {}
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^#?\s*([A-Z][A-Z0-9_]*)=(.*)$", line)
        if match:
            values[match.group(1)] = match.group(2)
    return values


class TestDefaults:
    def test_runs_without_any_configuration(self) -> None:
        settings = load_settings()
        assert settings.token is None
        assert settings.telegram_api_base_url == DEFAULT_API_BASE_URL
        assert settings.database_path == Path("data") / "sitrep.sqlite3"
        assert settings.sitrep_admin_ids == frozenset()
        assert settings.sitrep_allow_private_fetch is False

    def test_database_accepts_sqlite_url(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("SITREP_DATABASE", "sqlite:////srv/x.sqlite3")
        assert load_settings().database_path == Path("/srv/x.sqlite3")

    def test_reads_a_dotenv_file(self, tmp_path: Path) -> None:
        (tmp_path / ".env").write_text("SITREP_ADMIN_IDS=7\nSITREP_LOG_LEVEL=debug\n")
        settings = load_settings()
        assert settings.sitrep_admin_ids == frozenset({7})
        assert settings.sitrep_log_level == "DEBUG"


class TestParsing:
    def test_admin_ids_comma_separated(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("SITREP_ADMIN_IDS", " 12345, 67890 ,")
        assert load_settings().sitrep_admin_ids == frozenset({12345, 67890})

    def test_token_is_secret(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:SECRET-TOKEN")
        settings = load_settings()
        assert settings.token == "123:SECRET-TOKEN"
        assert "SECRET-TOKEN" not in repr(settings)
        assert "SECRET-TOKEN" not in str(settings.model_dump())


class TestErrors:
    @pytest.mark.parametrize(
        ("name", "value"),
        [
            ("SITREP_TIMEZONE", "Mars/Olympus"),
            ("SITREP_ADMIN_IDS", "alice,bob"),
            ("SITREP_LOG_LEVEL", "LOUD"),
            ("TELEGRAM_API_BASE_URL", "ftp://example.org"),
            ("SITREP_DEFAULT_DIGEST_TIME", "25:00"),
            ("SITREP_FETCH_MAX_BYTES", "12"),
            ("SITREP_ALERT_MIN_CONFIDENCE", "1.5"),
        ],
    )
    def test_invalid_value_names_the_variable(
        self, monkeypatch: pytest.MonkeyPatch, name: str, value: str
    ) -> None:
        monkeypatch.setenv(name, value)
        with pytest.raises(SettingsError, match=name):
            load_settings()

    @pytest.mark.parametrize(
        "name",
        sorted(
            str(field.validation_alias)
            for field in Settings.model_fields.values()
            if field.validation_alias != "TELEGRAM_BOT_TOKEN"
        ),
    )
    def test_empty_value_means_the_default(
        self, monkeypatch: pytest.MonkeyPatch, name: str
    ) -> None:
        defaults = load_settings()
        monkeypatch.setenv(name, "")
        assert load_settings() == defaults

    @pytest.mark.parametrize(
        ("name", "value"),
        [
            ("SITREP_ACTORS_FILE", "/nonexistent/actors.json"),
            ("SITREP_ACTORS_FILE", "."),
            ("SITREP_FEED_INTERVAL_MINUTES", "often"),
            ("SITREP_ALLOW_PRIVATE_FETCH", "perhaps"),
            ("SITREP_USER_RATE_PER_MINUTE", "0"),
            ("SITREP_MAX_INPUT_CHARS", "-1"),
            ("SITREP_FETCH_TIMEOUT_SECONDS", "soon"),
        ],
    )
    def test_wrong_value_gives_one_line_naming_it(
        self, monkeypatch: pytest.MonkeyPatch, name: str, value: str
    ) -> None:
        monkeypatch.setenv(name, value)
        with pytest.raises(SettingsError, match=name) as info:
            load_settings()
        assert "\n" not in str(info.value)

    def test_actors_file_that_is_not_a_registry_is_named(
        self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        bad = tmp_path / "actors.json"
        bad.write_text("{not json", encoding="utf-8")
        monkeypatch.setenv("SITREP_ACTORS_FILE", str(bad))
        with pytest.raises(SettingsError, match="SITREP_ACTORS_FILE"):
            load_settings()

    def test_bad_token_value_is_not_echoed(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:SECRET")
        monkeypatch.setenv("SITREP_TIMEZONE", "Nowhere/Town")
        with pytest.raises(SettingsError) as info:
            load_settings()
        assert "SECRET" not in str(info.value)


class TestEnvExample:
    def test_lists_every_setting(self) -> None:
        documented = set(_example_variables())
        declared = {str(field.validation_alias) for field in Settings.model_fields.values()}
        assert documented == declared

    def test_example_values_are_the_defaults(self, monkeypatch: pytest.MonkeyPatch) -> None:
        defaults = load_settings()
        for name, value in _example_variables().items():
            monkeypatch.setenv(name, value)  # empty values too: `cp .env.example .env`
        assert load_settings() == defaults


class TestLanguageModelSettings:
    def test_rules_need_nothing(self) -> None:
        settings = load_settings()
        assert settings.sitrep_extractor == "rules"
        assert settings.llm_api_key is None
        assert settings.llm_cache_dir == Path("data") / "llm-cache"

    def test_llm_needs_an_endpoint_and_a_model(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("SITREP_EXTRACTOR", "both")
        monkeypatch.setenv("SITREP_LLM_MODEL", "qwen2.5:7b")
        with pytest.raises(SettingsError, match="SITREP_LLM_BASE_URL") as info:
            load_settings()
        assert "?" not in str(info.value)

    def test_unknown_extractor_names_the_variable(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("SITREP_EXTRACTOR", "gpt")
        with pytest.raises(SettingsError, match="SITREP_EXTRACTOR"):
            load_settings()

    def test_base_url_must_be_http(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("SITREP_LLM_BASE_URL", "127.0.0.1:11434")
        with pytest.raises(SettingsError, match="SITREP_LLM_BASE_URL"):
            load_settings()

    def test_key_is_secret_and_listed_for_redaction(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:TOKEN-VALUE")
        monkeypatch.setenv("SITREP_EXTRACTOR", "llm")
        monkeypatch.setenv("SITREP_LLM_BASE_URL", "http://127.0.0.1:8080/v1/")
        monkeypatch.setenv("SITREP_LLM_MODEL", "local")
        monkeypatch.setenv("SITREP_LLM_API_KEY", "sk-KEY-VALUE")
        settings = load_settings()
        assert settings.sitrep_llm_base_url == "http://127.0.0.1:8080/v1"
        assert settings.secrets == ("123:TOKEN-VALUE", "sk-KEY-VALUE")
        assert "KEY-VALUE" not in repr(settings)
        assert "KEY-VALUE" not in str(settings.model_dump())


class TestWebhookSettings:
    SECRET = "Abc_123-xyz"

    def test_polling_by_default_with_no_http_server(self) -> None:
        settings = load_settings()
        assert settings.sitrep_webhook_url is None
        assert settings.webhook_path is None
        assert settings.http_port is None

    def test_webhook_takes_its_path_from_the_url_and_listens_on_8080(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("SITREP_WEBHOOK_URL", "https://bot.example.org/tg/updates")
        monkeypatch.setenv("SITREP_WEBHOOK_SECRET", self.SECRET)
        settings = load_settings()
        assert settings.webhook_path == "/tg/updates"
        assert settings.http_port == 8080
        assert settings.webhook_secret == self.SECRET
        assert self.SECRET not in repr(settings)
        assert self.SECRET not in str(settings.model_dump())

    def test_a_url_without_a_path_posts_to_the_root(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("SITREP_WEBHOOK_URL", "https://bot.example.org")
        monkeypatch.setenv("SITREP_WEBHOOK_SECRET", self.SECRET)
        monkeypatch.setenv("SITREP_HTTP_PORT", "9000")
        settings = load_settings()
        assert (settings.webhook_path, settings.http_port) == ("/", 9000)

    def test_http_port_alone_serves_probes_while_polling(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("SITREP_HTTP_PORT", "9100")
        settings = load_settings()
        assert (settings.webhook_path, settings.http_port) == (None, 9100)

    def test_the_secret_is_required_with_a_webhook(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("SITREP_WEBHOOK_URL", "https://bot.example.org/tg")
        with pytest.raises(SettingsError, match="SITREP_WEBHOOK_SECRET is required"):
            load_settings()

    @pytest.mark.parametrize(
        ("url", "why"),
        [
            ("http://bot.example.org/tg", "https://"),
            ("https:///tg", "https://"),
            ("https://bot.example.org/tg?x=1", "query"),
            ("https://user:pw@bot.example.org/tg", "credentials"),
            ("https://bot.example.org/metrics", "must not be one of"),
        ],
    )
    def test_unusable_webhook_urls_are_refused(
        self, monkeypatch: pytest.MonkeyPatch, url: str, why: str
    ) -> None:
        monkeypatch.setenv("SITREP_WEBHOOK_URL", url)
        monkeypatch.setenv("SITREP_WEBHOOK_SECRET", self.SECRET)
        with pytest.raises(SettingsError, match="SITREP_WEBHOOK_URL") as info:
            load_settings()
        assert why in str(info.value)

    @pytest.mark.parametrize("secret", ["has space", "semi;colon", "é-accent", "x" * 257])
    def test_secret_outside_telegrams_alphabet_is_refused_without_echo(
        self, monkeypatch: pytest.MonkeyPatch, secret: str
    ) -> None:
        monkeypatch.setenv("SITREP_WEBHOOK_URL", "https://bot.example.org/tg")
        monkeypatch.setenv("SITREP_WEBHOOK_SECRET", secret)
        with pytest.raises(SettingsError, match="SITREP_WEBHOOK_SECRET") as info:
            load_settings()
        assert secret not in str(info.value)

    @pytest.mark.parametrize(
        ("name", "value"), [("SITREP_HTTP_PORT", "70000"), ("SITREP_WEBHOOK_MAX_CONNECTIONS", "0")]
    )
    def test_out_of_range_numbers_name_the_variable(
        self, monkeypatch: pytest.MonkeyPatch, name: str, value: str
    ) -> None:
        monkeypatch.setenv(name, value)
        with pytest.raises(SettingsError, match=name):
            load_settings()

    def test_example_sets_nothing_uncommented(self) -> None:
        # systemd's EnvironmentFile= overrides the unit's Environment= lines: an uncommented
        # SITREP_DATA_DIR=data would move the database out of /var/lib/sitrep.
        active = [
            line
            for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines()
            if re.match(r"^[A-Z][A-Z0-9_]*=", line) and not line.startswith("TELEGRAM_BOT_TOKEN=")
        ]
        assert active == []

    def test_copied_example_loads_from_dotenv(self, tmp_path: Path) -> None:
        (tmp_path / ".env").write_text(
            ENV_EXAMPLE.read_text(encoding="utf-8").replace(
                "TELEGRAM_BOT_TOKEN=", "TELEGRAM_BOT_TOKEN=1:x"
            )
        )
        settings = load_settings()
        assert settings.token == "1:x"
        assert settings.sitrep_actors_file is None
