"""View models behind pictures and plain-language questions: chart series, map points, questions.

Transport-neutral and free of drawing code: services fill them, handlers draw or render them.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from bot.domain.enums import SubscriptionKind
from bot.domain.views import Period, Resolution, Target


class _View(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Bucket(StrEnum):
    """How a chart groups incidents: by day for short periods, by week, or by month."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"


class SeriesPoint(_View):
    """One bucket of a series: the day it starts and its totals."""

    start: dt.date
    incidents: int = 0
    killed: int = 0


class StatsSeries(_View):
    """Incidents and killed per bucket for a period and the period of the same length before.

    ``previous`` is aligned with ``current`` bucket by bucket (the n-th week of each period).
    """

    title: str  # the target's label, or "All incidents"
    bucket: Bucket
    period: Period
    previous_period: Period
    current: list[SeriesPoint] = Field(default_factory=list)
    previous: list[SeriesPoint] = Field(default_factory=list)
    truncated: bool = False  # more incidents than one scan reads: totals are a lower bound

    @property
    def empty(self) -> bool:
        """True when neither period has any incident."""
        return not any(p.incidents for p in (*self.current, *self.previous))


class MapPoint(_View):
    """Incidents at one spot (same coordinates), with their killed summed."""

    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    name: str
    incidents: int = 1
    killed: int = 0
    incident_ids: list[int] = Field(default_factory=list)


class IncidentMap(_View):
    """Where the incidents of a target and period happened."""

    title: str
    period: Period
    points: list[MapPoint] = Field(default_factory=list)
    total: int = 0  # incidents in the period, located or not
    unlocated: int = 0  # incidents without coordinates (left off the map)


class Intent(StrEnum):
    """What a plain-language question asks for."""

    LOOKUP = "lookup"  # incidents for a place, governorate or faction (/city, /province, /faction)
    STATS = "stats"
    MAP = "map"
    LATEST = "latest"
    INCIDENT = "incident"
    HELP = "help"


class Question(_View):
    """A message without a command, as the parser read it (before any name is resolved)."""

    text: str
    intent: Intent
    subject: str | None = None  # the name asked about, as typed ("Basra", "البصرة", "AAH")
    period: str | None = None  # the period in its Latin form ("yesterday", "last 3 days")
    kind: SubscriptionKind | None = None  # "the province of ...", "the faction ..."
    topic: str | None = None  # an event word the answer does not filter by ("clashes")
    incident_id: int | None = None


class Understanding(_View):
    """A question with its name resolved: the command it answers like, and how to say so."""

    question: Question
    command: str  # "city", "province", "faction", "stats", "map", "latest", "incident", "help"
    target: Target | None = None
    period: Period | None = None
    resolution: Resolution | None = None  # set when the name was unknown or ambiguous

    @property
    def understood(self) -> bool:
        """False when a name was given but matched nothing or several things."""
        return self.resolution is None
