"""What every feature's handlers share: replying, arguments, the chat, rights, buttons, names.

One :class:`Toolkit` is built by the registry with the services and handed to each feature
(lookups, subscriptions, settings, admin, membership, questions, visuals), so none of them
reaches into another's private helpers.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Coroutine, Mapping, Sequence
from typing import Any

from telegram import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    Update,
)
from telegram.constants import ChatMemberStatus, ParseMode
from telegram.constants import ChatType as TgChatType
from telegram.error import BadRequest, TelegramError
from telegram.ext import Application, CommandHandler, ContextTypes, filters

from bot.config import Settings
from bot.domain import Chat, ChatType, SubscriptionKind
from bot.domain.views import IncidentPage, Resolution, Target
from bot.services import Services
from bot.services.errors import N_, UserError
from handlers import callbacks, names, render_summary
from handlers.callbacks import Callback
from handlers.html import esc, split_html
from handlers.i18n import isolate, normalize_language, rtl, t
from handlers.metrics import note_user_error

logger = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE
AnyApplication = Application[Any, Any, Any, Any, Any, Any]
Handler = Callable[[Update, Context], Coroutine[Any, Any, None]]

MAX_ARG_CHARS = 200  # names and periods; longer is a paste, not a question
PAGE_SIZE = 5
GROUP_ADMINS_ONLY = N_(
    "Only this group's administrators can change its subscriptions and settings."
)
_CHAT_TYPES = {
    TgChatType.PRIVATE: ChatType.PRIVATE,
    TgChatType.GROUP: ChatType.GROUP,
    TgChatType.SUPERGROUP: ChatType.SUPERGROUP,
    TgChatType.CHANNEL: ChatType.CHANNEL,
}


def button(text: str, callback: Callback) -> InlineKeyboardButton | None:
    """A button for ``callback`` (None when its data would not fit in 64 bytes)."""
    data = callbacks.encode(callback)
    return InlineKeyboardButton(text[:60], callback_data=data) if data else None


def keyboard(rows: Sequence[Sequence[InlineKeyboardButton | None]]) -> InlineKeyboardMarkup | None:
    """An inline keyboard of the buttons that fit (None when none is left)."""
    cleaned = [[b for b in row if b is not None] for row in rows]
    cleaned = [row for row in cleaned if row]
    return InlineKeyboardMarkup(cleaned) if cleaned else None


def pager(
    page: IncidentPage,
    data_for: Callable[[int], Callback],
    extra: Sequence[InlineKeyboardButton | None] = (),
) -> InlineKeyboardMarkup | None:
    """‹ n/m › under a page of incidents, then the ``extra`` buttons."""
    nav: list[InlineKeyboardButton | None] = []
    if page.has_previous:
        nav.append(button("‹", data_for(page.page - 1)))
    if page.pages > 1:
        nav.append(button(f"{page.page}/{page.pages}", callbacks.Noop()))
    if page.has_next:
        nav.append(button("›", data_for(page.page + 1)))
    return keyboard([nav, list(extra)])


def target_label(target: Target, lang: str | None = None) -> str:
    """ "Basra (city in Basra governorate)", in the chat's language (plain text)."""
    shown = names.label(lang, target.label)
    hint = names.detail(lang, target.detail)
    return f"{shown} ({hint})" if hint else shown


def arg_text(update: Update) -> str:
    """Everything after the command (works for /cmd@botname too)."""
    message = update.effective_message
    text = (message.text or message.caption or "") if message else ""
    parts = text.split(maxsplit=1)
    return parts[1].strip() if len(parts) > 1 else ""


def checked_arg(update: Update, limit: int = MAX_ARG_CHARS) -> str:
    """The argument, refused when over ``limit`` and without control characters."""
    text = arg_text(update)
    if len(text) > limit:
        raise UserError(
            "That is too long for me ({count} characters; at most {limit} here).",
            values={"count": len(text), "limit": limit},
        )
    # Control characters have no place in a name; they only confuse lookups and logs.
    return "".join(ch for ch in text if ch.isprintable() or ch == " ")


async def answer(query: CallbackQuery, text: str | None = None, *, alert: bool = False) -> None:
    """Answer a button press (too old to answer: nothing the user can see anyway)."""
    try:
        await query.answer(text, show_alert=alert)
    except BadRequest:
        logger.debug("callback query could not be answered")


async def quietly(awaitable: Awaitable[Any]) -> None:
    """Send something whose failure must not raise (notices about errors, greetings)."""
    try:
        await awaitable
    except TelegramError as exc:
        logger.warning("could not send a notice: %s", exc)


