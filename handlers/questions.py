"""Plain-language questions in a private chat: answered like the matching command.

"what happened in Basra yesterday?" gets "🔎 Showing: Basra, yesterday" and then exactly what
``/city Basra yesterday`` shows. A name that matches nothing gets "did you mean" buttons; text
with no name at all gets example questions and buttons. An admin's forwarded or long pasted
text is still a report to ingest (handed to :meth:`AdminHandlers.on_private_text`).
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import MessageHandler, filters

from bot.domain.views import Target
from bot.domain.visuals import Understanding
from bot.services.errors import N_
from bot.services.questions import QuestionService, describe, looks_like_question
from handlers import names
from handlers.admin import MIN_PASTED_REPORT_WORDS, AdminHandlers
from handlers.callbacks import Callback, Menu, TargetMap, TargetPage, TargetStats, period_code
from handlers.common import AnyApplication, Context, Toolkit, button, keyboard, send
from handlers.html import esc
from handlers.i18n import isolate, t
from handlers.lookups import LookupHandlers
from handlers.menu import help_text
from handlers.visuals import VisualHandlers

EXAMPLES = N_(
    "I didn't understand “{text}”. Ask me like this:\n"
    "• <code>Basra</code> or <code>البصرة</code>\n"
    "• <code>what happened in Mosul yesterday?</code>\n"
    "• <code>clashes in Kirkuk this week</code>\n"
    "• <code>AAH last month</code>\n"
    "• <code>how many killed in Baghdad since Monday</code>\n"
    "• <code>map of Sinjar in August 2022</code>\n"
    "Or use the buttons, or /help for every command."
)
_SHOWING = {
    "stats": N_("🔎 Showing: numbers for {subject}"),
    "map": N_("🔎 Showing: map of {subject}"),
}


def _callback(command: str, target: Target, period: str | None) -> Callback:
    """The button that answers the question for one suggested target."""
    code = period_code(period)
    if command == "stats":
        return TargetStats(target.kind, target.key, code)
    if command == "map":
        return TargetMap(target.kind, target.key, code)
    return TargetPage(target.kind, target.key, code)


class QuestionHandlers:
    """Answers messages without a command in private chats."""

    def __init__(
        self,
        kit: Toolkit,
        questions: QuestionService,
        lookups: LookupHandlers,
        admin: AdminHandlers,
        visuals: VisualHandlers | None = None,
    ) -> None:
        """Answer through the lookups' own rendering, so a question reads like the command."""
        self.kit = kit
        self.questions = questions
        self.lookups = lookups
        self.admin = admin
        self.visuals = visuals

    def register(self, application: AnyApplication) -> None:
        """Private text without a command, before the admin's paste-to-ingest."""
        application.add_handler(
            MessageHandler(
                filters.UpdateType.MESSAGE
                & filters.ChatType.PRIVATE
                & ~filters.COMMAND
                & ~filters.FORWARDED
                & filters.TEXT,
                self.kit.safe(self.on_question),
            )
        )

    async def on_question(self, update: Update, context: Context) -> None:
        """A private text message without a command: a question (or an admin's report)."""
        message = update.effective_message
        user = update.effective_user
        if message is None or not message.text:
            return
        text = message.text.strip()
        is_admin = self.kit.is_admin(user.id if user else None)
        if is_admin and not looks_like_question(text):
            await self.admin.on_private_text(update, context)
            return
        if not looks_like_question(text):
            lang = await self.kit.language(update)
            example = "<code>" + esc(t(lang, "Basra last week")) + "</code>"
            await send(
                update,
                t(
                    lang,
                    "That's long for a question. Ask in a few words, e.g. {example}, "
                    "or see /help.",
                    example=example,
                ),
                lang=lang,
            )
            return
        chat_id = await self.kit.ensure_chat(update)
        timezone = await self.kit.chat_timezone(chat_id)
        understanding = await self.questions.understand(text, timezone)
        if is_admin and self._reads_like_a_report(text, understanding):
            await self.admin.on_private_text(update, context)
            return
        await self.answer(update, context, understanding, timezone)

    @staticmethod
    def _reads_like_a_report(text: str, understanding: Understanding) -> bool:
        """An admin's text that names nothing we know: a report to paste, not a question."""
        resolution = understanding.resolution
        if resolution is None:
            return False
        return len(text.split()) >= MIN_PASTED_REPORT_WORDS or not (
            resolution.matches or resolution.suggestions
        )

    async def answer(
        self, update: Update, context: Context, understanding: Understanding, timezone: str
    ) -> None:
        """Say how the question was understood, then answer like the command."""
        lookups = self.lookups
        question = understanding.question
        lang = await self.kit.language(update)
        if understanding.resolution is not None:
            await self._suggest(update, understanding, lang)
            return
        if understanding.command == "help":
            await send(update, help_text(self.kit.sender_is_admin(update), lang), lang=lang)
            return
        if understanding.command == "incident" and question.incident_id is not None:
            heading = t(lang, "🔎 Showing: incident #{number}", number=question.incident_id)
            await lookups.show_incident(update, question.incident_id, heading=heading)
            return
        await send(update, self._showing(understanding, lang), lang=lang)
        if understanding.command == "latest":
            await lookups.show_latest(update)
        elif understanding.command == "stats":
            result = await lookups.services.queries.stats(
                understanding.target, understanding.period, timezone=timezone
            )
            await lookups.send_stats(update, result)
        elif understanding.command == "map" and self.visuals is not None:
            await self.visuals.show_map(update, understanding.target, question.period)
        elif understanding.target is not None:
            await lookups.show_target(update, understanding.target, question.period, 1)

    @staticmethod
    def _showing(understanding: Understanding, lang: str | None = None) -> str:
        if understanding.command == "latest":
            text = t(lang, "🔎 Showing: the latest incidents")
        else:
            subject = esc(_describe(understanding, lang))
            template = _SHOWING.get(understanding.command, N_("🔎 Showing: {subject}"))
            text = t(lang, template, subject=subject)
        topic = understanding.question.topic
        if topic:
            note = t(
                lang,
                "Every kind of incident is listed, not only “{topic}”.",
                topic=esc(isolate(lang, topic)),
            )
            text += f"\n<i>{note}</i>"
        return text

    async def _suggest(
        self, update: Update, understanding: Understanding, lang: str | None = None
    ) -> None:
        """Unknown or ambiguous name: buttons for the closest matches, else examples."""
        resolution = understanding.resolution
        if resolution is None:
            return
        question = understanding.question
        options = resolution.matches if resolution.ambiguous else resolution.suggestions
        if options:
            command = understanding.command
            await self.kit.choose(
                update,
                resolution,
                lambda o: _callback(command, o, question.period),
                t(lang, "Basra last week"),
            )
            return
        markup = keyboard(
            [
                [
                    button(t(lang, "🗞 Latest incidents"), Menu("latest")),
                    button(t(lang, "❓ Help"), Menu("help")),
                ]
            ]
        )
        text = t(lang, EXAMPLES, text=esc(isolate(lang, (question.subject or question.text)[:80])))
        await send(update, text, markup, lang=lang)


def _describe(understanding: Understanding, lang: str | None) -> str:
    """ "Basra, yesterday" in ``lang`` (``describe`` in the services' English otherwise)."""
    if lang is None or lang == "en":
        return describe(understanding)
    parts: list[str] = []
    if understanding.target is not None:
        parts.append(names.label(lang, understanding.target.label))
    elif understanding.command in ("stats", "map", "latest"):
        parts.append(t(lang, "everywhere"))
    if understanding.period is not None:
        parts.append(names.period(lang, understanding.period.label))
    return t(lang, ", ").join(parts)
