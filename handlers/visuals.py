"""Pictures in chats: the /stats chart, /map, and an incident's place on Telegram's own map.

Thin like the commands: parse, call one service, draw (handlers.charts, handlers.maps), send.
The text answer always comes first; a picture that cannot be drawn never costs the user it.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.config import Settings
from bot.domain import Incident
from bot.domain.views import StatsResult, Target
from bot.domain.visuals import IncidentMap
from bot.ingest.fetch import FetchError, SafeFetcher
from bot.services.errors import N_, UserError
from bot.services.periods import split_trailing_period
from bot.services.questions import resolve_preferring_city
from bot.services.visuals import VisualService
from handlers import names
from handlers.callbacks import ShowLocation, TargetMap, decode, matching, period_code, period_text
from handlers.charts import chart_caption, render_stats_chart, stats_chart_texts
from handlers.common import (
    AnyApplication,
    Context,
    Toolkit,
    answer,
    button,
    checked_arg,
    keyboard,
    send,
)
from handlers.html import esc
from handlers.i18n import is_rtl, isolate, rtl, t, tn
from handlers.maps import Fetch, TileCache, TileError, render_map

logger = logging.getLogger(__name__)

MAP_DEFAULT_PERIOD = "30d"
MAP_USAGE = N_("/map Basra 30d or /map AAH this week")
MAX_TEXT_POINTS = 15
TILE_ACCEPT = ("image/png", "image/jpeg", "image/webp")


def tile_fetcher(fetcher: SafeFetcher) -> Fetch:
    """Tiles through the project's safe fetching: checked addresses, size cap, timeouts."""

    async def fetch(url: str) -> bytes:
        try:
            result = await fetcher.fetch(url, accept=TILE_ACCEPT)
        except FetchError as exc:
            raise TileError(exc.reason) from None
        return result.content

    return fetch


def build_tiles(settings: Settings, fetcher: SafeFetcher | None = None) -> TileCache:
    """The tile cache for the configured server, fetching with the configured User-Agent."""
    safe = fetcher or SafeFetcher(settings, user_agent=settings.sitrep_tile_user_agent)
    return TileCache(settings.sitrep_tile_url, tile_fetcher(safe), settings.tile_cache_path)


def location_button(incident: Incident, lang: str | None = None) -> InlineKeyboardButton | None:
    """ "📍 On the map" for an incident with coordinates (sends a Telegram venue)."""
    location = incident.location
    if incident.id is None or location.lat is None or location.lon is None:
        return None
    return button(t(lang, "📍 Show on the map"), ShowLocation(incident.id))


def _map_head(incident_map: IncidentMap, lang: str | None) -> str:
    title = esc(names.label(lang, incident_map.title))
    return f"<b>{title}</b>{t(lang, ', ')}{esc(names.period(lang, incident_map.period.label))}"


def map_caption(incident_map: IncidentMap, lang: str | None = None) -> str:
    """The caption under a map: what, when, how many, what was left off."""
    killed = sum(point.killed for point in incident_map.points)
    total = incident_map.total
    counts = tn(lang, "{n} incident", "{n} incidents", total, n=total)
    text = (
        f"{_map_head(incident_map, lang)}: {counts}{t(lang, ', ')}"
        + t(lang, "{n} killed", n=killed)
        + ". "
        + t(lang, "Circles grow with the killed.")
    )
    if incident_map.unlocated:
        text += "\n" + t(
            lang, "{n} without coordinates are not on the map.", n=incident_map.unlocated
        )
    return text


def map_as_text(incident_map: IncidentMap, reason: str, lang: str | None = None) -> str:
    """The answer when tiles cannot be fetched: the same places, as a list."""
    lines = [
        t(
            lang,
            "I couldn't draw the map just now ({reason}). Here are the places instead:",
            reason=esc(isolate(lang, reason)),
        ),
        _map_head(incident_map, lang),
    ]
    ranked = sorted(incident_map.points, key=lambda p: (-p.killed, -p.incidents, p.name))
    for point in ranked[:MAX_TEXT_POINTS]:
        ids = " ".join(f"/incident {i}" for i in point.incident_ids[:3])
        where = isolate(lang, f"({point.lat:.3f}, {point.lon:.3f})")
        counts = tn(lang, "{n} incident", "{n} incidents", point.incidents, n=point.incidents)
        killed = t(lang, "{n} killed", n=point.killed)
        lines.append(
            f"• {esc(names.name(lang, point.name))} {where}: "
            f"{counts}{t(lang, ', ')}{killed} {ids}".rstrip()
        )
    if len(ranked) > MAX_TEXT_POINTS:
        hidden = len(ranked) - MAX_TEXT_POINTS
        lines.append(
            "… " + tn(lang, "and {n} more place.", "and {n} more places.", hidden, n=hidden)
        )
    return "\n".join(lines)


