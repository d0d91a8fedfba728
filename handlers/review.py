"""Review from the chat: /review, /review_settings, the review buttons, the answers to
reviewers' questions (toll, place, "Same as #N"), and "Report a problem" for everyone.

Only reviewers (the admins, or anyone in the review group chat) may press review buttons or
answer; anyone else is refused and nothing changes. A question is a message starting with
``QUESTION_MARK``; the reviewer answers by replying to it (text, or a shared location). What
each question asks is kept in ``meta`` under its message, so it survives a restart.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

from telegram import ForceReply, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType as TgChatType
from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.domain import Incident, Location, ReviewPayload
from bot.domain.review import FeedbackKind, ReviewReason
from bot.services.corrections import (
    checked_point,
    parse_place,
    parse_toll,
    supplied_location,
)
from bot.services.review import Decision, Reviewer, ReviewRefused
from handlers import callbacks, names, render_review
from handlers.callbacks import (
    ReportProblem,
    ReviewAction,
    ReviewQueuePage,
    ReviewSettingChoice,
    decode,
)
from handlers.common import AnyApplication, Context, Toolkit, answer, edit_or_send, send
from handlers.html import esc
from handlers.i18n import isolate, join_names, t

logger = logging.getLogger(__name__)

META_QUESTION = "review.ask:{chat}:{message}"
# A reply can overtake the saving of its question (the question is sent, then stored, and
# updates are handled concurrently): a question not found is looked up again after these pauses.
_RECALL_PAUSES = (0.1, 0.3, 0.6)
_INCIDENT_NUMBER = re.compile(r"^\s*#?\s*(\d{1,12})\s*$")


def refusal_text(language: str | None, exc: ReviewRefused) -> str:
    """A refused decision or answer, said plainly (nothing was changed): the service's template
    in ``language``; what the reviewer typed is shown as typed, isolated (numbers as they are)."""
    values: dict[str, object] = {}
    for key, value in exc.values.items():
        if key == "suggestions" and isinstance(value, list | tuple):
            values[key] = join_names(language, [names.place(language, str(v)) for v in value])
        elif isinstance(value, str):
            values[key] = isolate(language, value)
        else:  # incident numbers and limits
            values[key] = value
    return t(language, exc.template, **values)


def _decision_text(language: str | None, verb: str, decision: Decision) -> str:
    incident_id = decision.incident.id
    texts = {
        "ok": t(
            language,
            "✅ Confirmed #{id}: {n} held-back alert(s) queued.",
            id=incident_id,
            n=decision.alerts,
        ),
        "no": t(
            language,
            "❌ #{id} withdrawn: {n} correction(s) queued as replies to its alerts.",
            id=incident_id,
            n=decision.corrections,
        ),
        "toll": t(language, "☠️ Toll of #{id} corrected.", id=incident_id),
        "place": t(
            language,
            "📍 #{id} moved to {place}.",
            id=incident_id,
            place=names.place(language, decision.incident.location.name),
        ),
        "same": t(language, "🔗 Merged into #{id}.", id=incident_id),
        "split": t(language, "✂️ #{id} split off again.", id=incident_id),
    }
    return texts[verb]


def _is_question_reply(message: Any) -> bool:
    reply = getattr(message, "reply_to_message", None)
    sender = getattr(reply, "from_user", None) if reply is not None else None
    text = getattr(reply, "text", None) or ""
    return bool(
        sender is not None and sender.is_bot and text.startswith(render_review.QUESTION_MARK)
    )


class _QuestionReply(filters.MessageFilter):
    """A reply to one of the reviewers' questions."""

    def filter(self, message: Message) -> bool:
        return _is_question_reply(message)


