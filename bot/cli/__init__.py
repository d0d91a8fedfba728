"""The ``sitrep`` command: one Typer app, one module per command group."""

from __future__ import annotations

import sys

import click
import typer

from bot.cli import common, db
from bot.config import SettingsError
from storage.base import StorageError

app = typer.Typer(
    name="sitrep",
    help="Sitrep: news reports of armed violence turned into briefings, in Telegram or a console.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

# Each command module adds its commands (or sub-apps) to the app. Order = order in --help.
for _module in (db,):
    _module.register(app)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; user mistakes print one line and exit non-zero, never a traceback."""
    try:
        result = app(args=argv, standalone_mode=False)
    except click.exceptions.Abort:
        print("aborted", file=sys.stderr)  # noqa: T201
        return 130
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except (common.CliError, SettingsError, StorageError) as exc:
        print(f"error: {exc}", file=sys.stderr)  # noqa: T201
        return 1
    except KeyboardInterrupt:
        return 130
    return result if isinstance(result, int) else 0


def entrypoint() -> None:
    """Console-script entry point."""
    sys.exit(main())
