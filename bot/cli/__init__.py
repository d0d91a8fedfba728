"""The ``sitrep`` command: one click group, one module per command group."""

from __future__ import annotations

import sys

import click

from bot.cli import bot, common, db, extract, health, ingest
from bot.config import SettingsError
from storage.base import StorageError


@click.group(
    help="Sitrep: news reports of armed violence turned into briefings, in Telegram or a console.",
    context_settings={
        "help_option_names": ["-h", "--help"],
        "max_content_width": 120,
        "terminal_width": 120,
    },
)
@click.version_option(package_name="sitrep")
def app() -> None:
    """The root command group."""


# Each command module adds its commands to the group. Order = order in --help.
for _module in (bot, db, ingest, extract, health):
    _module.register(app)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; user mistakes print one line and exit non-zero, never a traceback."""
    try:
        result = app.main(args=argv, prog_name="sitrep", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        return 130
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except (common.CliError, SettingsError, StorageError) as exc:
        click.echo(f"error: {exc}", err=True)
        return 1
    except KeyboardInterrupt:
        return 130
    return result if isinstance(result, int) else 0


def entrypoint() -> None:
    """Console-script entry point."""
    sys.exit(main())
