"""A chat's settings: /settings, /quiet, /timezone, /digest_time, /digest_chart and /digest."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler

from handlers import render
from handlers.callbacks import SettingsChoice, decode, matching
from handlers.common import (
    AnyApplication,
    Context,
    Toolkit,
    add_commands,
    answer,
    button,
    edit_or_send,
    keyboard,
    safe,
    send,
)
from handlers.subscriptions import SubscriptionHandlers

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
        }
        add_commands(application, commands)
        application.add_handler(
            CallbackQueryHandler(safe(self.on_button), pattern=matching(SettingsChoice))
        )

    async def cmd_quiet(self, update: Update, context: Context) -> None:
        """/quiet 22:00-07:00 | off."""
        await self.kit.change_setting(
            update, self.services.chats.set_quiet, "Example: /quiet 22:00-07:00"
        )

    async def cmd_timezone(self, update: Update, context: Context) -> None:
        """/timezone Asia/Baghdad | a city name."""
        await self.kit.change_setting(
            update, self.services.chats.set_timezone, "Example: /timezone Asia/Baghdad"
        )

    async def cmd_digest_time(self, update: Update, context: Context) -> None:
        """/digest_time HH:MM | off."""
        await self.kit.change_setting(
            update, self.services.chats.set_digest_time, "Example: /digest_time 07:00"
        )

    async def cmd_digest_chart(self, update: Update, context: Context) -> None:
        """/digest_chart on|off: the week's chart under each daily digest (off by default)."""
        await self.kit.change_setting(
            update, self.services.chats.set_digest_chart, "Example: /digest_chart on"
        )

    async def cmd_digest(self, update: Update, context: Context) -> None:
        """/digest: today's digest now."""
        chat_id = await self.kit.ensure_chat(update)
        digest = await self.services.digests.compose(chat_id)
        await send(update, render.digest_message(digest))

    async def cmd_settings(self, update: Update, context: Context) -> None:
        """/settings: overview with buttons."""
        chat_id = await self.kit.ensure_chat(update)
        await self.show_settings(update, chat_id)

    async def show_settings(self, update: Update, chat_id: int, *, buttons: bool = True) -> None:
        """The settings overview (with its buttons unless ``buttons`` is false)."""
        view = await self.services.chats.settings(chat_id)
        if not buttons:
            await send(update, render.settings_message(view))
            return
        chat = view.chat
        default_time = self.kit.settings.sitrep_default_digest_time
        digest_button = (
            button("🔕 Digest off", SettingsChoice("digest-off"))
            if chat.digest_time
            else button(f"🗞 Digest at {default_time}", SettingsChoice("digest-on"))
        )
        quiet_button = (
            button("🔔 Quiet hours off", SettingsChoice("quiet-off"))
            if chat.quiet_start is not None
            else button(f"🌙 Quiet {DEFAULT_QUIET_HOURS}", SettingsChoice("quiet-on"))
        )
        markup = keyboard(
            [
                [digest_button, quiet_button],
                [button("📋 Subscriptions", SettingsChoice("subscriptions"))],
            ]
        )
        await edit_or_send(update, render.settings_message(view), markup)

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