class ReviewHandlers:
    """/review, /review_settings, review buttons and answers, and Report a problem."""

    def __init__(self, kit: Toolkit) -> None:
        """Bind to the shared toolkit."""
        self.kit = kit
        self.review = kit.services.review
        self.corrections = kit.services.corrections

    def register(self, application: AnyApplication) -> None:
        """Add the commands, the buttons and the answer handler (before any other text)."""
        for name, callback in (
            ("review", self.cmd_review),
            ("review_settings", self.cmd_settings),
        ):
            application.add_handler(
                CommandHandler(name, self.kit.safe(callback), filters=filters.UpdateType.MESSAGE)
            )
        application.add_handler(
            CallbackQueryHandler(
                self.kit.safe(self.on_button),
                pattern=callbacks.matching(
                    ReviewAction, ReviewQueuePage, ReportProblem, ReviewSettingChoice
                ),
            )
        )
        application.add_handler(
            MessageHandler(
                filters.UpdateType.MESSAGE
                & _QuestionReply()
                & (filters.TEXT | filters.LOCATION | filters.VENUE)
                & ~filters.COMMAND,
                self.kit.safe(self.on_answer),
            )
        )

    # -- helpers -------------------------------------------------------------------------------

    async def _may_review(self, update: Update) -> bool:
        user, chat = update.effective_user, update.effective_chat
        if self.kit.is_admin(user.id if user else None):
            return True
        return await self.review.may_review(user.id if user else None, chat.id if chat else None)

    @staticmethod
    def _reviewer(update: Update) -> Reviewer:
        user = update.effective_user
        if user is None:
            return Reviewer(0, "")
        return Reviewer(user.id, (user.full_name or user.username or str(user.id))[:100])

    async def _refuse(self, update: Update, language: str, exc: ReviewRefused) -> None:
        text = refusal_text(language, exc)
        if update.callback_query is not None:
            await answer(update.callback_query, text[:190], alert=True)
        else:
            await send(update, esc(text), lang=language)

    # -- commands ------------------------------------------------------------------------------

    async def cmd_review(self, update: Update, context: Context) -> None:
        """/review: what waits for review, oldest first."""
        language = await self.kit.language(update)
        if not await self._may_review(update):
            await self._refuse(update, language, ReviewRefused("not_reviewer"))
            return
        await self._show_page(update, language, 1)

    async def _show_page(self, update: Update, language: str, number: int) -> None:
        page = await self.review.page(number)
        await edit_or_send(
            update,
            render_review.review_page_message(page, language),
            render_review.review_page_buttons(page, language),
            lang=language,
        )

    async def cmd_settings(self, update: Update, context: Context) -> None:
        """/review_settings: who reviews, whether unconfirmed incidents alert, maximum wait."""
        language = await self.kit.language(update)
        if not self.kit.sender_is_admin(update):
            await self._refuse(update, language, ReviewRefused("not_reviewer"))
            return
        await self._show_settings(update, language)

    async def _show_settings(self, update: Update, language: str) -> None:
        settings = await self.review.settings()
        chat = update.effective_chat
        in_group = chat is not None and chat.type != TgChatType.PRIVATE
        await edit_or_send(
            update,
            render_review.settings_message(settings, language),
            render_review.settings_buttons(settings, language, in_group=in_group),
            lang=language,
        )

    # -- buttons -------------------------------------------------------------------------------

    async def on_button(self, update: Update, context: Context) -> None:
        """Every review, report and settings button."""
        query = update.callback_query
        if query is None:
            return
        language = await self.kit.language(update)
        pressed = decode(query.data)
        try:
            if isinstance(pressed, ReportProblem):
                await self._on_report(update, language, pressed)
                return
            if isinstance(pressed, ReviewSettingChoice):
                await self._on_setting(update, language, pressed)
                return
            if not await self._may_review(update):
                raise ReviewRefused("not_reviewer")
            if isinstance(pressed, ReviewQueuePage):
                await answer(query)
                await self._show_page(update, language, pressed.page)
            elif isinstance(pressed, ReviewAction):
                await self._on_action(update, language, pressed)
        except ReviewRefused as exc:
            await self._refuse(update, language, exc)

    async def _on_action(self, update: Update, language: str, pressed: ReviewAction) -> None:
        query = update.callback_query
        assert query is not None
        verb, incident_id = pressed.verb, pressed.incident_id
        reviewer = self._reviewer(update)
        if verb == "show":
            await answer(query)
            await self._send_card(update, language, incident_id)
            return
        if verb in ("toll", "place", "same"):
            incident = await self.review.active(incident_id)  # refused before answering
            await answer(query)
            await self._ask(update, language, verb, incident)
            return
        if verb == "ok":
            decision = await self.review.confirm(incident_id, reviewer)
        elif verb == "no":
            decision = await self.review.retract(incident_id, reviewer)
        else:
            decision = await self._split(incident_id, reviewer)
        await self._done(update, language, verb, decision)

    async def _split(self, incident_id: int, reviewer: Reviewer) -> Decision:
        """Split ``incident_id`` off what it was merged into, or its latest merged-in one."""
        if await self.corrections.merged_into(incident_id) is None:
            links = await self.review.links_into(incident_id)
            if links:
                incident_id = links[-1].absorbed_id
        return await self.corrections.split(incident_id, reviewer)

    async def _send_card(self, update: Update, language: str, incident_id: int) -> None:
        incident = await self.review.incident(incident_id)
        item = await self.review.item(incident_id)
        reason = item.reason if item is not None else ReviewReason.REPORTED
        payload = ReviewPayload(incident=incident, reason=reason.value, language=language)
        await send(
            update,
            render_review.review_card(payload),
            render_review.review_buttons(incident_id, language),
            lang=language,
        )

    async def _done(self, update: Update, language: str, verb: str, decision: Decision) -> None:
        text = _decision_text(language, verb, decision)
        query = update.callback_query
        if query is not None:
            await answer(query, text[:190])
            if query.message is not None:
                try:
                    await query.edit_message_reply_markup(reply_markup=None)
                except TelegramError:
                    logger.debug("could not remove the review buttons")
        await send(update, esc(text) + f"\n/incident {decision.incident.id}", lang=language)

    async def _recall(self, key: str) -> tuple[str, int] | None:
        """The open question a reply answers, waiting briefly for one still being saved."""
        asked = await self.review.recall_question(key)
        for pause in _RECALL_PAUSES:
            if asked is not None:
                break
            await asyncio.sleep(pause)
            asked = await self.review.recall_question(key)
        return asked

    async def _ask(self, update: Update, language: str, verb: str, incident: Incident) -> None:
        chat = update.effective_chat
        if chat is None:
            return
        sent = await update.get_bot().send_message(
            chat_id=chat.id,
            text=render_review.question_text(language, verb, incident),
            parse_mode="HTML",
            reply_markup=ForceReply(),
        )
        user = update.effective_user
        key = META_QUESTION.format(chat=chat.id, message=sent.message_id)
        await self.review.remember_question(key, f"{verb}:{incident.id}:{user.id if user else 0}")

    async def _on_report(self, update: Update, language: str, pressed: ReportProblem) -> None:
        query = update.callback_query
        user, chat = update.effective_user, update.effective_chat
        assert query is not None
        if not pressed.kind:
            await answer(query, t(language, "What is wrong with it?"))
            markup = render_review.problem_kind_buttons(pressed.incident_id, language)
            await _set_markup(query, markup)
            return
        if user is None or chat is None:
            return
        # The reporter hears back in their private chat (a group never learns who reported).
        await self.review.report_problem(
            pressed.incident_id, FeedbackKind(pressed.kind), chat_id=user.id, user_id=user.id
        )
        await answer(
            query,
            t(
                language,
                "Thank you: the reviewers will look at it, and I'll tell you what they decide.",
            ),
            alert=True,
        )
        await _set_markup(query, render_review.report_buttons([pressed.incident_id], language))

    async def _on_setting(
        self, update: Update, language: str, pressed: ReviewSettingChoice
    ) -> None:
        query = update.callback_query
        chat = update.effective_chat
        assert query is not None
        if not self.kit.sender_is_admin(update):
            raise ReviewRefused("not_reviewer")
        if pressed.action == "here" and chat is not None:
            await self.review.set_review_chat(chat.id)
        elif pressed.action == "admins":
            await self.review.set_review_chat(None)
        elif pressed.action in ("alerts-on", "alerts-off"):
            await self.review.set_unconfirmed_alerts(pressed.action == "alerts-on")
        else:
            await self.review.set_max_wait(pressed.hours)
        await answer(query, t(language, "Saved."))
        await self._show_settings(update, language)

    # -- answers -------------------------------------------------------------------------------

    async def on_answer(self, update: Update, context: Context) -> None:
        """A reply to a reviewer's question: the toll, the place or the incident it is like."""
        message, chat = update.effective_message, update.effective_chat
        if message is None or chat is None or message.reply_to_message is None:
            return
        language = await self.kit.language(update)
        try:
            if not await self._may_review(update):
                raise ReviewRefused("not_reviewer")
            key = META_QUESTION.format(chat=chat.id, message=message.reply_to_message.message_id)
            asked = await self._recall(key)
            if asked is None:
                raise ReviewRefused("expired_question")
            verb, incident_id = asked
            decision = await self._apply_answer(verb, incident_id, message, update)
            await self.review.forget_question(key)
        except ReviewRefused as exc:
            await self._refuse(update, language, exc)
            return
        await send(
            update,
            esc(_decision_text(language, verb, decision)) + f"\n/incident {decision.incident.id}",
            lang=language,
        )

    async def _apply_answer(
        self, verb: str, incident_id: int, message: Message, update: Update
    ) -> Decision:
        reviewer = self._reviewer(update)
        if verb == "toll":
            return await self.corrections.correct_toll(
                incident_id, parse_toll(message.text or ""), reviewer
            )
        if verb == "same":
            found = _INCIDENT_NUMBER.match((message.text or "")[:40])
            if found is None:
                raise ReviewRefused("same_form")
            return await self.corrections.merge(incident_id, int(found.group(1)), reviewer)
        location, unknown = await self._answered_place(incident_id, message)
        return await self.corrections.correct_place(
            incident_id, location, reviewer, unknown=unknown
        )

    async def _answered_place(self, incident_id: int, message: Message) -> tuple[Location, bool]:
        shared = message.venue.location if message.venue else message.location
        if shared is not None:
            lat, lon = checked_point(shared.latitude, shared.longitude)
            incident = await self.review.incident(incident_id)
            title = message.venue.title if message.venue else f"{lat:.4f}, {lon:.4f}"
            name = parse_place(title).name if message.venue else title
            return supplied_location(name, lat, lon, incident.location.country), bool(
                message.venue
            )
        return await self.corrections.resolve_place(incident_id, parse_place(message.text or ""))


async def _set_markup(query: Any, markup: InlineKeyboardMarkup | None) -> None:
    """Change the buttons under the pressed message (an old message: leave it)."""
    try:
        await query.edit_message_reply_markup(reply_markup=markup)
    except TelegramError:
        logger.debug("could not change the buttons")
