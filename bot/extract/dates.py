"""Dates in news text, resolved against the publication day in the place's timezone.

Regex plus ``dateutil.relativedelta``: "on Thursday" is the latest Thursday on or before the
reference day (dateparser's ``past`` is a week early); "last night" the day before; "last week"
a week-precision date; day-first outside the US; nothing resolves after the reference day."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from dateutil.relativedelta import relativedelta

from bot.domain.enums import DatePrecision
from bot.extract.spans import SpanSet
from bot.extract.text import lower_same_length
from bot.extract.times import (
    NO_DAY_AFTER,
    NO_DAY_BEFORE,
    WEEKDAYS,
    a_given_name,
    find_time_of_day,
    weekdays_naming_a_date,
)
from bot.extract.word_hits import Words

__all__ = [
    "DateMention",
    "find_dates",
    "find_time_of_day",
]

# Patterns run on lower-cased text (see ``lower_same_length``): faster than IGNORECASE.
_ON_LOWERED = 0

_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
    "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}  # fmt: skip
_SMALL = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
          "seven": 7, "eight": 8, "nine": 9, "ten": 10, "several": 3, "few": 3,
          "a few": 3}  # fmt: skip


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date expression found in text.

    ``date`` is resolved unless ``anchor_offset`` is set: then the expression is relative to
    another event in the same report ("a day after ...") and the caller resolves it.
    ``reporting`` marks dates attached to a statement ("said on Monday"), weaker evidence.
    """

    start: int
    end: int
    surface: str
    date: dt.date | None
    precision: DatePrecision
    date_end: dt.date | None = None
    anchor_offset: int | None = None
    reporting: bool = False
    explicit: bool = True  # an absolute calendar date rather than a relative word
    earlier: bool = False  # says it is before the news: "last week", "earlier this month"
    fuzzy: bool = False  # "today", "yesterday", "last night": a day's slack is normal


