"""Incident drafts: what an extractor read, before the shared finisher makes an ``Incident``.

The rules pipeline produces drafts; so may any other extractor (a language model). A draft
says what the text states, in the text's own terms where it can: the place as written and its
role, the date expression, the event type, actor names, and each casualty figure with the
words and sentence it was read from. :func:`bot.extract.finisher.Finisher.finish` turns a draft
into an :class:`~bot.domain.models.Incident` the same way for every extractor: it resolves the
place through the gazetteer, canonicalises actors through the registry, combines the figures
(refusing any figure it cannot find in the text), resolves and clamps the date, and writes
the summary.

Fields an extractor cannot fill stay empty; the optional ``key``/``ref``/resolved-date
fields let an extractor that has already resolved something (the rules do) pass it on
instead of having it looked up again.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from bot.domain.enums import CountStatus, DatePrecision, EventType, SubEventType
from bot.domain.models import ActorRef

__all__ = [
    "ActorDraft",
    "DateDraft",
    "FigureDraft",
    "FigureStatementDraft",
    "IncidentDraft",
    "PlaceDraft",
    "PlaceRole",
]

FigureKindName = Literal["killed", "injured", "arrested", "abducted"]


class _Draft(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PlaceRole(StrEnum):
    """How a place mention relates to the event."""

    AT = "at"  # the event happened in it
    NEAR = "near"  # near it, or somewhere along a road out of it
    COUNTRY = "country"  # no place named: the country the report is about


class PlaceDraft(_Draft):
    """The event's place as the text names it."""

    text: str  # as written ("Basra", "the Harib district")
    role: PlaceRole = PlaceRole.AT
    country: str | None = None  # ISO code that narrows the lookup, when known
    key: str | None = None  # gazetteer key when the extractor resolved it already
    # "60 km north-east of" it: the event lies this far (km) along this bearing (degrees)
    offset_km: float | None = None
    bearing: float | None = None


class DateDraft(_Draft):
    """The event's date expression and, when the extractor resolved it, the days it means."""

    expression: str  # as written ("on Monday", "3 May", "the day before")
    date: dt.date | None = None
    date_end: dt.date | None = None
    precision: DatePrecision = DatePrecision.DAY
    anchor_offset: int | None = None  # days from the report's lead event ("a day after ...")
    reporting: bool = False  # the day a toll or statement was given ("rose to 12 on Wednesday")


class ActorDraft(_Draft):
    """One party to the event, by name (``ref`` when already matched to the registry)."""

    name: str
    ref: ActorRef | None = None


class FigureDraft(_Draft):
    """One casualty figure and the words it was read from (``surface`` must be in the text)."""

    kind: FigureKindName
    min: int | None = Field(default=None, ge=0)  # None: stated but not counted ("several")
    max: int | None = Field(default=None, ge=0)
    status: CountStatus = CountStatus.EXACT
    surface: str  # the words stating it, exactly as in the text
    offset: int | None = Field(default=None, ge=0)  # where ``surface`` starts in the evidence
    subject: str = ""  # folded noun phrase ("soldiers"), "" when absent
    generic: bool = True  # "people", no noun: a total rather than one group
    additive: bool = False  # "also", "N more": adds to an earlier figure
    update: bool = False  # "the toll rose to N": replaces earlier figures
    none: bool = False  # "no casualties were reported"


class FigureStatementDraft(_Draft):
    """The figures one sentence or clause gives, with who gave them."""

    figures: tuple[FigureDraft, ...] = ()
    evidence: str  # the sentence, exactly as in the text
    source: str | None = None  # "the health ministry"
    unknown: bool = False  # says the toll is not known
    claim: bool = False  # a party's own claim of what it inflicted
    # an earlier count a later one replaced: "police had initially confirmed four deaths"
    superseded: bool = False
    heading: bool = False  # from a headline or subheading, not the body


class IncidentDraft(_Draft):
    """One incident as read, before resolution (see the module docstring)."""

    place: PlaceDraft | None = None
    country: str | None = None  # the country the report is about, when no place is named
    date: DateDraft | None = None
    event_type: EventType
    sub_event_type: SubEventType
    actors: tuple[ActorDraft, ...] = ()
    rivals: tuple[tuple[ActorDraft, ActorDraft], ...] = ()  # "fighting between A and B"
    statements: tuple[FigureStatementDraft, ...] = ()
    time_of_day: str | None = None
    evidence: tuple[str, ...] = ()  # the sentences the incident was read from
    lead: bool = False  # the report's main event
    separate: bool = False  # introduced as another event ("in a separate attack")
    background: bool = False  # a reference to an earlier event
