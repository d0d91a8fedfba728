"""Outbox payloads (typed models written by the services) -> Telegram HTML, by kind."""

from __future__ import annotations

import re
from typing import Any

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
from bot.domain.marks import N_
from handlers import names, render, render_review, render_summary
from handlers.charts import chart_caption
from handlers.html import esc
from handlers.i18n import DEFAULT_LANGUAGE, isolate, normalize_language, rtl, t


def render_outbox(message: OutboxMessage, lang: str | None = None) -> str:
    """The HTML text of one outbox message, whatever its kind, in the chat's ``lang``."""
    return rtl(lang, _render(message, lang))


def _render(message: OutboxMessage, lang: str | None) -> str:
    match message.payload:
        case AlertPayload(incidents=[incident], note=note, matched=matched):
            header = t(lang, "🚨 New incident")
            note = update_note(note, None, lang)
            card = render.incident_card(incident, header=header, note=note, lang=lang)
            unconfirmed = render_review.unconfirmed_line(message.payload.unconfirmed_ids, lang)
            return _followed(card, matched, lang) + unconfirmed
        case AlertPayload(incidents=incidents, note=note, matched=matched):
            alert = render.grouped_alert(incidents, update_note(note, None, lang), lang)
            unconfirmed = render_review.unconfirmed_line(message.payload.unconfirmed_ids, lang)
            return _followed(alert, matched, lang) + unconfirmed
        case UpdatePayload(incident=incident, note=note, matched=matched, changes=changes):
            header = t(lang, "🔄 Update")
            note = update_note(note, changes, lang)
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
        case ReviewPayload():
            return render_review.review_card(message.payload)
        case CorrectionPayload():
            return render_review.correction_message(message.payload)
        case FeedbackResolvedPayload():
            return render_review.feedback_resolved_message(message.payload)
        case UnreadablePayload(error=error):
            msg = f"unreadable outbox payload: {error}"
            raise ValueError(msg)


def outbox_buttons(message: OutboxMessage, lang: str | None = None) -> InlineKeyboardMarkup | None:
    """The buttons under a message: "Report a problem" on alerts, decisions on reviews."""
    match message.payload:
        case AlertPayload(incidents=incidents):
            ids = [incident.id for incident in incidents if incident.id is not None]
            return render_review.report_buttons(ids, lang) if ids else None
        case UpdatePayload(incident=incident) if incident.id is not None:
            return render_review.report_buttons([incident.id], lang)
        case ReviewPayload(incident=incident, more=more, language=language) if more:
            ids = [i.id for i in (incident, *more) if i.id is not None]
            return render_review.open_buttons(ids, language)
        case ReviewPayload(incident=incident, language=language) if incident.id is not None:
            return render_review.review_buttons(incident.id, language)
        case _:
            return None


_DISPLAY = re.compile(r"^(?:(?P<word>at least|about) )?(?P<low>\d+)(?:-(?P<high>\d+))?$")


def _figure(text: object, lang: str | None) -> str:
    """A figure as ``CasualtyCount.display`` wrote it ("at least 30", "12-15") in ``lang``."""
    shown = str(text)
    match = _DISPLAY.match(shown)
    if match is None:
        words = {"unknown": t(lang, "unknown"), "none reported": t(lang, "none reported")}
        return words.get(shown, isolate(lang, shown))
    if match["high"]:
        return isolate(lang, f"{match['low']}-{match['high']}")
    if match["word"] == "at least":
        return t(lang, "at least {n}", n=match["low"])
    if match["word"] == "about":
        return t(lang, "about {n}", n=match["low"])
    return match["low"]


def update_note(note: str | None, changes: dict[str, Any] | None, lang: str | None) -> str | None:
    """What changed in an updated incident. The services write the note in English; in another
    language it is said again from the structured ``changes`` (the tolls before and after)."""
    if normalize_language(lang) == DEFAULT_LANGUAGE:
        return note
    if not changes:
        return None  # English only, and the card shows the figures as they are now
    said = []
    for field, template in (
        ("killed", N_("death toll now {new} (was {old})")),
        ("injured", N_("injured now {new} (was {old})")),
    ):
        change = changes.get(field)
        if isinstance(change, dict) and "new" in change:
            said.append(
                t(
                    lang,
                    template,
                    new=_figure(change["new"], lang),
                    old=_figure(change.get("old"), lang),
                )
            )
    return t(lang, "; ").join(said) if said else None


def _followed(text: str, matched: list[str], lang: str | None) -> str:
    """Say why this chat got the message: people forget what they subscribed to."""
    if not matched:
        return text
    shown = t(lang, ", ").join(names.label(lang, label) for label in matched[:5])
    return text + "\n" + t(lang, "🔔 You follow: {names}", names=esc(shown))
