"""Telegram commands and buttons: parse the arguments, call one service, render, reply.

Handlers are bound methods of :class:`BotHandlers`, built with the services by the composition
root. Callback data is short and key-based (``sub:place:gn:99532``), at most 64 bytes.
"""

from __future__ import annotations

import hashlib
import html
import logging
import time
import traceback
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from typing import TYPE_CHECKING, Any

from telegram import (
    BotCommand,
    ChatMemberUpdated,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    MessageOriginChannel,
    MessageOriginChat,
    Update,
)
from telegram.constants import ChatMemberStatus, ParseMode
from telegram.constants import ChatType as TgChatType
from telegram.error import BadRequest, TelegramError
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.config import Settings
from bot.domain import ChatType, SubscriptionKind
from bot.domain.search import SEARCH_SYNTAX
from bot.domain.views import IncidentPage, Resolution, StatsResult, Target
from bot.services import Services
from bot.services.errors import UserError
from bot.services.periods import PERIOD_USAGE, split_trailing_period
from bot.services.subscriptions import split_min_killed
from handlers import render
from handlers.html import esc, split_html
from handlers.metrics import note_user_error
from handlers.redaction import redact

if TYPE_CHECKING:
    from handlers.visuals import VisualHandlers

logger = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE
AnyApplication = Application[Any, Any, Any, Any, Any, Any]
Handler = Callable[[Update, Context], Coroutine[Any, Any, None]]

CALLBACK_MAX = 64
MAX_ARG_CHARS = 200  # names and periods; longer is a paste, not a question
MAX_SEARCH_CHARS = 300
MAX_LATEST = 50
PAGE_SIZE = 5
_MAX_TRACKED_USERS = 10_000
_LIST_COMMAND = {
    SubscriptionKind.PLACE: "city",
    SubscriptionKind.ADMIN1: "province",
    SubscriptionKind.ACTOR: "faction",
}
_KIND_CODE = {
    SubscriptionKind.PLACE: "p",
    SubscriptionKind.ADMIN1: "a",
    SubscriptionKind.ACTOR: "f",
}
_CODE_KIND = {code: kind for kind, code in _KIND_CODE.items()}
_KIND_NAME = {
    SubscriptionKind.PLACE: "place",
    SubscriptionKind.ADMIN1: "admin1",
    SubscriptionKind.ACTOR: "actor",
}
_NAME_KIND = {name: kind for kind, name in _KIND_NAME.items()}
_OUR_BUTTONS = r"^(lt|ls|st|sr|sub|un|set|m|noop)(:|$)"
APOLOGY = "Sorry, something went wrong on my side. The admins have been told; please try again."
ADMIN_ONLY = "Sorry, only Sitrep's admins can do that."
GROUP_ADMINS_ONLY = "Only this group's administrators can change its subscriptions and settings."

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


# Pasted text shorter than this is a question or a greeting, not a report (forwards always count).
MIN_PASTED_REPORT_WORDS = 8


