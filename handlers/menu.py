"""The front door: /start, /help, the command menu, the greeting's buttons, the unknown."""

from __future__ import annotations

import logging

from telegram import Bot, BotCommand, BotCommandScopeChat, Update
from telegram.ext import CallbackQueryHandler, MessageHandler, filters

from bot.domain.search import SEARCH_SYNTAX
from bot.services.periods import PERIOD_USAGE
from handlers import render
from handlers.callbacks import Menu, Noop, decode, matching
from handlers.common import (
    AnyApplication,
    Context,
    Toolkit,
    add_commands,
    answer,
    button,
    checked_arg,
    keyboard,
    safe,
    send,
)
from handlers.html import esc
from handlers.lookups import LookupHandlers
from handlers.settings import SettingsHandlers
from handlers.subscriptions import SubscriptionHandlers

logger = logging.getLogger(__name__)

# (command, description, example) — /help and the Telegram command menu are built from this.
COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("latest", "Newest incidents", "/latest 10"),
    ("city", "Incidents in a city or town", "/city Basra 7d"),
    ("province", "Incidents in a governorate", "/province Nineveh since 2024-01-01"),
    ("faction", "Incidents involving a faction", "/faction AAH 30d"),
    ("incident", "Full record of one incident", "/incident 12"),
    ("stats", "Counts, killed and injured with the change", "/stats Basra 30d"),
    ("map", "Map of the incidents of a place or faction", "/map Basra 30d"),
    ("search", "Full-text search", "/search drone Sinjar"),
    ("subscribe", "Get alerts for a place or faction", "/subscribe Basra min_killed=1"),
    ("unsubscribe", "Stop alerts for a place or faction", "/unsubscribe Basra"),
    ("subscriptions", "What this chat follows", "/subscriptions"),
    ("digest", "Today's digest now", "/digest"),
    ("digest_time", "Daily digest time or off", "/digest_time 07:00"),
    ("digest_chart", "The week's chart under each digest, on or off", "/digest_chart on"),
    ("timezone", "This chat's timezone", "/timezone Asia/Baghdad"),
    ("quiet", "Quiet hours (alerts arrive silently)", "/quiet 22:00-07:00"),
    ("settings", "Settings overview", "/settings"),
    ("help", "Every command with an example", "/help"),
)
ADMIN_COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("ingest", "Ingest a report (text, link, or forward it to me)", "/ingest <text or URL>"),
    ("status", "Counts, queue, last ingest, errors", "/status"),
    ("feeds", "List feeds", "/feeds"),
    ("feed_add", "Add an RSS/Atom feed", "/feed_add https://example.org/rss"),
    ("feed_remove", "Remove a feed", "/feed_remove 3"),
    ("place_add", "Teach a place the gazetteer lacks", '/place_add "Tell Foo" 36.21,42.95'),
    ("places", "Places admins taught", "/places"),
    ("actor_alias", "Teach another name for a faction", '/actor_alias "Kata\'ib Sayyid" KSS'),
    ("actor_add", "Add a faction", '/actor_add "Saraya Example" political_militia IQ'),
    ("review", "Incidents waiting for review, oldest first", "/review"),
    ("review_settings", "Who reviews, unconfirmed alerts, maximum wait", "/review_settings"),
)


def bot_commands(*, admin: bool = False) -> list[BotCommand]:
    """The command menu registered with set_my_commands (admins also see their commands)."""
    chosen = COMMANDS + ADMIN_COMMANDS if admin else COMMANDS
    return [BotCommand(name, description) for name, description, _ in chosen]


def _help_line(name: str, description: str, example: str) -> str:
    if example == f"/{name}":
        return f"/{name} — {esc(description)}"
    return f"/{name} — {esc(description)}, e.g. <code>{esc(example)}</code>"


