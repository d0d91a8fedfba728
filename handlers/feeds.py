"""Admin commands for feeds (/feeds, /feed_add, /feed_remove) and the /ingest <url> helper.

Feed titles, URLs and page text are untrusted: everything shown is escaped with html.escape.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Callable, Coroutine, Sequence
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.domain import Feed
from bot.domain.views import IngestOutcome
from bot.ports import Metrics
from bot.services.errors import UserError
from bot.services.feeds import FeedService, PollSummary

logger = logging.getLogger(__name__)

REMOVE_PREFIX = "feed:rm:"
REMOVE_PATTERN = re.compile(r"^feed:rm:(\d{1,12})$")
POLL_JOB_NAME = "feeds:poll"
POLL_INTERVAL_SECONDS = 60
ADMIN_ONLY = "Only Sitrep's admins can manage feeds and ingest links."
_MAX_LISTED = 50

Context = ContextTypes.DEFAULT_TYPE
AnyApplication = Application[Any, Any, Any, Any, Any, Any]


def esc(value: object) -> str:
    """Escape untrusted text for Telegram HTML."""
    return html.escape(str(value), quote=True)


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def render_feed_list(feeds: Sequence[Feed]) -> str:
    """The /feeds message: one line per feed with its state (Telegram HTML, all escaped)."""
    if not feeds:
        return "No feeds yet. Add one with /feed_add https://example.com/rss"
    lines = [f"<b>Feeds ({len(feeds)})</b>"]
    for feed in list(feeds)[:_MAX_LISTED]:
        title = esc(_short(feed.title or "(untitled)", 80))
        state = "ok" if not feed.failures else f"failing {feed.failures}x"
        line = f"{feed.id}. {title} — {esc(_short(feed.url, 120))} ({state})"
        if feed.failures and feed.last_error:
            line += f"\n    <i>{esc(_short(feed.last_error, 160))}</i>"
        lines.append(line)
    if len(feeds) > _MAX_LISTED:
        lines.append(f"… and {len(feeds) - _MAX_LISTED} more (see `sitrep feeds list`)")
    return "\n".join(lines)


def remove_keyboard(feeds: Sequence[Feed]) -> InlineKeyboardMarkup | None:
    """One "Remove" button per feed (callback data ``feed:rm:<id>``)."""
    buttons = [
        [
            InlineKeyboardButton(
                f"Remove {feed.id}: {_short(feed.title or feed.url, 40)}",
                callback_data=f"{REMOVE_PREFIX}{feed.id}",
            )
        ]
        for feed in list(feeds)[:_MAX_LISTED]
        if feed.id is not None
    ]
    return InlineKeyboardMarkup(buttons) if buttons else None


def render_feed_added(feed: Feed, created: bool) -> str:
    """Reply to /feed_add."""
    title = esc(feed.title or "(untitled)")
    if not created:
        return f"That feed is already there: {feed.id}. {title}"
    return (
        f"Added feed {feed.id}: {title}\nI will read it every {feed.interval_minutes} minutes; "
        "the first pass starts within a minute."
    )


def render_outcome(outcome: IngestOutcome) -> str:
    """Reply to /ingest <url>: what was stored (titles and places escaped)."""
    report = outcome.report
    if outcome.duplicate:
        return f"I already have that report ({esc(report.title or report.url or report.id)})."
    lines = [f"Stored: <b>{esc(report.title or 'untitled report')}</b>"]
    if report.outlet:
        lines[0] += f" ({esc(report.outlet)})"
    new, updated = outcome.new_incidents, outcome.updated_incidents
    if not new and not updated:
        lines.append("No incident of armed violence found in it.")
    for incident in new:
        lines.append(
            f"• new: {esc(incident.location.name)}, {incident.date:%d %b %Y}, "
            f"{esc(incident.sub_event_type.value)}, killed {esc(incident.killed.display())}"
        )
    for incident in updated:
        lines.append(f"• updated: {esc(incident.location.name)}, {incident.date:%d %b %Y}")
    lines.extend(f"  {esc(note)}" for note in outcome.notes)
    if outcome.alerts_queued:
        lines.append(f"{outcome.alerts_queued} alert(s) queued.")
    return "\n".join(lines)


def render_poll_summary(summary: PollSummary) -> str:
    """A one-line log/admin text for a polling pass (plain text)."""
    return (
        f"polled {summary.feeds_polled} feed(s): {summary.reports_new} new, "
        f"{summary.duplicates} seen, {summary.not_modified} unchanged, {summary.failed} failed"
    )


class FeedCommands:
    """Bound handlers for the feed admin commands, built with the FeedService."""

    def __init__(self, feeds: FeedService, is_admin: Callable[[int], bool]) -> None:
        self._feeds = feeds
        self._is_admin = is_admin

    def _allowed(self, update: Update) -> bool:
        user = update.effective_user
        return user is not None and self._is_admin(user.id)

    async def _reply(
        self, update: Update, text: str, markup: InlineKeyboardMarkup | None = None
    ) -> None:
        message = update.effective_message
        if message is not None:
            await message.reply_text(
                text,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
                disable_web_page_preview=True,
            )

    async def cmd_feeds(self, update: Update, context: Context) -> None:
        """/feeds: list feeds with remove buttons."""
        if not self._allowed(update):
            await self._reply(update, ADMIN_ONLY)
            return
        feeds = await self._feeds.list()
        await self._reply(update, render_feed_list(feeds), remove_keyboard(feeds))

    async def cmd_feed_add(self, update: Update, context: Context) -> None:
        """/feed_add URL: check and add a feed."""
        if not self._allowed(update):
            await self._reply(update, ADMIN_ONLY)
            return
        args = context.args or []
        if len(args) != 1:
            await self._reply(update, "Usage: /feed_add https://example.com/rss")
            return
        try:
            feed, created = await self._feeds.add_feed(args[0], added_by=_user_id(update))
        except UserError as exc:
            await self._reply(update, esc(exc))
            return
        await self._reply(update, render_feed_added(feed, created))

    async def cmd_feed_remove(self, update: Update, context: Context) -> None:
        """/feed_remove [ID]: remove one feed, or show remove buttons."""
        if not self._allowed(update):
            await self._reply(update, ADMIN_ONLY)
            return
        args = context.args or []
        if not args:
            feeds = await self._feeds.list()
            text = "Which feed should I remove?" if feeds else render_feed_list(feeds)
            await self._reply(update, text, remove_keyboard(feeds))
            return
        if not args[0].isdigit():
            await self._reply(update, "Usage: /feed_remove 3 (the number from /feeds)")
            return
        removed = await self._feeds.remove(int(args[0]))
        text = f"Removed feed {int(args[0])}." if removed else f"There is no feed {int(args[0])}."
        await self._reply(update, text)

    async def on_remove_button(self, update: Update, context: Context) -> None:
        """A ``feed:rm:<id>`` button press."""
        query = update.callback_query
        if query is None:
            return
        match = REMOVE_PATTERN.match(query.data or "")
        if not self._allowed(update):
            await query.answer(ADMIN_ONLY, show_alert=True)
            return
        if match is None:
            await query.answer()
            return
        feed_id = int(match.group(1))
        removed = await self._feeds.remove(feed_id)
        await query.answer("Removed." if removed else "Already gone.")
        feeds = await self._feeds.list()
        await query.edit_message_text(
            render_feed_list(feeds),
            parse_mode=ParseMode.HTML,
            reply_markup=remove_keyboard(feeds),
            disable_web_page_preview=True,
        )

    async def ingest_url(self, update: Update, context: Context, url: str) -> None:
        """Fetch, extract and ingest one web page for an admin's /ingest <url>."""
        if not self._allowed(update):
            await self._reply(update, ADMIN_ONLY)
            return
        try:
            outcome = await self._feeds.ingest_url(url)
        except UserError as exc:
            await self._reply(update, esc(exc))
            return
        await self._reply(update, render_outcome(outcome))