class UserRateLimiter:
    """Per-user sliding window: a flooding user is told once, then ignored for a while."""

    def __init__(
        self, per_minute: int, *, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        """Allow ``per_minute`` updates per user per minute."""
        self._limit = per_minute
        self._now = monotonic
        self._seen: dict[int, deque[float]] = {}
        self._warned: set[int] = set()

    def check(self, user_id: int) -> str:
        """ "ok", "warn" (first refusal: tell the user) or "drop" (ignore silently)."""
        now = self._now()
        window = self._seen.setdefault(user_id, deque())
        while window and window[0] <= now - 60.0:
            window.popleft()
        if len(window) >= self._limit:
            if user_id in self._warned:
                return "drop"
            self._warned.add(user_id)
            return "warn"
        self._warned.discard(user_id)
        window.append(now)
        if len(self._seen) > _MAX_TRACKED_USERS:
            self._forget_idle(now)
        return "ok"

    def _forget_idle(self, now: float) -> None:
        """Drop users silent for a minute, so memory stays bounded."""
        for key in [k for k, v in self._seen.items() if not v or v[-1] <= now - 60.0]:
            del self._seen[key]
            self._warned.discard(key)


def _fit(data: str) -> str | None:
    return data if len(data.encode()) <= CALLBACK_MAX else None


def _button(text: str, data: str | None) -> InlineKeyboardButton | None:
    fitted = _fit(data) if data else None
    if fitted is None:
        return None
    return InlineKeyboardButton(text[:60], callback_data=fitted)


def _keyboard(
    rows: Sequence[Sequence[InlineKeyboardButton | None]],
) -> InlineKeyboardMarkup | None:
    cleaned = [[button for button in row if button is not None] for row in rows]
    cleaned = [row for row in cleaned if row]
    return InlineKeyboardMarkup(cleaned) if cleaned else None


def _period_code(period_text: str | None) -> str:
    if not period_text:
        return ""
    return period_text.strip().replace(" ", "_").replace(":", "")[:24]


def _period_text(code: str) -> str | None:
    return code.replace("_", " ") if code else None


def _period_phrase(label: str) -> str:
    """ "last 7 days" -> "in the last 7 days"; "2022-08-29" -> "on 2022-08-29"."""
    if label.startswith("last "):
        return f"in the {label}"
    if label[:1].isdigit():
        return f"from {label}" if " to " in label else f"on {label}"
    return label


def _target_label(target: Target) -> str:
    return f"{target.label} ({target.detail})" if target.detail else target.label


class BotHandlers:
    """Every command and button of the bot, bound to the services."""

    def __init__(
        self,
        services: Services,
        settings: Settings,
        *,
        ingest_url: Callable[[Update, Context, str], Awaitable[None]] | None = None,
        on_queued: Callable[[], None] | None = None,
        admin_ids: frozenset[int] | None = None,
        flood_guard: bool = True,
    ) -> None:
        """Bind to the services; ``on_queued`` wakes the dispatcher after an ingest.

        ``flood_guard=False`` (the console: one local user running scripts) lifts the
        per-user rate limit.
        """
        self.services = services
        self.settings = settings
        self.admin_ids = admin_ids if admin_ids is not None else settings.sitrep_admin_ids
        self._ingest_url = ingest_url
        self._on_queued = on_queued or (lambda: None)
        self.rate = UserRateLimiter(settings.sitrep_user_rate_per_minute)
        self.flood_guard = flood_guard
        self._searches: OrderedDict[str, str] = OrderedDict()
        # Set by the composition root: charts and maps (handlers.visuals), plain-language
        # questions (handlers.questions) answered before the admin's paste-to-ingest.
        self.visuals: VisualHandlers | None = None
        self.on_question: Handler | None = None

    # ---- registration --------------------------------------------------------------------

    def register(self, application: AnyApplication) -> None:
        """Add every handler, the flood guard and the error handler to ``application``."""
        application.add_handler(TypeHandler(Update, self.guard), group=-1)
        commands: dict[str, Handler] = {
            "start": self.cmd_start,
            "help": self.cmd_help,
            "latest": self.cmd_latest,
            "city": self.cmd_city,
            "province": self.cmd_province,
            "faction": self.cmd_faction,
            "incident": self.cmd_incident,
            "stats": self.cmd_stats,
            "search": self.cmd_search,
            "subscribe": self.cmd_subscribe,
            "unsubscribe": self.cmd_unsubscribe,
            "subscriptions": self.cmd_subscriptions,
            "quiet": self.cmd_quiet,
            "timezone": self.cmd_timezone,
            "digest_time": self.cmd_digest_time,
            "digest": self.cmd_digest,
            "settings": self.cmd_settings,
            "ingest": self.cmd_ingest,
            "status": self.cmd_status,
        }
        for name, callback in commands.items():
            # New messages only: editing an old "/ingest ..." must not ingest it again.
            application.add_handler(
                CommandHandler(name, self._safe(callback), filters=filters.UpdateType.MESSAGE)
            )
        application.add_handler(
            CallbackQueryHandler(self._safe(self.on_button), pattern=_OUR_BUTTONS)
        )
        application.add_handler(
            ChatMemberHandler(self.on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER)
        )
        application.add_handler(
            MessageHandler(filters.StatusUpdate.MIGRATE, self.on_migrate), group=2
        )
        if self.on_question is not None:
            application.add_handler(
                MessageHandler(
                    filters.UpdateType.MESSAGE
                    & filters.ChatType.PRIVATE
                    & ~filters.COMMAND
                    & ~filters.FORWARDED
                    & filters.TEXT,
                    self._safe(self.on_question),
                )
            )
        application.add_handler(
            MessageHandler(
                filters.UpdateType.MESSAGE
                & filters.ChatType.PRIVATE
                & ~filters.COMMAND
                & (filters.TEXT | filters.CAPTION),
                self._safe(self.on_private_text),
            )
        )
        application.add_error_handler(self.on_error)

    def register_fallbacks(self, application: AnyApplication) -> None:
        """Last in group 0, after every other module's handlers: unknown commands and buttons."""
        application.add_handler(
            MessageHandler(
                filters.UpdateType.MESSAGE & filters.COMMAND & filters.ChatType.PRIVATE,
                self._safe(self.on_unknown),
            )
        )
        application.add_handler(CallbackQueryHandler(self.on_stale_button))

    # ---- plumbing ------------------------------------------------------------------------

    def is_admin(self, user_id: int | None) -> bool:
        """True for the bot admins named in settings."""
        return user_id is not None and user_id in self.admin_ids

    async def guard(self, update: Update, context: Context) -> None:
        """Group -1: per-user flood control; oversized input refused before any work."""
        user = update.effective_user
        if user is None or update.my_chat_member is not None or not self.flood_guard:
            return
        verdict = self.rate.check(user.id)
        if verdict == "ok":
            return
        if verdict == "warn":
            message = update.effective_message
            if message is not None:
                await self._send(
                    update,
                    "You're sending messages faster than I can answer. "
                    "I'll ignore you for a minute; then carry on.",
                )
            if update.callback_query is not None:
                await update.callback_query.answer("Slow down a little, please.")
        elif update.callback_query is not None:
            await update.callback_query.answer()
        raise ApplicationHandlerStop

    def _safe(self, handler: Handler) -> Handler:
        """Turn UserError into a polite reply; everything else reaches the error handler."""

        async def wrapped(update: Update, context: Context) -> None:
            try:
                await handler(update, context)
            except UserError as exc:
                note_user_error()
                query = update.callback_query
                if query is not None:
                    await self._answer(query, exc.message[:190], alert=True)
                    return
                await self._reply_error(update, exc)

        wrapped.__name__ = getattr(handler, "__name__", "handler")
        return wrapped

    async def _reply_error(self, update: Update, exc: UserError) -> None:
        text = esc(exc.message)
        if exc.suggestions:
            names = ", ".join(_target_label(target) for target in exc.suggestions[:5])
            text += f"\nDid you mean: {esc(names)}?"
        if exc.usage:
            text += f"\n<i>{esc(exc.usage)}</i>"
        await self._send(update, text)

    async def _send(
        self, update: Update, text: str, markup: InlineKeyboardMarkup | None = None
    ) -> Message | None:
        """Reply in the update's chat: split below 4096, buttons under the last part."""
        chat = update.effective_chat
        if chat is None:
            return None
        parts = split_html(text) or ["…"]
        sent: Message | None = None
        thread = update.effective_message.message_thread_id if update.effective_message else None
        for index, part in enumerate(parts):
            sent = await context_bot(update).send_message(
                chat_id=chat.id,
                text=part,
                parse_mode=ParseMode.HTML,
                reply_markup=markup if index == len(parts) - 1 else None,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
                message_thread_id=thread,
            )
        return sent

    async def _edit_or_send(
        self, update: Update, text: str, markup: InlineKeyboardMarkup | None = None
    ) -> None:
        """Edit the message a button belongs to (pagination), else send a new one."""
        query = update.callback_query
        if query is not None and query.message is not None:
            parts = split_html(text) or ["…"]
            try:
                await query.edit_message_text(
                    parts[0],
                    parse_mode=ParseMode.HTML,
                    reply_markup=markup,
                    link_preview_options=LinkPreviewOptions(is_disabled=True),
                )
            except BadRequest as exc:
                if "not modified" in str(exc).lower():
                    return
                # Too old or deleted: answer with a new message instead.
                logger.info("could not edit message: %s", exc)
            else:
                return
        await self._send(update, text, markup)

    @staticmethod
    async def _answer(query: Any, text: str | None = None, *, alert: bool = False) -> None:
        try:
            await query.answer(text, show_alert=alert)
        except BadRequest:  # too old to answer: nothing the user can see anyway
            logger.debug("callback query could not be answered")

    @staticmethod
    def _arg_text(update: Update) -> str:
        """Everything after the command (works for /cmd@botname too)."""
        message = update.effective_message
        text = (message.text or message.caption or "") if message else ""
        parts = text.split(maxsplit=1)
        return parts[1].strip() if len(parts) > 1 else ""

    def _checked_arg(self, update: Update, limit: int = MAX_ARG_CHARS) -> str:
        text = self._arg_text(update)
        if len(text) > limit:
            raise UserError(
                f"That is too long for me ({len(text)} characters; at most {limit} here)."
            )
        # Control characters have no place in a name; they only confuse lookups and logs.
        return "".join(ch for ch in text if ch.isprintable() or ch == " ")

    async def _ensure_chat(self, update: Update) -> int:
        chat = update.effective_chat
        if chat is None:
            raise UserError("I can't tell which chat this is.")
        chat_type = {
            TgChatType.PRIVATE: ChatType.PRIVATE,
            TgChatType.GROUP: ChatType.GROUP,
            TgChatType.SUPERGROUP: ChatType.SUPERGROUP,
            TgChatType.CHANNEL: ChatType.CHANNEL,
        }.get(chat.type, ChatType.PRIVATE)  # type: ignore[call-overload]
        await self.services.chats.ensure_chat(chat.id, chat_type, chat.title)
        return chat.id

    async def may_change(self, update: Update) -> bool:
        """Private chats always; in groups only administrators (or an anonymous admin)."""
        chat = update.effective_chat
        if chat is None:
            return False
        if chat.type == TgChatType.PRIVATE:
            return True
        message = update.effective_message
        if (
            message is not None
            and message.sender_chat is not None
            and update.callback_query is None
        ):
            # An anonymous administrator posts as the group itself.
            return message.sender_chat.id == chat.id
        user = update.effective_user
        if user is None:
            return False
        if self.is_admin(user.id):
            return True
        try:
            member = await context_bot(update).get_chat_member(chat.id, user.id)
        except TelegramError:
            logger.warning("could not check membership in chat %s", chat.id)
            return False
        return member.status in (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)

    async def _require_change_rights(self, update: Update) -> bool:
        if await self.may_change(update):
            return True
        if update.callback_query is not None:
            await self._answer(update.callback_query, GROUP_ADMINS_ONLY, alert=True)
        else:
            await self._send(update, esc(GROUP_ADMINS_ONLY))
        return False

    async def _chat_timezone(self, chat_id: int) -> str:
        return (await self.services.chats.get(chat_id)).timezone

    # ---- /start and /help ----------------------------------------------------------------

    async def cmd_start(self, update: Update, context: Context) -> None:
        """Greeting with buttons; a deep-link payload (``sub_place_<id>``) subscribes at once."""
        chat_id = await self._ensure_chat(update)
        payload = self._checked_arg(update, 64)
        if payload.startswith("sub_"):
            if not await self._require_change_rights(update):
                return
            subscription, created = await self.services.subscriptions.subscribe_payload(
                chat_id, payload
            )
            chat = await self.services.chats.get(chat_id)
            await self._send(
                update,
                render.subscribed_message(subscription.label, "", chat, created=created)
                + "\nSee /subscriptions.",
            )
            return
        markup = _keyboard(
            [
                [_button("🗞 Latest incidents", "m:latest"), _button("🔔 Subscribe", "m:sub")],
                [_button("⚙️ Settings", "m:settings"), _button("❓ Help", "m:help")],
            ]
        )
        await self._send(update, GREETING, markup)

    async def cmd_help(self, update: Update, context: Context) -> None:
        """Every command with an example (admin commands for admins)."""
        user = update.effective_user
        await self._send(update, help_text(self.is_admin(user.id if user else None)))

    async def on_unknown(self, update: Update, context: Context) -> None:
        """An unknown command in a private chat."""
        await self._send(update, "I don't know that command. /help lists them all.")

    # ---- asking --------------------------------------------------------------------------

    async def cmd_latest(self, update: Update, context: Context) -> None:
        """/latest [N]: the newest incidents."""
        await self._ensure_chat(update)
        arg = self._checked_arg(update)
        size = PAGE_SIZE
        if arg:
            if not arg.isdigit() or not 1 <= int(arg) <= MAX_LATEST:
                raise UserError(
                    f"/latest takes a number from 1 to {MAX_LATEST}.", usage="Example: /latest 10"
                )
            size = int(arg)
        await self._show_latest(update, size, 1)

    async def _show_latest(self, update: Update, size: int, page: int) -> None:
        result = await self.services.queries.latest(size, page)
        text = render.page_message("Latest incidents", result, empty="No incidents stored yet.")
        await self._edit_or_send(update, text, self._pager(result, lambda p: f"lt:{size}:{p}"))

    @staticmethod
    def _pager(
        page: IncidentPage,
        data_for: Callable[[int], str],
        extra: Sequence[InlineKeyboardButton | None] = (),
    ) -> InlineKeyboardMarkup | None:
        nav: list[InlineKeyboardButton | None] = []
        if page.has_previous:
            nav.append(_button("‹", data_for(page.page - 1)))
        if page.pages > 1:
            nav.append(_button(f"{page.page}/{page.pages}", "noop"))
        if page.has_next:
            nav.append(_button("›", data_for(page.page + 1)))
        return _keyboard([nav, list(extra)])

    async def cmd_city(self, update: Update, context: Context) -> None:
        """/city <name> [period]."""
        await self._lookup_command(update, SubscriptionKind.PLACE, "/city Basra 7d")

    async def cmd_province(self, update: Update, context: Context) -> None:
        """/province <name> [period]."""
        await self._lookup_command(update, SubscriptionKind.ADMIN1, "/province Basra 30d")

    async def cmd_faction(self, update: Update, context: Context) -> None:
        """/faction <name> [period]."""
        await self._lookup_command(update, SubscriptionKind.ACTOR, "/faction AAH 30d")

    async def _resolve(
        self, kind: SubscriptionKind | None, name: str, chat_id: int | None = None
    ) -> Resolution:
        catalog = self.services.catalog
        if kind is SubscriptionKind.PLACE:
            countries = (
                await self.services.subscriptions.recent_countries(chat_id)
                if chat_id is not None
                else set()
            )
            return catalog.resolve_place(name, countries)
        if kind is SubscriptionKind.ADMIN1:
            return catalog.resolve_governorate(name)
        if kind is SubscriptionKind.ACTOR:
            return await catalog.resolve_actor(name)
        return await catalog.resolve_any(name)

    async def _lookup_command(self, update: Update, kind: SubscriptionKind, example: str) -> None:
        chat_id = await self._ensure_chat(update)
        text = self._checked_arg(update)
        name, period_text = split_trailing_period(text)
        if not name:
            raise UserError("Tell me which one.", usage=f"Example: {example}")
        # Validate the period before resolving, so a typo there is reported as such.
        self.services.queries.parse_period(period_text, await self._chat_timezone(chat_id))
        resolution = await self._resolve(kind, name, chat_id)
        code = _period_code(period_text)
        target = resolution.unique
        if target is None:
            await self._choose(
                update,
                resolution,
                lambda t: f"ls:{_KIND_CODE[t.kind]}:1:{code}:{t.key}",
                example,
            )
            return
        await self._show_target(update, target, period_text, 1)

    async def _choose(
        self,
        update: Update,
        resolution: Resolution,
        data_for: Callable[[Target], str],
        example: str,
    ) -> None:
        """Ambiguous: a keyboard to pick from. Unknown: "did you mean" buttons."""
        options = resolution.matches if resolution.ambiguous else resolution.suggestions
        buttons = [[_button(_target_label(t), data_for(t))] for t in options[:8]]
        query = esc(resolution.query)
        if resolution.ambiguous:
            text = f"“{query}” could mean several things. Which one?"
        elif options:
            text = f"I don't know “{query}”. Did you mean:"
        else:
            text = f"I don't know “{query}”.\n<i>Example: {esc(example)}</i>"
        await self._send(update, text, _keyboard(buttons))

    async def _show_target(
        self, update: Update, target: Target, period_text: str | None, page: int
    ) -> None:
        chat = update.effective_chat
        timezone = await self._chat_timezone(chat.id) if chat else None
        period = self.services.queries.parse_period(period_text, timezone) if period_text else None
        result = await self.services.queries.for_target(target, period, page, PAGE_SIZE)
        code = _period_code(period_text)
        kind = _KIND_CODE[target.kind]
        title = target.label
        empty = f"No incidents recorded for {title}."
        if period is not None:
            # "0 incidents" in the last week must not read as "never": point to the archive.
            command = _LIST_COMMAND[target.kind]
            empty = (
                f"Nothing recorded for {title} {_period_phrase(period.label)}.\n"
                f"Every incident: /{command} {title}"
            )
        text = render.page_message(title, result, empty=empty)
        subscribe = _button(
            f"🔔 Subscribe to {target.label}", f"sub:{_KIND_NAME[target.kind]}:{target.key}"
        )
        stats = _button("📊 Stats", f"st:{kind}:{code}:{target.key}")
        markup = self._pager(
            result, lambda p: f"ls:{kind}:{p}:{code}:{target.key}", [subscribe, stats]
        )
        await self._edit_or_send(update, text, markup)

    async def cmd_incident(self, update: Update, context: Context) -> None:
        """/incident <id>: the full record."""
        await self._ensure_chat(update)
        arg = self._checked_arg(update).lstrip("#")
        if not arg.isdigit() or len(arg) > 12:
            raise UserError("Which incident? Give its number.", usage="Example: /incident 12")
        detail = await self.services.queries.incident(int(arg))
        markup = self.visuals.incident_markup(detail.incident) if self.visuals else None
        text = render.incident_detail(
            detail.incident, detail.revisions, min_confidence=detail.min_confidence
        )
        await self._send(update, text, markup)

    async def cmd_stats(self, update: Update, context: Context) -> None:
        """/stats [place|faction] [period]."""
        chat_id = await self._ensure_chat(update)
        name, period_text = split_trailing_period(self._checked_arg(update))
        timezone = await self._chat_timezone(chat_id)
        period = self.services.queries.parse_period(period_text, timezone) if period_text else None
        if not name:
            result = await self.services.queries.stats(None, period, timezone=timezone)
            await self._send_stats(update, result)
            return
        resolution = await self._resolve(None, name)
        target = resolution.unique
        if target is None:
            code = _period_code(period_text)
            await self._choose(
                update,
                resolution,
                lambda t: f"st:{_KIND_CODE[t.kind]}:{code}:{t.key}",
                "/stats Basra 30d",
            )
            return
        result = await self.services.queries.stats(target, period, timezone=timezone)
        await self._send_stats(update, result)

    async def _send_stats(self, update: Update, result: StatsResult) -> None:
        """The numbers, then the chart (when charts are wired in)."""
        await self._send(update, render.stats_message(result))
        if self.visuals is not None:
            await self.visuals.send_stats_chart(update, result)

    async def cmd_search(self, update: Update, context: Context) -> None:
        """/search <words>: full-text search."""
        await self._ensure_chat(update)
        words = self._checked_arg(update, MAX_SEARCH_CHARS)
        await self._show_search(update, words, 1)

    async def _show_search(self, update: Update, words: str, page: int) -> None:
        result = await self.services.queries.search(words, page, PAGE_SIZE)
        token = hashlib.sha1(words.encode(), usedforsecurity=False).hexdigest()[:10]
        self._searches[token] = words
        self._searches.move_to_end(token)
        while len(self._searches) > 500:
            self._searches.popitem(last=False)
        text = render.page_message(f"Search: {words}", result, empty="Nothing matches.")
        await self._edit_or_send(update, text, self._pager(result, lambda p: f"sr:{token}:{p}"))

    # ---- subscriptions -------------------------------------------------------------------

    async def cmd_subscribe(self, update: Update, context: Context) -> None:
        """/subscribe <place|faction> [min_killed=N], or a keyboard of recent places."""
        chat_id = await self._ensure_chat(update)
        if not await self._require_change_rights(update):
            return
        text = self._checked_arg(update)
        if not text:
            places = await self.services.subscriptions.recent_places(6)
            buttons = [[_button(f"🔔 {p.label}", f"sub:place:{p.key}")] for p in places]
            await self._send(
                update,
                "What should I watch? Pick a recent place or type a name, e.g. "
                "<code>/subscribe Basra</code> or <code>/subscribe AAH min_killed=1</code>.",
                _keyboard(buttons),
            )
            return
        name, min_killed = split_min_killed(text)
        if not name:
            raise UserError("Subscribe to what?", usage="Example: /subscribe Basra")
        resolution = await self._resolve(None, name)
        target = resolution.unique
        suffix = f"@{min_killed}" if min_killed else ""
        if target is None:
            await self._choose(
                update,
                resolution,
                lambda t: f"sub:{_KIND_NAME[t.kind]}:{t.key}{suffix}",
                "/subscribe Basra",
            )
            return
        await self._subscribe(update, chat_id, target, min_killed)

    async def _subscribe(
        self, update: Update, chat_id: int, target: Target, min_killed: int
    ) -> None:
        subscription, created = await self.services.subscriptions.subscribe(
            chat_id, target, min_killed
        )
        threshold = (
            f" (only incidents with at least {subscription.min_killed} killed)"
            if subscription.min_killed
            else ""
        )
        if created:
            chat = await self.services.chats.get(chat_id)
            text = render.subscribed_message(subscription.label, threshold, chat)
        else:
            text = f"You already follow <b>{esc(subscription.label)}</b>{threshold}."
        payload = self.services.subscriptions.payload_for(target)
        username = update.get_bot().username if payload else None
        if payload and username:
            link = f"https://t.me/{username}?start={payload}"
            text += f"\nShare: <code>{esc(link)}</code>"
        await self._edit_or_send(update, text)

    async def cmd_unsubscribe(self, update: Update, context: Context) -> None:
        """/unsubscribe <name>, or the list with remove buttons."""
        chat_id = await self._ensure_chat(update)
        if not await self._require_change_rights(update):
            return
        text = self._checked_arg(update)
        if not text:
            await self._show_subscriptions(update, chat_id)
            return
        subscriptions = await self.services.subscriptions.list(chat_id)
        wanted = text.casefold()
        for subscription in subscriptions:
            if subscription.label.casefold() == wanted and subscription.id is not None:
                await self.services.subscriptions.unsubscribe(chat_id, subscription.id)
                await self._send(update, f"Unsubscribed from <b>{esc(subscription.label)}</b>.")
                return
        resolution = await self._resolve(None, text)
        for target in resolution.matches:
            if await self.services.subscriptions.unsubscribe_target(chat_id, target):
                await self._send(update, f"Unsubscribed from <b>{esc(target.label)}</b>.")
                return
        await self._send(
            update,
            f"This chat doesn't follow “{esc(text)}”.",
            self._unsubscribe_keyboard(subscriptions),
        )

    @staticmethod
    def _unsubscribe_keyboard(subscriptions: Sequence[Any]) -> InlineKeyboardMarkup | None:
        rows = [
            [_button(f"❌ {s.label}", f"un:{s.id}")] for s in subscriptions if s.id is not None
        ]
        if rows:
            rows.append([_button("Unsubscribe from all", "un:all")])
        return _keyboard(rows)

    async def cmd_subscriptions(self, update: Update, context: Context) -> None:
        """/subscriptions: the list with remove buttons."""
        chat_id = await self._ensure_chat(update)
        await self._show_subscriptions(update, chat_id)

    async def _show_subscriptions(self, update: Update, chat_id: int) -> None:
        subscriptions = await self.services.subscriptions.list(chat_id)
        await self._edit_or_send(
            update,
            render.subscriptions_message(subscriptions),
            self._unsubscribe_keyboard(subscriptions),
        )

    # ---- settings ------------------------------------------------------------------------

    async def _setting(
        self, update: Update, change: Callable[[int, str], Awaitable[Any]], usage: str
    ) -> None:
        chat_id = await self._ensure_chat(update)
        if not await self._require_change_rights(update):
            return
        text = self._checked_arg(update)
        if not text:
            view = await self.services.chats.settings(chat_id)
            await self._send(update, f"{render.settings_message(view)}\n<i>{esc(usage)}</i>")
            return
        await change(chat_id, text)
        view = await self.services.chats.settings(chat_id)
        await self._send(update, "✅ Saved.\n" + render.settings_message(view))

    async def cmd_quiet(self, update: Update, context: Context) -> None:
        """/quiet 22:00-07:00 | off."""
        await self._setting(update, self.services.chats.set_quiet, "Example: /quiet 22:00-07:00")

    async def cmd_timezone(self, update: Update, context: Context) -> None:
        """/timezone Asia/Baghdad | a city name."""
        await self._setting(
            update, self.services.chats.set_timezone, "Example: /timezone Asia/Baghdad"
        )

    async def cmd_digest_time(self, update: Update, context: Context) -> None:
        """/digest_time HH:MM | off."""
        await self._setting(
            update, self.services.chats.set_digest_time, "Example: /digest_time 07:00"
        )

    async def cmd_digest(self, update: Update, context: Context) -> None:
        """/digest: today's digest now."""
        chat_id = await self._ensure_chat(update)
        digest = await self.services.digests.compose(chat_id)
        await self._send(update, render.digest_message(digest))

    async def cmd_settings(self, update: Update, context: Context) -> None:
        """/settings: overview with buttons."""
        chat_id = await self._ensure_chat(update)
        await self._show_settings(update, chat_id)

    async def _show_settings(self, update: Update, chat_id: int) -> None:
        view = await self.services.chats.settings(chat_id)
        chat = view.chat
        digest_button = (
            _button("🔕 Digest off", "set:d:off")
            if chat.digest_time
            else _button(f"🗞 Digest at {self.settings.sitrep_default_digest_time}", "set:d:on")
        )
        quiet_button = (
            _button("🔔 Quiet hours off", "set:q:off")
            if chat.quiet_start is not None
            else _button("🌙 Quiet 22:00-07:00", "set:q:on")
        )
        markup = _keyboard(
            [[digest_button, quiet_button], [_button("📋 Subscriptions", "set:subs")]]
        )
        await self._edit_or_send(update, render.settings_message(view), markup)

    # ---- admin ---------------------------------------------------------------------------

    async def cmd_status(self, update: Update, context: Context) -> None:
        """/status for admins."""
        user = update.effective_user
        if not self.is_admin(user.id if user else None):
            await self._send(update, esc(ADMIN_ONLY))
            return
        await self._send(update, render.status_message(await self.services.admin.status()))

    async def cmd_ingest(self, update: Update, context: Context) -> None:
        """/ingest <text or URL> for admins (or forward a message to the bot privately)."""
        user = update.effective_user
        if not self.is_admin(user.id if user else None):
            await self._send(update, esc(ADMIN_ONLY))
            return
        text = self._arg_text(update)
        message = update.effective_message
        if not text and message is not None and message.reply_to_message is not None:
            text = message.reply_to_message.text or message.reply_to_message.caption or ""
        if not text:
            raise UserError(
                "Send the report text after /ingest, or forward a channel post to me.",
                usage="Example: /ingest Two people were killed in Basra on Monday ...",
            )
        if text.startswith(("http://", "https://")) and len(text.split()) == 1:
            if self._ingest_url is None:
                raise UserError("Fetching links is not available in this setup.")
            await self._ingest_url(update, context, text)
            self._on_queued()
            return
        await self._ingest(update, text, forwarded_from=None)

    async def _ingest(
        self,
        update: Update,
        text: str,
        forwarded_from: str | None,
        url: str | None = None,
    ) -> None:
        message = update.effective_message
        # The post's own time dates "on Monday"; a forward keeps the original post's time.
        published = None
        if message is not None:
            origin = message.forward_origin
            published = origin.date if origin is not None else message.date
        outcome = await self.services.ingestion.ingest_text(
            text,
            origin="telegram",
            forwarded_from=forwarded_from,
            outlet=forwarded_from,
            url=url,
            published_at=published,
        )
        self._on_queued()
        await self._send(update, render.ingest_message(outcome))

    async def on_private_text(self, update: Update, context: Context) -> None:
        """Plain text in a private chat: an admin's pasted or forwarded report is ingested."""
        message = update.effective_message
        user = update.effective_user
        if message is None:
            return
        if not self.is_admin(user.id if user else None):
            await self._send(
                update, "I answer commands. Try /latest, /city Basra or /help for the full list."
            )
            return
        text = message.text or message.caption or ""
        if len(text) > self.settings.sitrep_max_input_chars:
            raise UserError("That text is too long to ingest.")
        source, url = _forward_source(message)
        if message.forward_origin is None and len(text.split()) < MIN_PASTED_REPORT_WORDS:
            # "Basra" or "hello" is a question or a greeting, not a news report to archive.
            await self._send(
                update,
                "That is too short to be a report, so it was not stored.\n"
                "To look something up use /city Basra, /faction AAH or /latest; to add a "
                "report paste its full text, or send <code>/ingest</code> followed by it.",
            )
            return
        await self._ingest(update, text, forwarded_from=source, url=url)

    # ---- chat membership -----------------------------------------------------------------

    async def on_my_chat_member(self, update: Update, context: Context) -> None:
        """Blocked or removed: stop sending. Added or unblocked: start again."""
        change: ChatMemberUpdated | None = update.my_chat_member
        if change is None:
            return
        chat = change.chat
        status = change.new_chat_member.status
        if status in (ChatMemberStatus.BANNED, ChatMemberStatus.LEFT):
            dropped = await self.services.chats.deactivate(chat.id, f"bot {status}")
            logger.info("chat %s: bot %s; %d queued messages dropped", chat.id, status, dropped)
        elif status in (ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR):
            await self._ensure_chat(update)
            await self.services.chats.reactivate(chat.id)
            was_out = change.old_chat_member.status in (
                ChatMemberStatus.LEFT,
                ChatMemberStatus.BANNED,
            )
            if was_out and chat.type in (TgChatType.GROUP, TgChatType.SUPERGROUP):
                await _quietly(
                    context.bot.send_message(
                        chat.id,
                        GREETING + "\nIn groups, only administrators change subscriptions.",
                    )
                )

    async def on_migrate(self, update: Update, context: Context) -> None:
        """A group became a supergroup: keep its subscriptions under the new id."""
        message = update.effective_message
        if message is not None and message.migrate_to_chat_id:
            await self.services.chats.migrate(message.chat.id, message.migrate_to_chat_id)

    # ---- buttons -------------------------------------------------------------------------

    async def on_button(self, update: Update, context: Context) -> None:
        """Every inline button; always answers the callback query."""
        query = update.callback_query
        if query is None:
            return
        data = query.data or ""
        prefix, _, rest = data.partition(":")
        handler = {
            "lt": self._cb_latest,
            "ls": self._cb_list,
            "st": self._cb_stats,
            "sr": self._cb_search,
            "sub": self._cb_subscribe,
            "un": self._cb_unsubscribe,
            "set": self._cb_settings,
            "m": self._cb_menu,
        }.get(prefix)
        if handler is None:
            await self._answer(query)
            return
        answered = await handler(update, rest)
        if not answered:
            await self._answer(query)

    async def on_stale_button(self, update: Update, context: Context) -> None:
        """A button nobody handles (an old message, a removed feature): answer it anyway."""
        if update.callback_query is not None:
            await self._answer(update.callback_query, "This button no longer works.")

    async def _cb_latest(self, update: Update, rest: str) -> bool:
        size, _, page = rest.partition(":")
        if size.isdigit() and page.isdigit():
            await self._show_latest(update, min(int(size), MAX_LATEST) or PAGE_SIZE, int(page))
        return False

    async def _target(self, kind_code: str, key: str) -> Target:
        kind = _CODE_KIND.get(kind_code) or _NAME_KIND.get(kind_code)
        target = await self.services.catalog.target_for(kind, key) if kind else None
        if target is None:
            raise UserError("That choice is no longer available; please ask again.")
        return target

    async def _cb_list(self, update: Update, rest: str) -> bool:
        parts = rest.split(":", 3)
        if len(parts) != 4 or not parts[1].isdigit():
            return False
        kind_code, page, code, key = parts
        target = await self._target(kind_code, key)
        await self._show_target(update, target, _period_text(code), int(page))
        return False

    async def _cb_stats(self, update: Update, rest: str) -> bool:
        parts = rest.split(":", 2)
        if len(parts) != 3:
            return False
        kind_code, code, key = parts
        target = await self._target(kind_code, key)
        chat = update.effective_chat
        timezone = await self._chat_timezone(chat.id) if chat else None
        period_text = _period_text(code)
        period = self.services.queries.parse_period(period_text, timezone) if period_text else None
        result = await self.services.queries.stats(target, period, timezone=timezone)
        await self._send_stats(update, result)
        return False

    async def _cb_search(self, update: Update, rest: str) -> bool:
        token, _, page = rest.partition(":")
        words = self._searches.get(token)
        if words is None or not page.isdigit():
            raise UserError("This list has expired; run /search again.")
        await self._show_search(update, words, int(page))
        return False

    async def _cb_subscribe(self, update: Update, rest: str) -> bool:
        chat_id = await self._ensure_chat(update)
        if not await self._require_change_rights(update):
            return True
        kind_name, _, key = rest.partition(":")
        key, _, threshold = key.partition("@")
        target = await self._target(kind_name, key)
        await self._subscribe(
            update, chat_id, target, int(threshold) if threshold.isdigit() else 0
        )
        if update.callback_query is not None:
            await self._answer(update.callback_query, f"Subscribed to {target.label}"[:190])
        return True

    async def _cb_unsubscribe(self, update: Update, rest: str) -> bool:
        chat_id = await self._ensure_chat(update)
        if not await self._require_change_rights(update):
            return True
        query = update.callback_query
        if rest == "all":
            markup = _keyboard(
                [[_button("Yes, remove all", "un:all:yes"), _button("No, keep them", "un:all:no")]]
            )
            await self._edit_or_send(
                update, "Remove <b>every</b> subscription of this chat?", markup
            )
            return False
        if rest == "all:yes":
            count = await self.services.subscriptions.unsubscribe_all(chat_id)
            await self._edit_or_send(
                update, f"Removed {count} subscription{'s' if count != 1 else ''}."
            )
            return False
        if rest == "all:no":
            await self._show_subscriptions(update, chat_id)
            return False
        if rest.isdigit():
            removed = await self.services.subscriptions.unsubscribe(chat_id, int(rest))
            if query is not None:
                await self._answer(query, "Removed." if removed else "Already removed.")
            await self._show_subscriptions(update, chat_id)
            return True
        return False

    async def _cb_settings(self, update: Update, rest: str) -> bool:
        chat_id = await self._ensure_chat(update)
        if rest == "subs":
            await self._show_subscriptions(update, chat_id)
            return False
        if not await self._require_change_rights(update):
            return True
        chats = self.services.chats
        if rest == "d:off":
            await chats.set_digest_time(chat_id, "off")
        elif rest == "d:on":
            await chats.set_digest_time(chat_id, self.settings.sitrep_default_digest_time)
        elif rest == "q:off":
            await chats.set_quiet(chat_id, "off")
        elif rest == "q:on":
            await chats.set_quiet(chat_id, "22:00-07:00")
        await self._show_settings(update, chat_id)
        return False

    async def _cb_menu(self, update: Update, rest: str) -> bool:
        chat_id = await self._ensure_chat(update)
        if rest == "latest":
            await self._show_latest_new(update)
        elif rest == "sub":
            places = await self.services.subscriptions.recent_places(6)
            buttons = [[_button(f"🔔 {p.label}", f"sub:place:{p.key}")] for p in places]
            await self._send(
                update,
                "Pick a recent place, or type <code>/subscribe</code> and a name.",
                _keyboard(buttons),
            )
        elif rest == "settings":
            view = await self.services.chats.settings(chat_id)
            await self._send(update, render.settings_message(view))
        elif rest == "help":
            user = update.effective_user
            await self._send(update, help_text(self.is_admin(user.id if user else None)))
        return False

    async def _show_latest_new(self, update: Update) -> None:
        result = await self.services.queries.latest(PAGE_SIZE, 1)
        text = render.page_message("Latest incidents", result, empty="No incidents stored yet.")
        await self._send(update, text, self._pager(result, lambda p: f"lt:{PAGE_SIZE}:{p}"))

    # ---- errors --------------------------------------------------------------------------

    async def on_error(self, update: object, context: Context) -> None:
        """Log, tell the admins, and give the user a short apology (never a traceback)."""
        error = context.error
        logger.error("unhandled error while handling an update", exc_info=error)
        summary = redact(f"{type(error).__name__}: {error}") if error else "unknown error"
        try:
            await self.services.admin.record_error(summary[:500])
        except Exception:
            logger.exception("could not record the error")
        if isinstance(update, Update):
            if update.callback_query is not None:
                await _quietly(update.callback_query.answer(APOLOGY[:190], show_alert=True))
            elif update.effective_chat is not None:
                await _quietly(context.bot.send_message(update.effective_chat.id, esc(APOLOGY)))
        if error is None:
            return
        trace = redact(
            "".join(traceback.format_exception(type(error), error, error.__traceback__))
        )
        text = f"<b>Sitrep error</b>\n<pre>{html.escape(trace[-3000:])}</pre>"
        for admin_id in sorted(self.admin_ids):
            if (
                isinstance(update, Update)
                and update.effective_chat
                and update.effective_chat.id == admin_id
            ):
                continue  # the admin already got the apology in this chat
            await _quietly(context.bot.send_message(admin_id, text, parse_mode=ParseMode.HTML))


def context_bot(update: Update) -> Any:
    """The bot an update came through (PTB sets it on every object it builds)."""
    return update.get_bot()


async def _quietly(awaitable: Awaitable[Any]) -> None:
    try:
        await awaitable
    except TelegramError as exc:
        logger.warning("could not send an error notice: %s", exc)


def _forward_source(message: Message) -> tuple[str | None, str | None]:
    """(name, link) of the channel or chat a forwarded post came from, kept as its source."""
    origin = message.forward_origin
    if isinstance(origin, MessageOriginChannel):
        chat = origin.chat
        name = chat.title or (f"@{chat.username}" if chat.username else None)
        # A public channel's post has a stable address: it dedupes and it is citable.
        url = f"https://t.me/{chat.username}/{origin.message_id}" if chat.username else None
        return name, url
    if isinstance(origin, MessageOriginChat):
        return origin.sender_chat.title, None
    return None, None
