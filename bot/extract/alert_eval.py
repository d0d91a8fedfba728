"""Alert precision and recall against gold labels, and their curve over confidence thresholds.

Rules (issue 11 and the eval README): an incident *would alert* when it is not background, is
dated within 14 days before publication and its confidence reaches the threshold
(:func:`bot.extract.trust.would_alert`). Alert precision is the share of those incidents that
lie within the radius of a gold incident (the primary or a secondary), each gold incident
counted once, so a misplaced, invented or repeated incident counts against it. Alert recall is
the share of gold primaries that some alerting incident lies within.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.domain.models import Incident
from bot.extract.evaluation import GoldArticle, GoldIncident, within
from bot.extract.trust import confidence_of, is_recent, would_alert

__all__ = [
    "AlertCounts",
    "CurvePoint",
    "JudgedArticle",
    "alert_counts",
    "alert_curve",
    "lowest_threshold_for",
    "pooled_counts",
    "wilson_lower_bound",
]


@dataclass(frozen=True, slots=True)
class JudgedArticle:
    """One article's gold labels, its extracted incidents and the day they are judged from."""

    gold: GoldArticle
    incidents: Sequence[Incident]
    reference: dt.date | None  # the publication day; None when unknown


@dataclass(frozen=True, slots=True)
class AlertCounts:
    """Counts behind alert precision and recall."""

    alerts: int = 0  # incidents that would alert
    matched: int = 0  # of those, matched one-to-one to a gold incident by place
    primaries: int = 0  # gold primaries
    recalled: int = 0  # gold primaries some alerting incident lies within

    @property
    def precision(self) -> float:
        """Matched alerts / alerts (1.0 when nothing would alert)."""
        return self.matched / self.alerts if self.alerts else 1.0

    @property
    def recall(self) -> float:
        """Recalled primaries / primaries."""
        return self.recalled / self.primaries if self.primaries else 1.0

    def __add__(self, other: AlertCounts) -> AlertCounts:
        return AlertCounts(
            self.alerts + other.alerts,
            self.matched + other.matched,
            self.primaries + other.primaries,
            self.recalled + other.recalled,
        )


@dataclass(frozen=True, slots=True)
class CurvePoint:
    """Alert precision and recall when alerts need at least ``threshold`` confidence."""

    threshold: float
    counts: AlertCounts

    @property
    def precision_lower_bound(self) -> float:
        """Wilson 95% lower bound of the precision (small sets are weak evidence)."""
        return wilson_lower_bound(self.counts.matched, self.counts.alerts)


def _max_matching(alerts: Sequence[Incident], golds: Sequence[GoldIncident]) -> int:
    """Largest one-to-one pairing of alerting incidents with gold incidents they lie within."""
    edges = [[g for g, gold in enumerate(golds) if within(i, gold)] for i in alerts]
    owner: dict[int, int] = {}  # gold index -> alert index

    def assign(alert: int, seen: set[int]) -> bool:
        for gold in edges[alert]:
            if gold in seen:
                continue
            seen.add(gold)
            if gold not in owner or assign(owner[gold], seen):
                owner[gold] = alert
                return True
        return False

    return sum(assign(alert, set()) for alert in range(len(alerts)))


def alert_counts(article: JudgedArticle, threshold: float) -> AlertCounts:
    """One article's alert counts at ``threshold``."""
    alerts = [i for i in article.incidents if would_alert(i, article.reference, threshold)]
    golds = (article.gold.primary, *article.gold.secondary)
    recalled = any(within(i, article.gold.primary) for i in alerts)
    return AlertCounts(
        alerts=len(alerts),
        matched=_max_matching(alerts, golds),
        primaries=1,
        recalled=int(recalled),
    )


def pooled_counts(articles: Iterable[JudgedArticle], threshold: float) -> AlertCounts:
    """Alert counts summed over articles."""
    total = AlertCounts()
    for article in articles:
        total = total + alert_counts(article, threshold)
    return total


def alert_curve(articles: Sequence[JudgedArticle]) -> list[CurvePoint]:
    """Pooled precision and recall at every distinct confidence of a candidate alert (and 0),
    lowest threshold first."""
    candidates = {0.0}
    for article in articles:
        for incident in article.incidents:
            if not incident.is_background and is_recent(incident, article.reference):
                candidates.add(round(confidence_of(incident), 4))
    return [CurvePoint(t, pooled_counts(articles, t)) for t in sorted(candidates)]


def lowest_threshold_for(points: Sequence[CurvePoint], precision: float) -> CurvePoint | None:
    """The lowest threshold whose precision reaches ``precision`` (most recall at that
    precision), or None when none does."""
    for point in points:
        if point.counts.alerts and point.counts.precision >= precision:
            return point
    return None


def wilson_lower_bound(successes: int, trials: int, z: float = 1.96) -> float:
    """Lower end of the Wilson score interval of a proportion (0 with no trials)."""
    if trials <= 0:
        return 0.0
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = p + z * z / (2 * trials)
    margin = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials))
    return max(0.0, (centre - margin) / denominator)
