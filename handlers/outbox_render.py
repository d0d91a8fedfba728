"""Outbox payloads (structured JSON written by the services) -> Telegram HTML."""

from __future__ import annotations

from typing import Any

from bot.domain import Incident, OutboxKind, OutboxMessage
from bot.domain.visuals import StatsSeries
from handlers import render
from handlers.charts import chart_caption
from handlers.html import esc


def render_outbox(message: OutboxMessage) -> str:
    """The HTML text of one outbox message, whatever its kind."""
    payload: dict[str, Any] = message.payload
    note = payload.get("note")
    note_text = str(note) if note else None
    if "digest" in payload:
        return render.digest_from_payload(payload["digest"])
    if "chart" in payload:
        # The caption of the week's chart (a text-only transport shows just this).
        return chart_caption(StatsSeries.model_validate(payload["chart"]))
    text = _incidents_text(message.kind, payload, note_text)
    matched = payload.get("matched")
    if text is not None and isinstance(matched, list) and matched:
        # Say why this chat got the message: people forget what they subscribed to.
        text += f"\n🔔 You follow: {esc(', '.join(str(label) for label in matched[:5]))}"
    if text is not None:
        return text
    if "text" in payload:
        return esc(payload["text"])
    msg = f"unknown outbox payload keys: {sorted(payload)}"
    raise ValueError(msg)


def _incidents_text(
    kind: OutboxKind, payload: dict[str, Any], note_text: str | None
) -> str | None:
    if "incidents" in payload:
        incidents = [Incident.model_validate(item) for item in payload["incidents"]]
        if len(incidents) == 1:
            return _single(kind, incidents[0], note_text)
        return render.grouped_alert(incidents, note_text)
    if "incident" in payload:
        return _single(kind, Incident.model_validate(payload["incident"]), note_text)
    return None


def _single(kind: OutboxKind, incident: Incident, note: str | None) -> str:
    if kind is OutboxKind.UPDATE:
        return render.incident_card(incident, header="🔄 Update", note=note)
    return render.incident_card(incident, header="🚨 New incident", note=note)
