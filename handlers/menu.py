"""The front door: /start, /help, the command menu, the greeting's buttons, the unknown."""

from __future__ import annotations

import logging
from collections.abc import Awaitable

from telegram import Bot, BotCommand, BotCommandScopeChat, Update
from telegram.ext import CallbackQueryHandler, MessageHandler, filters

from bot.domain.search import SEARCH_SYNTAX
from bot.services.errors import N_
from bot.services.periods import PERIOD_USAGE
from handlers import names, render_summary
from handlers.callbacks import ChooseLanguage, Menu, Noop, decode, matching
from handlers.common import (
    AnyApplication,
    Context,
    Toolkit,
    answer,
    button,
    checked_arg,
    keyboard,
    send,
)
from handlers.html import esc
from handlers.i18n import DEFAULT_LANGUAGE, isolate, supported_languages, t
from handlers.lookups import LookupHandlers
from handlers.render_summary import language_name
from handlers.settings import SettingsHandlers
from handlers.subscriptions import SubscriptionHandlers

logger = logging.getLogger(__name__)

# (command, description, example) — /help and the Telegram command menu are built from this.
# Commands stay Latin (Telegram allows only a-z, 0-9 and _); descriptions and examples are
# translated.
COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("latest", N_("Newest incidents"), N_("/latest 10")),
    ("city", N_("Incidents in a city or town"), N_("/city Basra 7d")),
    ("province", N_("Incidents in a governorate"), N_("/province Nineveh since 2024-01-01")),
    ("faction", N_("Incidents involving a faction"), N_("/faction AAH 30d")),
    ("incident", N_("Full record of one incident"), N_("/incident 12")),
    ("stats", N_("Counts, killed and injured with the change"), N_("/stats Basra 30d")),
    ("map", N_("Map of the incidents of a place or faction"), N_("/map Basra 30d")),
    ("search", N_("Full-text search"), N_("/search drone Sinjar")),
    ("subscribe", N_("Get alerts for a place or faction"), N_("/subscribe Basra min_killed=1")),
    ("unsubscribe", N_("Stop alerts for a place or faction"), N_("/unsubscribe Basra")),
    ("subscriptions", N_("What this chat follows"), "/subscriptions"),
    ("digest", N_("Today's digest now"), "/digest"),
    ("digest_time", N_("Daily digest time or off"), "/digest_time 07:00"),
    ("digest_chart", N_("The week's chart under each digest, on or off"), "/digest_chart on"),
    ("timezone", N_("This chat's timezone"), "/timezone Asia/Baghdad"),
    ("quiet", N_("Quiet hours (alerts arrive silently)"), "/quiet 22:00-07:00"),
    ("language", N_("Interface language (English or Arabic)"), "/language"),
    ("settings", N_("Settings overview"), "/settings"),
    ("help", N_("Every command with an example"), "/help"),
)
ADMIN_COMMANDS: tuple[tuple[str, str, str], ...] = (
    (
        "ingest",
        N_("Ingest a report (text, link, or forward it to me)"),
        N_("/ingest <text or URL>"),
    ),
    ("status", N_("Counts, queue, last ingest, errors"), "/status"),
    ("feeds", N_("List feeds"), "/feeds"),
    ("feed_add", N_("Add an RSS/Atom feed"), "/feed_add https://example.org/rss"),
    ("feed_remove", N_("Remove a feed"), "/feed_remove 3"),
    ("place_add", N_("Teach a place the gazetteer lacks"), '/place_add "Tell Foo" 36.21,42.95'),
    ("places", N_("Places admins taught"), "/places"),
    ("actor_alias", N_("Teach another name for a faction"), '/actor_alias "Kata\'ib Sayyid" KSS'),
    ("actor_add", N_("Add a faction"), '/actor_add "Saraya Example" political_militia IQ'),
    ("review", N_("Incidents waiting for review, oldest first"), "/review"),
    ("review_settings", N_("Who reviews, unconfirmed alerts, maximum wait"), "/review_settings"),
)
# The bot's profile texts (setMyDescription <= 512, setMyShortDescription <= 120 characters).
DESCRIPTION = N_(
    "Sitrep turns news reports of armed violence into briefings: ask about a city, a "
    "governorate or a faction, see the numbers and the map, and get alerts and a daily digest "
    "for the places you follow."
)
SHORT_DESCRIPTION = N_("Briefings on armed violence: incidents, numbers, maps and alerts.")


