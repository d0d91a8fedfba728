"""Date annotator: the local publication day, and the dates each clause states.

The publication time is read in the timezone of the first place the article names (23:30 UTC
on Thursday is Friday in Baghdad); numeric dates are day-first except in reports about the
United States. Without a publication time the latest full date the page states is the
reference. A date right after "the toll rose to N", or the day bodies were found or a group
claimed the attack, is a reporting date, not the event's own.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from itertools import pairwise

from bot.domain.enums import DatePrecision
from bot.extract.dates import DateMention, find_dates
from bot.extract.document import Clause, Document, Resources
from bot.extract.gazetteer import Gazetteer
from bot.extract.times import WEEKDAYS, reference_date
from bot.extract.word_hits import CaseBlind

__all__ = ["annotate_dates", "article_timezone", "fallback_reference"]

_MONTH_FIRST_COUNTRIES = frozenset({"US", "PH", "FM", "MH", "PW"})


def annotate_dates(doc: Document, resources: Resources) -> None:
    """Set the reference day and each clause's dates (nothing when no day can be known)."""
    clauses = doc.clauses
    context = doc.context
    doc.timezone = article_timezone(clauses, context, resources.gazetteer)
    # Numeric dates are day-first except in reports about the United States.
    doc.day_first = not context or context.most_common(1)[0][0] not in _MONTH_FIRST_COUNTRIES
    published = doc.published_at
    ref = reference_date(published, doc.timezone) if published is not None else None
    if ref is None:
        ref = fallback_reference(doc.text, day_first=doc.day_first)
    doc.reference = ref
    if ref is None:
        return
    for unit in clauses:
        doc.checkpoint()
        dates = find_dates(unit.text, ref, day_first=doc.day_first)
        dates = _without_aside_history(dates, unit.text, ref)
        dates = [
            _last_year(_year_of_the_weekday(d, unit.text, ref), unit.text, ref) for d in dates
        ]
        unit.dates = _toll_dates_reporting(dates, unit)
    for before, unit in pairwise(clauses):
        if _dated_before(before, unit):
            unit.dates = list(before.dates)
    for unit in clauses:
        # Round-up parts share one stated date: "five in Kirkuk and two in Tikrit on Monday".
        head = unit.dates_from
        if head is None:
            continue
        if all(d.reporting for d in unit.dates):
            unit.dates = [*head.dates, *unit.dates]
        elif all(d.reporting for d in head.dates):
            head.dates = [*unit.dates, *head.dates]


def article_timezone(
    clauses: Sequence[Clause], context: Counter[str], gazetteer: Gazetteer
) -> str | None:
    """The timezone of the first place named (or of the article's country)."""
    for unit in clauses:
        for place in unit.places:
            if place.entry.timezone:
                return place.entry.timezone
            parent = gazetteer.get(place.entry.parent_key or "")
            if parent is not None and parent.timezone:
                return parent.timezone
    if context:
        country = context.most_common(1)[0][0]
        for name in (country,):
            entry = gazetteer.get(name)
            if entry is not None and entry.timezone:
                return entry.timezone
    return None


def fallback_reference(text: str, *, day_first: bool) -> dt.date | None:
    """Without a publication time: the latest full date the page states."""
    dates = [
        d.date for d in find_dates(text[:4000], None, day_first=day_first) if d.date is not None
    ]
    return max(dates) if dates else None


def _dated_before(before: Clause, unit: Clause) -> bool:
    """ "The monitor recorded new losses on 21 June, as IS cells attacked a post ...": the
    day an eventless first part of the sentence names is the day of the event after it."""
    if before.sentence != unit.sentence or unit.dates or unit.background_cue:
        return False
    if before.triggers or before.figures or not before.dates or before.background_cue:
        return False
    if not (unit.triggers or unit.figures):
        return False
    return all(not d.reporting and d.precision is DatePrecision.DAY for d in before.dates)


def _toll_dates_reporting(dates: list[DateMention], unit: Clause) -> list[DateMention]:
    """ "The toll rose to 10 on Tuesday": the day the toll was given, not the event's."""
    if not dates:
        return dates
    text = unit.text
    later = _LATER_DEATH_RE.search(text)
    if later:
        # "another succumbed to his injuries in hospital on Monday", "bodies were found on
        # Saturday", "IS claimed the attack on Saturday": not the event's own day; but "...,
        # bringing to three the number killed in a bomb attack on Sunday evening" dates the
        # attack (a date after an event word, told after the later death)
        return [
            d
            if d.start > later.end() + _TOLL_DATE_GAP
            and any(later.end() < t.end <= d.start for t in unit.triggers)
            else replace(d, reporting=True)
            for d in dates
        ]
    dates = [
        replace(d, reporting=True) if _as_of(text, d) or _stated_on(text, d) else d for d in dates
    ]
    ends = sorted(f.end for f in unit.figures if f.update)
    if not ends:
        return dates
    # A binary search for an update figure ending at most _TOLL_DATE_GAP before the date.
    return [
        replace(d, reporting=True)
        if bisect_right(ends, d.start) > bisect_left(ends, d.start - _TOLL_DATE_GAP)
        else d
        for d in dates
    ]


