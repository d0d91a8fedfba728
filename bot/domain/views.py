"""View models the services return to handlers and the CLI: periods, targets, pages, digests.

Pydantic, transport-neutral, never HTML. Handlers and the console render them.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from bot.domain.enums import SubscriptionKind
from bot.domain.models import Chat, Incident, IncidentRevision, Report, Subscription


def _require_aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is not None and value.tzinfo is None:
        msg = "datetime must be timezone-aware"
        raise ValueError(msg)
    return value


class _View(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Period(_View):
    """A time window asked for by a user: ``[since, until)`` plus the local days it covers."""

    since: dt.datetime
    until: dt.datetime
    label: str  # what the user sees: "last 7 days", "since 2022-08-29"
    first_day: dt.date  # first local day touched by the window (for incident dates)
    last_day: dt.date  # last local day touched by the window (inclusive)

    _aware = field_validator("since", "until")(_require_aware)

    @property
    def length(self) -> dt.timedelta:
        """How long the window is."""
        return self.until - self.since


class Target(_View):
    """Something a user can ask about or follow: a place, a governorate or a faction."""

    kind: SubscriptionKind
    key: str  # "gn:99532", "IQ-BA", "asaib-ahl-al-haq"
    label: str  # "Basra", "Basra governorate", "Asaib Ahl al-Haq"
    detail: str | None = None  # disambiguation hint: "city in Basra governorate"


class Resolution(_View):
    """What a piece of user text resolved to: exact matches and "did you mean" suggestions."""

    query: str = ""
    matches: list[Target] = Field(default_factory=list)
    suggestions: list[Target] = Field(default_factory=list)

    @property
    def unique(self) -> Target | None:
        """The single match, or None when there are none or several."""
        return self.matches[0] if len(self.matches) == 1 else None

    @property
    def ambiguous(self) -> bool:
        """True when several targets matched (the handler shows a keyboard to choose)."""
        return len(self.matches) > 1

    @property
    def found(self) -> bool:
        """True when at least one target matched."""
        return bool(self.matches)


class IncidentPage(_View):
    """One page of incidents, newest first, with pagination metadata (pages count from 1)."""

    items: list[Incident] = Field(default_factory=list)
    page: int = Field(default=1, ge=1)
    pages: int = Field(default=1, ge=1)
    total: int = Field(default=0, ge=0)
    page_size: int = Field(default=5, ge=1)
    target: Target | None = None
    period: Period | None = None
    query: str | None = None  # search words, for /search pages
    note: str | None = None  # how the query was read, when that differs from what was typed
    # Incidents below this confidence are shown as unconfirmed (the alert threshold).
    min_confidence: float = Field(default=0.0, ge=0.0, le=1.0)

    @property
    def has_previous(self) -> bool:
        """True when there is a page before this one."""
        return self.page > 1

    @property
    def has_next(self) -> bool:
        """True when there is a page after this one."""
        return self.page < self.pages

    @staticmethod
    def pages_for(total: int, page_size: int) -> int:
        """How many pages ``total`` items fill (at least 1)."""
        return max(1, math.ceil(total / page_size))


class IncidentDetail(_View):
    """The full record of one incident: the incident (with all sources) and its revisions."""

    incident: Incident
    revisions: list[IncidentRevision] = Field(default_factory=list)
    min_confidence: float = Field(default=0.0, ge=0.0, le=1.0)  # below it: unconfirmed


class Totals(_View):
    """Counts over a set of incidents (conservative figures)."""

    incidents: int = 0
    killed: int = 0
    injured: int = 0
    by_event_type: dict[str, int] = Field(default_factory=dict)
    # Incidents that gave a killed / injured figure; None when not counted.
    killed_reported: int | None = None
    injured_reported: int | None = None


class StatsResult(_View):
    """Totals for a period and for the period of the same length just before it."""

    current: Totals
    previous: Totals
    period: Period
    previous_period: Period
    target: Target | None = None
    # Set when no period was asked for and the default one was empty: the label of that one.
    widened_from: str | None = None

    @property
    def change(self) -> int:
        """Incidents now minus incidents in the previous period."""
        return self.current.incidents - self.previous.incidents

    @property
    def killed_change(self) -> int:
        """Killed now minus killed in the previous period."""
        return self.current.killed - self.previous.killed


class DigestCity(_View):
    """Incidents in one city (or one place) within a digest, most severe first."""

    name: str
    place_key: str | None = None
    incidents: list[Incident] = Field(default_factory=list)  # the most severe, listed
    killed: int = 0  # over every incident in the city, listed or not
    injured: int = 0
    more: int = 0  # incidents in the city not listed


class DigestGroup(_View):
    """One governorate's part of a digest, cities most severe first."""

    governorate: str  # "Basra"; "Unknown governorate" when the place has none
    admin1_code: str | None = None
    total: int = 0
    killed: int = 0
    injured: int = 0
    # How many of its incidents gave a killed / injured figure (None: count the listed ones).
    killed_reported: int | None = None
    injured_reported: int | None = None
    cities: list[DigestCity] = Field(default_factory=list)


