"""``sitrep db``: migrate, back up, check, reindex and copy the database (SQLite or PostgreSQL)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import TypeVar

import click

from bot.cli.common import CliError, closing_after, db_option, run_job, settings_for_cli
from bot.config import Settings
from storage.base import Backend, StorageError

T = TypeVar("T")


@click.group("db")
def db_group() -> None:
    """Manage the database: migrate, back up, check, reindex, copy to PostgreSQL."""


def _with_backend(
    settings: Settings,
    job: Callable[[Backend], Awaitable[T]],
    *,
    migrate: bool = False,
    create: bool = False,
) -> T:
    """Open the configured backend, run ``job(backend)``, close it; storage errors are one line.

    Only ``create`` (``db migrate``) accepts a database that does not exist yet or has no
    Sitrep schema; a file that is not Sitrep's, or a newer schema, is always refused.
    """
    from storage.factory import open_backend

    def opened() -> AbstractAsyncContextManager[Backend]:
        return closing_after(open_backend(settings.database, migrate=migrate, create=create))

    return run_job(opened, job, StorageError)


@db_group.command("migrate")
@db_option
def migrate(database: str | None) -> None:
    """Create the database or apply pending migrations (safe while other instances start)."""
    settings = settings_for_cli(database)

    async def job(backend: Backend) -> tuple[list[int], int]:
        applied = await backend.migrate()
        return applied, await backend.schema_version()

    applied, version = _with_backend(settings, job, create=True)
    if applied:
        click.echo(f"applied migrations {', '.join(map(str, applied))}; schema version {version}")
    else:
        click.echo(f"database is up to date (schema version {version})")
    click.echo(f"database: {settings.database.display()}")


@db_group.command("backup")
@click.argument("destination", type=click.Path(path_type=Path))
@click.option(
    "--force", is_flag=True, help="Replace DESTINATION if it exists (it is kept otherwise)."
)
@db_option
def backup(destination: Path, force: bool, database: str | None) -> None:
    """Back up the database to DESTINATION, safely while the bot runs.

    SQLite: the online backup API writes a single-file copy. PostgreSQL: pg_dump writes a
    custom-format dump of one consistent snapshot (restore it with pg_restore). An existing
    DESTINATION (perhaps the only good backup) is never replaced without --force.
    """
    settings = settings_for_cli(database)
    if destination.is_dir():
        raise CliError(f"{destination} is a directory; give a file name")
    if destination.exists() and not force:
        raise CliError(
            f"{destination} already exists; choose a new file name, or add --force to replace it"
        )
    path = settings.database.path
    if path is not None and destination.resolve() == path.resolve():
        raise CliError("the backup must not overwrite the database itself")

    async def job(backend: Backend) -> None:
        await backend.backup(destination)

    _with_backend(settings, job)
    how = "" if path is not None else " with pg_dump (restore with pg_restore)"
    click.echo(f"backed up {settings.database.display()} to {destination}{how}")


@db_group.command("check")
@db_option
def check(database: str | None) -> None:
    """Check the database's health and print the schema version (never writes).

    SQLite: a missing, empty or foreign file is refused, and the integrity check runs over a
    read-only connection. PostgreSQL: invalid indexes, missing tables, the server encoding.
    """
    from storage.identity import integrity_check, require_database

    settings = settings_for_cli(database)
    path = settings.database.path
    if path is not None:
        # Read-only throughout: a check must not create, convert or "repair" the file.
        try:
            identity = require_database(path, create=False)
            result = integrity_check(path)
        except StorageError as exc:
            raise CliError(str(exc)) from None
        version = identity.version
    else:

        async def job(backend: Backend) -> tuple[str, int]:
            return await backend.integrity_check(), await backend.schema_version()

        result, version = _with_backend(settings, job)
    click.echo(f"integrity: {result}; schema version {version}")
    if result != "ok":
        raise CliError("integrity check failed")


@db_group.command("reindex")
@db_option
def reindex(database: str | None) -> None:
    """Rebuild the full-text search index from the stored rows."""
    settings = settings_for_cli(database)

    async def job(backend: Backend) -> int:
        return int(await backend.rebuild_search_index())

    click.echo(f"search index rebuilt: {_with_backend(settings, job, migrate=True)} rows indexed")


@db_group.command("copy")
@click.option("--from", "source", required=True, metavar="SQLITE", help="sqlite:///path or a path")
@click.option("--to", "target", required=True, metavar="URL", help="postgresql://user@host/db")
@click.option("--quiet", is_flag=True, help="Print only the final counts.")
def copy(source: str, target: str, quiet: bool) -> None:
    """Copy a SQLite database into PostgreSQL; run it again to resume an interrupted copy.

    Stop the bot first (or copy a backup). Row counts of every table are compared at the end.
    """
    from storage.copy import copy_sqlite_to_postgres
    from storage.url import DatabaseUrlError, parse_database_url

    try:
        source_url, target_url = parse_database_url(source), parse_database_url(target)
    except DatabaseUrlError as exc:
        raise CliError(str(exc)) from None
    if source_url.path is None:
        raise CliError("--from must be a SQLite database (sqlite:///path or a file path)")
    if target_url.dsn is None:
        raise CliError("--to must be a PostgreSQL URL (postgresql://user@host/db)")

    def report(table: str, copied: int) -> None:
        if not quiet:
            click.echo(f"  {table}: {copied} rows copied", err=True)

    try:
        result = asyncio.run(
            copy_sqlite_to_postgres(source_url.path, target_url.dsn, progress=report)
        )
    except StorageError as exc:
        raise CliError(str(exc)) from None
    for table in result.tables:
        mark = "ok" if table.ok else "MISMATCH"
        click.echo(f"{table.name:<20} source {table.source:>9}  target {table.target:>9}  {mark}")
    if not result.ok:
        raise CliError("row counts differ; run the copy again to resume, then re-check")
    click.echo(f"copied {source_url.display()} to {target_url.display()}: all counts match")


def register(app: click.Group) -> None:
    """Add the ``db`` group to the main app."""
    app.add_command(db_group)
