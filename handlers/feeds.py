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
from handlers.common import AnyApplication, Context, button, error_text, keyboard
from handlers.html import esc
from handlers.i18n import rtl, t
from handlers.render_admin import MAX_LISTED, feed_added, feed_list, ingest_message, short

ADMIN_ONLY = N_("Only Sitrep's admins can manage feeds and ingest links.")


def remove_keyboard(feeds: Sequence[Feed], lang: str | None = None) -> InlineKeyboardMarkup | None:
    """One "Remove" button per feed."""
    return keyboard(
        [
            [
                button(
                    t(
                        lang,
                        "Remove {number}: {title}",
                        number=feed.id,
                        title=short(feed.title or feed.url, 40),
                    ),
                    RemoveFeed(feed.id),
                )
            ]
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

    async def _refused(self, update: Update) -> bool:
        """True (after saying so) when the sender is not an admin."""
        if self._allowed(update):
            return False
        await self._reply(update, esc(await self._refusal(update)))
        return True

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

    async def _lang(self, update: Update) -> str | None:
        return await self._language_of(update) if self._language_of is not None else None

    def _mistake(self, exc: UserError, lang: str | None) -> str:
        text = esc(error_text(exc, lang))
        return text + (f"\n<i>{esc(t(lang, exc.usage))}</i>" if exc.usage else "")

    async def cmd_feeds(self, update: Update, context: Context) -> None:
        """/feeds: list feeds with remove buttons."""
        if await self._refused(update):
            return
        lang = await self._lang(update)
        feeds = await self._feeds.list()
        await self._reply(update, rtl(lang, feed_list(feeds, lang)), remove_keyboard(feeds, lang))

    async def cmd_feed_add(self, update: Update, context: Context) -> None:
        """/feed_add URL: check and add a feed."""
        if await self._refused(update):
            return
        lang = await self._lang(update)
        args = context.args or []
        if len(args) != 1:
            usage = t(lang, "Usage: {example}", example="/feed_add https://example.com/rss")
            await self._reply(update, rtl(lang, esc(usage)))
            return
        try:
            feed, created = await self._feeds.add_feed(args[0], added_by=_user_id(update))
        except UserError as exc:
            await self._reply(update, rtl(lang, self._mistake(exc, lang)))
            return
        await self._reply(update, rtl(lang, feed_added(feed, created, lang)))

    async def cmd_feed_remove(self, update: Update, context: Context) -> None:
        """/feed_remove [ID]: remove one feed, or show remove buttons."""
        if await self._refused(update):
            return
        lang = await self._lang(update)
        args = context.args or []
        if not args:
            feeds = await self._feeds.list()
            text = t(lang, "Which feed should I remove?") if feeds else feed_list(feeds, lang)
            await self._reply(update, rtl(lang, text), remove_keyboard(feeds, lang))
            return
        if not args[0].isdigit():
            usage = t(lang, "Usage: {example}", example="/feed_remove 3")
            await self._reply(update, rtl(lang, esc(usage)))
            return
        number = int(args[0])
        removed = await self._feeds.remove(number)
        text = (
            t(lang, "Removed feed {number}.", number=number)
            if removed
            else t(lang, "There is no feed {number}.", number=number)
        )
        await self._reply(update, rtl(lang, text))

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
        lang = await self._lang(update)
        removed = await self._feeds.remove(choice.feed_id)
        await query.answer(t(lang, "Removed.") if removed else t(lang, "Already gone."))
        feeds = await self._feeds.list()
        await query.edit_message_text(
            rtl(lang, feed_list(feeds, lang)),
            parse_mode=ParseMode.HTML,
            reply_markup=remove_keyboard(feeds, lang),
            disable_web_page_preview=True,
        )

    async def ingest_url(self, update: Update, context: Context, url: str) -> None:
        """Fetch, extract and ingest one web page for an admin's /ingest <url>."""
        if await self._refused(update):
            return
        lang = await self._lang(update)
        try:
            outcome = await self._feeds.ingest_url(url)
        except UserError as exc:
            await self._reply(update, rtl(lang, self._mistake(exc, lang)))
            return
        await self._reply(update, rtl(lang, ingest_message(outcome, lang)))


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
