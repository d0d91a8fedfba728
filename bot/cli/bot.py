"""``sitrep run``, ``sitrep chat`` and ``sitrep demo``: the bot on Telegram or in a console."""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import click

from bot.cli.common import (
    CliError,
    F,
    configure_console_logging,
    db_option,
    read_stdin,
    settings_for_cli,
)
from bot.config import Settings


def _quiet_libraries(console: bool) -> None:
    """APScheduler logs every job run at INFO; the console also hides PTB's life-cycle lines."""
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    if console:
        logging.getLogger("telegram.ext").setLevel(logging.WARNING)
        logging.getLogger("storage").setLevel(logging.WARNING)


@click.command("run")
@db_option
def run(database: str | None) -> None:
    """Run the Telegram bot (needs TELEGRAM_BOT_TOKEN): long polling, or SITREP_WEBHOOK_URL."""
    from bot.app import NO_BOT_HELP, run_bot
    from handlers.redaction import install_redaction

    settings = settings_for_cli(database)
    if not settings.token:
        raise CliError(NO_BOT_HELP)
    from telegram.error import InvalidToken, TelegramError

    from handlers.redaction import redact

    install_redaction(settings.token, *settings.secrets)
    _quiet_libraries(console=False)
    from handlers.web import HttpServerError

    try:
        asyncio.run(run_bot(settings))
    except HttpServerError as exc:
        raise CliError(str(exc)) from None
    except InvalidToken:
        raise CliError("Telegram rejected the bot token; check TELEGRAM_BOT_TOKEN") from None
    except TelegramError as exc:
        reason = redact(str(exc), (settings.token,))
        where = redact(settings.telegram_api_base_url, (settings.token,))
        raise CliError(f"could not reach the Bot API at {where}: {reason}") from None


async def _console(
    settings: Settings, *, demo: bool, lines: Sequence[str] | None, interactive: bool
) -> int:
    from bot.app import build_application, open_context, start_application, stop_application
    from handlers.console import (
        CONSOLE_CHAT_ID,
        CONSOLE_TOKEN,
        CONSOLE_USER_ID,
        ConsoleChat,
        ConsoleRequest,
        TerminalInput,
    )
    from handlers.redaction import install_redaction

    configure_console_logging(settings.log_level, settings.state_dir / "console.log")
    install_redaction(settings.token, *settings.secrets)
    _quiet_libraries(console=True)
    # The demo may make its own database; the chat needs one made by `sitrep db migrate`.
    context = await open_context(settings, create=demo)
    try:
        if demo:
            from bot.services.demo import load_demo

            outcomes = await load_demo(context.services)
            new = sum(1 for outcome in outcomes if not outcome.duplicate)
            incidents = sum(len(outcome.new_incidents) for outcome in outcomes)
            click.echo(
                f"demo: {len(outcomes)} example reports ({new} new, {incidents} new incidents) "
                f"in {settings.database.display()}"
            )
        request = ConsoleRequest(click.echo)
        application = build_application(
            settings,
            context,
            token=CONSOLE_TOKEN,
            request=request,
            get_updates_request=ConsoleRequest(click.echo),
            extra_admins=frozenset({CONSOLE_USER_ID}),
            rate_limiter=False,
            console_chat=CONSOLE_CHAT_ID,
        )
        await start_application(application, polling=False)
        try:
            chat = ConsoleChat(application, request)
            if interactive:
                history = settings.state_dir / "console_history"
                await chat.run_terminal(TerminalInput(history), click.echo)
            else:
                await chat.run_lines(lines or (), click.echo)
        finally:
            await stop_application(application)
    finally:
        await context.close()
    return 0


def _script_lines(script: Path | None) -> tuple[list[str] | None, bool]:
    """(lines, interactive): a script file, piped stdin, or an interactive terminal."""
    if script is not None:
        try:
            return script.read_text("utf-8").splitlines(), False
        except OSError as exc:
            raise CliError(f"cannot read {script}: {exc.strerror or exc}") from None
    if sys.stdin is not None and sys.stdin.isatty():
        return None, True
    piped = read_stdin().splitlines()
    return piped, False


def _script_option(help_text: str) -> Callable[[F], F]:
    """``--script FILE``: commands to run instead of the keyboard."""
    return click.option(
        "--script",
        type=click.Path(path_type=Path, dir_okay=False),
        default=None,
        help=help_text,
    )


@click.command("chat")
@_script_option("Run the commands in FILE (one per line) instead of reading the keyboard.")
@db_option
def chat(script: Path | None, database: str | None) -> None:
    """Chat with the bot in this terminal: same commands and database, no Telegram needed."""
    settings = settings_for_cli(database)
    lines, interactive = _script_lines(script)
    asyncio.run(_console(settings, demo=False, lines=lines, interactive=interactive))


@click.command("demo")
@_script_option(
    "Run the commands in FILE instead of the keyboard (default without a terminal: a tour)."
)
@db_option
def demo(script: Path | None, database: str | None) -> None:
    """Load example reports (written for Sitrep, about real events), then open the console chat.

    Without a terminal and without input, runs a short tour (/help, /latest, /city Basra,
    /faction AAH, /incident 1, /stats) and exits.
    """
    from handlers.console import DEMO_TOUR

    settings = settings_for_cli(database)
    lines, interactive = _script_lines(script)
    if not interactive and not any(line.strip() for line in lines or ()):
        lines = list(DEMO_TOUR)
    asyncio.run(_console(settings, demo=True, lines=lines, interactive=interactive))


def register(app: click.Group) -> None:
    """Add run, chat and demo to the main app."""
    app.add_command(run)
    app.add_command(chat)
    app.add_command(demo)
