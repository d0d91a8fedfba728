"""Admin commands for feeds (/feeds, /feed_add, /feed_remove) and the /ingest <url> helper.

Feed titles, URLs and page text are untrusted: the renderers (handlers.render_admin) escape them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.domain import Feed
from bot.services.errors import N_, UserError
from bot.services.feeds import FeedService
from handlers.callbacks import RemoveFeed, decode, matching
from handlers.common import AnyApplication, Context, button, keyboard
from handlers.html import esc
from handlers.i18n import rtl, t
from handlers.render_admin import MAX_LISTED, feed_added, feed_list, ingest_message, short

ADMIN_ONLY = N_("Only Sitrep's admins can manage feeds and ingest links.")


def remove_keyboard(feeds: Sequence[Feed]) -> InlineKeyboardMarkup | None:
    """One "Remove" button per feed."""
    return keyboard(
        [
            [button(f"Remove {feed.id}: {short(feed.title or feed.url, 40)}", RemoveFeed(feed.id))]
            for feed in list(feeds)[:MAX_LISTED]
            if feed.id is not None
        ]
    )


class FeedCommands:
    """Bound handlers for the feed admin commands, built with the FeedService."""

    def __init__(
        self,
        feeds: FeedService,
        is_admin: Callable[[int], bool],
        language_of: Callable[[Update], Awaitable[str]] | None = None,
    ) -> None:
        """Manage ``feeds`` for the users ``is_admin`` accepts.

        The admins' own replies are English (an operator's console); a refusal to anyone else
        is in the chat's language (``language_of``).
        """
        self._feeds = feeds
        self._is_admin = is_admin
        self._language_of = language_of

    async def _refusal(self, update: Update) -> str:
        lang = await self._language_of(update) if self._language_of is not None else None
        return rtl(lang, t(lang, ADMIN_ONLY))

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
            await self._reply(update, esc(await self._refusal(update)))
            return
        feeds = await self._feeds.list()
        await self._reply(update, feed_list(feeds), remove_keyboard(feeds))

    async def cmd_feed_add(self, update: Update, context: Context) -> None:
        """/feed_add URL: check and add a feed."""
        if not self._allowed(update):
            await self._reply(update, esc(await self._refusal(update)))
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
        await self._reply(update, feed_added(feed, created))

    async def cmd_feed_remove(self, update: Update, context: Context) -> None:
        """/feed_remove [ID]: remove one feed, or show remove buttons."""
        if not self._allowed(update):
            await self._reply(update, esc(await self._refusal(update)))
            return
        args = context.args or []
        if not args:
            feeds = await self._feeds.list()
            text = "Which feed should I remove?" if feeds else feed_list(feeds)
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
        choice = decode(query.data)
        if not self._allowed(update):
            await query.answer(await self._refusal(update), show_alert=True)
            return
        if not isinstance(choice, RemoveFeed):
            await query.answer()
            return
        feed_id = choice.feed_id
        removed = await self._feeds.remove(feed_id)
        await query.answer("Removed." if removed else "Already gone.")
        feeds = await self._feeds.list()
        await query.edit_message_text(
            feed_list(feeds),
            parse_mode=ParseMode.HTML,
            reply_markup=remove_keyboard(feeds),
            disable_web_page_preview=True,
        )

    async def ingest_url(self, update: Update, context: Context, url: str) -> None:
        """Fetch, extract and ingest one web page for an admin's /ingest <url>."""
        if not self._allowed(update):
            await self._reply(update, esc(await self._refusal(update)))
            return
        try:
            outcome = await self._feeds.ingest_url(url)
        except UserError as exc:
            await self._reply(update, esc(exc))
            return
        await self._reply(update, ingest_message(outcome))


def _user_id(update: Update) -> int | None:
    user = update.effective_user
    return user.id if user is not None else None


def register_feed_handlers(application: AnyApplication, commands: FeedCommands) -> None:
    """Add the feed commands and the remove-button handler to the application."""
    application.add_handler(CommandHandler("feeds", commands.cmd_feeds))
    application.add_handler(CommandHandler("feed_add", commands.cmd_feed_add))
    application.add_handler(CommandHandler("feed_remove", commands.cmd_feed_remove))
    application.add_handler(
        CallbackQueryHandler(commands.on_remove_button, pattern=matching(RemoveFeed))
    )
