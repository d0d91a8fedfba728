"""Times of day in news text: "from 2 to 6:30 am", "at 11:45 pm", "overnight"."""

from __future__ import annotations

import re

from bot.extract.word_hits import CaseBlind

__all__ = ["find_time_of_day"]

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
