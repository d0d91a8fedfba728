"""Following: /subscribe, /unsubscribe, /subscriptions and their buttons."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler

from bot.domain import Subscription, SubscriptionKind
from bot.domain.views import Target
from bot.services.errors import UserError
from bot.services.subscriptions import split_min_killed
from handlers import render
from handlers.callbacks import Subscribe, Unsubscribe, decode, matching
from handlers.common import (
    AnyApplication,
    Context,
    Toolkit,
    add_commands,
    answer,
    button,
    checked_arg,
    edit_or_send,
    keyboard,
    safe,
    send,
)
from handlers.html import esc

RECENT_PLACES = 6


def unsubscribe_keyboard(subscriptions: Sequence[Subscription]) -> InlineKeyboardMarkup | None:
    """A remove button per subscription, then "Unsubscribe from all"."""
    rows = [
        [button(f"❌ {s.label}", Unsubscribe(subscription_id=s.id))]
        for s in subscriptions
        if s.id is not None
    ]
    if rows:
        rows.append([button("Unsubscribe from all", Unsubscribe(step="ask-all"))])
    return keyboard(rows)


class SubscriptionHandlers:
    """Subscribing a chat to places and factions, and undoing it."""

    def __init__(self, kit: Toolkit) -> None:
        """Answer through ``kit``."""
        self.kit = kit
        self.services = kit.services

    def register(self, application: AnyApplication) -> None:
        """The subscription commands and buttons."""
        commands = {
            "subscribe": self.cmd_subscribe,
            "unsubscribe": self.cmd_unsubscribe,
            "subscriptions": self.cmd_subscriptions,
        }
        add_commands(application, commands)
        application.add_handler(
            CallbackQueryHandler(safe(self.on_button), pattern=matching(Subscribe, Unsubscribe))
        )

    async def recent_places_keyboard(self) -> InlineKeyboardMarkup | None:
        """One "🔔 <place>" button per recently reported place."""
        places = await self.services.subscriptions.recent_places(RECENT_PLACES)
        return keyboard(
            [[button(f"🔔 {p.label}", Subscribe(SubscriptionKind.PLACE, p.key))] for p in places]
        )

    async def cmd_subscribe(self, update: Update, context: Context) -> None:
        """/subscribe <place|faction> [min_killed=N], or a keyboard of recent places."""
        chat_id = await self.kit.ensure_chat(update)
        if not await self.kit.require_change_rights(update):
            return
        text = checked_arg(update)
        if not text:
            await send(
                update,
                "What should I watch? Pick a recent place or type a name, e.g. "
                "<code>/subscribe Basra</code> or <code>/subscribe AAH min_killed=1</code>.",
                await self.recent_places_keyboard(),
            )
            return
        name, min_killed = split_min_killed(text)
        if not name:
            raise UserError("Subscribe to what?", usage="Example: /subscribe Basra")
        target = await self.kit.unique_or_choose(
            update,
            await self.kit.resolve(None, name),
            lambda t: Subscribe(t.kind, t.key, min_killed),
            "/subscribe Basra",
        )
        if target is not None:
            await self.subscribe(update, chat_id, target, min_killed)

    async def subscribe(
        self, update: Update, chat_id: int, target: Target, min_killed: int
    ) -> None:
        """Subscribe and say so, with a link to share the subscription."""
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
        await edit_or_send(update, text)

    async def cmd_unsubscribe(self, update: Update, context: Context) -> None:
        """/unsubscribe <name>, or the list with remove buttons."""
        chat_id = await self.kit.ensure_chat(update)
        if not await self.kit.require_change_rights(update):
            return
        text = checked_arg(update)
        if not text:
            await self.show_subscriptions(update, chat_id)
            return
        subscriptions = await self.services.subscriptions.list(chat_id)
        label = await self._unsubscribe_named(chat_id, text, subscriptions)
        if label is not None:
            await send(update, f"Unsubscribed from <b>{esc(label)}</b>.")
            return
        await send(
            update,
            f"This chat doesn't follow “{esc(text)}”.",
            unsubscribe_keyboard(subscriptions),
        )

    async def _unsubscribe_named(
        self, chat_id: int, text: str, subscriptions: Sequence[Subscription]
    ) -> str | None:
        """Remove the subscription ``text`` names (its label, else what it resolves to)."""
        wanted = text.casefold()
        for subscription in subscriptions:
            if subscription.label.casefold() == wanted and subscription.id is not None:
                await self.services.subscriptions.unsubscribe(chat_id, subscription.id)
                return subscription.label
        resolution = await self.kit.resolve(None, text)
        for target in resolution.matches:
            if await self.services.subscriptions.unsubscribe_target(chat_id, target):
                return target.label
        return None

    async def cmd_subscriptions(self, update: Update, context: Context) -> None:
        """/subscriptions: the list with remove buttons."""
        chat_id = await self.kit.ensure_chat(update)
        await self.show_subscriptions(update, chat_id)

    async def show_subscriptions(self, update: Update, chat_id: int) -> None:
        """What the chat follows, with remove buttons."""
        subscriptions = await self.services.subscriptions.list(chat_id)
        await edit_or_send(
            update,
            render.subscriptions_message(subscriptions),
            unsubscribe_keyboard(subscriptions),
        )

    # ---- buttons -------------------------------------------------------------------------

    async def on_button(self, update: Update, context: Context) -> None:
        """Subscribe and remove buttons (only for those who may change the chat)."""
        query = update.callback_query
        if query is None:
            return
        chat_id = await self.kit.ensure_chat(update)
        if not await self.kit.require_change_rights(update):
            return
        match decode(query.data):
            case Subscribe(kind, key, min_killed):
                target = await self.kit.target(kind, key)
                await self.subscribe(update, chat_id, target, min_killed)
                await answer(query, f"Subscribed to {target.label}"[:190])
                return
            case Unsubscribe(subscription_id, None) if subscription_id is not None:
                removed = await self.services.subscriptions.unsubscribe(chat_id, subscription_id)
                await answer(query, "Removed." if removed else "Already removed.")
                await self.show_subscriptions(update, chat_id)
                return
            case Unsubscribe(_, step):
                await self._remove_all_step(update, chat_id, step)
        await answer(query)

    async def _remove_all_step(self, update: Update, chat_id: int, step: str | None) -> None:
        if step == "ask-all":
            markup = keyboard(
                [
                    [
                        button("Yes, remove all", Unsubscribe(step="all")),
                        button("No, keep them", Unsubscribe(step="keep")),
                    ]
                ]
            )
            await edit_or_send(update, "Remove <b>every</b> subscription of this chat?", markup)
        elif step == "all":
            count = await self.services.subscriptions.unsubscribe_all(chat_id)
            await edit_or_send(update, f"Removed {count} subscription{'s' if count != 1 else ''}.")
        elif step == "keep":
            await self.show_subscriptions(update, chat_id)
