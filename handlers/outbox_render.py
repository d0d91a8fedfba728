"""Outbox payloads (typed models written by the services) -> Telegram HTML, by kind."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from bot.domain import (
    AlertPayload,
    ChartPayload,
    CorrectionPayload,
    DigestPayload,
    FeedbackResolvedPayload,
    OutboxMessage,
    ReviewPayload,
    TextPayload,
    UnreadablePayload,
    UpdatePayload,
)
from handlers import render, render_review
from handlers.charts import chart_caption
from handlers.html import esc


def render_outbox(message: OutboxMessage) -> str:
    """The HTML text of one outbox message, whatever its kind."""
    match message.payload:
        case AlertPayload(incidents=[incident], note=note, matched=matched):
            return _followed(
                render.incident_card(incident, header="🚨 New incident", note=note), matched
            ) + render_review.unconfirmed_line(message.payload.unconfirmed_ids)
        case AlertPayload(incidents=incidents, note=note, matched=matched):
            return _followed(
                render.grouped_alert(incidents, note), matched
            ) + render_review.unconfirmed_line(message.payload.unconfirmed_ids)
        case UpdatePayload(incident=incident, note=note, matched=matched):
            return _followed(
                render.incident_card(incident, header="🔄 Update", note=note), matched
            )
        case DigestPayload(digest=digest):
            return render.digest_message(digest)
        case ChartPayload(chart=chart):
            # The caption of the week's chart (a text-only transport shows just this).
            return chart_caption(chart)
        case TextPayload(text=text):
            return esc(text)
        case ReviewPayload():
            return render_review.review_card(message.payload)
        case CorrectionPayload():
            return render_review.correction_message(message.payload)
        case FeedbackResolvedPayload():
            return render_review.feedback_resolved_message(message.payload)
        case UnreadablePayload(error=error):
            msg = f"unreadable outbox payload: {error}"
            raise ValueError(msg)


def outbox_buttons(message: OutboxMessage) -> InlineKeyboardMarkup | None:
    """The buttons under a message: "Report a problem" on alerts, decisions on reviews."""
    match message.payload:
        case AlertPayload(incidents=incidents):
            ids = [incident.id for incident in incidents if incident.id is not None]
            return render_review.report_buttons(ids, None) if ids else None
        case UpdatePayload(incident=incident) if incident.id is not None:
            return render_review.report_buttons([incident.id], None)
        case ReviewPayload(incident=incident, more=more, language=language) if more:
            ids = [i.id for i in (incident, *more) if i.id is not None]
            return render_review.open_buttons(ids, language)
        case ReviewPayload(incident=incident, language=language) if incident.id is not None:
            return render_review.review_buttons(incident.id, language)
        case _:
            return None


def _followed(text: str, matched: list[str]) -> str:
    """Say why this chat got the message: people forget what they subscribed to."""
    if not matched:
        return text
    return text + f"\n🔔 You follow: {esc(', '.join(matched[:5]))}"
