"""Pydantic models of the domain: reports, incidents, chats, subscriptions, feeds, outbox.

No I/O here. Every datetime is timezone-aware (UTC unless stated).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from bot.domain.enums import (
    ActorType,
    ChatType,
    CountStatus,
    DatePrecision,
    EventType,
    GeoPrecision,
    IncidentStatus,
    SubEventType,
    SubscriptionKind,
)

# A hostile report can hold one 100,000-character "sentence"; evidence is a quotation, so
# longer ones are cut (at a word boundary when there is one) and the cut is marked.
MAX_EVIDENCE_CHARS = 600
EVIDENCE_CUT_MARK = " […]"


def cap_evidence(text: str) -> str:
    """``text`` itself, or its first words up to MAX_EVIDENCE_CHARS with the cut marked."""
    if len(text) <= MAX_EVIDENCE_CHARS:
        return text
    room = MAX_EVIDENCE_CHARS - len(EVIDENCE_CUT_MARK)
    cut = text[:room]
    space = cut.rfind(" ")
    if space >= room // 2:  # a word boundary not too far back; else cut mid-word
        cut = cut[:space]
    return cut.rstrip() + EVIDENCE_CUT_MARK


def _cap_one(value: str | None) -> str | None:
    return None if value is None else cap_evidence(value)


def _cap_all(value: list[str]) -> list[str]:
    return [cap_evidence(sentence) for sentence in value]


def _require_aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is not None and value.tzinfo is None:
        msg = "datetime must be timezone-aware"
        raise ValueError(msg)
    return value


class _Model(BaseModel):
    model_config = ConfigDict(frozen=False, extra="forbid", validate_assignment=False)


class Location(_Model):
    """Where an incident happened, with how precisely it is known."""

    name: str
    place_key: str | None = None  # the gazetteer entry's key ("gn:99532", "iq:green-zone")
    geonames_id: int | None = None
    admin1: str | None = None  # governorate / province, canonical English name ("Basra")
    admin1_code: str | None = None  # ISO 3166-2 where known ("IQ-BA")
    admin2: str | None = None
    country: str  # ISO 3166-1 alpha-2 ("IQ")
    lat: float | None = None
    lon: float | None = None
    geo_precision: GeoPrecision = GeoPrecision.POINT
    timezone: str | None = None  # IANA name of the place's zone

    @model_validator(mode="after")
    def _fill_key(self) -> Location:
        # Every location carries its key, so it survives storage round trips unchanged.
        if not self.place_key:
            if self.geonames_id is not None:
                self.place_key = f"gn:{self.geonames_id}"
            else:
                self.place_key = (
                    f"{self.country}:{(self.admin1 or '').lower()}:{self.name.lower()}"
                )
        return self

    @property
    def key(self) -> str:
        """A stable identifier: the gazetteer key, else the GeoNames id, else a folded name key."""
        return self.place_key or ""


class ActorRef(_Model):
    """A canonical actor from the registry (ACLED-style actor type)."""

    id: str  # stable slug, e.g. "asaib-ahl-al-haq"
    name: str  # canonical display name
    type: ActorType
    country: str | None = None  # ISO code of the actor's home country, if any


class CasualtyClaim(_Model):
    """One figure as one source gave it."""

    min: int | None = Field(default=None, ge=0)
    max: int | None = Field(default=None, ge=0)
    status: CountStatus = CountStatus.UNKNOWN
    source: str | None = None  # "Iraqi Security Media Cell", "medics", "AFP"
    evidence: str | None = None  # the sentence the figure was read from

    _capped = field_validator("evidence")(_cap_one)


class CasualtyCount(_Model):
    """A casualty figure as a range, with who gave it. ``min`` is the conservative figure."""

    min: int | None = Field(default=None, ge=0)
    max: int | None = Field(default=None, ge=0)
    status: CountStatus = CountStatus.NONE_REPORTED
    source: str | None = None
    claims: list[CasualtyClaim] = Field(default_factory=list)

    @model_validator(mode="after")
    def _ordered(self) -> CasualtyCount:
        if self.min is not None and self.max is not None and self.max < self.min:
            self.min, self.max = self.max, self.min
        return self

    @property
    def known(self) -> bool:
        """True when a number was reported."""
        return self.min is not None

    @property
    def best(self) -> int:
        """The conservative figure (ACLED practice), 0 when unknown."""
        return self.min or 0

    def display(self) -> str:
        """Short human text: "1", "at least 30", "12-15", "unknown", "none reported"."""
        if self.min is None:
            return "unknown" if self.status is CountStatus.UNKNOWN else "none reported"
        if self.max is not None and self.max != self.min:
            return f"{self.min}-{self.max}"
        if self.status is CountStatus.AT_LEAST:
            return f"at least {self.min}"
        if self.status is CountStatus.APPROXIMATE:
            return f"about {self.min}"
        return str(self.min)


class SourceRef(_Model):
    """A report that mentions an incident."""

    report_id: int | None = None
    url: str | None = None
    outlet: str | None = None  # "Rudaw English"
    title: str | None = None
    published_at: dt.datetime | None = None

    _aware = field_validator("published_at")(_require_aware)


class Incident(_Model):
    """One event: one place, one day (within its precision), its actors and toll."""

    id: int | None = None
    date: dt.date
    date_precision: DatePrecision = DatePrecision.DAY
    date_end: dt.date | None = None  # last day when the text gives a span
    time_of_day: str | None = None  # "02:00-06:30", "night", "morning"
    location: Location
    actors: list[ActorRef] = Field(default_factory=list)
    event_type: EventType
    sub_event_type: SubEventType
    killed: CasualtyCount = Field(default_factory=CasualtyCount)
    injured: CasualtyCount = Field(default_factory=CasualtyCount)
    arrested: CasualtyCount = Field(default_factory=CasualtyCount)
    summary: str
    evidence: list[str] = Field(default_factory=list)
    sources: list[SourceRef] = Field(default_factory=list)
    is_background: bool = False  # a reference to an earlier event, not the report's news
    # How far to trust the incident (0-1) and why it is below 1; None: not scored (an import,
    # an incident stored before scoring existed), which the alert gate treats as trusted.
    confidence: float | None = Field(default=None, ge=0.0, le=1.0)
    confidence_reasons: list[str] = Field(default_factory=list)
    status: IncidentStatus = IncidentStatus.ACTIVE  # reviewers hide false alarms, duplicates
    revision: int = 1
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None

    _aware = field_validator("created_at", "updated_at")(_require_aware)
    _capped = field_validator("evidence")(_cap_all)

    @model_validator(mode="after")
    def _consistent_types(self) -> Incident:
        if self.sub_event_type.event_type is not self.event_type:
            msg = f"sub_event_type {self.sub_event_type!r} is not a kind of {self.event_type!r}"
            raise ValueError(msg)
        return self

    @property
    def actor_ids(self) -> set[str]:
        """Registry ids of the actors."""
        return {actor.id for actor in self.actors}


class IncidentRevision(_Model):
    """A recorded change to an incident (a new toll, a new source)."""

    incident_id: int
    revision: int
    changed_at: dt.datetime
    report_id: int | None = None
    changes: dict[str, Any] = Field(default_factory=dict)  # field -> {"old": ..., "new": ...}
    note: str = ""  # human text: "toll rose from 20 to 30 (AFP)"
    # Who made a correction from the chat (a Telegram user id and name) and why; None and ""
    # for the changes Sitrep makes itself (a new report merged in).
    changed_by: int | None = None
    changed_by_name: str = ""
    reason: str = ""

    _aware = field_validator("changed_at")(_require_aware)


class Report(_Model):
    """A news report as ingested: text plus where and when it came from."""

    id: int | None = None
    url: str | None = None
    content_hash: str  # sha256 of the normalised text
    title: str | None = None
    outlet: str | None = None
    published_at: dt.datetime | None = None
    fetched_at: dt.datetime
    language: str = "en"
    text: str
    origin: str = "manual"  # "feed:<id>", "web", "telegram", "file", "import"
    forwarded_from: str | None = None

    _aware = field_validator("published_at", "fetched_at")(_require_aware)


class Chat(_Model):
    """A Telegram chat (private, group, channel) or the console chat, with its settings."""

    id: int
    type: ChatType = ChatType.PRIVATE
    title: str | None = None
    timezone: str = "UTC"
    digest_time: dt.time | None = None  # local wall-clock time; None = digests off
    quiet_start: dt.time | None = None
    quiet_end: dt.time | None = None
    language: str = "en"
    active: bool = True
    last_digest_date: dt.date | None = None  # local date of the last digest queued
    created_at: dt.datetime | None = None
    digest_chart: bool = False  # the daily digest is followed by the week's chart

    _aware = field_validator("created_at")(_require_aware)

    @property
    def is_group(self) -> bool:
        """Groups and supergroups share Telegram's slower per-group limit."""
        return self.type in (ChatType.GROUP, ChatType.SUPERGROUP)


class Subscription(_Model):
    """A chat's interest in a place, governorate or faction."""

    id: int | None = None
    chat_id: int
    kind: SubscriptionKind
    key: str  # "gn:99532" for a place, "IQ-BA" for a governorate, actor id for a faction
    label: str  # what the user sees: "Basra", "Basra governorate", "Asaib Ahl al-Haq"
    min_killed: int = Field(default=0, ge=0)
    created_at: dt.datetime | None = None

    _aware = field_validator("created_at")(_require_aware)


class Feed(_Model):
    """An RSS/Atom feed the bot polls."""

    id: int | None = None
    url: str
    title: str | None = None
    interval_minutes: int = Field(default=15, ge=1)
    etag: str | None = None
    last_modified: str | None = None
    last_polled_at: dt.datetime | None = None
    next_poll_at: dt.datetime | None = None
    failures: int = 0
    last_error: str | None = None
    active: bool = True
    added_by: int | None = None
    created_at: dt.datetime | None = None

    _aware = field_validator("last_polled_at", "next_poll_at", "created_at")(_require_aware)
