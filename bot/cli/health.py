"""``sitrep health``: exit 0 while a running bot keeps beating (Docker HEALTHCHECK, monitors)."""

from __future__ import annotations

import asyncio
import datetime as dt

import click

from bot.cli.common import CliError, db_option, settings_for_cli
from bot.config import Settings

DEFAULT_MAX_AGE = 120  # seconds; the bot beats every 30


async def _heartbeat_age(settings: Settings) -> dt.timedelta | None:
    """Read the heartbeat only: no gazetteer, no extractor (this runs every minute)."""
    from bot.ports import SystemClock
    from bot.services.admin import AdminService
    from storage.base import StorageError
    from storage.factory import open_backend

    try:
        storage = await open_backend(settings.database, migrate=False, create=False)
    except StorageError as exc:
        raise CliError(f"{exc}: is `sitrep run` running?") from None
    try:
        return await AdminService(storage, SystemClock()).heartbeat_age()
    finally:
        await storage.close()


@click.command("health")
@click.option(
    "--max-age",
    type=click.IntRange(min=0),
    default=DEFAULT_MAX_AGE,
    show_default=True,
    help="Seconds since the last heartbeat before the bot counts as down.",
)
@db_option
def health(max_age: int, database: str | None) -> None:
    """Check that `sitrep run` is alive: its heartbeat in the database is recent."""
    settings = settings_for_cli(database)
    age = asyncio.run(_heartbeat_age(settings))
    if age is None:
        where = settings.database.display()
        raise CliError(f"no heartbeat in {where}: is `sitrep run` running?")
    seconds = age.total_seconds()
    if seconds > max_age:
        raise CliError(f"last heartbeat {seconds:.0f} s ago (more than {max_age} s): bot is down")
    click.echo(f"healthy: last heartbeat {seconds:.0f} s ago")


def register(app: click.Group) -> None:
    """Add health to the main app."""
    app.add_command(health)
