"""The ``sitrep`` command: one click group, one module per command group."""

from __future__ import annotations

import contextlib
import io
import logging
import sys

import click

from bot.cli import bot, common, db, extract, health, ingest, learning, webhook
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
for _module in (bot, db, ingest, learning, extract, health, webhook):
    _module.register(app)


class _Discard(io.TextIOBase):
    """A text stream that drops what is written to it."""

    def write(self, text: str) -> int:
        return len(text)


def silence_logging() -> None:
    """Stop every log record to the console from here on, after flushing what was written.

    Worker threads (aiosqlite's connection threads, PTB's) may still be finishing and log after
    the command has returned, and a thread may already be past ``logging.disable``'s check when
    it is called. A fatal error must be the last line the process writes, so new records are
    stopped and each console handler's stream is swapped for a sink under the handler's lock:
    a record already on its way is written before the swap or dropped after it, never after the
    error line.
    """
    logging.disable(logging.CRITICAL)
    consoles = {id(stream) for stream in (sys.stderr, sys.stdout, sys.__stderr__, sys.__stdout__)}
    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.StreamHandler) and id(handler.stream) in consoles:
            with contextlib.suppress(OSError, ValueError):  # a stream closed under us
                handler.setStream(_Discard())


def _fatal(text: str) -> None:
    """Write the command's one closing error line, after logging is shut off."""
    silence_logging()
    click.echo(text, err=True)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; user mistakes print one line and exit non-zero, never a traceback.

    The error line is the last line written to stderr: nothing logged by a thread that is still
    shutting down can follow it (see ``silence_logging``).
    """
    try:
        result = app.main(args=argv, prog_name="sitrep", standalone_mode=False)
    except click.exceptions.Abort:
        _fatal("aborted")
        return 130
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        silence_logging()
        exc.show()
        return exc.exit_code
    except (common.CliError, SettingsError, StorageError) as exc:
        _fatal(f"error: {exc}")
        return 1
    except KeyboardInterrupt:
        return 130
    return result if isinstance(result, int) else 0


def entrypoint() -> None:
    """Console-script entry point."""
    sys.exit(main())