def bot_commands(*, admin: bool = False, lang: str | None = None) -> list[BotCommand]:
    """The command menu registered with set_my_commands (admins also see their commands)."""
    chosen = COMMANDS + ADMIN_COMMANDS if admin else COMMANDS
    return [BotCommand(name, t(lang, description)) for name, description, _ in chosen]


def _help_line(name: str, description: str, example: str, lang: str | None) -> str:
    shown = esc(t(lang, description))
    if example == f"/{name}":
        return f"/{name} — {shown}"
    # Isolated outside the code span: a tap copies the command clean, with no marks before "/".
    code = isolate(lang, f"<code>{esc(t(lang, example))}</code>")
    return f"/{name} — " + t(
        lang, "{description}, e.g. {example}", description=shown, example=code
    )


def help_text(is_admin: bool, lang: str | None = None) -> str:
    """Every command with an example."""
    lines = ["<b>" + t(lang, "Sitrep commands") + "</b>"]
    lines.extend(_help_line(*command, lang) for command in COMMANDS)
    lines.append("")
    lines.append(
        esc(
            t(
                lang,
                "Names are forgiving: Basra, Basrah, al-Basra or البصرة; factions by alias (AAH).",
            )
        )
        + " "
        + esc(t(lang, PERIOD_USAGE))
    )
    lines.append(t(lang, "Search: {syntax}.", syntax=esc(t(lang, SEARCH_SYNTAX))))
    if is_admin:
        lines.append("")
        lines.append("<b>" + t(lang, "Admin") + "</b>")
        lines.extend(_help_line(*command, lang) for command in ADMIN_COMMANDS)
    return "\n".join(lines)


def greeting(lang: str | None = None) -> str:
    """The /start greeting."""
    return "\n".join(
        (
            t(lang, "<b>Sitrep</b> turns news reports of armed violence into briefings."),
            t(
                lang,
                "Ask about a place or faction ({city}, {faction}) or see the /latest incidents.",
                city=esc(t(lang, names.EXAMPLE_CITY)),
                faction=esc(t(lang, names.EXAMPLE_FACTION)),
            ),
            t(
                lang,
                "Subscribe to get alerts and a daily digest: {example}. All commands: /help",
                example=esc(t(lang, names.EXAMPLE_SUBSCRIBE)),
            ),
        )
    )


async def _quietly_set(what: str, call: Awaitable[object]) -> None:
    try:
        await call
    except Exception:  # the menu is a nicety; never block start-up on it
        logger.warning("could not register the %s", what, exc_info=True)


async def register_menus(bot: Bot, admin_ids: frozenset[int]) -> None:
    """The command menu and profile texts for everyone, in each language Sitrep speaks (the
    default in English), and the longer menu in each admin's private chat."""
    for lang in supported_languages():
        code = None if lang == DEFAULT_LANGUAGE else lang
        await _quietly_set(
            "command menu", bot.set_my_commands(bot_commands(lang=lang), language_code=code)
        )
        await _quietly_set(
            "description", bot.set_my_description(t(lang, DESCRIPTION), language_code=code)
        )
        await _quietly_set(
            "short description",
            bot.set_my_short_description(t(lang, SHORT_DESCRIPTION), language_code=code),
        )
    for admin_id in sorted(admin_ids):
        try:
            for lang in supported_languages():
                await bot.set_my_commands(
                    bot_commands(admin=True, lang=lang),
                    scope=BotCommandScopeChat(admin_id),
                    language_code=None if lang == DEFAULT_LANGUAGE else lang,
                )
        except Exception:  # an admin who never opened the bot: "chat not found"
            logger.info("admin %s has no chat with the bot yet; default menu", admin_id)