_MONTH_RE = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_WEEKDAY_RE = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_PART_RE = r"(?:\s+(?:morning|afternoon|evening|night|dawn|noon))?"

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    # 2022-09-01
    ("iso", re.compile(r"\b(?P<y>(?:19|20)\d\d)([-/.])(?P<m>\d\d?)\2(?P<d>\d\d?)\b")),
    # 1/9/2022, 01.09.2022, 8-8-2026 (one separator throughout)
    ("numeric", re.compile(r"\b(?P<a>\d\d?)([/.-])(?P<b>\d\d?)\2(?P<y>(?:19|20)\d\d)\b")),
    # 27 and 29 August 2022, 2-3 July, 1 September 2022
    (
        "dmy",
        re.compile(
            rf"\b(?P<d>\d\d?)(?:st|nd|rd|th)?(?:\s*(?:-|–|and|to)\s*(?P<d2>\d\d?)(?:st|nd|rd|th)?)?"
            rf"\s+(?:of\s+)?(?P<mon>{_MONTH_RE})(?:,?\s+(?P<y>(?:19|20)\d\d))?\b",
            _ON_LOWERED,
        ),
    ),
    # August 27 and 29, July 2-3, September 1, 2022
    (
        "mdy",
        re.compile(
            rf"\b(?P<mon>{_MONTH_RE})\s+(?P<d>\d\d?)(?:st|nd|rd|th)?"
            rf"(?:\s*(?:-|–|and|to)\s*(?P<d2>\d\d?)(?:st|nd|rd|th)?)?(?:,?\s+(?P<y>(?:19|20)\d\d))?"
            rf"(?!\d)",
            _ON_LOWERED,
        ),
    ),
    # January 2018, in June, since late October, early this month
    (
        "month",
        re.compile(
            rf"\b(?P<lead>in|since|during|by|until|early|late|mid|mid-|end of|beginning of|"
            rf"last)\s*"
            rf"(?:(?:early|late|mid)-?\s*)?(?P<mon>{_MONTH_RE})"
            # "in August and September 2023": the year is both months'
            rf"(?:\s*(?:and|or|to|-|–)\s*(?:{_MONTH_RE}))?(?:,?\s+(?P<y>(?:19|20)\d\d))?\b",
            _ON_LOWERED,
        ),
    ),
    (
        "month_year",
        re.compile(rf"\b(?P<mon>{_MONTH_RE})\s+(?P<y>(?:19|20)\d\d)\b", _ON_LOWERED),
    ),
    # (late|early) on (last) Thursday (morning); not "on a Friday", "Friday prayers" (but
    # "during Friday prayers", "leaving Sunday mass": that day's)
    (
        "weekday",
        re.compile(
            rf"\b(?:(?P<at>during|after|leaving|attending)\s+(?:the\s+)?)?(?P<mod>last|this|past|previous|next)?"
            rf"\s*{NO_DAY_BEFORE}(?P<wd>{_WEEKDAY_RE})(?:'s|’s)?{_PART_RE}\b"
            rf"(?(at)(?=\s+(?:prayers?|sermons?|services?|mass)\b)|{NO_DAY_AFTER})",
            _ON_LOWERED,
        ),
    ),
    (
        "yesterday",
        # "overnight Saturday" / "overnight on Saturday": dated by the weekday, not "overnight"
        re.compile(
            r"\b(?:yesterday|last\s+night|overnight(?!\s+(?:(?:on|into|to)\s+)?(?:monday|tuesday|"
            r"wednesday|thursday|friday|saturday|sunday)\b))\b",
            _ON_LOWERED,
        ),
    ),
    (
        "today",
        re.compile(
            r"\b(?:today|tonight|this\s+(?:morning|afternoon|evening)|earlier\s+today|"
            r"early\s+today|on\s+the\s+same\s+day)\b",
            _ON_LOWERED,
        ),
    ),
    (
        "days_ago",
        re.compile(
            r"\b(?P<n>\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|a few|few|"
            r"several)\s+(?P<unit>days?|weeks?|months?|years?)\s+ago\b",
            _ON_LOWERED,
        ),
    ),
    (
        "relative_to_event",
        re.compile(
            r"\b(?P<n>a|an|one|two|three|four|five|six|seven|\d+)\s+(?P<unit>days?|weeks?)\s+"
            r"(?P<dir>after|before|earlier|later)\b",
            _ON_LOWERED,
        ),
    ),
    (
        "the_day",
        re.compile(
            r"\bthe\s+(?P<dir>previous|next|following)\s+(?:day|night|evening)\b", _ON_LOWERED
        ),
    ),
    (
        "week",
        re.compile(
            r"\b(?P<which>last|this|earlier\s+this|past|previous)\s+(?P<unit>week(?:end)?|month|"
            r"year)\b|\bearlier\s+in\s+the\s+(?P<unit2>week|month)\b|"
            r"\b(?:at|over|on|during)\s+the\s+(?P<unit3>weekend)\b",
            _ON_LOWERED,
        ),
    ),
]

# Words each pattern cannot match without (on lower-cased text): a pattern whose words are all
# missing is not run. The numeric patterns need a digit instead.
_MONTH_STEMS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_NEEDED_WORDS: dict[str, tuple[str, ...]] = {
    "month": _MONTH_STEMS, "month_year": _MONTH_STEMS, "dmy": _MONTH_STEMS, "mdy": _MONTH_STEMS,
    "weekday": ("day",), "yesterday": ("yesterday", "night"), "days_ago": ("ago",),
    "today": ("today", "tonight", "this", "same"), "the_day": ("day", "night", "evening"),
    "relative_to_event": ("after", "before", "earlier", "later"),
    "week": ("week", "month", "year"),
}  # fmt: skip
_ALL_NEEDED = Words(word for words in _NEEDED_WORDS.values() for word in words)
_NEEDS_DIGIT = frozenset({"iso", "numeric", "dmy", "mdy", "month_year"})
_DIGIT_RE = re.compile(r"\d")


