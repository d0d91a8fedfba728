"""One pydantic-settings ``Settings``, read from the environment and an optional ``.env``.

Build it once at start-up (``load_settings``) and pass it down; nothing reads the environment
at import time. Every variable is listed with its default in ``deploy/.env.example``.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.extract.trust import DEFAULT_ALERT_MIN_CONFIDENCE

DEFAULT_API_BASE_URL = "https://api.telegram.org/bot"
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

    @field_validator("sitrep_default_digest_time")
    @classmethod
    def _valid_digest_time(cls, value: str) -> str:
        hours, _, minutes = value.partition(":")
        if not (hours.isdigit() and minutes.isdigit() and int(hours) < 24 and int(minutes) < 60):
            msg = "must be HH:MM, e.g. 07:00"
            raise ValueError(msg)
        return f"{int(hours):02d}:{int(minutes):02d}"

    @property
    def database_path(self) -> Path:
        """The SQLite file to use (``SITREP_DATABASE`` or ``<data dir>/sitrep.sqlite3``)."""
        if self.sitrep_database:
            value = self.sitrep_database
            if value.startswith("sqlite:///"):
                value = value.removeprefix("sqlite:///")
            return Path(value)
        return self.sitrep_data_dir / "sitrep.sqlite3"

    @property
    def token(self) -> str | None:
        """The bot token in clear text, or None when Sitrep runs without Telegram."""
        if self.telegram_bot_token is None:
            return None
        secret = self.telegram_bot_token.get_secret_value().strip()
        return secret or None

    @property
    def log_level(self) -> int:
        """The numeric logging level."""
        return int(logging.getLevelName(self.sitrep_log_level))


def load_settings(**overrides: Any) -> Settings:
    """Build ``Settings`` from the environment; raise ``SettingsError`` naming the bad variable."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc = error.get("loc") or ("?",)
            name = str(loc[0]).upper()
            problems.append(f"{name}: {error.get('msg', 'invalid value')}")
        raise SettingsError("invalid settings: " + "; ".join(problems)) from None
