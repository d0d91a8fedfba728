"""Rendering of incidents, digests, stats and outbox payloads as Telegram HTML."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot.domain import (
    ActorRef,
    ActorType,
    AlertPayload,
    CasualtyClaim,
    CasualtyCount,
    CountStatus,
    DigestPayload,
    GeoPrecision,
    Incident,
    OutboxKind,
    OutboxMessage,
    SourceRef,
    SubscriptionKind,
    TextPayload,
)
from bot.domain.views import (
    Digest,
    DigestCity,
    DigestGroup,
    ExtractorHealth,
    IncidentPage,
    Period,
    StatsResult,
    StatusReport,
    Target,
    Totals,
)
from handlers import render, render_admin, render_summary
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


def stats_over(
    days: int, current: Totals | None = None, previous: Totals | None = None, **kwargs: Any
) -> StatsResult:
    """Stats of the last ``days`` days up to NOW, compared with the ``days`` before."""
    period = Period(
        since=NOW - dt.timedelta(days=days),
        until=NOW,
        label=f"last {days} days",
        first_day=NOW.date() - dt.timedelta(days=days),
        last_day=NOW.date(),
    )
    return StatsResult(
        current=current or Totals(),
        previous=previous or Totals(),
        period=period,
        previous_period=period.model_copy(update={"label": f"the {days} days before"}),
        **kwargs,
    )


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
        text = to_plain(render_summary.digest_message(digest([], previous_total=2)))
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
            render_summary.digest_message(
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
            payload=DigestPayload(digest=digest([])),
            next_attempt_at=NOW,
        )
        assert "Daily digest" in render_outbox(message)


class TestStatsAndOutbox:
    def test_stats_with_change(self) -> None:
        result = stats_over(
            7,
            current=Totals(incidents=4, killed=9, injured=2, by_event_type={"Battles": 4}),
            previous=Totals(incidents=4, killed=3),
        )
        text = to_plain(render_summary.stats_message(result))
        assert "Incidents: 4 (same as before)" in text
        assert "Killed: 9 (+6 vs before)" in text
        assert "Battles: 4" in text

    def test_widened_stats_say_why(self) -> None:
        result = stats_over(30, current=Totals(incidents=1, killed=2), widened_from="last 7 days")
        text = to_plain(render_summary.stats_message(result))
        assert "All areas — last 30 days" in text
        assert "Nothing in the last 7 days, so this looks further back." in text
        assert "e.g. /stats 7d" in text
        assert "Nothing recorded then" not in text
        # Nothing before the widened period: no "+1 vs before" noise.
        assert "Incidents: 1\n" in text
        assert "vs before" not in text
        assert "Compared with" not in text

    def test_empty_stats_point_to_the_bare_command(self) -> None:
        target = Target(kind=SubscriptionKind.ACTOR, key="aah", label="Asaib <Ahl> al-Haq")
        result = stats_over(30, target=target)
        html = render_summary.stats_message(result)
        assert "&lt;Ahl&gt;" in html
        assert "To look further back: /stats Asaib <Ahl> al-Haq" in to_plain(html)

    def test_grouped_alert_payload(self) -> None:
        incidents = [basra_incident().model_copy(update={"id": n}) for n in (1, 2)]
        message = OutboxMessage(
            chat_id=1,
            kind=OutboxKind.ALERT,
            idempotency_key="alert:1:1",
            payload=AlertPayload(incidents=incidents, matched=["Basra", "<AAH>"]),
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
            payload=TextPayload(text="feed <broken> & failing"),
            next_attempt_at=NOW,
        )
        assert render_outbox(message) == "feed &lt;broken&gt; &amp; failing"


class TestStatus:
    def test_rules_only(self) -> None:
        text = to_plain(render_admin.status_message(StatusReport()))
        assert "Extractor: rules (offline)" in text
        assert "model" not in text

    def test_model_down_says_the_rules_answer_alone(self) -> None:
        health = ExtractorHealth(
            mode="both",
            model="qwen<7b>",
            state="paused",
            last_outcome="server_error",
            last_detail="HTTP 500",
            requests_today=12,
            max_requests=1000,
            cache_hits=5,
            cache_misses=7,
            rules_alone=3,
            paused_for_seconds=240,
        )
        html = render_admin.status_message(StatusReport(extractor=health))
        assert "qwen&lt;7b&gt;" in html
        text = to_plain(html)
        assert "rules are answering alone: server_error (HTTP 500); next try in 4 min" in text
        assert "12/1000 requests today" in text
        assert "cache 5 hits, 7 misses" in text

    def test_model_ok_has_no_warning(self) -> None:
        health = ExtractorHealth(mode="llm", model="m", state="ok")
        text = to_plain(render_admin.status_message(StatusReport(extractor=health)))
        assert "Extractor: llm · model m: ok" in text
        assert "alone:" not in text


def _two_sided() -> Incident:
    incident = basra_incident(killed=4)
    return incident.model_copy(
        update={
            "id": 7,
            "actors": [
                ActorRef(
                    id="saraya-al-salam", name="Saraya al-Salam", type=ActorType.POLITICAL_MILITIA
                ),
                *incident.actors,
            ],
        }
    )


class TestListLineSides:
    def test_a_list_line_names_both_sides(self) -> None:
        line = to_plain(render.incident_line(_two_sided()))
        assert "Saraya al-Salam vs Asaib Ahl al-Haq" in line
        assert "4 killed" in line

    def test_a_faction_list_names_the_other_side(self) -> None:
        target = Target(
            kind=SubscriptionKind.ACTOR, key="asaib-ahl-al-haq", label="Asaib Ahl al-Haq"
        )
        page = IncidentPage(items=[_two_sided()], total=1, target=target)
        text = to_plain(render.page_message("Asaib Ahl al-Haq", page))
        line = text.splitlines()[-1]
        assert "vs Saraya al-Salam" in line
        assert "Asaib Ahl al-Haq" not in line

    def test_digest_lines_name_the_sides(self) -> None:
        city = DigestCity(name="Basra", incidents=[_two_sided()])
        group = DigestGroup(governorate="Basra", total=1, killed=4, injured=0, cities=[city])
        text = to_plain(render_summary.digest_message(digest([group], total=1, killed=4)))
        assert "Saraya al-Salam vs Asaib Ahl al-Haq" in text


class TestUnknownIsNotZero:
    def test_stats_without_any_injured_figure_say_so(self) -> None:
        current = Totals(incidents=2, killed=3, injured=0, killed_reported=1, injured_reported=0)
        result = stats_over(7, current=current)
        text = to_plain(render_summary.stats_message(result))
        assert "Injured: 0" not in text
        assert "Injured: not reported" in text
        assert "Killed: 3" in text

    def test_digest_without_injured_figures_does_not_say_zero(self) -> None:
        city = DigestCity(name="Basra", incidents=[basra_incident(killed=3)], killed=3)
        group = DigestGroup(governorate="Basra", total=1, killed=3, cities=[city])
        text = to_plain(render_summary.digest_message(digest([group], total=1, killed=3)))
        assert "0 injured" not in text

    def test_a_card_without_figures_does_not_claim_none_were_hurt(self) -> None:
        incident = basra_incident().model_copy(
            update={"killed": CasualtyCount(), "injured": CasualtyCount()}
        )
        text = to_plain(render.incident_card(incident))
        assert "No casualties" not in text
        assert "no figures" in text.lower()


class TestDigestLateReports:
    def test_late_reports_of_older_events_are_listed_apart(self) -> None:
        old = basra_incident(killed=5, day=dt.date(2019, 3, 1)).model_copy(update={"id": 40})
        text = to_plain(render_summary.digest_message(digest([], late=[old])))
        assert "Nothing reported in your areas" in text
        late_part = text.split("Late reports", 1)[1]
        assert "1 Mar 2019" in late_part
        assert "/incident 40" in late_part


class TestSourceNames:
    def test_a_source_without_outlet_is_named_by_its_site_and_linked(self) -> None:
        incident = basra_incident().model_copy(
            update={
                "sources": [
                    SourceRef(url="https://www.rudaw.net/english/1", report_id=12),
                    SourceRef(url="https://shafaq.com/en/2", report_id=13),
                ]
            }
        )
        card = render.incident_card(incident)
        assert "report 12" not in card
        assert '<a href="https://www.rudaw.net/english/1">rudaw.net</a>' in card
        assert ">shafaq.com</a>" in card


def test_three_actors_in_a_battle_are_the_first_against_the_rest() -> None:
    incident = _two_sided()
    third = ActorRef(id="pmf", name="Popular Mobilization Forces", type=ActorType.STATE_FORCES)
    incident = incident.model_copy(update={"actors": [*incident.actors, third]})
    line = to_plain(render.incident_line(incident))
    assert "Saraya al-Salam vs Asaib Ahl al-Haq, Popular Mobilization Forces" in line


class TestUnconfirmed:
    """Below the alert threshold an incident is answered, marked unconfirmed, with reasons."""

    def _scored(self, confidence: float | None) -> Incident:
        incident = basra_incident(killed=2).model_copy(update={"id": 5})
        incident.confidence = confidence
        incident.confidence_reasons = ["place: not in the headline or lead <b>"]
        return incident

    def test_list_line_marks_only_incidents_below_the_threshold(self) -> None:
        low, high, unscored = self._scored(0.3), self._scored(0.9), self._scored(None)
        assert "unconfirmed" in to_plain(render.incident_line(low, min_confidence=0.5))
        assert "unconfirmed" not in to_plain(render.incident_line(high, min_confidence=0.5))
        assert "unconfirmed" not in to_plain(render.incident_line(unscored, min_confidence=0.5))

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
