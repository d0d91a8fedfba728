"""Plain-language questions in a private chat: answered like the matching command.

"what happened in Basra yesterday?" gets "🔎 Showing: Basra, yesterday" and then exactly what
``/city Basra yesterday`` shows. A name that matches nothing gets "did you mean" buttons; text
with no name at all gets example questions and buttons. An admin's forwarded or long pasted
text is still a report to ingest (handed to :meth:`BotHandlers.on_private_text`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.domain import SubscriptionKind
from bot.domain.views import Target
from bot.domain.visuals import Understanding
from bot.services.questions import QuestionService, describe, looks_like_question
from handlers import render
from handlers.html import esc

if TYPE_CHECKING:
    from handlers.commands import BotHandlers, Context

PAGE_SIZE = 5
MIN_PASTED_REPORT_WORDS = 8  # an admin's text this long that is no question is a report
_KIND_CODE = {
    SubscriptionKind.PLACE: "p",
    SubscriptionKind.ADMIN1: "a",
    SubscriptionKind.ACTOR: "f",
}
EXAMPLES = (
    "I didn't understand “{text}”. Ask me like this:\n"
    "• <code>Basra</code> or <code>البصرة</code>\n"
    "• <code>what happened in Mosul yesterday?</code>\n"
    "• <code>clashes in Kirkuk this week</code>\n"
    "• <code>AAH last month</code>\n"
    "• <code>how many killed in Baghdad since Monday</code>\n"
    "• <code>map of Sinjar in August 2022</code>\n"
    "Or use the buttons, or /help for every command."
)


def _code(period: str | None) -> str:
    return (period or "").replace(" ", "_").replace(":", "")[:24]


def _callback(command: str, target: Target, period: str | None) -> str:
    """The button that answers the question for one suggested target."""
    kind = _KIND_CODE[target.kind]
    if command == "stats":
        return f"st:{kind}:{_code(period)}:{target.key}"
    if command == "map":
        return f"mp:{kind}:{_code(period)}:{target.key}"
    return f"ls:{kind}:1:{_code(period)}:{target.key}"


class QuestionHandlers:
    """Answers messages without a command in private chats."""

    def __init__(self, commands: BotHandlers, questions: QuestionService) -> None:
        """Answer through the commands' own rendering, so a question reads like the command."""
        self.commands = commands
        self.questions = questions

    async def on_question(self, update: Update, context: Context) -> None:
        """A private text message without a command: a question (or an admin's report)."""
        message = update.effective_message
        user = update.effective_user
        if message is None or not message.text:
            return
        commands = self.commands
        text = message.text.strip()
        is_admin = commands.is_admin(user.id if user else None)
        if is_admin and not looks_like_question(text):
            await commands.on_private_text(update, context)
            return
        if not looks_like_question(text):
            await commands._send(
                update,
                "That's long for a question. Ask in a few words, e.g. "
                "<code>Basra last week</code>, or see /help.",
            )
            return
        chat_id = await commands._ensure_chat(update)
        timezone = await commands._chat_timezone(chat_id)
        understanding = await self.questions.understand(text, timezone)
        if is_admin and self._reads_like_a_report(text, understanding):
            await commands.on_private_text(update, context)
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
        commands = self.commands
        question = understanding.question
        if understanding.resolution is not None:
            await self._suggest(update, understanding)
            return
        if understanding.command == "help":
            await commands.cmd_help(update, context)
            return
        if understanding.command == "incident" and question.incident_id is not None:
            detail = await commands.services.queries.incident(question.incident_id)
            await commands._send(update, f"🔎 Showing: incident #{question.incident_id}")
            markup = (
                commands.visuals.incident_markup(detail.incident) if commands.visuals else None
            )
            await commands._send(
                update, render.incident_detail(detail.incident, detail.revisions), markup
            )
            return
        await commands._send(update, self._showing(understanding))
        if understanding.command == "latest":
            await commands._show_latest(update, PAGE_SIZE, 1)
        elif understanding.command == "stats":
            result = await commands.services.queries.stats(
                understanding.target, understanding.period, timezone=timezone
            )
            await commands._send_stats(update, result)
        elif understanding.command == "map" and commands.visuals is not None:
            await commands.visuals.show_map(update, understanding.target, question.period)
        elif understanding.target is not None:
            await commands._show_target(update, understanding.target, question.period, 1)

    @staticmethod
    def _showing(understanding: Understanding) -> str:
        what = {"stats": "numbers for ", "map": "map of ", "latest": "the latest incidents"}
        summary = describe(understanding)
        if understanding.command == "latest":
            text = f"🔎 Showing: {what['latest']}"
        else:
            text = f"🔎 Showing: {what.get(understanding.command, '')}{esc(summary)}"
        topic = understanding.question.topic
        if topic:
            text += f"\n<i>Every kind of incident is listed, not only “{esc(topic)}”.</i>"
        return text

    async def _suggest(self, update: Update, understanding: Understanding) -> None:
        """Unknown or ambiguous name: buttons for the closest matches, else examples."""
        resolution = understanding.resolution
        if resolution is None:
            return
        commands = self.commands
        question = understanding.question
        options = resolution.matches if resolution.ambiguous else resolution.suggestions
        if options:
            command = understanding.command
            await commands._choose(
                update,
                resolution,
                lambda t: _callback(command, t, question.period),
                "Basra last week",
            )
            return
        markup = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton("🗞 Latest incidents", callback_data="m:latest"),
                    InlineKeyboardButton("❓ Help", callback_data="m:help"),
                ]
            ]
        )
        await commands._send(
            update, EXAMPLES.format(text=esc(question.subject or question.text)[:80]), markup
        )