async def send(
    update: Update,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
    *,
    lang: str | None = None,
) -> Message | None:
    """Reply in the update's chat: split below 4096, buttons under the last part.

    ``lang`` is the language ``text`` is written in (right-to-left lines get their mark).
    """
    chat = update.effective_chat
    if chat is None:
        return None
    parts = split_html(rtl(lang, text)) or ["…"]
    sent: Message | None = None
    thread = update.effective_message.message_thread_id if update.effective_message else None
    for index, part in enumerate(parts):
        sent = await update.get_bot().send_message(
            chat_id=chat.id,
            text=part,
            parse_mode=ParseMode.HTML,
            reply_markup=markup if index == len(parts) - 1 else None,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
            message_thread_id=thread,
        )
    return sent


async def edit_or_send(
    update: Update,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
    *,
    lang: str | None = None,
) -> None:
    """Edit the message a button belongs to (pagination), else send a new one."""
    query = update.callback_query
    if query is not None and query.message is not None:
        parts = split_html(rtl(lang, text)) or ["…"]
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
    await send(update, text, markup, lang=lang)


def error_text(exc: UserError, lang: str | None) -> str:
    """A user's mistake in ``lang`` as plain text (the template translated, then filled).

    The values are what the user typed (isolated from Arabic around them) or, under the name
    ``period``, a period's English label (said in ``lang``).
    """
    values = {
        name: names.period(lang, str(value)) if name == "period" else isolate(lang, str(value))
        for name, value in exc.values.items()
    }
    return t(lang, exc.template, **values)


async def reply_error(update: Update, exc: UserError, lang: str | None = None) -> None:
    """A user's mistake, said politely: the message, "did you mean", the usage."""
    query = update.callback_query
    if query is not None:
        await answer(query, error_text(exc, lang)[:190], alert=True)
        return
    text = esc(error_text(exc, lang))
    if exc.suggestions:
        shown = ", ".join(target_label(target, lang) for target in exc.suggestions[:5])
        text += "\n" + t(lang, "Did you mean: {names}?", names=esc(shown))
    if exc.usage:
        text += f"\n<i>{esc(t(lang, exc.usage))}</i>"
    await send(update, text, lang=lang)


LanguageOf = Callable[[Update], Awaitable[str]]


async def _english(update: Update) -> str:
    return "en"


def safe(handler: Handler, language_of: LanguageOf = _english) -> Handler:
    """Turn UserError into a polite reply (in the chat's language, from ``language_of``);
    everything else reaches the error handler."""

    async def wrapped(update: Update, context: Context) -> None:
        try:
            await handler(update, context)
        except UserError as exc:
            note_user_error()
            await reply_error(update, exc, await language_of(update))

    wrapped.__name__ = getattr(handler, "__name__", "handler")
    return wrapped


def add_commands(
    application: AnyApplication,
    commands: Mapping[str, Handler],
    language_of: LanguageOf = _english,
) -> None:
    """Each command for new messages only (editing an old "/ingest ..." must not repeat it)."""
    for name, callback in commands.items():
        application.add_handler(
            CommandHandler(name, safe(callback, language_of), filters=filters.UpdateType.MESSAGE)
        )


