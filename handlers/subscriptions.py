"""Following: /subscribe, /unsubscribe, /subscriptions and their buttons."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler

from bot.domain import Subscription, SubscriptionKind
from bot.domain.views import Target
from bot.services.errors import N_, UserError
from bot.services.subscriptions import split_min_killed
from handlers import names, render_summary
from handlers.callbacks import Subscribe, Unsubscribe, decode, matching
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
from handlers.i18n import isolate, t, tn

RECENT_PLACES = 6


def unsubscribe_keyboard(
    subscriptions: Sequence[Subscription], lang: str | None = None
) -> InlineKeyboardMarkup | None:
    """A remove button per subscription, then "Unsubscribe from all"."""
    rows = [
        [button(f"❌ {names.label(lang, s.label)}", Unsubscribe(subscription_id=s.id))]
        for s in subscriptions
        if s.id is not None
    ]
    if rows:
        rows.append([button(t(lang, "Unsubscribe from all"), Unsubscribe(step="ask-all"))])
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
        self.kit.add_commands(application, commands)
        application.add_handler(
            CallbackQueryHandler(
                self.kit.safe(self.on_button), pattern=matching(Subscribe, Unsubscribe)
            )
        )

    async def recent_places_keyboard(self, lang: str | None = None) -> InlineKeyboardMarkup | None:
        """One "🔔 <place>" button per recently reported place."""
        places = await self.services.subscriptions.recent_places(RECENT_PLACES)
        return keyboard(
            [
                [
                    button(
                        f"🔔 {names.label(lang, p.label)}",
                        Subscribe(SubscriptionKind.PLACE, p.key),
                    )
                ]
                for p in places
            ]
        )

    async def cmd_subscribe(self, update: Update, context: Context) -> None:
        """/subscribe <place|faction> [min_killed=N], or a keyboard of recent places."""
        chat_id = await self.kit.ensure_chat(update)
        if not await self.kit.require_change_rights(update):
            return
        lang = await self.kit.language(update)
        text = checked_arg(update)
        if not text:
            await send(
                update,
                t(
                    lang,
                    "What should I watch? Pick a recent place or type a name, e.g. {first} or "
                    "{second}.",
                    first="<code>" + esc(t(lang, names.EXAMPLE_SUBSCRIBE)) + "</code>",
                    second="<code>" + esc(t(lang, names.EXAMPLE_SUBSCRIBE_FACTION)) + "</code>",
                ),
                await self.recent_places_keyboard(lang),
                lang=lang,
            )
            return
        name, min_killed = split_min_killed(text)
        if not name:
            raise UserError("Subscribe to what?", usage=N_("Example: /subscribe Basra"))
        target = await self.kit.unique_or_choose(
            update,
            await self.kit.resolve(None, name),
            lambda o: Subscribe(o.kind, o.key, min_killed),
            t(lang, "/subscribe Basra"),
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
        chat = await self.services.chats.get(chat_id)
        lang = chat.language
        threshold = (
            " "
            + t(
                lang,
                "(only incidents with at least {n} killed)",
                n=subscription.min_killed,
            )
            if subscription.min_killed
            else ""
        )
        if created:
            text = render_summary.subscribed_message(
                subscription.label, threshold, chat, lang=lang
            )
        else:
            shown = f"<b>{esc(names.label(lang, subscription.label))}</b>{esc(threshold)}"
            text = t(lang, "You already follow {name}.", name=shown)
        payload = self.services.subscriptions.payload_for(target)
        username = update.get_bot().username if payload else None
        if payload and username:
            link = f"https://t.me/{username}?start={payload}"
            text += "\n" + t(
                lang, "Share: {link}", link=isolate(lang, f"<code>{esc(link)}</code>")
            )
        await edit_or_send(update, text, lang=lang)

    async def cmd_unsubscribe(self, update: Update, context: Context) -> None:
        """/unsubscribe <name>, or the list with remove buttons."""
        chat_id = await self.kit.ensure_chat(update)
        if not await self.kit.require_change_rights(update):
            return
        text = checked_arg(update)
        if not text:
            await self.show_subscriptions(update, chat_id)
            return
        lang = await self.kit.language(update)
        subscriptions = await self.services.subscriptions.list(chat_id)
        label = await self._unsubscribe_named(chat_id, text, subscriptions)
        if label is not None:
            shown = f"<b>{esc(names.label(lang, label))}</b>"
            await send(update, t(lang, "Unsubscribed from {name}.", name=shown), lang=lang)
            return
        await send(
            update,
            t(lang, "This chat doesn't follow “{name}”.", name=esc(isolate(lang, text))),
            unsubscribe_keyboard(subscriptions, lang),
            lang=lang,
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
        lang = await self.kit.language(update)
        subscriptions = await self.services.subscriptions.list(chat_id)
        await edit_or_send(
            update,
            render_summary.subscriptions_message(subscriptions, lang),
            unsubscribe_keyboard(subscriptions, lang),
            lang=lang,
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
        lang = await self.kit.language(update)
        match decode(query.data):
            case Subscribe(kind, key, min_killed):
                target = await self.kit.target(kind, key)
                await self.subscribe(update, chat_id, target, min_killed)
                shown = names.label(lang, target.label)
                await answer(query, t(lang, "Subscribed to {name}", name=shown)[:190])
                return
            case Unsubscribe(subscription_id, None) if subscription_id is not None:
                removed = await self.services.subscriptions.unsubscribe(chat_id, subscription_id)
                await answer(
                    query, t(lang, "Removed.") if removed else t(lang, "Already removed.")
                )
                await self.show_subscriptions(update, chat_id)
                return
            case Unsubscribe(_, step):
                await self._remove_all_step(update, chat_id, step)
        await answer(query)

    async def _remove_all_step(self, update: Update, chat_id: int, step: str | None) -> None:
        lang = await self.kit.language(update)
        if step == "ask-all":
            markup = keyboard(
                [
                    [
                        button(t(lang, "Yes, remove all"), Unsubscribe(step="all")),
                        button(t(lang, "No, keep them"), Unsubscribe(step="keep")),
                    ]
                ]
            )
            question = t(lang, "Remove <b>every</b> subscription of this chat?")
            await edit_or_send(update, question, markup, lang=lang)
        elif step == "all":
            count = await self.services.subscriptions.unsubscribe_all(chat_id)
            text = tn(
                lang, "Removed {n} subscription.", "Removed {n} subscriptions.", count, n=count
            )
            await edit_or_send(update, text, lang=lang)
        elif step == "keep":
            await self.show_subscriptions(update, chat_id)
