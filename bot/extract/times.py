"""Times of day in news text: "from 2 to 6:30 am", "at 11:45 pm", "overnight"; and weekdays
written before the calendar date they name ("on Friday, May 3"); the publication day in the
place's timezone."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from functools import lru_cache
from itertools import pairwise
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.extract.word_hits import CaseBlind

__all__ = [
    "NO_DAY_AFTER",
    "NO_DAY_BEFORE",
    "WEEKDAYS",
    "a_given_name",
    "find_time_of_day",
    "reference_date",
    "weekdays_naming_a_date",
]

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# Around a weekday that names no day: "on a Friday", "every Sunday", "Friday prayers".
NO_DAY_BEFORE = r"(?<!\ba )(?<!\bevery )"
NO_DAY_AFTER = r"(?!\s+(?:prayers?|sermons?|services?|mass|market|bazaar))"

_TIME_RANGE_RE = re.compile(
    r"\bfrom\s+(?P<a>\d{1,2}(?::\d\d)?\s*(?:a\.?m\.?|p\.?m\.?)?)\s+(?:to|until|till)\s+"
    r"(?P<b>\d{1,2}(?::\d\d)?\s*(?:a\.?m\.?|p\.?m\.?))",
    re.IGNORECASE,
)
_TIME_RE = re.compile(
    r"\b(?:at|around|about|shortly after|after|before|since)\s+(?P<a>\d{1,2}(?::\d\d)?\s*"
    r"(?:a\.?m\.?|p\.?m\.?))",
    re.IGNORECASE,
)
_DIGIT_RE = re.compile(r"\d")
_PART_OF_DAY_RE = CaseBlind(
    re.compile(
        r"\b(?:(?P<p>morning|afternoon|evening|dawn)|(?P<n>night|overnight))\b", re.IGNORECASE
    )
)


def _clock(value: str, hint: str | None = None) -> str | None:
    match = re.match(r"(\d{1,2})(?::(\d\d))?\s*(a\.?m\.?|p\.?m\.?)?", value.strip(), re.I)
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    meridiem = (match.group(3) or hint or "").lower().replace(".", "")
    if meridiem == "pm" and hour < 12:
        hour += 12
    if meridiem == "am" and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        return None
    return f"{hour:02d}:{minute:02d}"


def find_time_of_day(text: str) -> str | None:
    """A stated time of day: "02:00-06:30", "23:45", or "morning" / "evening" / "night"."""
    if _DIGIT_RE.search(text) is not None:  # clock times need a digit
        match = _TIME_RANGE_RE.search(text)
        if match:
            end_hint = re.search(r"[ap]\.?m", match["b"], re.I)
            start = _clock(match["a"], end_hint.group(0) if end_hint else None)
            finish = _clock(match["b"])
            if start and finish:
                return f"{start}-{finish}"
        match = _TIME_RE.search(text)
        if match:
            return _clock(match["a"])
    match = _PART_OF_DAY_RE.search(text)
    if match:
        return (match["p"] or "night").lower()
    return None


# "on Friday, May 3" / "Friday (3 May)": the weekday names the calendar date that follows it.
_WEEKDAY_END_RE = re.compile(r"(?:mon|tues|wednes|thurs|fri|satur|sun)day\s*$")
_WEEKDAY_GAP_RE = re.compile(r"[\s,(]{1,3}(?:the\s+)?")


def weekdays_naming_a_date(low: str, spans: Sequence[tuple[int, int, bool]]) -> set[int]:
    """Indexes of the (start, end, explicit) date spans of lower-cased ``low``, in reading
    order, that are a weekday written right before the calendar date it names: the date is
    the evidence (and wins when the two disagree)."""
    named: set[int] = set()
    for index, ((start, end, explicit), following) in enumerate(pairwise(spans)):
        if (
            following[2]
            and not explicit
            and _WEEKDAY_END_RE.search(low, start, end)
            and _WEEKDAY_GAP_RE.fullmatch(low, end, following[0])
        ):
            named.add(index)
    return named


def reference_date(published_at: dt.datetime, timezone: str | None) -> dt.date:
    """The publication day in the place's timezone (23:30 UTC Thursday is Friday in Baghdad)."""
    if timezone:
        try:
            return published_at.astimezone(_zone(timezone)).date()
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return published_at.astimezone(dt.UTC).date()


@lru_cache(maxsize=1024)
def _zone(name: str) -> ZoneInfo:
    """``ZoneInfo(name)``, kept: zoneinfo keeps only the last eight zones used, and a reader of
    reports from many countries would load the zone file again for nearly every report."""
    return ZoneInfo(name)


def a_given_name(text: str, original: str, start: int, end: int) -> bool:
    """Whether the weekday at ``original[start:end]`` is a given name ("the chairman,
    Monday Kassah,"): a capitalised surname follows and no "on" or "last" comes before it
    (``text`` is ``original`` lower-cased)."""
    return _SURNAME_AFTER.match(original, end) is not None and not _DAY_LEAD.search(
        text, max(0, start - 12), start
    )


_SURNAME_AFTER = re.compile(
    r" (?!(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|Morning|Night|Evening|Afternoon|"
    r"Noon|Midnight|Dawn)\w*)[A-Z][a-z]{2,}\b(?! [0-9])"
)
_DAY_LEAD = re.compile(r"\b(?:on|last|this|past|previous|next|since|by|until|till|from|early|"
                       r"late|of|and|or|to|that|before|after)\s*$")  # fmt: skip
