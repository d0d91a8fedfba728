"""Helpers shared by the CLI command modules."""

from __future__ import annotations

import asyncio
import codecs
import datetime as dt
import logging
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any, Protocol, TypeVar

import click

from bot.config import Settings, load_settings

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")
R = TypeVar("R")


class Closable(Protocol):
    """Something opened for one command and closed after it (a backend, the app's context)."""

    async def close(self) -> None:
        """Release what it holds."""
        ...


C = TypeVar("C", bound=Closable)


class CliError(Exception):
    """A user mistake or an expected failure: printed as one line, exit status 1."""


@asynccontextmanager
async def closing_after(opening: Awaitable[C]) -> AsyncIterator[C]:
    """Await ``opening``, hand over what it opened, and close that afterwards."""
    opened = await opening
    try:
        yield opened
    finally:
        await opened.close()


def run_job(
    resource: Callable[[], AbstractAsyncContextManager[R]],
    job: Callable[[R], Awaitable[T]],
    refused: type[Exception],
) -> T:
    """Run ``job`` on a freshly opened ``resource`` in its own event loop; a ``refused`` error
    (a user mistake the job or the opening reports) becomes a one-line :class:`CliError`."""

    async def main() -> T:
        async with resource() as opened:
            return await job(opened)

    try:
        return asyncio.run(main())
    except refused as exc:
        raise CliError(str(exc)) from None


def settings_for_cli(database: str | None = None) -> Settings:
    """Load settings, letting a ``--db`` option override ``SITREP_DATABASE``."""
    overrides = {"SITREP_DATABASE": database} if database else {}
    settings = load_settings(**overrides)
    configure_logging(settings.log_level)
    return settings


def configure_logging(level: int) -> None:
    """Log to stderr; keep httpx quiet because it logs request URLs, which hold the bot token."""
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)


def configure_console_logging(level: int, log_file: Path) -> None:
    """For the console chat: the log goes to ``log_file``; only warnings reach the terminal.

    INFO lines between the bot's answers would read as part of the conversation.
    """
    log_file.parent.mkdir(parents=True, exist_ok=True)
    fmt = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    to_file = logging.FileHandler(log_file, encoding="utf-8")
    to_file.setLevel(level)
    to_file.setFormatter(fmt)
    to_terminal = logging.StreamHandler()
    to_terminal.setLevel(max(level, logging.WARNING))
    to_terminal.setFormatter(fmt)
    root = logging.getLogger()
    for handler in list(root.handlers):
        if not type(handler).__module__.startswith("_pytest"):
            root.removeHandler(handler)
            handler.close()
    root.addHandler(to_file)
    root.addHandler(to_terminal)
    root.setLevel(min(level, logging.WARNING))


def read_stdin(max_chars: int | None = None) -> str:
    """Standard input as UTF-8 text whatever the locale; bad bytes are one clear CliError.

    Reads at most about ``max_chars`` characters (the caller's own cap then decides).
    """
    stream = sys.stdin
    if stream is None:
        return ""
    raw = getattr(stream, "buffer", None)
    try:
        if raw is None:  # already text (a test, an embedding program)
            return stream.read() if max_chars is None else stream.read(max_chars + 1)
        limit = -1 if max_chars is None else 4 * (max_chars + 1)
        data = raw.read(limit)
        decoder = codecs.getincrementaldecoder("utf-8-sig")()
        return str(decoder.decode(data, final=limit < 0 or len(data) < limit))
    except UnicodeDecodeError as exc:
        bad = exc.object[exc.start] if exc.start < len(exc.object) else 0
        msg = (
            f"standard input is not valid UTF-8 (byte 0x{bad:02x} at offset {exc.start}); "
            "convert it first, e.g. with iconv -f WINDOWS-1256 -t UTF-8"
        )
        raise CliError(msg) from None


def db_option(func: F) -> F:
    """The ``--db PATH`` option shared by commands that open the database."""
    return click.option(
        "--db",
        "database",
        default=None,
        metavar="PATH|URL",
        help="SQLite file or postgresql:// URL (default: SITREP_DATABASE or data/sitrep.sqlite3).",
    )(func)


PUBLISHED_HINT = (
    "pass --published YYYY-MM-DD[THH:MM] (or a PUBLISHED: line) if it was published earlier"
)


def url_day_note(day: dt.datetime) -> str:
    """What `extract` and `ingest` say when the publication day was read from the link."""
    return (
        "note: no publication time given, so days such as 'on Tuesday' were read from the date "
        f"in the link ({day.astimezone(dt.UTC):%Y-%m-%d}); " + PUBLISHED_HINT
    )


def text_day_note(day: dt.datetime) -> str:
    """What `extract` and `ingest` say when relative days were read from the latest date the
    text itself states (a dateline) because it carries no publication time."""
    return (
        "note: no publication time given, so days such as 'on Tuesday' were read from the "
        f"latest date the text states ({day.astimezone(dt.UTC):%Y-%m-%d}); " + PUBLISHED_HINT
    )


def received_note(received: dt.datetime) -> str:
    """What `extract` and `ingest` say when relative days were read from the time a report
    arrived because it carries no publication time."""
    return (
        "note: no publication time given, so days such as 'on Tuesday' were read from the time "
        f"the report was received ({received.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC); "
        + PUBLISHED_HINT
    )
