"""What a clause is to the incident in hand, read from the clause alone: history of an earlier
year, a running toll of a whole conflict, or the news a later report counts back from ("a
fourth farmer died on Saturday, two days after gunmen opened fire"). Used by ``segment``."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

from bot.domain.enums import DatePrecision
from bot.extract.dates import DateMention
from bot.extract.document import Clause
from bot.extract.history import acts_of_a_dated_event, running_toll, years_named
from bot.extract.text import lower_same_length

__all__ = [
    "after_news",
    "counted_back",
    "cumulative",
    "goes_back",
    "historical",
    "opening_day",
    "tells_when",
]


def historical(unit: Clause, ref: dt.date) -> bool:
    """A clause about an earlier year ("in 2014", "since 2003") with no nearer date; a year
    in a comparison ("the deadliest day for the group since 2012") dates nothing."""
    months = [d.date for d in unit.dates if d.date and d.precision is DatePrecision.MONTH]
    if "19" not in unit.text and "20" not in unit.text:
        # no year (blanking comparisons joins no digits), unless "a year ago" said one
        old = any((ref - month).days > _A_YEAR_AGO for month in months)
        return old and not _recent_day(unit, ref)
    acts = [t.start for t in unit.triggers] + [f.start for f in unit.figures]
    if acts_of_a_dated_event(unit.text, acts, ref.year):
        return True
    years = years_named(unit.text) + [m.year for m in months]  # "in August and September 2023"
    if not years or min(years) >= ref.year:
        return False
    # A clause that also names a recent day ("on Tuesday", "on 3 May") is about that day;
    # the year is background ("... since the government retook it in 2018").
    return not _recent_day(unit, ref)


# "A year ago this month, ...": a month told this long before the report is history.
_A_YEAR_AGO = 300


def _recent_day(unit: Clause, ref: dt.date) -> bool:
    """Whether the clause names a day (or a calendar date) within 60 days before ``ref``."""
    return any(
        d.date is not None
        and (ref - d.date).days < 60
        and (d.explicit or d.precision is DatePrecision.DAY)
        for d in unit.dates
        if not d.reporting
    )


# A tally of many attacks: "shelled border communities 84 times over the past day".
_TALLY_RE = re.compile(
    r"\b(?:\d{1,3}(?:,\d{3})*|dozens\s+of|hundreds\s+of|scores\s+of|(?:thir|four|fif|six|"
    r"seven|eigh|nine)ty(?:-\w+)?|twenty(?:-\w+)?|forty(?:-\w+)?)\s+times\b",
)


def cumulative(unit: Clause) -> bool:
    """A running toll of a whole conflict (see :func:`running_toll`), or a tally of many
    attacks ("shelled the border villages 84 times"), which is no one incident."""
    low = lower_same_length(unit.text)
    if " times" in low and unit.triggers and _TALLY_RE.search(low):
        return not any(f.min for f in unit.figures)  # a tally's own dead make it an event
    largest = max((f.min for f in unit.figures if f.min is not None), default=0)
    placed_or_dated = bool(unit.places) or any(not d.reporting for d in unit.dates)
    return running_toll(low, largest, placed_or_dated=placed_or_dated)


def after_news(said: Clause | None, unit: Clause) -> bool:
    """ "A fourth farmer died on Saturday, two days after gunmen opened fire ...": after a
    clause of the same sentence with no event word, what came "after" is the news."""
    counted = unit.date is not None and unit.date.anchor_offset is not None  # "two days after"
    return (
        bool(counted and said and said.sentence == unit.sentence and not said.triggers)
        and unit.background_cue
    )


def counted_back(said: Clause, unit: Clause) -> DateMention | None:
    """The day "two days after ..." names, counted back from the day the clause before it
    gives; None when either is missing."""
    offset = unit.date.anchor_offset if unit.date is not None else None
    day = next((d.date for d in said.dates if d.date is not None), None)
    if offset is None or day is None or unit.date is None:
        return None
    return replace(unit.date, date=day + dt.timedelta(days=offset), anchor_offset=None)


# "The encounter broke out on Sunday morning", "The attack took place late on Friday": a
# clause that goes back to the event in hand to say when it happened.
_TELLS_WHEN_RE = re.compile(
    r"^(?:the|this)\s+(?:[\w'-]+\s+){0,2}?(?:attack|encounter|gun\s?fight|firefight|clash(?:es)?|"
    r"fighting|battle|ambush|raid|blast|explosion|bombing|shooting|assault|strike|massacre|"
    r"incident|operation)\s+(?:had\s+|has\s+)?(?:broke\s+out|broken\s+out|erupted|began|begun|"
    r"started|took\s+place|happened|occurred|unfolded|was\s+carried\s+out)\b",
    re.IGNORECASE,
)


def goes_back(text: str) -> bool:
    """Whether a clause or sentence goes back to the event in hand to say when it happened
    ("The encounter broke out on Sunday morning when ...")."""
    return _TELLS_WHEN_RE.match(text) is not None


# How long before the day a report gave its toll the event it goes back to may have begun.
_TELLS_WHEN_DAYS = 3


def tells_when(units: list[Clause], said: DateMention | None) -> DateMention | None:
    """The event's own day for a group dated only by when a toll or statement was given
    ("ten were killed, an officer said on Tuesday"): the day a later clause going back to
    the event names ("The encounter broke out on Sunday morning"), at most three days
    earlier; None when there is no such clause."""
    if said is not None and not said.reporting:
        return None
    return next((d for u in units if goes_back(u.text) if (d := _event_day_before(u, said))), None)


def opening_day(opening: list[Clause], said: DateMention | None) -> DateMention | None:
    """ "The fighters came before first light on Sunday. ... The army said on Monday that five
    soldiers were killed": the day an opening sentence gives, with no place, event word or
    count of its own, for a lead dated only by a statement, at most three days earlier."""
    if said is None or not said.reporting or said.date is None:
        return None
    bare = (u for u in opening if not (u.places or u.triggers or u.figures or u.background_cue))
    return next((d for u in bare if (d := _event_day_before(u, said))), None)


def _event_day_before(unit: Clause, said: DateMention | None) -> DateMention | None:
    """The clause's first event day (not a statement's) on or at most three days before the
    day ``said`` names (any, when that day is unknown)."""
    for date in unit.dates:
        if date.reporting or date.date is None or date.precision is not DatePrecision.DAY:
            continue
        if (
            said is None
            or said.date is None
            or 0 <= (said.date - date.date).days <= _TELLS_WHEN_DAYS
        ):
            return date
    return None