class MenuHandlers:
    """/start with its deep links and buttons, /help, and what nobody else handles."""

    def __init__(
        self,
        kit: Toolkit,
        lookups: LookupHandlers,
        subscriptions: SubscriptionHandlers,
        settings: SettingsHandlers,
    ) -> None:
        """The greeting's buttons lead to ``lookups``, ``subscriptions`` and ``settings``."""
        self.kit = kit
        self.services = kit.services
        self.lookups = lookups
        self.subscriptions = subscriptions
        self.settings = settings

    def register(self, application: AnyApplication) -> None:
        """/start, /help and the greeting's buttons."""
        self.kit.add_commands(application, {"start": self.cmd_start, "help": self.cmd_help})
        application.add_handler(
            CallbackQueryHandler(self.kit.safe(self.on_button), pattern=matching(Menu, Noop))
        )

    def register_fallbacks(self, application: AnyApplication) -> None:
        """Last in group 0, after every other module's handlers: unknown commands and buttons."""
        application.add_handler(
            MessageHandler(
                filters.UpdateType.MESSAGE & filters.COMMAND & filters.ChatType.PRIVATE,
                self.kit.safe(self.on_unknown),
            )
        )
        application.add_handler(CallbackQueryHandler(self.on_stale_button))

    async def cmd_start(self, update: Update, context: Context) -> None:
        """Greeting with buttons; a deep-link payload (``sub_place_<id>``) subscribes at once."""
        chat = await self.kit.chat(update)
        lang = chat.language
        payload = checked_arg(update, 64)
        if payload.startswith("sub_"):
            if not await self.kit.require_change_rights(update):
                return
            subscription, created = await self.services.subscriptions.subscribe_payload(
                chat.id, payload
            )
            text = render_summary.subscribed_message(
                subscription.label, "", chat, created=created, lang=lang
            )
            await send(update, text + "\n" + t(lang, "See /subscriptions."), lang=lang)
            return
        markup = keyboard(
            [
                [
                    button(t(lang, "🗞 Latest incidents"), Menu("latest")),
                    button(t(lang, "🔔 Subscribe"), Menu("sub")),
                ],
                [
                    button(t(lang, "⚙️ Settings"), Menu("settings")),
                    button(t(lang, "❓ Help"), Menu("help")),
                ],
                # The other languages, each named in itself: one tap for a reader who cannot
                # read this greeting.
                [
                    button(f"🌐 {language_name(code)}", ChooseLanguage(code))
                    for code in supported_languages()
                    if code != lang
                ],
            ]
        )
        await send(update, greeting(lang), markup, lang=lang)

    async def cmd_help(self, update: Update, context: Context) -> None:
        """Every command with an example (admin commands for admins)."""
        lang = await self.kit.language(update)
        await send(update, help_text(self.kit.sender_is_admin(update), lang), lang=lang)

    async def on_unknown(self, update: Update, context: Context) -> None:
        """An unknown command in a private chat."""
        lang = await self.kit.language(update)
        await send(update, t(lang, "I don't know that command. /help lists them all."), lang=lang)

    async def on_button(self, update: Update, context: Context) -> None:
        """A button under the greeting (or the page counter, which does nothing)."""
        query = update.callback_query
        if query is None:
            return
        choice = decode(query.data)
        if isinstance(choice, Menu):
            chat = await self.kit.chat(update)
            lang = chat.language
            if choice.item == "latest":
                await self.lookups.show_latest(update, edit=False)
            elif choice.item == "sub":
                await send(
                    update,
                    t(lang, "Pick a recent place, or type <code>/subscribe</code> and a name."),
                    await self.subscriptions.recent_places_keyboard(lang),
                    lang=lang,
                )
            elif choice.item == "settings":
                await self.settings.show_settings(update, chat.id, buttons=False)
            else:
                text = help_text(self.kit.sender_is_admin(update), lang)
                await send(update, text, lang=lang)
        await answer(query)

    async def on_stale_button(self, update: Update, context: Context) -> None:
        """A button nobody handles (an old message, a removed feature): answer it anyway."""
        if update.callback_query is not None:
            lang = await self.kit.language(update)
            await answer(update.callback_query, t(lang, "This button no longer works."))