def _patterns_for(text: str, ref: dt.date | None) -> list[tuple[str, re.Pattern[str]]]:
    """The patterns that can match ``text`` (lower-cased) and resolve without/with ``ref``."""
    has_digit, present = _DIGIT_RE.search(text) is not None, _ALL_NEEDED.found_in(text)
    return [
        (kind, pattern)
        for kind, pattern in _PATTERNS
        if (has_digit or kind not in _NEEDS_DIGIT)
        and (ref is not None or kind not in _NEEDS_REFERENCE)
        and (kind not in _NEEDED_WORDS or not present.isdisjoint(_NEEDED_WORDS[kind]))
    ]


_EARLIER_RE = re.compile(r"\b(?:earlier|last|past|previous|ago|before)\b", re.IGNORECASE)
# Cheap pre-check: no digit and none of these words, no date.
_DATE_HINT = re.compile(
    r"\d|day|night|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|week|month|today|tonight|"
    r"morning|evening|afternoon|ago|earlier|later|previous|next|following|year",
    _ON_LOWERED,
)
_DATE_WORDS = Words.of(_DATE_HINT, digit=True)  # _DATE_HINT = a digit or one of these
# A statement verb right after the date: "the prime minister on Saturday condemned ...".
_REPORTING_AFTER_RE = re.compile(
    r"\s*(?:\([^)]{0,20}\)\s*)?(?:said|says|condemned|denounced|announced|reported|told|"
    r"confirmed|stated|declared|claimed|warned|vowed|urged|called|ordered|issued|added)\b",
    _ON_LOWERED,
)
# Words before a date that make it the date of a statement rather than of the event.
_REPORTING_RE = re.compile(
    r"\b(?:said|says|told|reported|announced|confirmed|added|stated|statement|declared|"
    r"claimed|tweeted|wrote|posted|published|reporting|saying|report(?:ed)?\s+on)\b"
    r"[^.;,]{0,25}$|"
    # "said in a statement posted on the army's Facebook page on Tuesday evening"
    r"\b(?:statement|communiqu[eé])\s+(?:posted|published|issued|released|read|broadcast)\b"
    r"[^.;,]{0,50}$",
    _ON_LOWERED,
)

# "told our correspondent in Maiduguri on Saturday": the day of the telling
_TOLD_RE = re.compile(
    r"\b(?:told|telling)\s+(?:[\w'’()-]+\s+){1,7}?(?:on|late\s+on|early\s+on)\s*$",
    _ON_LOWERED,
)


def _year_for(month: int, day: int, ref: dt.date) -> int:
    """The year that puts ``month/day`` on or before ``ref`` (a report looks back)."""
    try:
        candidate = dt.date(ref.year, month, day)
    except ValueError:
        return ref.year
    return ref.year if candidate <= ref else ref.year - 1


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _number(word: str) -> int:
    word = word.lower().strip()
    if word.isdigit():
        return int(word)
    return _SMALL.get(word, 1)


def find_dates(text: str, ref: dt.date | None, *, day_first: bool = True) -> list[DateMention]:
    """Date expressions in ``text`` resolved against ``ref`` (the local publication day).

    Without a reference day only absolute dates with a year resolve. Dates after ``ref`` are
    dropped (a report describes the past); a year-less date lands in the latest year that keeps
    it on or before ``ref``.
    """
    found: list[DateMention] = []
    taken = SpanSet()  # O(log n) overlap tests, not a scan of every earlier date
    original, text = text, lower_same_length(text)
    if not (_DIGIT_RE.search(text) or _DATE_WORDS.in_text(text)):  # _DATE_HINT, faster
        return found

    free = taken.free

    for kind, pattern in _patterns_for(text, ref):
        for match in pattern.finditer(text):
            if not free(match.start(), match.end()):
                continue
            mention = _resolve(kind, match, ref, day_first=day_first, original=original)
            weekday_name = kind == "weekday" and a_given_name(text, original, *match.span())
            if mention is None or weekday_name:
                continue
            if mention.date is not None and ref is not None and mention.date > ref:
                continue
            if mention.date_end is not None and ref is not None and mention.date_end > ref:
                mention = _replace_end(mention, ref)
            reporting = bool(
                _REPORTING_RE.search(text[max(0, match.start() - 40) : match.start()])
                or _TOLD_RE.search(text[max(0, match.start() - 70) : match.start()])
                or _REPORTING_AFTER_RE.match(text[match.end() : match.end() + 30])
            )
            if reporting:
                mention = _as_reporting(mention)
            taken.add(match.start(), match.end())
            found.append(mention)
    found.sort(key=lambda m: m.start)
    named = weekdays_naming_a_date(text, [(m.start, m.end, m.explicit) for m in found])
    return [m for i, m in enumerate(found) if i not in named]