class Toolkit:
    """The services and the helpers that need them, shared by every feature's handlers."""

    def __init__(self, services: Services, settings: Settings, admin_ids: frozenset[int]) -> None:
        """Bind to the services; ``admin_ids`` are Sitrep's admins (settings plus extras)."""
        self.services = services
        self.settings = settings
        self.admin_ids = admin_ids

    def is_admin(self, user_id: int | None) -> bool:
        """True for the bot admins named in settings."""
        return user_id is not None and user_id in self.admin_ids

    def sender_is_admin(self, update: Update) -> bool:
        """True when the update comes from one of Sitrep's admins."""
        user = update.effective_user
        return self.is_admin(user.id if user else None)

    def safe(self, handler: Handler) -> Handler:
        """``handler`` with UserError answered politely in the chat's language."""
        return safe(handler, self.language)

    def add_commands(self, application: AnyApplication, commands: Mapping[str, Handler]) -> None:
        """The ``commands``, each answering mistakes in the chat's language."""
        add_commands(application, commands, self.language)

    async def chat(self, update: Update) -> Chat:
        """Record the update's chat (first contact creates it) and return it.

        A private chat starts in the user's Telegram language when Sitrep speaks it; groups
        start in English until an administrator picks their language.
        """
        chat = update.effective_chat
        if chat is None:
            raise UserError("I can't tell which chat this is.")
        chat_type = _CHAT_TYPES.get(chat.type, ChatType.PRIVATE)  # type: ignore[call-overload]
        user = update.effective_user
        language = (
            normalize_language(user.language_code)
            if chat_type is ChatType.PRIVATE and user is not None
            else None
        )
        return await self.services.chats.ensure_chat(
            chat.id, chat_type, chat.title, language=language
        )

    async def ensure_chat(self, update: Update) -> int:
        """Record the update's chat (first contact creates it) and return its id."""
        return (await self.chat(update)).id

    async def language(self, update: Update) -> str:
        """The interface language of the update's chat (recorded on first contact)."""
        if update.effective_chat is None:
            user = update.effective_user
            return normalize_language(user.language_code if user else None)
        return normalize_language((await self.chat(update)).language)

    async def chat_timezone(self, chat_id: int) -> str:
        """The chat's IANA timezone."""
        return (await self.services.chats.get(chat_id)).timezone

    async def update_timezone(self, update: Update) -> str | None:
        """The timezone of the update's chat (None: no chat)."""
        chat = update.effective_chat
        return await self.chat_timezone(chat.id) if chat else None

    async def may_change(self, update: Update) -> bool:
        """Private chats always; in groups only administrators (or an anonymous admin)."""
        chat = update.effective_chat
        if chat is None:
            return False
        if chat.type == TgChatType.PRIVATE:
            return True
        message = update.effective_message
        if message is not None and message.sender_chat is not None and not update.callback_query:
            # An anonymous administrator posts as the group itself.
            return message.sender_chat.id == chat.id
        user = update.effective_user
        if user is None:
            return False
        if self.is_admin(user.id):
            return True
        try:
            member = await update.get_bot().get_chat_member(chat.id, user.id)
        except TelegramError:
            logger.warning("could not check membership in chat %s", chat.id)
            return False
        return member.status in (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)

    async def require_change_rights(self, update: Update) -> bool:
        """True when the sender may change this chat; else they are told why not."""
        if await self.may_change(update):
            return True
        lang = await self.language(update)
        refusal = t(lang, GROUP_ADMINS_ONLY)
        if update.callback_query is not None:
            await answer(update.callback_query, refusal, alert=True)
        else:
            await send(update, esc(refusal), lang=lang)
        return False

    async def resolve(
        self, kind: SubscriptionKind | None, name: str, chat_id: int | None = None
    ) -> Resolution:
        """A name as a place (preferring the chat's recent countries), governorate or actor."""
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

    async def target(self, kind: SubscriptionKind, key: str) -> Target:
        """The target a button names (gone from the catalogue: a polite error)."""
        target = await self.services.catalog.target_for(kind, key)
        if target is None:
            raise UserError("That choice is no longer available; please ask again.")
        return target

    async def choose(
        self,
        update: Update,
        resolution: Resolution,
        data_for: Callable[[Target], Callback],
        example: str,
    ) -> None:
        """Ambiguous: a keyboard to pick from. Unknown: "did you mean" buttons."""
        lang = await self.language(update)
        options = resolution.matches if resolution.ambiguous else resolution.suggestions
        buttons = [[button(target_label(o, lang), data_for(o))] for o in options[:8]]
        query = esc(isolate(lang, resolution.query))
        if resolution.ambiguous:
            text = t(lang, "“{query}” could mean several things. Which one?", query=query)
        elif options:
            text = t(lang, "I don't know “{query}”. Did you mean:", query=query)
        else:
            text = t(lang, "I don't know “{query}”.", query=query)
            text += "\n<i>" + t(lang, "Example: {example}", example=esc(example)) + "</i>"
        await send(update, text, keyboard(buttons), lang=lang)

    async def unique_or_choose(
        self,
        update: Update,
        resolution: Resolution,
        data_for: Callable[[Target], Callback],
        example: str,
    ) -> Target | None:
        """The one target a name stands for; else the user is asked which (and None)."""
        if resolution.unique is None:
            await self.choose(update, resolution, data_for, example)
        return resolution.unique

    async def change_setting(
        self, update: Update, change: Callable[[int, str], Awaitable[Any]], usage: str
    ) -> None:
        """/quiet, /timezone and the like: no argument shows the settings, one changes them."""
        chat_id = await self.ensure_chat(update)
        if not await self.require_change_rights(update):
            return
        text = checked_arg(update)
        if not text:
            view = await self.services.chats.settings(chat_id)
            lang = view.chat.language
            message = f"{render_summary.settings_message(view)}\n<i>{esc(t(lang, usage))}</i>"
            await send(update, message, lang=lang)
            return
        await change(chat_id, text)
        view = await self.services.chats.settings(chat_id)
        lang = view.chat.language
        await send(
            update, t(lang, "✅ Saved.") + "\n" + render_summary.settings_message(view), lang=lang
        )
