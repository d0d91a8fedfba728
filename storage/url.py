"""Which database a ``SITREP_DATABASE`` value names: a SQLite file or a PostgreSQL server.

Accepted: a plain file path or ``sqlite:///path`` (SQLite; ``sqlite:////abs/path`` for an absolute
path), and ``postgresql://`` or ``postgres://`` URLs (PostgreSQL, libpq syntax). Any other
``scheme://`` is refused with one line rather than taken for a file name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import unquote, urlsplit, urlunsplit

SQLITE_PREFIX = "sqlite:///"
POSTGRES_SCHEMES = ("postgresql", "postgres")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):(//|$)")


class DatabaseUrlError(ValueError):
    """A database setting that names no backend Sitrep has."""


@dataclass(frozen=True, slots=True)
class DatabaseUrl:
    """A parsed database setting: the backend and where its data lives."""

    backend: Literal["sqlite", "postgresql"]
    path: Path | None = None  # SQLite only
    dsn: str | None = None  # PostgreSQL only, as given (it may hold a password)

    @property
    def is_postgres(self) -> bool:
        """True for a PostgreSQL server."""
        return self.backend == "postgresql"

    def display(self) -> str:
        """Where the data lives, safe to print: a PostgreSQL password is masked."""
        if self.dsn is None:
            return str(self.path)
        return redact_dsn(self.dsn)


def parse_database_url(value: str) -> DatabaseUrl:
    """Parse ``SITREP_DATABASE``; raise :class:`DatabaseUrlError` for an unknown scheme."""
    text = value.strip()
    if not text:
        msg = "SITREP_DATABASE is empty; give a SQLite file path or a postgresql:// URL"
        raise DatabaseUrlError(msg)
    if text.startswith(SQLITE_PREFIX):
        return DatabaseUrl("sqlite", path=Path(text.removeprefix(SQLITE_PREFIX)))
    match = _SCHEME.match(text)
    if match is None or len(match.group(1)) == 1:  # "C:\..." is a path, not a scheme
        return DatabaseUrl("sqlite", path=Path(text))
    scheme = match.group(1).lower()
    if scheme in POSTGRES_SCHEMES:
        if "//" not in text:
            msg = f"incomplete PostgreSQL URL {redact_dsn(text)!r}; e.g. postgresql://user@host/db"
            raise DatabaseUrlError(msg)
        return DatabaseUrl("postgresql", dsn=text)
    if scheme == "sqlite":
        msg = "a SQLite URL needs three slashes: sqlite:///relative/path or sqlite:////abs/path"
        raise DatabaseUrlError(msg)
    msg = (
        f"unsupported database scheme {scheme!r} in SITREP_DATABASE; "
        "use a file path, sqlite:///path or postgresql://user@host/db"
    )
    raise DatabaseUrlError(msg)


def dsn_password(dsn: str) -> str | None:
    """The password a PostgreSQL URL carries (in its user info or its query), or None."""
    try:
        parts = urlsplit(dsn)
        password = parts.password
    except ValueError:
        return None
    if password:
        return unquote(password)
    found = re.search(r"(?i)(?:^|&)password=([^&]*)", parts.query)
    return unquote(found.group(1)) if found and found.group(1) else None


def redact_dsn(dsn: str) -> str:
    """The URL with any password replaced by ``***`` (for logs and errors)."""
    try:
        parts = urlsplit(dsn)
    except ValueError:
        return "postgresql://***"
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, _, host = netloc.rpartition("@")
        user = userinfo.split(":", 1)[0]
        netloc = f"{user}:***@{host}" if ":" in userinfo else f"{user}@{host}"
    query = re.sub(r"(?i)(password=)[^&]*", r"\1***", parts.query)
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))
