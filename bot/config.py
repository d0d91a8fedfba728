"""One pydantic-settings ``Settings``, read from the environment and an optional ``.env``.

Build it once at start-up (``load_settings``) and pass it down; nothing reads the environment
at import time. Every variable is listed with its default in ``deploy/.env.example``.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.extract.trust import DEFAULT_ALERT_MIN_CONFIDENCE
from storage.url import DatabaseUrl, dsn_password, parse_database_url

DEFAULT_API_BASE_URL = "https://api.telegram.org/bot"
DEFAULT_HTTP_PORT = 8080
# Paths the HTTP server answers itself; the webhook must not take one of them.
HTTP_SERVICE_PATHS = ("/healthz", "/readyz", "/metrics")
_SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")
# OpenStreetMap's standard tiles (no a/b/c shards, per the OSM tile usage policy).
DEFAULT_TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
DEFAULT_TILE_USER_AGENT = "Sitrep/0.1 (+https://github.com/sitrep; incident maps)"
DEFAULT_TILE_ATTRIBUTION = "© OpenStreetMap contributors"
_LOG_LEVELS = ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG")


class SettingsError(Exception):
    """Settings are invalid; the message names the variable."""


class Settings(BaseSettings):
    """Every knob Sitrep has. Environment variables are the field names in upper case."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        case_sensitive=False,
        # `cp deploy/.env.example .env` leaves variables empty: empty means "the default".
        env_ignore_empty=True,
    )

    telegram_bot_token: SecretStr | None = Field(
        default=None, validation_alias="TELEGRAM_BOT_TOKEN"
    )
    telegram_api_base_url: str = Field(
        default=DEFAULT_API_BASE_URL, validation_alias="TELEGRAM_API_BASE_URL"
    )
    sitrep_data_dir: Path = Field(default=Path("data"), validation_alias="SITREP_DATA_DIR")
    sitrep_database: str | None = Field(default=None, validation_alias="SITREP_DATABASE")
    sitrep_admin_ids: Annotated[frozenset[int], NoDecode] = Field(
        default=frozenset(), validation_alias="SITREP_ADMIN_IDS"
    )
    sitrep_timezone: str = Field(default="Asia/Baghdad", validation_alias="SITREP_TIMEZONE")
    sitrep_log_level: str = Field(default="INFO", validation_alias="SITREP_LOG_LEVEL")
    sitrep_allow_private_fetch: bool = Field(
        default=False, validation_alias="SITREP_ALLOW_PRIVATE_FETCH"
    )
    sitrep_feed_interval_minutes: int = Field(
        default=15, ge=1, le=1440, validation_alias="SITREP_FEED_INTERVAL_MINUTES"
    )
    sitrep_fetch_timeout_seconds: float = Field(
        default=10.0, gt=0, le=120, validation_alias="SITREP_FETCH_TIMEOUT_SECONDS"
    )
    sitrep_fetch_max_bytes: int = Field(
        default=2_000_000, ge=10_000, le=50_000_000, validation_alias="SITREP_FETCH_MAX_BYTES"
    )
    sitrep_max_input_chars: int = Field(
        default=100_000, ge=1_000, le=5_000_000, validation_alias="SITREP_MAX_INPUT_CHARS"
    )
    sitrep_extract_time_limit_seconds: float = Field(
        default=20.0, gt=0, le=600, validation_alias="SITREP_EXTRACT_TIME_LIMIT_SECONDS"
    )
    sitrep_default_digest_time: str = Field(
        default="07:00", validation_alias="SITREP_DEFAULT_DIGEST_TIME"
    )
    sitrep_actors_file: Path | None = Field(default=None, validation_alias="SITREP_ACTORS_FILE")
    sitrep_user_rate_per_minute: int = Field(
        default=30, ge=1, le=10_000, validation_alias="SITREP_USER_RATE_PER_MINUTE"
    )
    # Confidence a new incident needs before subscribers get a first alert (below it the
    # incident is stored and answered, marked unconfirmed). Default: bot/extract/trust.py.
    sitrep_alert_min_confidence: float = Field(
        default=DEFAULT_ALERT_MIN_CONFIDENCE,
        ge=0.0,
        le=1.0,
        validation_alias="SITREP_ALERT_MIN_CONFIDENCE",
    )
    # The optional language-model extractor (issue 18). "rules" needs none of the LLM settings.
    sitrep_extractor: Literal["rules", "llm", "both"] = Field(
        default="rules", validation_alias="SITREP_EXTRACTOR"
    )
    sitrep_llm_base_url: str | None = Field(default=None, validation_alias="SITREP_LLM_BASE_URL")
    sitrep_llm_model: str | None = Field(default=None, validation_alias="SITREP_LLM_MODEL")
    sitrep_llm_api_key: SecretStr | None = Field(
        default=None, validation_alias="SITREP_LLM_API_KEY"
    )
    sitrep_llm_timeout_seconds: float = Field(
        default=15.0, gt=0, le=600, validation_alias="SITREP_LLM_TIMEOUT_SECONDS"
    )
    sitrep_llm_daily_requests: int = Field(
        default=1000, ge=0, le=10_000_000, validation_alias="SITREP_LLM_DAILY_REQUESTS"
    )
    sitrep_llm_daily_tokens: int = Field(
        default=0, ge=0, le=10_000_000_000, validation_alias="SITREP_LLM_DAILY_TOKENS"
    )
    sitrep_llm_structured_output: Literal["auto", "json_schema", "json_object", "none"] = Field(
        default="auto", validation_alias="SITREP_LLM_STRUCTURED_OUTPUT"
    )
    sitrep_llm_cooldown_seconds: float = Field(
        default=300.0, ge=0, le=86_400, validation_alias="SITREP_LLM_COOLDOWN_SECONDS"
    )
    sitrep_llm_cache_dir: Path | None = Field(
        default=None, validation_alias="SITREP_LLM_CACHE_DIR"
    )
    # --- webhooks, health and metrics (see ``webhook_path``, ``http_port``) -------------------
    sitrep_webhook_url: str | None = Field(default=None, validation_alias="SITREP_WEBHOOK_URL")
    sitrep_webhook_secret: SecretStr | None = Field(
        default=None, validation_alias="SITREP_WEBHOOK_SECRET"
    )
    sitrep_webhook_max_connections: int = Field(
        default=40, ge=1, le=100, validation_alias="SITREP_WEBHOOK_MAX_CONNECTIONS"
    )
    sitrep_http_host: str = Field(default="127.0.0.1", validation_alias="SITREP_HTTP_HOST")
    sitrep_http_port: int | None = Field(
        default=None, ge=0, le=65535, validation_alias="SITREP_HTTP_PORT"
    )
    # --- maps (``/map``) ---------------------------------------------------------------------
    sitrep_tile_url: str = Field(default=DEFAULT_TILE_URL, validation_alias="SITREP_TILE_URL")
    sitrep_tile_user_agent: str = Field(
        default=DEFAULT_TILE_USER_AGENT,
        min_length=3,
        max_length=200,
        validation_alias="SITREP_TILE_USER_AGENT",
    )
    sitrep_tile_attribution: str = Field(
        default=DEFAULT_TILE_ATTRIBUTION,
        min_length=1,
        max_length=120,
        validation_alias="SITREP_TILE_ATTRIBUTION",
    )
    sitrep_tile_cache_dir: Path | None = Field(
        default=None, validation_alias="SITREP_TILE_CACHE_DIR"
    )

    @field_validator("sitrep_admin_ids", mode="before")
    @classmethod
    def _parse_admin_ids(cls, value: Any) -> Any:
        if isinstance(value, str):
            parts = [part.strip() for part in value.replace(";", ",").split(",")]
            try:
                return frozenset(int(part) for part in parts if part)
            except ValueError:
                msg = "must be comma-separated Telegram user ids, e.g. 12345,67890"
                raise ValueError(msg) from None
        if isinstance(value, int):
            return frozenset({value})
        return value

    @field_validator("sitrep_actors_file")
    @classmethod
    def _valid_actors_file(cls, value: Path | None) -> Path | None:
        if value is None:
            return None
        if not value.is_file():
            reason = "is a directory" if value.is_dir() else "does not exist"
            msg = f"{value} {reason}; give a JSON actor file or leave it empty"
            raise ValueError(msg)
        from bot.extract.actors import ActorFileError, load_actor_file

        try:
            load_actor_file(value)
        except ActorFileError as exc:
            raise ValueError(str(exc)) from None
        return value

    @field_validator("sitrep_timezone")
    @classmethod
    def _valid_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            msg = f"unknown IANA timezone {value!r} (try Asia/Baghdad or UTC)"
            raise ValueError(msg) from None
        return value

    @field_validator("sitrep_log_level")
    @classmethod
    def _valid_level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in _LOG_LEVELS:
            msg = f"must be one of {', '.join(_LOG_LEVELS)}"
            raise ValueError(msg)
        return level

    @field_validator("telegram_api_base_url")
    @classmethod
    def _valid_base_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            msg = "must start with http:// or https://"
            raise ValueError(msg)
        return value

    @field_validator("sitrep_llm_base_url")
    @classmethod
    def _valid_llm_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip().rstrip("/")
        if not value.startswith(("http://", "https://")):
            msg = "must start with http:// or https:// (e.g. http://127.0.0.1:11434/v1)"
            raise ValueError(msg)
        return value

    @model_validator(mode="after")
    def _llm_needs_endpoint(self) -> Settings:
        if self.sitrep_extractor != "rules" and not (
            self.sitrep_llm_base_url and (self.sitrep_llm_model or "").strip()
        ):
            msg = (
                f"SITREP_EXTRACTOR={self.sitrep_extractor} needs SITREP_LLM_BASE_URL and "
                "SITREP_LLM_MODEL (or set SITREP_EXTRACTOR=rules)"
            )
            raise ValueError(msg)
        return self

    @field_validator("sitrep_tile_url")
    @classmethod
    def _valid_tile_url(cls, value: str) -> str:
        value = value.strip()
        if not value.startswith(("http://", "https://")) or any(
            part not in value for part in ("{z}", "{x}", "{y}")
        ):
            msg = "must be an http(s) URL template with {z}, {x} and {y}"
            raise ValueError(msg)
        return value

    @field_validator("sitrep_default_digest_time")
    @classmethod
    def _valid_digest_time(cls, value: str) -> str:
        hours, _, minutes = value.partition(":")
        if not (hours.isdigit() and minutes.isdigit() and int(hours) < 24 and int(minutes) < 60):
            msg = "must be HH:MM, e.g. 07:00"
            raise ValueError(msg)
        return f"{int(hours):02d}:{int(minutes):02d}"

    @field_validator("sitrep_webhook_url", mode="before")
    @classmethod
    def _valid_webhook_url(cls, value: Any) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        return check_webhook_url(str(value).strip())

    @field_validator("sitrep_http_port", mode="before")
    @classmethod
    def _empty_port_is_off(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("sitrep_webhook_secret", mode="before")
    @classmethod
    def _valid_webhook_secret(cls, value: Any) -> Any:
        if value is None:
            return None
        text = value.get_secret_value() if isinstance(value, SecretStr) else str(value)
        text = text.strip()
        if not text:
            return None
        # Never echo the value: it is a secret.
        if not _SECRET_TOKEN.fullmatch(text):
            msg = "must be 1-256 characters from A-Z, a-z, 0-9, _ and - (Telegram's rule)"
            raise ValueError(msg)
        return SecretStr(text)

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> Settings:
        if self.sitrep_webhook_url and self.sitrep_webhook_secret is None:
            msg = (
                "SITREP_WEBHOOK_SECRET is required when SITREP_WEBHOOK_URL is set (make one "
                "with: python -c 'import secrets; print(secrets.token_urlsafe(32))')"
            )
            raise ValueError(msg)
        return self

    @property
    def webhook_path(self) -> str | None:
        """The path Telegram posts updates to (that of ``SITREP_WEBHOOK_URL``), or None."""
        if not self.sitrep_webhook_url:
            return None
        return urlsplit(self.sitrep_webhook_url).path or "/"

    @property
    def webhook_secret(self) -> str | None:
        """The webhook secret token in clear text (never log it)."""
        if self.sitrep_webhook_secret is None:
            return None
        return self.sitrep_webhook_secret.get_secret_value()

    @property
    def http_port(self) -> int | None:
        """Port of the HTTP server: ``SITREP_HTTP_PORT``, 8080 with webhooks, else None (off)."""
        if self.sitrep_http_port is not None:
            return self.sitrep_http_port
        return DEFAULT_HTTP_PORT if self.sitrep_webhook_url else None

    @field_validator("sitrep_database")
    @classmethod
    def _known_database(cls, value: str | None) -> str | None:
        if value is not None and value.strip():
            parse_database_url(value)  # an unknown scheme is refused here, before anything opens
            return value.strip()
        return None

    @property
    def database(self) -> DatabaseUrl:
        """The database to use: ``SITREP_DATABASE``, else ``<data dir>/sitrep.sqlite3``."""
        if self.sitrep_database:
            return parse_database_url(self.sitrep_database)
        return DatabaseUrl("sqlite", path=self.sitrep_data_dir / "sitrep.sqlite3")

    @property
    def database_path(self) -> Path:
        """The SQLite file to use; a PostgreSQL setting has none (see :attr:`database`)."""
        path = self.database.path
        if path is None:
            msg = "SITREP_DATABASE names a PostgreSQL server, not a SQLite file"
            raise SettingsError(msg)
        return path

    @property
    def state_dir(self) -> Path:
        """Where local files beside the database go (console log and history).

        The SQLite file's directory; with PostgreSQL, ``SITREP_DATA_DIR``.
        """
        path = self.database.path
        return self.sitrep_data_dir if path is None else path.parent

    @property
    def tile_cache_path(self) -> Path:
        """Where map tiles are cached (``SITREP_TILE_CACHE_DIR`` or ``<data dir>/tiles``)."""
        return self.sitrep_tile_cache_dir or self.sitrep_data_dir / "tiles"

    @property
    def token(self) -> str | None:
        """The bot token in clear text, or None when Sitrep runs without Telegram."""
        if self.telegram_bot_token is None:
            return None
        secret = self.telegram_bot_token.get_secret_value().strip()
        return secret or None

    @property
    def llm_api_key(self) -> str | None:
        """The language-model API key in clear text (for the Authorization header only)."""
        if self.sitrep_llm_api_key is None:
            return None
        secret = self.sitrep_llm_api_key.get_secret_value().strip()
        return secret or None

    @property
    def llm_cache_dir(self) -> Path:
        """Where model replies go (``SITREP_LLM_CACHE_DIR`` or ``<data dir>/llm-cache``)."""
        return self.sitrep_llm_cache_dir or self.sitrep_data_dir / "llm-cache"

    @property
    def secrets(self) -> tuple[str, ...]:
        """Every secret in clear text, for the log redaction filter."""
        dsn = self.database.dsn
        password = None if dsn is None else dsn_password(dsn)
        found = (self.token, self.webhook_secret, self.llm_api_key, password)
        return tuple(s for s in found if s)

    @property
    def log_level(self) -> int:
        """The numeric logging level."""
        return int(logging.getLevelName(self.sitrep_log_level))


def check_webhook_url(value: str) -> str:
    """``value`` if it is a usable public webhook URL; else ValueError saying why."""
    parts = urlsplit(value)
    if parts.scheme != "https" or not parts.hostname:
        msg = "must be the public https:// URL Telegram posts updates to"
        raise ValueError(msg)
    if parts.query or parts.fragment:
        msg = "must not have a query or fragment"
        raise ValueError(msg)
    if parts.username or parts.password:
        msg = "must not contain credentials (use SITREP_WEBHOOK_SECRET)"
        raise ValueError(msg)
    if (parts.path or "/") in HTTP_SERVICE_PATHS:
        msg = f"its path must not be one of {', '.join(HTTP_SERVICE_PATHS)}"
        raise ValueError(msg)
    return value


def load_settings(**overrides: Any) -> Settings:
    """Build ``Settings`` from the environment; raise ``SettingsError`` naming the bad variable."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc = error.get("loc")
            message = str(error.get("msg", "invalid value")).removeprefix("Value error, ")
            message = " ".join(message.split())
            # A check across fields (no location) names its variables in its message.
            problems.append(f"{str(loc[0]).upper()}: {message}" if loc else message)
        raise SettingsError("invalid settings: " + "; ".join(problems)) from None
