"""A chat's settings: /settings, /quiet, /timezone, /digest_time, /digest_chart and /digest."""

from __future__ import annotations

from telegram import InlineKeyboardButton, Update
from telegram.ext import CallbackQueryHandler

from bot.services.chats import LANGUAGE_USAGE
from bot.services.errors import N_, UserError
from handlers import render_summary
from handlers.callbacks import ChooseLanguage, SettingsChoice, decode, matching
from handlers.common import (
    AnyApplication,
    Context,
    Toolkit,
    answer,
    button,
    checked_arg,
    edit_or_send,
    keyboard,
    send,
)
from handlers.html import esc
from handlers.i18n import normalize_language, supported_languages, t
from handlers.render_summary import language_name
from handlers.subscriptions import SubscriptionHandlers


def language_buttons(current: str | None) -> list[InlineKeyboardButton | None]:
    """One button per language, each named in itself; the current one ticked."""
    return [
        button(("✓ " if code == current else "") + language_name(code), ChooseLanguage(code))
        for code in supported_languages()
    ]


# The quiet hours the 🌙 button sets: a night, when most people would rather not be woken.
DEFAULT_QUIET_HOURS = "22:00-07:00"


class SettingsHandlers:
    """Per-chat settings, each a command with an example and a button where one helps."""

    def __init__(self, kit: Toolkit, subscriptions: SubscriptionHandlers) -> None:
        """Change settings through ``kit``; the settings' list button shows ``subscriptions``."""
        self.kit = kit
        self.services = kit.services
        self.subscriptions = subscriptions

    def register(self, application: AnyApplication) -> None:
        """The settings commands and the buttons under /settings."""
        commands = {
            "quiet": self.cmd_quiet,
            "timezone": self.cmd_timezone,
            "digest_time": self.cmd_digest_time,
            "digest_chart": self.cmd_digest_chart,
            "digest": self.cmd_digest,
            "settings": self.cmd_settings,
            "language": self.cmd_language,
        }
        self.kit.add_commands(application, commands)
        application.add_handler(
            CallbackQueryHandler(self.kit.safe(self.on_button), pattern=matching(SettingsChoice))
        )
        application.add_handler(
            CallbackQueryHandler(
                self.kit.safe(self.on_language_button), pattern=matching(ChooseLanguage)
            )
        )

    async def cmd_quiet(self, update: Update, context: Context) -> None:
        """/quiet 22:00-07:00 | off."""
        await self.kit.change_setting(
            update, self.services.chats.set_quiet, N_("Example: /quiet 22:00-07:00")
        )

    async def cmd_timezone(self, update: Update, context: Context) -> None:
        """/timezone Asia/Baghdad | a city name."""
        await self.kit.change_setting(
            update, self.services.chats.set_timezone, N_("Example: /timezone Asia/Baghdad")
        )

    async def cmd_digest_time(self, update: Update, context: Context) -> None:
        """/digest_time HH:MM | off."""
        await self.kit.change_setting(
            update, self.services.chats.set_digest_time, N_("Example: /digest_time 07:00")
        )

    async def cmd_digest_chart(self, update: Update, context: Context) -> None:
        """/digest_chart on|off: the week's chart under each daily digest (off by default)."""
        await self.kit.change_setting(
            update, self.services.chats.set_digest_chart, N_("Example: /digest_chart on")
        )

    async def cmd_digest(self, update: Update, context: Context) -> None:
        """/digest: today's digest now."""
        chat_id = await self.kit.ensure_chat(update)
        lang = await self.kit.language(update)
        digest = await self.services.digests.compose(chat_id)
        await send(update, render_summary.digest_message(digest, lang), lang=lang)

    async def cmd_settings(self, update: Update, context: Context) -> None:
        """/settings: overview with buttons."""
        chat_id = await self.kit.ensure_chat(update)
        await self.show_settings(update, chat_id)

    async def show_settings(self, update: Update, chat_id: int, *, buttons: bool = True) -> None:
        """The settings overview (with its buttons unless ``buttons`` is false)."""
        view = await self.services.chats.settings(chat_id)
        lang = view.chat.language
        if not buttons:
            await send(update, render_summary.settings_message(view), lang=lang)
            return
        chat = view.chat
        default_time = self.kit.settings.sitrep_default_digest_time
        digest_button = (
            button(t(lang, "🔕 Digest off"), SettingsChoice("digest-off"))
            if chat.digest_time
            else button(
                t(lang, "🗞 Digest at {time}", time=default_time), SettingsChoice("digest-on")
            )
        )
        quiet_button = (
            button(t(lang, "🔔 Quiet hours off"), SettingsChoice("quiet-off"))
            if chat.quiet_start is not None
            else button(
                t(lang, "🌙 Quiet {hours}", hours=DEFAULT_QUIET_HOURS), SettingsChoice("quiet-on")
            )
        )
        markup = keyboard(
            [
                [digest_button, quiet_button],
                [button(t(lang, "📋 Subscriptions"), SettingsChoice("subscriptions"))],
                language_buttons(lang),
            ]
        )
        await edit_or_send(update, render_summary.settings_message(view), markup, lang=lang)

    # ---- language ------------------------------------------------------------------------

    async def cmd_language(self, update: Update, context: Context) -> None:
        """/language: buttons for each language; /language ar switches at once."""
        chat = await self.kit.chat(update)
        wanted = checked_arg(update)
        if not wanted:
            lang = chat.language
            current = esc(language_name(lang))
            text = t(lang, "Language: {language}", language=f"<b>{current}</b>")
            text += "\n" + t(lang, "Choose the language I answer in:")
            await send(update, text, keyboard([language_buttons(lang)]), lang=lang)
            return
        if not await self.kit.require_change_rights(update):
            return
        await self.set_language(update, chat.id, wanted)

    async def on_language_button(self, update: Update, context: Context) -> None:
        """A language button (under /language or /settings)."""
        query = update.callback_query
        choice = decode(query.data) if query is not None else None
        if query is None or not isinstance(choice, ChooseLanguage):
            return
        chat_id = await self.kit.ensure_chat(update)
        if not await self.kit.require_change_rights(update):
            return
        await self.set_language(update, chat_id, choice.code)
        await answer(query)

    async def set_language(self, update: Update, chat_id: int, wanted: str) -> None:
        """Switch the chat's language and confirm in the new one (unknown: say which exist)."""
        code = wanted.strip().lower().replace("_", "-").split("-", 1)[0]
        code = {"arabic": "ar", "english": "en", "العربية": "ar", "عربي": "ar"}.get(code, code)
        if code not in supported_languages() or normalize_language(code) != code:
            choices = ", ".join(f"{c} ({language_name(c)})" for c in supported_languages())
            raise UserError(
                "I don't speak “{text}” yet. Choose one of: {choices}.",
                values={"text": wanted, "choices": choices},
                usage=LANGUAGE_USAGE,
            )
        await self.services.chats.set_language(chat_id, code)
        view = await self.services.chats.settings(chat_id)
        done = t(code, "✅ I'll answer in {language} from now on.", language=language_name(code))
        await send(update, f"{esc(done)}\n{render_summary.settings_message(view)}", lang=code)

    async def on_button(self, update: Update, context: Context) -> None:
        """A button under /settings: switch the digest or quiet hours, or list subscriptions."""
        query = update.callback_query
        choice = decode(query.data) if query is not None else None
        if query is None or not isinstance(choice, SettingsChoice):
            return
        chat_id = await self.kit.ensure_chat(update)
        if choice.action == "subscriptions":
            await self.subscriptions.show_subscriptions(update, chat_id)
            await answer(query)
            return
        if not await self.kit.require_change_rights(update):
            return
        chats = self.services.chats
        if choice.action == "digest-off":
            await chats.set_digest_time(chat_id, "off")
        elif choice.action == "digest-on":
            await chats.set_digest_time(chat_id, self.kit.settings.sitrep_default_digest_time)
        elif choice.action == "quiet-off":
            await chats.set_quiet(chat_id, "off")
        else:
            await chats.set_quiet(chat_id, DEFAULT_QUIET_HOURS)
        await self.show_settings(update, chat_id)
        await answer(query)