def _replace_end(mention: DateMention, ref: dt.date) -> DateMention:
    return replace(mention, date_end=ref)


def _as_reporting(mention: DateMention) -> DateMention:
    return replace(mention, reporting=True)


def _resolve(
    kind: str, match: re.Match[str], ref: dt.date | None, *, day_first: bool, original: str
) -> DateMention | None:
    """The date a pattern's match means, or None when it cannot be resolved."""
    found = _Found(kind, match, ref, day_first, original[match.start() : match.end()])
    resolver = _RESOLVERS.get(kind)
    if resolver is None or (kind in _NEEDS_REFERENCE and ref is None):
        return None
    return resolver(found)


@dataclass(frozen=True, slots=True)
class _Found:
    """One match of a date pattern, with what resolving it needs."""

    kind: str
    match: re.Match[str]
    ref: dt.date | None
    day_first: bool
    surface: str

    @property
    def today(self) -> dt.date:
        """The reference day (only for kinds in ``_NEEDS_REFERENCE``)."""
        assert self.ref is not None
        return self.ref

    def make(
        self,
        date: dt.date | None,
        precision: DatePrecision = DatePrecision.DAY,
        date_end: dt.date | None = None,
        *,
        anchor: int | None = None,
        explicit: bool = False,
    ) -> DateMention:
        """A mention for this match."""
        earlier = bool(_EARLIER_RE.search(self.surface))
        return DateMention(
            self.match.start(),
            self.match.end(),
            self.surface,
            date,
            precision,
            date_end,
            anchor,
            False,
            explicit,
            earlier,
            self.kind in {"yesterday", "today"},
        )


def _numeric(found: _Found) -> DateMention | None:
    match = found.match
    if found.kind == "iso":
        value = _safe_date(int(match["y"]), int(match["m"]), int(match["d"]))
        return found.make(value, explicit=True) if value else None
    a, b = int(match["a"]), int(match["b"])
    d, m = (a, b) if found.day_first else (b, a)
    if m > 12 >= d:
        d, m = m, d
    value = _safe_date(int(match["y"]), m, d)
    return found.make(value, explicit=True) if value else None


def _day_month(found: _Found) -> DateMention | None:
    match, ref = found.match, found.ref
    month = _MONTHS[match["mon"].lower().rstrip(".")]
    d1 = int(match["d"])
    d2 = int(match["d2"]) if match["d2"] else None
    if match["y"]:
        year = int(match["y"])
    elif ref is not None:
        year = _year_for(month, d1, ref)
    else:
        return None
    first = _safe_date(year, month, d1)
    if first is None:
        return None
    last = _safe_date(year, month, d2) if d2 and d2 > d1 else None
    if found.surface.lower().startswith("may ") and not match["y"] and d1 > 31:
        return None
    return found.make(first, DatePrecision.DAY, last, explicit=True)


_WHEN_AFTER = re.compile(r",?\s+when\b", _ON_LOWERED)


def _month(found: _Found) -> DateMention | None:
    match, ref = found.match, found.ref
    month = _MONTHS[match["mon"].lower().rstrip(".")]
    if match["y"]:
        year = int(match["y"])
    elif ref is not None:
        year = ref.year if month <= ref.month else ref.year - 1
    else:
        return None
    lead = (match.groupdict().get("lead") or "").lower()
    if lead == "last" and not match["y"] and ref is not None and month == ref.month:
        year -= 1  # "last July", written in July: a year ago
    if lead == "since" and not _WHEN_AFTER.match(match.string, match.end()):
        return None  # "since October": a period; "since April, when ...": April's event
    mid = dt.date(year, month, 15)
    if ref is not None and mid > ref:
        mid = ref if (ref.year, ref.month) == (year, month) else mid
    return found.make(mid, DatePrecision.MONTH, explicit=True)


