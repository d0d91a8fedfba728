"""``sitrep db``: migrate, back up and check the database."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from bot.cli.common import CliError, settings_for_cli

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="SQLite file to use (default: SITREP_DATABASE or data/sitrep.sqlite3)."),
]

db_app = typer.Typer(help="Manage the database: migrate, back up, check.", no_args_is_help=True)


@db_app.command("migrate")
def migrate(database: DbOption = None) -> None:
    """Create the database or apply pending migrations."""
    from storage.sqlite import SqliteStorage

    settings = settings_for_cli(database)

    async def run() -> tuple[list[int], int]:
        storage = await SqliteStorage.open(settings.database_path, migrate=False)
        try:
            applied = await storage.migrate()
            return applied, await storage.schema_version()
        finally:
            await storage.close()

    applied, version = asyncio.run(run())
    if applied:
        typer.echo(f"applied migrations {', '.join(map(str, applied))}; schema version {version}")
    else:
        typer.echo(f"database is up to date (schema version {version})")
    typer.echo(f"database: {settings.database_path}")


@db_app.command("backup")
def backup(
    destination: Annotated[Path, typer.Argument(help="File to write the backup to.")],
    database: DbOption = None,
) -> None:
    """Copy the database with SQLite's online backup API (safe while the bot runs)."""
    from storage.sqlite import SqliteStorage

    settings = settings_for_cli(database)
    if not settings.database_path.exists():
        raise CliError(f"no database at {settings.database_path}; run `sitrep db migrate` first")
    if destination.exists() and destination.is_dir():
        raise CliError(f"{destination} is a directory; give a file name")
    if destination.resolve() == settings.database_path.resolve():
        raise CliError("the backup must not overwrite the database itself")

    async def run() -> None:
        storage = await SqliteStorage.open(settings.database_path, migrate=False)
        try:
            await storage.backup(destination)
        finally:
            await storage.close()

    asyncio.run(run())
    typer.echo(f"backed up {settings.database_path} to {destination}")


@db_app.command("check")
def check(database: DbOption = None) -> None:
    """Run SQLite's integrity check and print the schema version."""
    from storage.sqlite import SqliteStorage

    settings = settings_for_cli(database)
    if not settings.database_path.exists():
        raise CliError(f"no database at {settings.database_path}")

    async def run() -> tuple[str, int]:
        storage = await SqliteStorage.open(settings.database_path, migrate=False)
        try:
            return await storage.integrity_check(), await storage.schema_version()
        finally:
            await storage.close()

    result, version = asyncio.run(run())
    typer.echo(f"integrity: {result}; schema version {version}")
    if result != "ok":
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add the ``db`` group to the main app."""
    app.add_typer(db_app, name="db")
