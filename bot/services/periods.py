"""Parse the periods users type (``24h``, ``7d``, ``2w``, ``1m``, ``today``, ``since 2022-08-29``).

Every period is relative to an aware "now" from the Clock and to a timezone (the chat's), so that
``today`` means the chat's local day. The default is the last 7 days.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from bot.domain.views import Period
from bot.services.errors import N_, UserError
from bot.services.period_words import (
    MONTH_NAMES,
    MONTHS,
    WEEKDAY_NAMES,
    WEEKDAYS,
    latin_period,
)

DEFAULT_DAYS = 7
MAX_DAYS = 3660  # ten years is more than the archive holds; beyond that is a typo
PERIOD_USAGE = N_(
    "Periods look like 24h, 7d, past 3 days, today, yesterday, this week, since Monday, "
    "August 2022, 2022, since 2022-08-29 or 2022-08-29..2022-09-01."
)

_UNITS: dict[str, tuple[str, int]] = {
    # unit -> (word for labels, hours per unit); a month is taken as 30 days
    "h": ("hour", 1),
    "hour": ("hour", 1),
    "hours": ("hour", 1),
    "hr": ("hour", 1),
    "hrs": ("hour", 1),
    "d": ("day", 24),
    "day": ("day", 24),
    "days": ("day", 24),
    "w": ("week", 24 * 7),
    "wk": ("week", 24 * 7),
    "week": ("week", 24 * 7),
    "weeks": ("week", 24 * 7),
    "m": ("month", 24 * 30),
    "mo": ("month", 24 * 30),
    "month": ("month", 24 * 30),
    "months": ("month", 24 * 30),
    # a year is taken as 365 days; ten of them is the longest period (MAX_DAYS)
    "y": ("year", 24 * 365),
    "yr": ("year", 24 * 365),
    "yrs": ("year", 24 * 365),
    "year": ("year", 24 * 365),
    "years": ("year", 24 * 365),
}
_RELATIVE = re.compile(r"^(?:last\s+)?(\d{1,5})?\s*([a-z]+)$")
_DATE = r"\d{4}-\d{1,2}-\d{1,2}"
_RANGE = re.compile(rf"^({_DATE})\s*(?:\.\.|–|—|\s+to\s+|\s+-\s+)\s*({_DATE})$")
_SINCE = re.compile(rf"^(?:since|from)\s+({_DATE})$")
_CALENDAR_WORDS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DAY_WORDS = r"(?:mon|tue|wed|thu|fri|sat|sun)(?:day|sday|nesday|rsday|urday)?"
_NUMBER_WORD = r"(?:an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
_LONG_UNITS = r"(?:hours?|days?|weeks?|months?|years?)"
_PERIOD_FORMS = (
    rf"(?:since|from)\s+{_DATE}|{_DATE}\s*(?:\.\.|\s+to\s+)\s*{_DATE}|{_DATE}"
    r"|(?:(?:in|during|over|for)\s+)?(?:the\s+)?(?:(?:last|past|previous)\s+)?"
    rf"(?:\d{{1,5}}\s*(?:h|hrs?|hours?|d|days?|w|wk|weeks?|m|mo|months?|y|yrs?|years?)"
    rf"|{_NUMBER_WORD}\s+{_LONG_UNITS})"
    r"|today|yesterday|(?:(?:in|during|over)\s+)?(?:the\s+)?"
    r"(?:(?:last|past|previous|this)\s+)?(?:week|month|year)"
    rf"|(?:in|during|since|from)\s+{_CALENDAR_WORDS}\.?(?:\s+(?:19|20)\d{{2}})?"
    rf"|{_CALENDAR_WORDS}\.?\s+(?:19|20)\d{{2}}"
    r"|(?:in\s+)?(?:19|20)\d{2}"
    rf"|(?:since|from|on|last)\s+{_DAY_WORDS}"
)
_PERIOD = re.compile(rf"(?:{_PERIOD_FORMS})", re.IGNORECASE)
_TRAILING = re.compile(
    rf"(?:^|\s)({_PERIOD_FORMS}"
    # A number with a unit we do not know ("5x", "30 dyas") is still meant as a period:
    # parse_period then says so, instead of "I don't know 'Basra 5x'".
    r"|\d{1,5}\s*[a-z]{1,8})$",
    re.IGNORECASE,
)
_ARABIC = re.compile("[\u0600-\u06ff]")


def _zone(tz: ZoneInfo | str) -> ZoneInfo:
    return tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz)


def _parse_date(text: str) -> dt.date:
    try:
        year, month, day = (int(part) for part in text.split("-"))
        return dt.date(year, month, day)
    except ValueError:
        raise UserError(
            "“{text}” is not a valid date (use YYYY-MM-DD).",
            values={"text": text},
            usage=PERIOD_USAGE,
        ) from None


def _local_midnight(day: dt.date, zone: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=zone).astimezone(dt.UTC)


def _make(since: dt.datetime, until: dt.datetime, label: str, zone: ZoneInfo) -> Period:
    since_utc = since.astimezone(dt.UTC)
    until_utc = until.astimezone(dt.UTC)
    last_instant = max(since_utc, until_utc - dt.timedelta(microseconds=1))
    return Period(
        since=since_utc,
        until=until_utc,
        label=label,
        first_day=since_utc.astimezone(zone).date(),
        last_day=last_instant.astimezone(zone).date(),
    )


def default_period(now: dt.datetime, tz: ZoneInfo | str = "UTC") -> Period:
    """The last 7 days up to now."""
    return _make(now - dt.timedelta(days=DEFAULT_DAYS), now, "last 7 days", _zone(tz))


def _date_range(first: dt.date, last: dt.date, now: dt.datetime, zone: ZoneInfo) -> Period:
    """The whole days from ``first`` to ``last`` (one day when equal), checked for sense."""
    if last < first:
        raise UserError(
            "The period ends ({last}) before it starts ({first}).",
            values={"last": last.isoformat(), "first": first.isoformat()},
            usage=PERIOD_USAGE,
        )
    if first > now.astimezone(zone).date():
        raise _in_future(first)
    if (last - first).days > MAX_DAYS:
        raise UserError("That period is too long (ten years at most).", usage=PERIOD_USAGE)
    label = first.isoformat() if first == last else f"{first.isoformat()} to {last.isoformat()}"
    until = min(now, _local_midnight(last + dt.timedelta(days=1), zone))
    return _make(_local_midnight(first, zone), until, label, zone)


def parse_period(text: str | None, now: dt.datetime, tz: ZoneInfo | str = "UTC") -> Period:
    """Parse a period typed by a user; empty text means the last 7 days.

    Raises ``UserError`` with usage text when the period is malformed, empty or in the future.
    """
    if now.tzinfo is None:
        msg = "now must be timezone-aware"
        raise ValueError(msg)
    zone = _zone(tz)
    cleaned = latin_period(text or "")
    if not cleaned:
        return default_period(now, zone)
    local_today = now.astimezone(zone).date()
    calendar = _calendar_period(cleaned, now, zone)
    if calendar is not None:
        return calendar

    if cleaned == "today":
        return _make(_local_midnight(local_today, zone), now, "today", zone)
    if cleaned == "yesterday":
        yesterday = local_today - dt.timedelta(days=1)
        return _make(
            _local_midnight(yesterday, zone), _local_midnight(local_today, zone), "yesterday", zone
        )

    if since_match := _SINCE.match(cleaned):
        start = _parse_date(since_match.group(1))
        if start > local_today:
            raise _in_future(start)
        if (local_today - start).days > MAX_DAYS:
            raise UserError("That period is too long (ten years at most).", usage=PERIOD_USAGE)
        return _make(_local_midnight(start, zone), now, f"since {start.isoformat()}", zone)

    range_match = _RANGE.match(cleaned)
    single = re.fullmatch(_DATE, cleaned)
    if range_match or single:
        if range_match:
            first, last = _parse_date(range_match.group(1)), _parse_date(range_match.group(2))
        else:
            first = last = _parse_date(cleaned)
        return _date_range(first, last, now, zone)

    if relative := _RELATIVE.match(cleaned):
        amount_text, unit_text = relative.groups()
        unit = _UNITS.get(unit_text)
        if unit is None:
            raise _not_understood(text)
        amount = int(amount_text) if amount_text else 1
        if amount <= 0:
            raise UserError("A period must be at least 1 hour long.", usage=PERIOD_USAGE)
        word, hours = unit
        if amount * hours > MAX_DAYS * 24:
            raise UserError("That period is too long (ten years at most).", usage=PERIOD_USAGE)
        label = f"last {amount} {word}s" if amount != 1 else f"last {word}"
        return _make(now - dt.timedelta(hours=amount * hours), now, label, zone)

    raise _not_understood(text)


def _in_future(day: dt.date) -> UserError:
    return UserError(
        "{day} is in the future.", values={"day": day.isoformat()}, usage=PERIOD_USAGE
    )


def _not_understood(text: str | None) -> UserError:
    return UserError(
        "I don't understand the period “{text}”.", values={"text": text}, usage=PERIOD_USAGE
    )


def previous_period(period: Period, tz: ZoneInfo | str = "UTC") -> Period:
    """The period of the same length that ends where ``period`` starts (for comparisons)."""
    length = period.length
    before = _make(
        period.since - length, period.since, f"the {_describe(length)} before", _zone(tz)
    )
    # Incidents are dated by day: the day the two windows share belongs to the current one.
    last_day = min(before.last_day, period.first_day - dt.timedelta(days=1))
    return before.model_copy(update={"last_day": max(last_day, before.first_day)})


def _describe(length: dt.timedelta) -> str:
    hours = round(length.total_seconds() / 3600)
    if hours < 48:
        return f"{hours} hours" if hours != 1 else "hour"
    days = round(hours / 24)
    return f"{days} days"


def split_trailing_period(text: str) -> tuple[str, str | None]:
    """Split "Basra since 2022-08-29" into ("Basra", "since 2022-08-29"); no period -> None."""
    stripped = text.strip()
    # Arabic first: the last one to four words in their Latin form ("البصرة ٧ ايام",
    # "بغداد منذ 2022-08-29", whose date alone would otherwise be taken as the period).
    words = stripped.split()
    for count in (4, 3, 2, 1):
        if len(words) < count:
            continue
        tail = " ".join(words[-count:])
        if _ARABIC.search(tail) and _TRAILING.fullmatch(latin_period(tail)) is not None:
            return " ".join(words[:-count]), tail
    match = _TRAILING.search(stripped)
    if match is None:
        return stripped, None
    return stripped[: match.start(1)].strip(), match.group(1)


def split_leading_period(text: str) -> tuple[str | None, str]:
    """Split "yesterday in Basra" into ("yesterday", "in Basra"); no period -> (None, text)."""
    words = text.strip().split()
    for count in (4, 3, 2, 1):
        if len(words) <= count:
            continue
        head = " ".join(words[:count])
        if _TRAILING.fullmatch(latin_period(head)) is not None:
            return head, " ".join(words[count:])
    return None, text.strip()


def is_period(text: str) -> bool:
    """True when the words are one of the period forms (no lenient "5x" here)."""
    return _PERIOD.fullmatch(latin_period(text)) is not None


def canonical_period(text: str) -> str:
    """The Latin form of a period as typed: short, ASCII for English and Arabic alike."""
    return latin_period(text)


# ---- calendar periods: this week, August 2022, 2022, since Monday -----------------------------


def _month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    first = dt.date(year, month, 1)
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return first, following - dt.timedelta(days=1)


def _whole_days(
    first: dt.date, last: dt.date, label: str, now: dt.datetime, zone: ZoneInfo
) -> Period:
    """Whole local days ``first``..``last``, cut at now; refused when it has not begun."""
    local_today = now.astimezone(zone).date()
    if first > local_today:
        raise UserError(
            "{period} has not begun yet.", values={"period": label}, usage=PERIOD_USAGE
        )
    if (local_today - first).days > MAX_DAYS:
        raise UserError("That is too long ago (ten years at most).", usage=PERIOD_USAGE)
    until = min(now, _local_midnight(last + dt.timedelta(days=1), zone))
    return _make(_local_midnight(first, zone), until, label, zone)


def _last_weekday(weekday: int, today: dt.date) -> dt.date:
    """The most recent such day before today ("since Monday" said on a Monday: a week ago)."""
    back = (today.weekday() - weekday) % 7 or 7
    return today - dt.timedelta(days=back)


def _month_of(name: str, year_text: str | None, today: dt.date) -> tuple[int, int]:
    """(year, month) for "august 2022", or the latest August up to now for a bare "august"."""
    month = MONTHS[name]
    if year_text:
        return int(year_text), month
    return (today.year if month <= today.month else today.year - 1), month


_YEAR = r"((?:19|20)\d{2})"
_MONTH_WORD = "|".join(sorted(MONTHS, key=len, reverse=True))
_WEEKDAY_WORD = "|".join(sorted(WEEKDAYS, key=len, reverse=True))
_THIS = re.compile(r"^this\s+(week|month|year)$")
_MONTH_PERIOD = re.compile(rf"^({_MONTH_WORD})\.?(?:\s+{_YEAR})?$")
_YEAR_PERIOD = re.compile(rf"^{_YEAR}$")
_SINCE_WEEKDAY = re.compile(rf"^(?:since|from)\s+({_WEEKDAY_WORD})$")
_ON_WEEKDAY = re.compile(rf"^(?:on\s+|last\s+)?({_WEEKDAY_WORD})$")
_SINCE_MONTH = re.compile(rf"^(?:since|from)\s+({_MONTH_WORD})\.?(?:\s+{_YEAR})?$")


def _calendar_period(cleaned: str, now: dt.datetime, zone: ZoneInfo) -> Period | None:
    """Calendar forms: this week/month/year, a month, a year, since or on a weekday."""
    today = now.astimezone(zone).date()
    if match := _THIS.match(cleaned):
        unit = match.group(1)
        # Weeks start on Monday (ISO 8601), whatever the local working week.
        first = {
            "week": today - dt.timedelta(days=today.weekday()),
            "month": today.replace(day=1),
            "year": today.replace(month=1, day=1),
        }[unit]
        return _whole_days(first, today, f"this {unit}", now, zone)
    if match := _MONTH_PERIOD.match(cleaned):
        year, month = _month_of(match.group(1), match.group(2), today)
        first, last = _month_bounds(year, month)
        return _whole_days(first, last, f"in {MONTH_NAMES[month - 1]} {year}", now, zone)
    if match := _YEAR_PERIOD.match(cleaned):
        year = int(match.group(1))
        first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
        return _whole_days(first, last, f"in {year}", now, zone)
    if match := _SINCE_WEEKDAY.match(cleaned):
        weekday = WEEKDAYS[match.group(1)]
        first = _last_weekday(weekday, today)
        label = f"since {WEEKDAY_NAMES[weekday]} {first.isoformat()}"
        return _whole_days(first, today, label, now, zone)
    if match := _ON_WEEKDAY.match(cleaned):
        weekday = WEEKDAYS[match.group(1)]
        day = _last_weekday(weekday, today)
        return _whole_days(day, day, f"{day.isoformat()} ({WEEKDAY_NAMES[weekday]})", now, zone)
    if match := _SINCE_MONTH.match(cleaned):
        year, month = _month_of(match.group(1), match.group(2), today)
        first = dt.date(year, month, 1)
        return _whole_days(first, today, f"since {first.isoformat()}", now, zone)
    return None