def _weekday(found: _Found) -> DateMention | None:
    match, ref = found.match, found.today
    index = WEEKDAYS.index(match["wd"].lower())
    mod = (match["mod"] or "").lower()
    if mod == "next":
        return None
    value = ref - dt.timedelta(days=(ref.weekday() - index) % 7)  # on or before ref
    if mod in {"last", "past", "previous"} and value == ref:
        value = ref - dt.timedelta(days=7)
    return found.make(value)


def _relative(found: _Found) -> DateMention | None:
    match, ref, kind, day = found.match, found.today, found.kind, DatePrecision.DAY
    if kind == "yesterday":
        return found.make(ref - dt.timedelta(days=1))
    if kind == "today":
        return found.make(ref)
    if kind == "days_ago":
        n = _number(match["n"])
        unit = match["unit"].lower()
        if unit.startswith("day"):
            return found.make(ref - dt.timedelta(days=n), day if n <= 2 else DatePrecision.WEEK)
        if unit.startswith("week"):
            return found.make(ref - dt.timedelta(days=7 * n), DatePrecision.WEEK)
        months = n * 12 if unit.startswith("year") else n  # "a year ago this month"
        return found.make(ref - relativedelta(months=months), DatePrecision.MONTH)
    if kind == "relative_to_event":
        n = _number(match["n"]) * (7 if match["unit"].lower().startswith("week") else 1)
        direction = match["dir"].lower()
        # "X came a day after Y": Y is n days before the anchor event.
        offset = -n if direction in {"after", "later"} else n
        return found.make(None, day if n <= 2 else DatePrecision.WEEK, anchor=offset)
    offset = -1 if match["dir"].lower() == "previous" else 1  # "the day before/after"
    return found.make(None, day, anchor=offset)


def _week(found: _Found) -> DateMention | None:
    match, ref = found.match, found.today
    which = (match["which"] or "earlier this").lower()
    unit = (match["unit"] or match["unit2"] or match["unit3"] or "").lower()
    if unit.startswith("weekend"):
        saturday = ref - dt.timedelta(days=(ref.weekday() - 5) % 7)
        if which in {"last", "past", "previous"} and saturday == ref:
            saturday -= dt.timedelta(days=7)
        return found.make(saturday, DatePrecision.WEEK, saturday + dt.timedelta(days=1))
    if unit == "week":
        monday = ref - dt.timedelta(days=ref.weekday())
        if which in {"last", "previous"}:
            monday -= dt.timedelta(days=7)
            return found.make(monday + dt.timedelta(days=3), DatePrecision.WEEK)
        if which == "past":
            return found.make(ref - dt.timedelta(days=3), DatePrecision.WEEK)
        return found.make(monday + (ref - monday) / 2, DatePrecision.WEEK)
    if unit == "month":
        first = ref.replace(day=1)
        if which in {"last", "previous"}:
            previous = first - relativedelta(months=1)
            return found.make(previous.replace(day=15), DatePrecision.MONTH)
        if which == "past":
            return found.make(ref - dt.timedelta(days=15), DatePrecision.MONTH)
        return found.make(first + (ref - first) / 2, DatePrecision.MONTH)
    return None  # "this year" and the like: too vague


_RESOLVERS: dict[str, Callable[[_Found], DateMention | None]] = {
    "iso": _numeric,
    "numeric": _numeric,
    "dmy": _day_month,
    "mdy": _day_month,
    "month": _month,
    "month_year": _month,
    "weekday": _weekday,
    "yesterday": _relative,
    "today": _relative,
    "days_ago": _relative,
    "relative_to_event": _relative,
    "the_day": _relative,
    "week": _week,
}
# Kinds that mean nothing without the publication day ("on Monday", "last week").
_NEEDS_REFERENCE = frozenset(_RESOLVERS) - {"iso", "numeric", "dmy", "mdy", "month", "month_year"}
