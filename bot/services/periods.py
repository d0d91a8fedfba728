"""Parse the periods users type (``24h``, ``7d``, ``2w``, ``1m``, ``today``, ``since 2022-08-29``).

Every period is relative to an aware "now" from the Clock and to a timezone (the chat's), so that
``today`` means the chat's local day. The default is the last 7 days.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from bot.domain.views import Period
from bot.services.errors import UserError

DEFAULT_DAYS = 7
MAX_DAYS = 3660  # ten years is more than the archive holds; beyond that is a typo
PERIOD_USAGE = (
    "Periods look like 24h, 7d, 2w, 1m, 1y, today, yesterday, since 2022-08-29 "
    "or 2022-08-29..2022-09-01."
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
_TRAILING = re.compile(
    rf"(?:^|\s)((?:since|from)\s+{_DATE}|{_DATE}\s*(?:\.\.|\s+to\s+)\s*{_DATE}|{_DATE}"
    r"|(?:last\s+)?\d{1,5}\s*(?:h|hrs?|hours?|d|days?|w|wk|weeks?|m|mo|months?|y|yrs?|years?)"
    # A number with a unit we do not know ("5x", "30 dyas") is still meant as a period:
    # parse_period then says so, instead of "I don't know 'Basra 5x'".
    r"|\d{1,5}\s*[a-z]{1,8}"
    r"|today|yesterday|(?:last\s+)?(?:week|month|year))$",
    re.IGNORECASE,
)


# Arabic-Indic and Persian digits, and the Arabic words people type for periods.
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "0123456789" * 2)
_ARABIC_WORDS = {
    "ساعة": "hours",
    "ساعه": "hours",
    "ساعات": "hours",
    "يوم": "days",
    "ايام": "days",
    "أيام": "days",
    "اسبوع": "weeks",
    "أسبوع": "weeks",
    "اسابيع": "weeks",
    "أسابيع": "weeks",
    "شهر": "months",
    "اشهر": "months",
    "أشهر": "months",
    "شهور": "months",
    "سنة": "years",
    "سنه": "years",
    "سنوات": "years",
    "سنين": "years",
    "ساعتين": "2 hours",
    "يومين": "2 days",
    "اسبوعين": "2 weeks",
    "أسبوعين": "2 weeks",
    "شهرين": "2 months",
    "سنتين": "2 years",
    "اليوم": "today",
    "امس": "yesterday",
    "أمس": "yesterday",
    "البارحة": "yesterday",
    "منذ": "since",
    "من": "from",
    "آخر": "last",
    "اخر": "last",
}


def _latin(text: str) -> str:
    """Arabic digits and period words in their Latin form ("٧ ايام" -> "7 days")."""
    return " ".join(_ARABIC_WORDS.get(word, word) for word in text.translate(_DIGITS).split())


def _zone(tz: ZoneInfo | str) -> ZoneInfo:
    return tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz)


def _parse_date(text: str) -> dt.date:
    try:
        year, month, day = (int(part) for part in text.split("-"))
        return dt.date(year, month, day)
    except ValueError:
        raise UserError(
            f"{text!r} is not a valid date (use YYYY-MM-DD).", usage=PERIOD_USAGE
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


def parse_period(text: str | None, now: dt.datetime, tz: ZoneInfo | str = "UTC") -> Period:
    """Parse a period typed by a user; empty text means the last 7 days.

    Raises ``UserError`` with usage text when the period is malformed, empty or in the future.
    """
    if now.tzinfo is None:
        msg = "now must be timezone-aware"
        raise ValueError(msg)
    zone = _zone(tz)
    cleaned = _latin((text or "").strip().lower())
    if not cleaned:
        return default_period(now, zone)
    local_today = now.astimezone(zone).date()

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
            raise UserError(f"{start.isoformat()} is in the future.", usage=PERIOD_USAGE)
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
        if last < first:
            raise UserError(
                f"The period ends ({last.isoformat()}) before it starts ({first.isoformat()}).",
                usage=PERIOD_USAGE,
            )
        if first > local_today:
            raise UserError(f"{first.isoformat()} is in the future.", usage=PERIOD_USAGE)
        if (last - first).days > MAX_DAYS:
            raise UserError("That period is too long (ten years at most).", usage=PERIOD_USAGE)
        label = (
            first.isoformat() if first == last else f"{first.isoformat()} to {last.isoformat()}"
        )
        until = min(now, _local_midnight(last + dt.timedelta(days=1), zone))
        return _make(_local_midnight(first, zone), until, label, zone)

    if relative := _RELATIVE.match(cleaned):
        amount_text, unit_text = relative.groups()
        unit = _UNITS.get(unit_text)
        if unit is None:
            raise UserError(f"I don't understand the period {text!r}.", usage=PERIOD_USAGE)
        amount = int(amount_text) if amount_text else 1
        if amount <= 0:
            raise UserError("A period must be at least 1 hour long.", usage=PERIOD_USAGE)
        word, hours = unit
        if amount * hours > MAX_DAYS * 24:
            raise UserError("That period is too long (ten years at most).", usage=PERIOD_USAGE)
        label = f"last {amount} {word}s" if amount != 1 else f"last {word}"
        return _make(now - dt.timedelta(hours=amount * hours), now, label, zone)

    raise UserError(f"I don't understand the period {text!r}.", usage=PERIOD_USAGE)


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
    # Arabic first: the last one to three words in their Latin form ("البصرة ٧ ايام",
    # "بغداد منذ 2022-08-29", whose date alone would otherwise be taken as the period).
    words = stripped.split()
    for count in (3, 2, 1):
        if len(words) < count:
            continue
        tail = " ".join(words[-count:])
        latin = _latin(tail)
        if latin != tail and _TRAILING.fullmatch(latin.lower()) is not None:
            return " ".join(words[:-count]), tail
    match = _TRAILING.search(stripped)
    if match is None:
        return stripped, None
    return stripped[: match.start(1)].strip(), match.group(1)
