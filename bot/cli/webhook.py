"""``sitrep webhook info|delete``: what Telegram knows about the bot's webhook, and removing it."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any, TypeVar

import click

from bot.cli.common import CliError, settings_for_cli
from bot.config import Settings

if TYPE_CHECKING:
    from telegram import Bot

T = TypeVar("T")


def _bot(settings: Settings) -> Bot:
    """A Bot API client for the configured token and server."""
    from telegram import Bot

    if not settings.token:
        raise CliError("no bot token: set TELEGRAM_BOT_TOKEN")
    return Bot(settings.token, base_url=settings.telegram_api_base_url)


async def _info(settings: Settings) -> list[str]:
    bot = _bot(settings)
    async with bot:
        info = await bot.get_webhook_info()
    if not info.url:
        lines = ["webhook: none (the bot uses long polling)"]
    else:
        lines = [f"webhook: {info.url}"]
        if info.max_connections:
            lines.append(f"max connections: {info.max_connections}")
        if info.allowed_updates is not None:
            lines.append(f"update types: {', '.join(info.allowed_updates) or 'default'}")
        if info.ip_address:
            lines.append(f"resolved to: {info.ip_address}")
    lines.append(f"updates waiting at Telegram: {info.pending_update_count}")
    if info.last_error_message:
        when = info.last_error_date
        stamp = when.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC") if when else "?"
        lines.append(f"last delivery error: {info.last_error_message} ({stamp})")
    configured = settings.sitrep_webhook_url
    if configured and configured != info.url:
        lines.append(f"note: SITREP_WEBHOOK_URL is {configured}; `sitrep run` will set it")
    if not configured and info.url:
        lines.append("note: SITREP_WEBHOOK_URL is not set here; `sitrep run` would poll")
    return lines


async def _delete(settings: Settings, drop_pending: bool) -> None:
    bot = _bot(settings)
    async with bot:
        await bot.delete_webhook(drop_pending_updates=drop_pending)


def _run_telegram(settings: Settings, coroutine: Coroutine[Any, Any, T]) -> T:
    from telegram.error import InvalidToken, TelegramError

    from handlers.redaction import redact

    try:
        return asyncio.run(coroutine)
    except InvalidToken:
        raise CliError("Telegram rejected the bot token; check TELEGRAM_BOT_TOKEN") from None
    except TelegramError as exc:
        reason = redact(str(exc), (settings.token or "",))
        raise CliError(f"the Bot API at {settings.telegram_api_base_url} said: {reason}") from None


@click.group("webhook")
def webhook() -> None:
    """Inspect or remove the bot's webhook (webhook mode: SITREP_WEBHOOK_URL)."""


@webhook.command("info")
def info() -> None:
    """Show the webhook Telegram has (URL, waiting updates, last delivery error)."""
    settings = settings_for_cli()
    for line in _run_telegram(settings, _info(settings)):
        click.echo(line)


@webhook.command("delete")
@click.option("--drop-pending", is_flag=True, help="Also discard the updates waiting at Telegram.")
def delete(drop_pending: bool) -> None:
    """Remove the webhook so the bot can poll again (every instance: stop them first)."""
    settings = settings_for_cli()
    _run_telegram(settings, _delete(settings, drop_pending))
    dropped = " and dropped the waiting updates" if drop_pending else ""
    click.echo(f"webhook removed{dropped}; `sitrep run` without SITREP_WEBHOOK_URL polls")
    if settings.sitrep_webhook_url:
        click.echo("note: SITREP_WEBHOOK_URL is still set; the next `sitrep run` sets it again")


def register(app: click.Group) -> None:
    """Add the webhook group to the main app."""
    app.add_command(webhook)