class VisualHandlers:
    """/map, the /stats chart and the incident location button, beside the lookups."""

    def __init__(
        self,
        kit: Toolkit,
        visuals: VisualService,
        tiles: TileCache,
        settings: Settings,
    ) -> None:
        """Resolve and send through ``kit``; draw with ``tiles`` and settings."""
        self.kit = kit
        self.services = kit.services
        self.visuals = visuals
        self.tiles = tiles
        self.attribution = settings.sitrep_tile_attribution

    def register(self, application: AnyApplication) -> None:
        """/map and the map buttons (before the fallbacks)."""
        application.add_handler(
            CommandHandler("map", self.kit.safe(self.cmd_map), filters=filters.UpdateType.MESSAGE)
        )
        application.add_handler(
            CallbackQueryHandler(
                self.kit.safe(self.on_map_button), pattern=matching(ShowLocation, TargetMap)
            )
        )

    # ---- sending pictures ----------------------------------------------------------------

    async def _send_photo(
        self, update: Update, png: bytes, caption: str, lang: str | None = None
    ) -> Message | None:
        caption = rtl(lang, caption)
        chat = update.effective_chat
        if chat is None:
            return None
        message = update.effective_message
        thread = message.message_thread_id if message is not None else None
        return await update.get_bot().send_photo(
            chat_id=chat.id,
            photo=png,
            caption=caption[:1024],
            parse_mode=ParseMode.HTML,
            message_thread_id=thread,
        )

    async def send_stats_chart(self, update: Update, result: StatsResult) -> None:
        """The chart under a /stats answer (nothing to draw: no chart)."""
        series = await self.visuals.stats_series(result)
        if series.empty:
            return
        lang = await self.kit.language(update)
        texts = stats_chart_texts(series, lang)
        try:
            png = await asyncio.to_thread(render_stats_chart, series, texts)
        except Exception:  # the numbers were sent; a drawing bug must not turn into an apology
            logger.exception("could not draw the stats chart")
            return
        await self._send_photo(update, png, chart_caption(series, lang), lang)

    # ---- /map ----------------------------------------------------------------------------

    async def cmd_map(self, update: Update, context: Context) -> None:
        """/map <place|faction> [period]: a map of the incidents, circles sized by killed.

        "Basra" is the city (as in /city); "Basra governorate" the governorate.
        """
        chat_id = await self.kit.ensure_chat(update)
        name, period = split_trailing_period(checked_arg(update))
        timezone = await self.kit.chat_timezone(chat_id)
        self.services.queries.parse_period(period, timezone)  # a typo is told first
        if not name:
            await self.show_map(update, None, period)
            return
        resolution = await resolve_preferring_city(self.services.catalog, name)
        code = period_code(period)
        target = await self.kit.unique_or_choose(
            update,
            resolution,
            lambda o: TargetMap(o.kind, o.key, code),
            t(await self.kit.language(update), MAP_USAGE),
        )
        if target is not None:
            await self.show_map(update, target, period)

    async def show_map(
        self, update: Update, target: Target | None, period_text: str | None
    ) -> None:
        """Draw and send the map of a target (None: everything) in a period (default 30 days)."""
        timezone = await self.kit.update_timezone(update)
        lang = await self.kit.language(update)
        period = self.services.queries.parse_period(period_text or MAP_DEFAULT_PERIOD, timezone)
        incident_map = await self.visuals.incident_map(target, period)
        title = names.label(lang, incident_map.title)
        shown_period = names.period(lang, period.label)
        if not incident_map.points:
            text = t(
                lang,
                "No incidents with a known place for {name}, {period}.",
                name=esc(title),
                period=esc(shown_period),
            )
            if incident_map.total:
                text += " " + t(lang, "({n} without coordinates.)", n=incident_map.total)
            hint = t(lang, "Try a longer period, e.g. {example}", example=t(lang, "/map Basra 1y"))
            await send(update, f"{text}\n<i>{esc(hint)}</i>", lang=lang)
            return
        try:
            png = await render_map(
                incident_map,
                self.tiles,
                self.attribution,
                f"{title} — {shown_period}",
                right_to_left=is_rtl(lang),
            )
        except TileError as exc:
            logger.warning("map tiles unavailable: %s", exc)
            await send(update, map_as_text(incident_map, str(exc), lang), lang=lang)
            return
        await self._send_photo(update, png, map_caption(incident_map, lang), lang)

    @staticmethod
    def incident_markup(
        incident: Incident, lang: str | None = None
    ) -> InlineKeyboardMarkup | None:
        """The keyboard under an incident's record: its place on the map, when it has one."""
        return incident_markup(incident, lang)

    # ---- buttons -------------------------------------------------------------------------

    async def on_map_button(self, update: Update, context: Context) -> None:
        """ "📍 Show on the map" sends the incident's venue; a map button draws a map."""
        query = update.callback_query
        if query is None:
            return
        await answer(query)
        match decode(query.data):
            case ShowLocation(incident_id):
                await self.send_location(update, incident_id)
            case TargetMap(kind, key, code):
                target = await self.kit.target(kind, key)
                await self.show_map(update, target, period_text(code))

    async def send_location(self, update: Update, incident_id: int) -> None:
        """The incident's place as a Telegram venue (opens in the user's map app)."""
        chat = update.effective_chat
        detail = await self.services.queries.incident(incident_id)
        location = detail.incident.location
        if chat is None or location.lat is None or location.lon is None:
            raise UserError("That incident has no coordinates to show.")
        lang = await self.kit.language(update)
        address = t(lang, ", ").join(
            names.name(lang, part)
            for part in (location.admin2, location.admin1, location.country)
            if part
        )
        precision = t(lang, names.GEO_PRECISIONS[location.geo_precision])
        await update.get_bot().send_venue(
            chat_id=chat.id,
            latitude=location.lat,
            longitude=location.lon,
            title=rtl(lang, f"#{incident_id} {names.place(lang, location.name)}")[:64],
            address=rtl(lang, f"{address} ({precision})")[:128],
        )


def incident_markup(incident: Incident, lang: str | None = None) -> InlineKeyboardMarkup | None:
    """The keyboard under an incident's record: its place on the map, when it has one."""
    return keyboard([[location_button(incident, lang)]])