def help_text(is_admin: bool) -> str:
    """Every command with an example."""
    lines = ["<b>Sitrep commands</b>"]
    lines.extend(_help_line(*command) for command in COMMANDS)
    lines.append("")
    lines.append(
        "Names are forgiving: Basra, Basrah, al-Basra or البصرة; factions by alias (AAH). "
        f"{esc(PERIOD_USAGE)}"
    )
    lines.append(f"Search: {esc(SEARCH_SYNTAX)}.")
    if is_admin:
        lines.append("")
        lines.append("<b>Admin</b>")
        lines.extend(_help_line(*command) for command in ADMIN_COMMANDS)
    return "\n".join(lines)


GREETING = (
    "<b>Sitrep</b> turns news reports of armed violence into briefings.\n"
    "Ask about a place or faction (/city Basra, /faction AAH) or see the /latest incidents.\n"
    "Subscribe to get alerts and a daily digest: /subscribe Basra. All commands: /help"
)


async def register_menus(bot: Bot, admin_ids: frozenset[int]) -> None:
    """The command menu for everyone, and the longer one in each admin's private chat."""
    try:
        await bot.set_my_commands(bot_commands())
    except Exception:  # the menu is a nicety; never block start-up on it
        logger.warning("could not register the command menu", exc_info=True)
    for admin_id in sorted(admin_ids):
        try:
            await bot.set_my_commands(
                bot_commands(admin=True), scope=BotCommandScopeChat(admin_id)
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
        add_commands(application, {"start": self.cmd_start, "help": self.cmd_help})
        application.add_handler(
            CallbackQueryHandler(safe(self.on_button), pattern=matching(Menu, Noop))
        )

    def register_fallbacks(self, application: AnyApplication) -> None:
        """Last in group 0, after every other module's handlers: unknown commands and buttons."""
        application.add_handler(
            MessageHandler(
                filters.UpdateType.MESSAGE & filters.COMMAND & filters.ChatType.PRIVATE,
                safe(self.on_unknown),
            )
        )
        application.add_handler(CallbackQueryHandler(self.on_stale_button))

    async def cmd_start(self, update: Update, context: Context) -> None:
        """Greeting with buttons; a deep-link payload (``sub_place_<id>``) subscribes at once."""
        chat_id = await self.kit.ensure_chat(update)
        payload = checked_arg(update, 64)
        if payload.startswith("sub_"):
            if not await self.kit.require_change_rights(update):
                return
            subscription, created = await self.services.subscriptions.subscribe_payload(
                chat_id, payload
            )
            chat = await self.services.chats.get(chat_id)
            await send(
                update,
                render.subscribed_message(subscription.label, "", chat, created=created)
                + "\nSee /subscriptions.",
            )
            return
        markup = keyboard(
            [
                [
                    button("🗞 Latest incidents", Menu("latest")),
                    button("🔔 Subscribe", Menu("sub")),
                ],
                [button("⚙️ Settings", Menu("settings")), button("❓ Help", Menu("help"))],
            ]
        )
        await send(update, GREETING, markup)

    async def cmd_help(self, update: Update, context: Context) -> None:
        """Every command with an example (admin commands for admins)."""
        await send(update, help_text(self.kit.sender_is_admin(update)))

    async def on_unknown(self, update: Update, context: Context) -> None:
        """An unknown command in a private chat."""
        await send(update, "I don't know that command. /help lists them all.")

    async def on_button(self, update: Update, context: Context) -> None:
        """A button under the greeting (or the page counter, which does nothing)."""
        query = update.callback_query
        if query is None:
            return
        choice = decode(query.data)
        if isinstance(choice, Menu):
            chat_id = await self.kit.ensure_chat(update)
            if choice.item == "latest":
                await self.lookups.show_latest(update, edit=False)
            elif choice.item == "sub":
                await send(
                    update,
                    "Pick a recent place, or type <code>/subscribe</code> and a name.",
                    await self.subscriptions.recent_places_keyboard(),
                )
            elif choice.item == "settings":
                await self.settings.show_settings(update, chat_id, buttons=False)
            else:
                await send(update, help_text(self.kit.sender_is_admin(update)))
        await answer(query)

    async def on_stale_button(self, update: Update, context: Context) -> None:
        """A button nobody handles (an old message, a removed feature): answer it anyway."""
        if update.callback_query is not None:
            await answer(update.callback_query, "This button no longer works.")
