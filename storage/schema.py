"""Numbered SQL migrations shipped as package data, and a splitter for their statements."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources

from storage.base import StorageError

_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


@dataclass(frozen=True, slots=True)
class Migration:
    """One numbered migration: ``0001_init.sql`` is version 1."""

    version: int
    name: str
    statements: tuple[str, ...]


def split_statements(script: str) -> list[str]:
    """Split an SQL script into complete statements (trigger bodies stay whole)."""
    statements: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        stripped = line.strip()
        if not buffer and (not stripped or stripped.startswith("--")):
            continue
        buffer += line
        # complete_statement understands BEGIN ... END blocks, so a ';' inside a trigger
        # body does not end the statement.
        if stripped.endswith(";") and sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        msg = f"incomplete SQL statement at the end of the script: {buffer.strip()[:80]!r}"
        raise ValueError(msg)
    return statements


def parse_migrations(files: Iterable[tuple[str, str]]) -> list[Migration]:
    """Build migrations from (file name, SQL text) pairs; versions must be 1, 2, 3 ... in order."""
    found: list[Migration] = []
    for name, text in files:
        match = _NAME.match(name)
        if match is None:
            continue
        found.append(Migration(int(match.group(1)), name, tuple(split_statements(text))))
    found.sort(key=lambda m: m.version)
    for expected, migration in enumerate(found, start=1):
        if migration.version != expected:
            msg = f"migration {migration.name} is out of sequence; expected version {expected}"
            raise ValueError(msg)
    return found


def load_migrations(package: str = "storage") -> list[Migration]:
    """The migrations packaged in ``<package>/migrations``, oldest first.

    ``storage`` holds SQLite's, ``storage.postgres`` PostgreSQL's; each backend numbers its own.
    """
    folder = resources.files(package).joinpath("migrations")
    files = [
        (entry.name, entry.read_text(encoding="utf-8"))
        for entry in folder.iterdir()
        if entry.name.endswith(".sql")
    ]
    return parse_migrations(files)


def pending_migrations(
    migrations: Sequence[Migration], current: int, location: str
) -> list[Migration]:
    """The migrations newer than ``current``, in order.

    A database from a newer Sitrep (``current`` above the last migration shipped) is refused
    with one line: running old code on it could corrupt what the newer code wrote.
    """
    latest = migrations[-1].version if migrations else 0
    if current > latest:
        msg = (
            f"database {location} has schema version {current}, newer than this Sitrep knows "
            f"({latest}); upgrade Sitrep"
        )
        raise StorageError(msg)
    return [migration for migration in migrations if migration.version > current]