class Digest(_View):
    """A chat's daily summary; ``total == 0`` renders as "nothing reported in your areas"."""

    chat_id: int
    local_date: dt.date
    timezone: str
    window_start: dt.datetime
    window_end: dt.datetime
    scope: Literal["subscriptions", "all"] = "subscriptions"
    areas: list[str] = Field(default_factory=list)  # labels of the subscriptions covered
    total: int = 0
    killed: int = 0
    injured: int = 0
    killed_reported: int | None = None  # as in DigestGroup
    injured_reported: int | None = None
    groups: list[DigestGroup] = Field(default_factory=list)
    previous_total: int = 0
    previous_killed: int = 0
    previous_injured: int = 0
    # Reported in the window, but about events before it (an archive import, a late story):
    # listed apart, never counted as the day's.
    late: list[Incident] = Field(default_factory=list)
    late_total: int = 0

    _aware = field_validator("window_start", "window_end")(_require_aware)

    @property
    def empty(self) -> bool:
        """True when nothing was reported in the chat's areas."""
        return self.total == 0

    @property
    def incident_ids(self) -> list[int]:
        """Ids of every incident in the digest, in display order."""
        return [
            incident.id
            for group in self.groups
            for city in group.cities
            for incident in city.incidents
            if incident.id is not None
        ]


class IngestOutcome(_View):
    """What ingesting one report did."""

    report: Report
    duplicate: bool = False
    new_incidents: list[Incident] = Field(default_factory=list)
    updated_incidents: list[Incident] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)  # "death toll rose from 15 to 30 (AFP)"
    alerts_queued: int = 0  # new alert messages queued
    updates_queued: int = 0  # update messages (replies to earlier alerts) queued
    unextracted: str | None = None  # why the report was stored without reading incidents
    min_confidence: float = Field(default=0.0, ge=0.0, le=1.0)  # below it: unconfirmed
    # Without a publication time: the day the report's link gives, else the latest date its
    # text states, which days such as "on Tuesday" were read from (both None: they were read
    # from the time it was received).
    link_day: dt.datetime | None = None
    text_day: dt.datetime | None = None


class ExtractorHealth(_View):
    """Which extractor reads the reports and, with a language model, how the model is doing."""

    mode: Literal["rules", "llm", "both"] = "rules"
    model: str | None = None
    state: str = "ok"  # "ok", "failing", "paused", "over budget"
    last_outcome: str | None = None  # "timeout", "server_error", ...
    last_detail: str | None = None
    last_failure_at: dt.datetime | None = None
    requests_today: int = 0
    max_requests: int = 0
    tokens_today: int = 0
    cache_hits: int = 0
    cache_misses: int = 0
    rules_alone: int = 0  # reports the rules answered alone because the model could not
    paused_for_seconds: float = 0.0

    _aware = field_validator("last_failure_at")(_require_aware)

    @property
    def model_down(self) -> bool:
        """Whether the rules are answering alone right now."""
        return self.mode != "rules" and self.state in ("failing", "paused", "over budget")


class StatusReport(_View):
    """What an admin sees with /status."""

    reports: int = 0
    incidents: int = 0
    chats: int = 0
    subscriptions: int = 0
    feeds: int = 0
    outbox: dict[str, int] = Field(default_factory=dict)  # status -> count
    last_ingest_at: dt.datetime | None = None
    last_error: str | None = None
    last_error_at: dt.datetime | None = None
    extractor: ExtractorHealth = Field(default_factory=ExtractorHealth)

    _aware = field_validator("last_ingest_at", "last_error_at")(_require_aware)

    @property
    def queue_length(self) -> int:
        """Messages waiting to be sent (pending or being sent)."""
        return self.outbox.get("pending", 0) + self.outbox.get("sending", 0)


class ChatSettings(_View):
    """A chat's settings with what they imply, for /settings."""

    chat: Chat
    subscriptions: list[Subscription] = Field(default_factory=list)
    next_digest_at: dt.datetime | None = None  # UTC; None when digests are off
    quiet_now: bool = False
    # Scheduled digests cover a chat's subscriptions; with none, nothing is sent until it follows
    # something (an on-demand /digest still shows everything).
    digest_needs_subscriptions: bool = False

    _aware = field_validator("next_digest_at")(_require_aware)
