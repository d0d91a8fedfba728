"""Alert precision and recall (issue 11's rule) and the curve over confidence thresholds."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from bot.domain.enums import EventType, SubEventType
from bot.domain.models import Incident, Location
from bot.extract.alert_eval import (
    AlertCounts,
    JudgedArticle,
    alert_counts,
    alert_curve,
    lowest_threshold_for,
    pooled_counts,
    wilson_lower_bound,
)
from bot.extract.evaluation import load_gold
from bot.extract.trust import would_alert

PUBLISHED = dt.date(2023, 4, 10)
BASRA = (30.51, 47.78)
BAGHDAD = (33.34, 44.40)
MOSUL = (36.34, 43.13)


def gold(secondary: list[tuple[float, float]] | None = None) -> Any:
    def incident(point: tuple[float, float]) -> dict[str, Any]:
        return {"place": "p", "lat": point[0], "lon": point[1], "date": None, "actors": [],
                "event_type": ["Battles"], "killed": None, "injured": None}  # fmt: skip

    doc = {"articles": [{"file": "a.txt", "published": PUBLISHED.isoformat(),
                         "primary": incident(BASRA),
                         "secondary": [incident(p) for p in secondary or []]}]}  # fmt: skip
    [article] = load_gold(doc)
    return article


def made(
    point: tuple[float, float] = BASRA,
    *,
    confidence: float | None = 0.9,
    background: bool = False,
    date: dt.date = PUBLISHED,
) -> Incident:
    return Incident(
        date=date,
        location=Location(name="x", country="IQ", lat=point[0], lon=point[1]),
        event_type=EventType.BATTLES,
        sub_event_type=SubEventType.ARMED_CLASH,
        summary="s",
        is_background=background,
        confidence=confidence,
    )


def judged(incidents: list[Incident], secondary: list[tuple[float, float]] | None = None) -> Any:
    return JudgedArticle(gold(secondary), incidents, PUBLISHED)


class TestWouldAlert:
    def test_recent_confident_news_alerts(self) -> None:
        assert would_alert(made(), PUBLISHED, 0.5)

    def test_background_never_alerts(self) -> None:
        assert not would_alert(made(background=True), PUBLISHED, 0.0)

    def test_older_than_two_weeks_does_not_alert(self) -> None:
        assert would_alert(made(date=PUBLISHED - dt.timedelta(days=14)), PUBLISHED, 0.5)
        assert not would_alert(made(date=PUBLISHED - dt.timedelta(days=15)), PUBLISHED, 0.5)

    def test_below_the_threshold_does_not_alert(self) -> None:
        assert not would_alert(made(confidence=0.4), PUBLISHED, 0.5)

    def test_unscored_incident_counts_as_trusted(self) -> None:
        assert would_alert(made(confidence=None), PUBLISHED, 0.99)

    def test_unknown_publication_day_cannot_make_an_incident_old(self) -> None:
        assert would_alert(made(date=dt.date(2001, 1, 1)), None, 0.5)


class TestAlertCounts:
    def test_right_place_is_precise_and_recalled(self) -> None:
        counts = alert_counts(judged([made()]), 0.5)
        assert counts == AlertCounts(alerts=1, matched=1, primaries=1, recalled=1)

    def test_misplaced_incident_is_a_false_alarm(self) -> None:
        counts = alert_counts(judged([made(MOSUL)]), 0.5)
        assert (counts.precision, counts.recall) == (0.0, 0.0)

    def test_repeated_incident_counts_against_precision(self) -> None:
        counts = alert_counts(judged([made(), made()]), 0.5)
        assert (counts.alerts, counts.matched, counts.recalled) == (2, 1, 1)

    def test_secondary_incident_is_a_real_alert(self) -> None:
        counts = alert_counts(judged([made(BAGHDAD), made()], secondary=[BAGHDAD]), 0.5)
        assert (counts.alerts, counts.matched) == (2, 2)

    def test_matching_is_one_to_one_and_maximal(self) -> None:
        # Both golds in one city: the first incident could take either, yet both must pair.
        counts = alert_counts(judged([made(), made()], secondary=[(30.52, 47.79)]), 0.5)
        assert counts.matched == 2

    def test_incident_below_threshold_is_neither_alert_nor_recall(self) -> None:
        counts = alert_counts(judged([made(confidence=0.3), made(MOSUL)]), 0.5)
        assert (counts.alerts, counts.matched, counts.recalled) == (1, 0, 0)

    def test_nothing_alerting_is_vacuously_precise(self) -> None:
        counts = alert_counts(judged([]), 0.5)
        assert (counts.precision, counts.recall) == (1.0, 0.0)


class TestCurve:
    def test_raising_the_threshold_trades_recall_for_precision(self) -> None:
        articles = [
            judged([made(confidence=0.9)]),
            judged([made(MOSUL, confidence=0.3)]),
            judged([made(confidence=0.3)]),
        ]
        points = {p.threshold: p.counts for p in alert_curve(articles)}
        assert sorted(points) == [0.0, 0.3, 0.9]
        assert (points[0.3].alerts, points[0.3].matched, points[0.3].recalled) == (3, 2, 2)
        assert (points[0.9].alerts, points[0.9].matched, points[0.9].recalled) == (1, 1, 1)
        assert points[0.9].precision == 1.0
        assert points[0.9].recall == pytest.approx(1 / 3)

    def test_background_confidence_is_not_a_threshold(self) -> None:
        points = alert_curve([judged([made(confidence=0.7, background=True)])])
        assert [p.threshold for p in points] == [0.0]

    def test_lowest_threshold_reaching_a_precision(self) -> None:
        articles = [judged([made(confidence=0.9)]), judged([made(MOSUL, confidence=0.3)])]
        best = lowest_threshold_for(alert_curve(articles), 0.9)
        assert best is not None
        assert best.threshold == 0.9
        assert lowest_threshold_for(alert_curve([judged([made(MOSUL)])]), 0.9) is None

    def test_pooled_counts_add_up(self) -> None:
        articles = [judged([made()]), judged([made(MOSUL)])]
        assert pooled_counts(articles, 0.5) == AlertCounts(2, 1, 2, 1)


class TestWilson:
    def test_small_samples_are_weak_evidence(self) -> None:
        assert wilson_lower_bound(45, 50) == pytest.approx(0.786, abs=0.001)
        assert wilson_lower_bound(180, 200) == pytest.approx(0.851, abs=0.001)

    def test_no_trials(self) -> None:
        assert wilson_lower_bound(0, 0) == 0.0
