"""Asking: /latest, /city, /province, /faction, /incident, /stats, /search and their pages."""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from typing import TYPE_CHECKING

from telegram import Update
from telegram.ext import CallbackQueryHandler

from bot.domain import SubscriptionKind
from bot.domain.views import StatsResult, Target
from bot.services.errors import N_, UserError
from bot.services.periods import split_trailing_period
from handlers import names, render, render_review, render_summary
from handlers.callbacks import (
    LatestPage,
    SearchPage,
    Subscribe,
    TargetPage,
    TargetStats,
    decode,
    matching,
    period_code,
    period_text,
)
from handlers.common import (
    PAGE_SIZE,
    AnyApplication,
    Context,
    Toolkit,
    answer,
    button,
    checked_arg,
    edit_or_send,
    pager,
    send,
)
from handlers.i18n import isolate, t

if TYPE_CHECKING:
    from handlers.visuals import VisualHandlers

MAX_LATEST = 50
MAX_SEARCH_CHARS = 300
_SEARCHES_KEPT = 500
_LIST_COMMAND = {
    SubscriptionKind.PLACE: "city",
    SubscriptionKind.ADMIN1: "province",
    SubscriptionKind.ACTOR: "faction",
}


def _period_phrase(label: str, lang: str | None) -> str:
    """ "last 7 days" -> "in the last 7 days"; "2022-08-29" -> "on 2022-08-29"."""
    shown = names.period(lang, label)
    if label.startswith("last "):
        return t(lang, "in the {period}", period=shown)
    if label[:1].isdigit():
        if " to " in label:
            return t(lang, "from {period}", period=shown)
        return t(lang, "on {period}", period=shown)
    return shown


class SearchMemory:
    """The words behind each search's page buttons (a short token fits in callback data)."""

    def __init__(self, size: int = _SEARCHES_KEPT) -> None:
        """Keep the ``size`` most recent searches."""
        self._size = size
        self._words: OrderedDict[str, str] = OrderedDict()

    def remember(self, words: str) -> str:
        """The token for ``words``."""
        token = hashlib.sha1(words.encode(), usedforsecurity=False).hexdigest()[:10]
        self._words[token] = words
        self._words.move_to_end(token)
        while len(self._words) > self._size:
            self._words.popitem(last=False)
        return token

    def recall(self, token: str) -> str | None:
        """The words of a token, or None once forgotten."""
        return self._words.get(token)


