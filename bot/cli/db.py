"""``sitrep db``: migrate, back up and check the database."""

from __future__ import annotations

import asyncio
from pathlib import Path

import click

from bot.cli.common import CliError, db_option, settings_for_cli


@click.group("db")
def db_group() -> None:
    """Manage the database: migrate, back up, check."""


@db_group.command("migrate")
@db_option
def migrate(database: str | None) -> None:
    """Create the database or apply pending migrations."""
    from storage.sqlite import SqliteStorage

    settings = settings_for_cli(database)

    async def run() -> tuple[list[int], int]:
        storage = await SqliteStorage.open(settings.database_path, migrate=False, create=True)
        try:
            applied = await storage.migrate()
            return applied, await storage.schema_version()
        finally:
            await storage.close()

    applied, version = asyncio.run(run())
    if applied:
        click.echo(f"applied migrations {', '.join(map(str, applied))}; schema version {version}")
    else:
        click.echo(f"database is up to date (schema version {version})")
    click.echo(f"database: {settings.database_path}")


@db_group.command("backup")
@click.argument("destination", type=click.Path(path_type=Path))
@db_option
def backup(destination: Path, database: str | None) -> None:
    """Back up the database to DESTINATION, safely while the bot runs.

    Uses SQLite's online backup API, so a running bot keeps working.
    """
    from storage.sqlite import SqliteStorage

    settings = settings_for_cli(database)
    if not settings.database_path.exists():
        raise CliError(f"no database at {settings.database_path}; run `sitrep db migrate` first")
    if destination.is_dir():
        raise CliError(f"{destination} is a directory; give a file name")
    if destination.resolve() == settings.database_path.resolve():
        raise CliError("the backup must not overwrite the database itself")

    async def run() -> None:
        storage = await SqliteStorage.open(settings.database_path, migrate=False, create=False)
        try:
            await storage.backup(destination)
        finally:
            await storage.close()

    asyncio.run(run())
    click.echo(f"backed up {settings.database_path} to {destination}")


@db_group.command("check")
@db_option
def check(database: str | None) -> None:
    """Run SQLite's integrity check and print the schema version (never writes)."""
    from storage.identity import integrity_check, require_database

    settings = settings_for_cli(database)
    # Read-only throughout: a check must not create, convert or "repair" the file.
    identity = require_database(settings.database_path, create=False)
    result = integrity_check(settings.database_path)
    click.echo(f"integrity: {result}; schema version {identity.version}")
    if result != "ok":
        raise CliError("integrity check failed")


@db_group.command("reindex")
@db_option
def reindex(database: str | None) -> None:
    """Rebuild the full-text search index from the stored rows."""
    from storage.sqlite import SqliteStorage

    settings = settings_for_cli(database)

    async def run() -> int:
        storage = await SqliteStorage.open(settings.database_path, create=False)
        try:
            return await storage.rebuild_search_index()
        finally:
            await storage.close()

    click.echo(f"search index rebuilt: {asyncio.run(run())} rows indexed")


def register(app: click.Group) -> None:
    """Add the ``db`` group to the main app."""
    app.add_command(db_group)
