"""Outbox payloads (typed models written by the services) -> Telegram HTML, by kind."""

from __future__ import annotations

from bot.domain import (
    AlertPayload,
    ChartPayload,
    DigestPayload,
    OutboxMessage,
    TextPayload,
    UnreadablePayload,
    UpdatePayload,
)
from handlers import names, render, render_summary
from handlers.charts import chart_caption
from handlers.html import esc
from handlers.i18n import rtl, t


def render_outbox(message: OutboxMessage, lang: str | None = None) -> str:
    """The HTML text of one outbox message, whatever its kind, in the chat's ``lang``."""
    return rtl(lang, _render(message, lang))


def _render(message: OutboxMessage, lang: str | None) -> str:
    match message.payload:
        case AlertPayload(incidents=[incident], note=note, matched=matched):
            header = t(lang, "🚨 New incident")
            card = render.incident_card(incident, header=header, note=note, lang=lang)
            return _followed(card, matched, lang)
        case AlertPayload(incidents=incidents, note=note, matched=matched):
            return _followed(render.grouped_alert(incidents, note, lang), matched, lang)
        case UpdatePayload(incident=incident, note=note, matched=matched):
            header = t(lang, "🔄 Update")
            card = render.incident_card(incident, header=header, note=note, lang=lang)
            return _followed(card, matched, lang)
        case DigestPayload(digest=digest):
            return render_summary.digest_message(digest, lang)
        case ChartPayload(chart=chart):
            # The caption of the week's chart (a text-only transport shows just this).
            return chart_caption(chart, lang)
        case TextPayload(text=text):
            # Written by the services for admins (feed failures): their own words, as they are.
            return esc(text)
        case UnreadablePayload(error=error):
            msg = f"unreadable outbox payload: {error}"
            raise ValueError(msg)


def _followed(text: str, matched: list[str], lang: str | None) -> str:
    """Say why this chat got the message: people forget what they subscribed to."""
    if not matched:
        return text
    shown = t(lang, ", ").join(names.label(lang, label) for label in matched[:5])
    return text + "\n" + t(lang, "🔔 You follow: {names}", names=esc(shown))
