"""Rendering of incidents, digests, stats and outbox payloads as Telegram HTML."""

from __future__ import annotations

import datetime as dt

from bot.domain import (
    CasualtyClaim,
    CasualtyCount,
    CountStatus,
    GeoPrecision,
    Incident,
    OutboxKind,
    OutboxMessage,
    SubscriptionKind,
)
from bot.domain.views import (
    Digest,
    DigestCity,
    DigestGroup,
    IncidentPage,
    Period,
    StatsResult,
    Target,
    Totals,
)
from handlers import render
from handlers.html import to_plain
from handlers.outbox_render import render_outbox
from tests.unit.handlers.conftest import basra_incident

NOW = dt.datetime(2024, 5, 10, 9, 0, tzinfo=dt.UTC)


def digest(groups: list[DigestGroup], **fields: object) -> Digest:
    values: dict[str, object] = {
        "chat_id": 1,
        "local_date": dt.date(2024, 5, 10),
        "timezone": "Asia/Baghdad",
        "window_start": NOW - dt.timedelta(days=1),
        "window_end": NOW,
        "groups": groups,
        "areas": ["Basra", "Mosul"],
    }
    values.update(fields)
    return Digest.model_validate(values)


class TestIncidentCard:
    def test_card_has_what_where_when_who_toll_sources_id(self) -> None:
        incident = basra_incident(killed=3).model_copy(update={"id": 12})
        incident.killed = CasualtyCount(
            min=3,
            max=5,
            status=CountStatus.EXACT,
            source="police",
            claims=[
                CasualtyClaim(min=3, max=3, source="police"),
                CasualtyClaim(min=5, max=5, source="medics"),
            ],
        )
        card = render.incident_card(incident, header="New incident")
        text = to_plain(card)
        assert "Armed clash" in text
        assert "Basra" in text
        assert "9 May 2024" in text
        assert "Asaib Ahl al-Haq" in text
        assert "Killed: 3-5 (police)" in text
        assert "/incident 12" in text
        assert "Example <News> (https://news.example/a)" in text
        detail = to_plain(render.incident_detail(incident, []))
        assert "also medics: 5" in detail

    def test_hostile_strings_are_escaped(self) -> None:
        incident = basra_incident(summary='<a href="javascript:x">click</a> & <b>')
        incident.location.name = "<i>Basra</i>"
        card = render.incident_card(incident)
        assert '<a href="javascript' not in card
        assert "&lt;i&gt;Basra&lt;/i&gt;" in card
        assert to_plain(card).count("<b>") == 1

    def test_near_and_governorate_precision(self) -> None:
        near = basra_incident()
        near.location.geo_precision = GeoPrecision.NEAR
        assert render.format_place(near).startswith("near Basra")
        whole = basra_incident()
        whole.location.geo_precision = GeoPrecision.ADMIN1
        assert render.format_place(whole) == "Basra governorate"


class TestDigest:
    def test_nothing_reported(self) -> None:
        text = to_plain(render.digest_message(digest([], previous_total=2)))
        assert "Nothing reported in your areas" in text
        assert "Basra, Mosul" in text

    def test_grouped_by_governorate_and_city_with_change(self) -> None:
        severe = basra_incident(killed=9).model_copy(update={"id": 2})
        mild = basra_incident(killed=1).model_copy(update={"id": 3})
        groups = [
            DigestGroup(
                governorate="Basra",
                total=2,
                killed=10,
                cities=[DigestCity(name="Basra", incidents=[severe, mild], killed=10)],
            ),
            DigestGroup(governorate="Nineveh", total=0, cities=[]),
        ]
        text = to_plain(
            render.digest_message(
                digest(groups, total=2, killed=10, previous_total=5, previous_killed=4)
            )
        )
        assert "2 incidents (−3 vs before)" in text
        assert "10 killed (+6 vs before)" in text
        assert text.index("Basra — 2 incidents") < text.index("Nineveh")
        assert text.index("/incident 2") < text.index("/incident 3")

    def test_digest_payload_renders(self) -> None:
        message = OutboxMessage(
            chat_id=1,
            kind=OutboxKind.DIGEST,
            idempotency_key="digest:1:2024-05-10",
            payload={"digest": digest([]).model_dump(mode="json")},
            next_attempt_at=NOW,
        )
        assert "Daily digest" in render_outbox(message)


