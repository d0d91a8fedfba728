"""Comparing date mentions: the days one may mean, and which of two tells an event's day better."""

from __future__ import annotations

import datetime as dt

from bot.domain.enums import DatePrecision
from bot.extract.dates import DateMention

__all__ = ["better_date", "day_after", "days_meant"]


def days_meant(mention: DateMention) -> tuple[dt.date, dt.date]:
    """The days a date mention may mean: the day (or span), the week around it, its month."""
    assert mention.date is not None
    day = mention.date
    if mention.precision is DatePrecision.MONTH:
        first = day.replace(day=1)
        last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        return first, last
    if mention.precision is DatePrecision.WEEK:
        return day - dt.timedelta(days=3), day + dt.timedelta(days=3)
    return day, mention.date_end or day


def better_date(new: DateMention, old: DateMention) -> bool:
    """Prefer event dates over reporting dates, then finer precision."""
    if old.reporting and not new.reporting:
        return True
    if new.reporting and not old.reporting:
        return False
    if new.date is not None and old.date is None:
        return True
    return _PRECISION_ORDER[new.precision] < _PRECISION_ORDER[old.precision]


_PRECISION_ORDER = {precision: index for index, precision in enumerate(DatePrecision)}


def day_after(later: DateMention | None, earlier: DateMention | None) -> bool:
    """True when ``later`` is the day after ``earlier``."""
    if later is None or later.date is None or earlier is None or earlier.date is None:
        return False
    return (later.date - earlier.date).days == 1