class LookupHandlers:
    """Commands that show incidents, and the buttons that page through them."""

    def __init__(self, kit: Toolkit, visuals: VisualHandlers | None = None) -> None:
        """Answer through ``kit``; ``visuals`` adds charts and map buttons when wired in."""
        self.kit = kit
        self.services = kit.services
        self.visuals = visuals
        self.searches = SearchMemory()

    def register(self, application: AnyApplication) -> None:
        """The lookup commands and their page buttons."""
        commands = {
            "latest": self.cmd_latest,
            "city": self.cmd_city,
            "province": self.cmd_province,
            "faction": self.cmd_faction,
            "incident": self.cmd_incident,
            "stats": self.cmd_stats,
            "search": self.cmd_search,
        }
        self.kit.add_commands(application, commands)
        pattern = matching(LatestPage, TargetPage, TargetStats, SearchPage)
        application.add_handler(
            CallbackQueryHandler(self.kit.safe(self.on_button), pattern=pattern)
        )

    # ---- commands ------------------------------------------------------------------------

    async def cmd_latest(self, update: Update, context: Context) -> None:
        """/latest [N]: the newest incidents."""
        await self.kit.ensure_chat(update)
        arg = checked_arg(update)
        size = PAGE_SIZE
        if arg:
            if not arg.isdigit() or not 1 <= int(arg) <= MAX_LATEST:
                raise UserError(
                    "/latest takes a number from 1 to {most}.",
                    values={"most": MAX_LATEST},
                    usage=N_("Example: /latest 10"),
                )
            size = int(arg)
        await self.show_latest(update, size, 1)

    async def show_latest(
        self, update: Update, size: int = PAGE_SIZE, page: int = 1, *, edit: bool = True
    ) -> None:
        """A page of the newest incidents (``edit``: in place of a pressed button's message)."""
        lang = await self.kit.language(update)
        result = await self.services.queries.latest(size, page)
        text = render.page_message(
            t(lang, "Latest incidents"),
            result,
            empty=t(lang, "No incidents stored yet."),
            lang=lang,
        )
        markup = pager(result, lambda p: LatestPage(size, p))
        await (edit_or_send if edit else send)(update, text, markup, lang=lang)

    async def cmd_city(self, update: Update, context: Context) -> None:
        """/city <name> [period]."""
        await self._lookup(update, SubscriptionKind.PLACE, N_("/city Basra 7d"))

    async def cmd_province(self, update: Update, context: Context) -> None:
        """/province <name> [period]."""
        await self._lookup(update, SubscriptionKind.ADMIN1, N_("/province Basra 30d"))

    async def cmd_faction(self, update: Update, context: Context) -> None:
        """/faction <name> [period]."""
        await self._lookup(update, SubscriptionKind.ACTOR, N_("/faction AAH 30d"))

    async def _lookup(self, update: Update, kind: SubscriptionKind, example: str) -> None:
        chat_id = await self.kit.ensure_chat(update)
        lang = await self.kit.language(update)
        example = t(lang, example)
        name, period = split_trailing_period(checked_arg(update))
        if not name:
            raise UserError(
                "Tell me which one.", usage=t(lang, "Example: {example}", example=example)
            )
        # Validate the period before resolving, so a typo there is reported as such.
        self.services.queries.parse_period(period, await self.kit.chat_timezone(chat_id))
        resolution = await self.kit.resolve(kind, name, chat_id)
        code = period_code(period)
        target = await self.kit.unique_or_choose(
            update, resolution, lambda t: TargetPage(t.kind, t.key, code), example
        )
        if target is not None:
            await self.show_target(update, target, period, 1)

    async def show_target(
        self, update: Update, target: Target, period_text: str | None, page: int
    ) -> None:
        """A page of a target's incidents, with subscribe, stats and page buttons."""
        timezone = await self.kit.update_timezone(update)
        lang = await self.kit.language(update)
        queries = self.services.queries
        period = queries.parse_period(period_text, timezone) if period_text else None
        result = await queries.for_target(target, period, page, PAGE_SIZE)
        title = names.label(lang, target.label)
        empty = t(lang, "No incidents recorded for {name}.", name=title)
        if period is not None:
            # "0 incidents" in the last week must not read as "never": point to the archive.
            phrase = _period_phrase(period.label, lang)
            empty = (
                t(lang, "Nothing recorded for {name} {period}.", name=title, period=phrase)
                + "\n"
                + t(
                    lang,
                    "Every incident: {command}",
                    command=f"/{_LIST_COMMAND[target.kind]} {title}",
                )
            )
        code = period_code(period_text)
        subscribe = button(
            t(lang, "🔔 Subscribe to {name}", name=title), Subscribe(target.kind, target.key)
        )
        stats = button(t(lang, "📊 Stats"), TargetStats(target.kind, target.key, code))
        markup = pager(
            result, lambda p: TargetPage(target.kind, target.key, code, p), [subscribe, stats]
        )
        text = render.page_message(title, result, empty=empty, lang=lang)
        await edit_or_send(update, text, markup, lang=lang)

    async def cmd_incident(self, update: Update, context: Context) -> None:
        """/incident <id>: the full record."""
        await self.kit.ensure_chat(update)
        arg = checked_arg(update).lstrip("#")
        if not arg.isdigit() or len(arg) > 12:
            raise UserError("Which incident? Give its number.", usage=N_("Example: /incident 12"))
        await self.show_incident(update, int(arg))

    async def show_incident(
        self, update: Update, incident_id: int, *, heading: str | None = None
    ) -> None:
        """The full record of one incident (with its place on the map, when known)."""
        lang = await self.kit.language(update)
        detail = await self.services.queries.incident(incident_id)
        if heading is not None:
            await send(update, heading, lang=lang)
        markup = self.visuals.incident_markup(detail.incident, lang) if self.visuals else None
        text = render.incident_detail(
            detail.incident, detail.revisions, min_confidence=detail.min_confidence, lang=lang
        )
        text = render_review.with_review_history(detail.incident, detail.revisions, text, lang)
        markup = render_review.with_report_button(markup, detail.incident, lang)
        await send(update, text, markup, lang=lang)

    async def cmd_stats(self, update: Update, context: Context) -> None:
        """/stats [place|faction] [period]."""
        chat_id = await self.kit.ensure_chat(update)
        name, period_text = split_trailing_period(checked_arg(update))
        timezone = await self.kit.chat_timezone(chat_id)
        queries = self.services.queries
        period = queries.parse_period(period_text, timezone) if period_text else None
        target = None
        if name:
            code = period_code(period_text)
            target = await self.kit.unique_or_choose(
                update,
                await self.kit.resolve(None, name),
                lambda t: TargetStats(t.kind, t.key, code),
                t(await self.kit.language(update), "/stats Basra 30d"),
            )
            if target is None:
                return
        await self.send_stats(update, await queries.stats(target, period, timezone=timezone))

    async def send_stats(self, update: Update, result: StatsResult) -> None:
        """The numbers, then the chart (when charts are wired in)."""
        lang = await self.kit.language(update)
        await send(update, render_summary.stats_message(result, lang), lang=lang)
        if self.visuals is not None:
            await self.visuals.send_stats_chart(update, result)

    async def cmd_search(self, update: Update, context: Context) -> None:
        """/search <words>: full-text search."""
        await self.kit.ensure_chat(update)
        await self.show_search(update, checked_arg(update, MAX_SEARCH_CHARS), 1)

    async def show_search(self, update: Update, words: str, page: int) -> None:
        """A page of search results."""
        lang = await self.kit.language(update)
        result = await self.services.queries.search(words, page, PAGE_SIZE)
        token = self.searches.remember(words)
        title = t(lang, "Search: {words}", words=isolate(lang, words))
        text = render.page_message(title, result, empty=t(lang, "Nothing matches."), lang=lang)
        markup = pager(result, lambda p: SearchPage(token, p))
        await edit_or_send(update, text, markup, lang=lang)

    # ---- buttons -------------------------------------------------------------------------

    async def on_button(self, update: Update, context: Context) -> None:
        """A page, stats or search button; always answers the callback query."""
        query = update.callback_query
        if query is None:
            return
        match decode(query.data):
            case LatestPage(size, page):
                await self.show_latest(update, min(size, MAX_LATEST) or PAGE_SIZE, page)
            case TargetPage(kind, key, code, page):
                target = await self.kit.target(kind, key)
                await self.show_target(update, target, period_text(code), page)
            case TargetStats(kind, key, code):
                target = await self.kit.target(kind, key)
                await self.show_stats_of(update, target, period_text(code))
            case SearchPage(token, page):
                words = self.searches.recall(token)
                if words is None:
                    raise UserError("This list has expired; run /search again.")
                await self.show_search(update, words, page)
        await answer(query)

    async def show_stats_of(self, update: Update, target: Target, period_text: str | None) -> None:
        """The numbers of one target in a period."""
        timezone = await self.kit.update_timezone(update)
        queries = self.services.queries
        period = queries.parse_period(period_text, timezone) if period_text else None
        await self.send_stats(update, await queries.stats(target, period, timezone=timezone))