def _without_aside_history(dates: list[DateMention], text: str, ref: dt.date) -> list[DateMention]:
    """ "The insurgents, who were driven out of the town last month, attacked ...": an earlier
    date inside a relative clause set off by commas is the subject's history; the main clause
    around it is undated (it follows the report's own day)."""
    if ", wh" not in text or not dates:
        return dates
    asides = [m.span() for m in _ASIDE_RE.finditer(text)]
    return [
        d
        for d in dates
        if d.date is None
        or (ref - d.date).days <= _ASIDE_RECENT_DAYS
        or not any(lo <= d.start and d.end <= hi for lo, hi in asides)
    ]


def _year_of_the_weekday(date: DateMention, text: str, ref: dt.date) -> DateMention:
    """ "On Tuesday, August 17" in a report with no publication date, read months after: the
    latest earlier year in which August 17 was a Tuesday, not this year's (a Monday)."""
    day = date.date
    if day is None or date.precision is not DatePrecision.DAY or (ref - day).days <= 30:
        return date
    if _YEAR_RE.search(date.surface):
        return date  # the year is written
    named = _WEEKDAY_BEFORE_RE.search(text, max(0, date.start - 14), date.start)
    wanted = WEEKDAYS.index(named.group(1).lower()) if named else None
    if wanted is None or day.weekday() == wanted:
        return date
    for back in range(1, 12):
        try:
            earlier = day.replace(year=day.year - back)
        except ValueError:  # 29 February
            continue
        if earlier.weekday() == wanted:
            return replace(date, date=earlier)
    return date


def _last_year(date: DateMention, text: str, ref: dt.date) -> DateMention:
    """ "On January 6 last year", "last year in March": the day or month a year before the
    report's, whichever year a bare "January 6" would have taken."""
    day = date.date
    if day is None or date.precision not in _DAY_OR_MONTH or _YEAR_RE.search(date.surface):
        return date
    if "last year" not in text[max(0, date.start - 16) : date.end + 16].lower():
        return date
    if not (
        _LAST_YEAR_AFTER_RE.match(text, date.end)
        or _LAST_YEAR_BEFORE_RE.search(text, max(0, date.start - 16), date.start)
    ):
        return date
    try:
        moved = day.replace(year=ref.year - 1)
        end = date.date_end.replace(year=ref.year - 1) if date.date_end else None
    except ValueError:  # 29 February
        return date
    return replace(date, date=moved, date_end=end)


_DAY_OR_MONTH = (DatePrecision.DAY, DatePrecision.MONTH)
_LAST_YEAR_AFTER_RE = re.compile(r",?\s+(?:of\s+)?last\s+year\b", re.IGNORECASE)
_LAST_YEAR_BEFORE_RE = re.compile(r"\blast\s+year,?\s+(?:on\s+|in\s+)?$", re.IGNORECASE)
_WEEKDAY_BEFORE_RE = re.compile(rf"\b({'|'.join(WEEKDAYS)}),?\s+$", re.IGNORECASE)
_YEAR_RE = re.compile(r"\b(?:19|20)\d\d\b")


def _stated_on(text: str, date: DateMention) -> bool:
    """ "The army said in a statement from its headquarters in Abuja on Monday that ...": the
    day of a statement told at some length before its date."""
    if date.reporting:
        return False
    start = max(0, date.start - 80)
    if "statement" not in text[start : date.start]:  # a window, not the clause: O(n) per text
        return False
    return _STATED_ON_BEFORE.search(text, start, date.start) is not None


_STATED_ON_BEFORE = re.compile(
    r"\b(?:said|announced|confirmed|added)\s+in\s+(?:a|its|their|an?\s+\w+)\s+statement\b"
    r"[^.;,]{0,55}?\s(?:on|late\s+on|early\s+on)\s*$",
    re.IGNORECASE,
)


def _as_of(text: str, date: DateMention) -> bool:
    """ "received 31 bodies by Sunday evening", "as of Monday": when a count stood, not when
    anything happened ("killed by Sunday's strike" is the strike's day)."""
    if text[date.end : date.end + 2] in {"'s", "’s"}:
        return False
    return _AS_OF_BEFORE.search(text, max(0, date.start - 16), date.start) is not None


# ", who were driven out last month," followed by the main clause's own words.
_ASIDE_RE = re.compile(r",\s+(?:who|which|whose)\s[^,;:()]{3,160}?,(?=\s+\w+\s+\w+)")
_ASIDE_RECENT_DAYS = 7
_AS_OF_BEFORE = re.compile(r"\b(?:by|as\s+of|as\s+at)(?:\s+(?:late|early))?\s*$", re.IGNORECASE)
_TOLL_DATE_GAP = 12
_LATER_DEATH_RE = CaseBlind(
    re.compile(
        r"\b(?:succumb(?:ed|s)?\s+to\s+(?:his|her|their)\s+(?:injuries|wounds)|"
        r"died\s+(?:later\s+)?(?:of|from)\s+(?:his|her|their)\s+(?:injuries|wounds)|"
        r"later\s+died|died\s+(?:later\s+)?in\s+hospital|"
        # "two more died early Monday at the General Hospital in Celaya"
        r"died\b[^.;]{0,40}?\b(?:at|in)\s+(?:the\s+|a\s+)?(?:[\w-]+\s+){0,3}?(?:hospital|clinic)|"
        # the day bodies were found or a group claimed the attack is not the attack's day
        r"bod(?:y|ies)\s+(?:were\s+|was\s+)?(?:later\s+)?(?:found|discovered|recovered|retrieved)|"
        r"claimed\s+(?:responsibility|the\s+(?:attack|bombing|killing|ambush|assault)))\b",
        re.IGNORECASE,
    )
)