def _user_id(update: Update) -> int | None:
    user = update.effective_user
    return user.id if user is not None else None


def register_feed_handlers(application: AnyApplication, commands: FeedCommands) -> None:
    """Add the feed commands and the remove-button handler to the application."""
    application.add_handler(CommandHandler("feeds", commands.cmd_feeds))
    application.add_handler(CommandHandler("feed_add", commands.cmd_feed_add))
    application.add_handler(CommandHandler("feed_remove", commands.cmd_feed_remove))
    application.add_handler(
        CallbackQueryHandler(commands.on_remove_button, pattern=REMOVE_PATTERN.pattern)
    )


def feed_poll_job(
    feeds: FeedService, metrics: Metrics | None = None
) -> Callable[[Context], Coroutine[Any, Any, None]]:
    """A JobQueue callback that polls the due feeds (errors are logged, never raised)."""

    async def poll(context: Context) -> None:
        try:
            summary = await feeds.poll_due()
        except Exception:
            logger.exception("feed polling failed")
            return
        if metrics is not None:
            record_poll(metrics, summary)
        if summary.feeds_polled:
            logger.info(render_poll_summary(summary))

    return poll


def record_poll(metrics: Metrics, summary: PollSummary) -> None:
    """Count one pass's feed polls and entries by result."""
    ok = summary.feeds_polled - summary.not_modified - summary.failed
    metrics.feed_polled("ok", ok)
    metrics.feed_polled("not_modified", summary.not_modified)
    metrics.feed_polled("failed", summary.failed)
    metrics.feed_entries("new", summary.reports_new)
    metrics.feed_entries("duplicate", summary.duplicates)
    metrics.feed_entries("rejected", summary.rejected)


def schedule_feed_polling(
    application: AnyApplication,
    feeds: FeedService,
    interval: float = POLL_INTERVAL_SECONDS,
    metrics: Metrics | None = None,
) -> None:
    """Poll due feeds every ``interval`` seconds on PTB's JobQueue (job ``feeds:poll``)."""
    if application.job_queue is None:
        raise RuntimeError("python-telegram-bot was installed without the job-queue extra")
    application.job_queue.run_repeating(
        feed_poll_job(feeds, metrics), interval=interval, first=10, name=POLL_JOB_NAME
    )