class TestStatsAndOutbox:
    def test_stats_with_change(self) -> None:
        period = Period(
            since=NOW - dt.timedelta(days=7),
            until=NOW,
            label="last 7 days",
            first_day=dt.date(2024, 5, 3),
            last_day=dt.date(2024, 5, 10),
        )
        result = StatsResult(
            current=Totals(incidents=4, killed=9, injured=2, by_event_type={"Battles": 4}),
            previous=Totals(incidents=4, killed=3),
            period=period,
            previous_period=period.model_copy(update={"label": "the 7 days before"}),
        )
        text = to_plain(render.stats_message(result))
        assert "Incidents: 4 (same as before)" in text
        assert "Killed: 9 (+6 vs before)" in text
        assert "Battles: 4" in text

    def test_widened_stats_say_why(self) -> None:
        period = Period(
            since=NOW - dt.timedelta(days=30),
            until=NOW,
            label="last 30 days",
            first_day=dt.date(2024, 4, 10),
            last_day=dt.date(2024, 5, 10),
        )
        result = StatsResult(
            current=Totals(incidents=1, killed=2),
            previous=Totals(),
            period=period,
            previous_period=period.model_copy(update={"label": "the 30 days before"}),
            widened_from="last 7 days",
        )
        text = to_plain(render.stats_message(result))
        assert "All areas — last 30 days" in text
        assert "Nothing in the last 7 days, so this looks further back." in text
        assert "e.g. /stats 7d" in text
        assert "Nothing recorded then" not in text
        # Nothing before the widened period: no "+1 vs before" noise.
        assert "Incidents: 1\n" in text
        assert "vs before" not in text
        assert "Compared with" not in text

    def test_empty_stats_point_to_the_bare_command(self) -> None:
        period = Period(
            since=NOW - dt.timedelta(days=30),
            until=NOW,
            label="last 30 days",
            first_day=dt.date(2024, 4, 10),
            last_day=dt.date(2024, 5, 10),
        )
        target = Target(kind=SubscriptionKind.ACTOR, key="aah", label="Asaib <Ahl> al-Haq")
        result = StatsResult(
            current=Totals(),
            previous=Totals(),
            period=period,
            previous_period=period.model_copy(update={"label": "the 30 days before"}),
            target=target,
        )
        html = render.stats_message(result)
        assert "&lt;Ahl&gt;" in html
        assert "To look further back: /stats Asaib <Ahl> al-Haq" in to_plain(html)

    def test_grouped_alert_payload(self) -> None:
        incidents = [
            basra_incident().model_copy(update={"id": n}).model_dump(mode="json") for n in (1, 2)
        ]
        message = OutboxMessage(
            chat_id=1,
            kind=OutboxKind.ALERT,
            idempotency_key="alert:1:1",
            payload={"incidents": incidents, "matched": ["Basra", "<AAH>"]},
            next_attempt_at=NOW,
        )
        text = to_plain(render_outbox(message))
        assert "2 new incidents" in text
        assert "/incident 1" in text
        assert "/incident 2" in text
        assert "You follow: Basra, <AAH>" in text

    def test_notice_is_escaped(self) -> None:
        message = OutboxMessage(
            chat_id=1,
            kind=OutboxKind.NOTICE,
            idempotency_key="n",
            payload={"text": "feed <broken> & failing"},
            next_attempt_at=NOW,
        )
        assert render_outbox(message) == "feed &lt;broken&gt; &amp; failing"


class TestUnconfirmed:
    """Below the alert threshold an incident is answered, marked unconfirmed, with reasons."""

    def _scored(self, confidence: float | None) -> Incident:
        incident = basra_incident(killed=2).model_copy(update={"id": 5})
        incident.confidence = confidence
        incident.confidence_reasons = ["place: not in the headline or lead <b>"]
        return incident

    def test_list_line_marks_only_incidents_below_the_threshold(self) -> None:
        low, high, unscored = self._scored(0.3), self._scored(0.9), self._scored(None)
        assert "unconfirmed" in to_plain(render.incident_line(low, 0.5))
        assert "unconfirmed" not in to_plain(render.incident_line(high, 0.5))
        assert "unconfirmed" not in to_plain(render.incident_line(unscored, 0.5))

    def test_page_carries_the_threshold(self) -> None:
        page = IncidentPage(items=[self._scored(0.3)], total=1, min_confidence=0.5)
        assert "unconfirmed" in to_plain(render.page_message("Basra", page))
        page.min_confidence = 0.2
        assert "unconfirmed" not in to_plain(render.page_message("Basra", page))

    def test_detail_gives_score_and_escaped_reasons(self) -> None:
        html = render.incident_detail(self._scored(0.3), [], min_confidence=0.5)
        text = to_plain(html)
        assert "Confidence: 0.30 — unconfirmed (no alert was sent)" in text
        assert "place: not in the headline or lead <b>" in text
        assert "&lt;b&gt;" in html
