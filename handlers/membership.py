"""The bot's own membership: blocked, removed, added, and groups that became supergroups."""

from __future__ import annotations

import logging

from telegram import ChatMemberUpdated, Update
from telegram.constants import ChatMemberStatus, ParseMode
from telegram.constants import ChatType as TgChatType
from telegram.ext import ChatMemberHandler, MessageHandler, filters

from handlers.callbacks import ChooseLanguage
from handlers.common import AnyApplication, Context, Toolkit, button, keyboard, quietly
from handlers.i18n import rtl, supported_languages, t
from handlers.menu import greeting
from handlers.render_summary import language_name

logger = logging.getLogger(__name__)

_OUT = (ChatMemberStatus.LEFT, ChatMemberStatus.BANNED)
_IN = (ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR)


class MembershipHandlers:
    """Stop sending where the bot is no longer welcome; start again where it is."""

    def __init__(self, kit: Toolkit) -> None:
        """Record chats through ``kit``."""
        self.kit = kit
        self.chats = kit.services.chats

    def register(self, application: AnyApplication) -> None:
        """The bot's membership changes and group migrations (a later group: never shadowed)."""
        application.add_handler(
            ChatMemberHandler(self.on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER)
        )
        application.add_handler(
            MessageHandler(filters.StatusUpdate.MIGRATE, self.on_migrate), group=2
        )

    async def on_my_chat_member(self, update: Update, context: Context) -> None:
        """Blocked or removed: stop sending. Added or unblocked: start again."""
        change: ChatMemberUpdated | None = update.my_chat_member
        if change is None:
            return
        chat = change.chat
        status = change.new_chat_member.status
        if status in _OUT:
            dropped = await self.chats.deactivate(chat.id, f"bot {status}")
            logger.info("chat %s: bot %s; %d queued messages dropped", chat.id, status, dropped)
        elif status in _IN:
            lang = (await self.kit.chat(update)).language
            await self.chats.reactivate(chat.id)
            was_out = change.old_chat_member.status in _OUT
            if was_out and chat.type in (TgChatType.GROUP, TgChatType.SUPERGROUP):
                rule = t(
                    lang,
                    "In groups, only administrators change subscriptions and the language "
                    "(/language).",
                )
                # The other languages as buttons, each named in itself (admins may press them).
                choices = keyboard(
                    [
                        [
                            button(f"🌐 {language_name(code)}", ChooseLanguage(code))
                            for code in supported_languages()
                            if code != lang
                        ]
                    ]
                )
                await quietly(
                    context.bot.send_message(
                        chat.id,
                        rtl(lang, f"{greeting(lang)}\n{rule}"),
                        parse_mode=ParseMode.HTML,
                        reply_markup=choices,
                    )
                )

    async def on_migrate(self, update: Update, context: Context) -> None:
        """A group became a supergroup: keep its subscriptions under the new id."""
        message = update.effective_message
        if message is not None and message.migrate_to_chat_id:
            await self.chats.migrate(message.chat.id, message.migrate_to_chat_id)
