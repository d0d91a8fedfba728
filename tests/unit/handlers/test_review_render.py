"""Review buttons and texts: the codec round trip, escaping, history lines, the answer filter."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from bot.domain import (
    AlertPayload,
    CasualtyCount,
    CorrectionPayload,
    EventType,
    FeedbackResolvedPayload,
    Incident,
    IncidentRevision,
    IncidentStatus,
    Location,
    OutboxKind,
    OutboxMessage,
    ReviewPayload,
    SourceRef,
    SubEventType,
)
from bot.services.review import REFUSALS, ReviewRefused
from handlers import callbacks, render_review
from handlers.outbox_render import outbox_buttons, render_outbox
from handlers.review import _is_question_reply, refusal_text

T0 = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


def _incident(**changes: object) -> Incident:
    incident = Incident(
        id=7,
        date=dt.date(2026, 3, 1),
        location=Location(name="Baqubah", country="IQ", admin1="Diyala"),
        event_type=EventType.BATTLES,
        sub_event_type=SubEventType.ARMED_CLASH,
        killed=CasualtyCount(min=2, max=2),
        summary="Gunfire <b>heard</b> overnight & two killed.",
        evidence=["Residents heard <script>gunfire</script> overnight."],
        sources=[SourceRef(url="https://news.example/a", outlet="Example")],
        confidence=0.42,
        confidence_reasons=["toll: split clauses"],
    )
    return incident.model_copy(update=changes)


def _message(payload: object) -> OutboxMessage:
    return OutboxMessage.model_validate(
        {
            "chat_id": 900,
            "kind": OutboxKind.NOTICE,
            "idempotency_key": "k",
            "payload": payload,
            "next_attempt_at": T0,
        }
    )


def button_data(message: OutboxMessage) -> list[object]:
    """The callback data of the buttons the message goes out with."""
    markup = outbox_buttons(message)
    assert markup is not None
    return [button.callback_data for row in markup.inline_keyboard for button in row]


class TestCodec:
    @pytest.mark.parametrize(
        "button",
        [
            callbacks.ReviewAction("ok", 12),
            callbacks.ReviewAction("split", 999_999_999_999),
            callbacks.ReviewQueuePage(3),
            callbacks.ReportProblem(5),
            callbacks.ReportProblem(5, "dup"),
            callbacks.ReviewSettingChoice("wait", 168),
            callbacks.ReviewSettingChoice("alerts-on"),
        ],
    )
    def test_round_trip_within_64_bytes(self, button: callbacks.Callback) -> None:
        data = callbacks.encode(button)
        assert data is not None
        assert len(data.encode()) <= callbacks.CALLBACK_MAX
        assert callbacks.decode(data) == button

    @pytest.mark.parametrize(
        "data", ["rv:drop:1", "rv:ok:", "rv:ok:x", "rp:1:other", "rvs:nope", "rvp:-1", "rp:"]
    )
    def test_foreign_data_is_not_ours(self, data: str) -> None:
        assert callbacks.decode(data) is None


class TestTexts:
    def test_review_card_escapes_and_carries_the_buttons(self) -> None:
        payload = ReviewPayload(incident=_incident(), reason="unconfirmed", reports=["toll"])
        message = _message(payload)
        text = render_outbox(message)
        assert "<script>" not in text
        assert "&lt;script&gt;" in text
        assert "Confidence: 0.42 (toll: split clauses)" in text
        assert "Reported: Wrong toll" in text
        assert "https://news.example/a" in text
        assert button_data(message) == [
            "rv:ok:7",
            "rv:no:7",
            "rv:place:7",
            "rv:toll:7",
            "rv:same:7",
            "rv:split:7",
        ]

    def test_several_at_once_are_listed_with_open_buttons(self) -> None:
        payload = ReviewPayload(incident=_incident(), reason="unconfirmed").with_more(
            ReviewPayload(incident=_incident(id=8, summary="Another"), reason="reported")
        )
        message = _message(payload)
        text = render_outbox(message)
        assert "2 incidents arrived at once" in text
        assert "#7 ·" in text
        assert "#8 ·" in text
        assert button_data(message) == ["rv:show:7", "rv:show:8"]

    def test_a_released_alert_says_unconfirmed(self) -> None:
        alert = OutboxMessage.model_validate(
            {
                "chat_id": 1,
                "kind": OutboxKind.ALERT,
                "idempotency_key": "alert:1:7",
                "payload": AlertPayload(incidents=[_incident()], unconfirmed_ids=[7]),
                "next_attempt_at": T0,
            }
        )
        assert "Unconfirmed (#7): no reviewer has checked it yet." in render_outbox(alert)
        ordinary = alert.model_copy(update={"payload": AlertPayload(incidents=[_incident()])})
        assert "Unconfirmed" not in render_outbox(ordinary)

    def test_correction_and_resolution_texts(self) -> None:
        correction = render_outbox(
            _message(CorrectionPayload(incident_id=7, summary="A <i>false</i> alarm"))
        )
        assert "not an incident" in correction
        assert "&lt;i&gt;" in correction
        resolved = render_outbox(
            _message(FeedbackResolvedPayload(incident_id=7, summary="x", resolution="place"))
        )
        assert "the place was corrected" in resolved
        assert outbox_buttons(_message(CorrectionPayload(incident_id=7, summary="x"))) is None

    def test_history_names_who_and_why_and_escapes(self) -> None:
        revision = IncidentRevision(
            incident_id=7,
            revision=2,
            changed_at=T0,
            note="toll corrected: 3 killed, 0 injured",
            changed_by=900,
            changed_by_name="Rana <admin>",
            reason="the <b>ministry</b>",
        )
        merged = _incident(status=IncidentStatus.MERGED)
        text = render_review.with_review_history(merged, [revision], "RECORD", "en")
        assert text.startswith("🔗 Merged into another incident")
        assert "2026-03-01 12:00 UTC · Rana &lt;admin&gt;: toll corrected" in text
        assert "&lt;b&gt;ministry&lt;/b&gt;" in text
        assert render_review.with_report_button(None, merged, "en") is None
        arabic = render_review.with_review_history(merged, [revision], "RECORD", "ar")
        assert "صُحّحت الحصيلة: 3 قتلى، 0 جرحى" in arabic
        assert "\u2068Rana &lt;admin&gt;\u2069" in arabic
        assert "toll corrected" not in arabic
        assert "UTC" not in arabic

    def test_refusals_fill_only_their_own_values(self) -> None:
        assert refusal_text("en", ReviewRefused("markup")) == (
            "Please write plain text, without < > or &."
        )
        text = refusal_text("en", ReviewRefused("unknown_place_only", name="Qq"))
        assert text == "I don't know a place called Qq. Reply 'lat,lon name' or share a location."
        # A code without a text of its own still says something, never the code.
        assert refusal_text("en", ReviewRefused("something-new")) == (
            "That could not be done; nothing was changed."
        )

    def test_every_refusal_code_the_services_raise_has_its_text(self) -> None:
        root = Path(__file__).resolve().parents[3]
        raised = set()
        for path in [root / "bot/services/review.py", root / "bot/services/corrections.py"]:
            raised |= set(re.findall(r'ReviewRefused\(\s*"([a-z_]+)"', path.read_text("utf-8")))
        assert len(raised) > 15
        assert raised - set(REFUSALS) == set()

    def test_refusals_in_arabic_isolate_what_was_typed(self) -> None:
        said = refusal_text(
            "ar", ReviewRefused("unknown_place", name="Qq", suggestions=["Basra", "Baqubah"])
        )
        assert said.startswith("لا أعرف مكاناً باسم \u2068Qq\u2069.")
        assert "البصرة" in said  # the suggestions in their Arabic form
        assert refusal_text("ar", ReviewRefused("not_reviewer")) == "هذا متاح للمراجعين فقط."


class TestQuestionFilter:
    def _message(self, text: str, *, is_bot: bool = True) -> SimpleNamespace:
        sender = SimpleNamespace(is_bot=is_bot)
        return SimpleNamespace(reply_to_message=SimpleNamespace(from_user=sender, text=text))

    def test_only_replies_to_the_bots_questions(self) -> None:
        assert _is_question_reply(self._message("✏️ Wrong toll for #1: ..."))
        assert not _is_question_reply(self._message("🚨 New incident"))
        assert not _is_question_reply(self._message("✏️ looks like ours", is_bot=False))
        assert not _is_question_reply(SimpleNamespace(reply_to_message=None))
