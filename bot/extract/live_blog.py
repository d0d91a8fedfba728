"""Live blogs: a page of timestamped entries, often newest first, each read as its own report.

A live page ("13:55 / Sumy border villages shelled ... / 12:40 / Death toll rises to five ...")
is not one story told in order: read as one text, an entry's toll update lands on whatever
entry came just before it. So each entry (its headline and body) is read on its own, dated by
its timestamp on the page's day, oldest first, and an entry that updates an earlier entry's
event (same place, the same or the next day, and an update's words or the same event type)
folds into it: the newer figures supersede, as a later report's do.

Only a page with ``MIN_ENTRIES`` to ``MAX_ENTRIES`` lines that start with a time of day (alone,
or before a dash and the entry's headline) is taken for a live blog, and only when no prose
paragraphs come before the first: the text before it (key points, a welcome) only repeats
the entries.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.domain.models import Incident
from bot.extract.finisher import Finished
from bot.extract.merge import NEAR_KM, distance_km, merge_counts
from bot.extract.summary import summarize

__all__ = ["MAX_ENTRIES", "MIN_ENTRIES", "Entry", "LivePage", "fold_entries", "live_page"]

MIN_ENTRIES = 3
# More entries than this is no page a newsroom keeps (or hostile text): read as one text,
# whose cost is linear in its length, not per entry.
MAX_ENTRIES = 200
_MAX_TITLE = 160
_WORD_RE = re.compile(r"[^\W\d_]{4,}")  # headline words worth comparing
_HEADLINE_WORDS = 4
_NOON = dt.time(12)
_PROSE_WORDS, _PROSE_PARAGRAPHS = 12, 2  # an article's paragraphs before a timeline

# A line holding only a time ("13:55", "1.05pm", "09:15 CET", "Updated 14:02 GMT", "2:15 p.m.
# ET"), or a time, a dash and the entry's headline ("18:40 — Tripoli: first toll").
_STAMP_RE = re.compile(
    r"^[ \t]*(?:(?:updated|posted|published)(?:\s+at)?\s+)?"
    r"(?P<hour>[01]?\d|2[0-3])[:.h](?P<minute>[0-5]\d)"
    r"(?:\s*(?P<half>[ap])\.?\s?m\.?)?"
    r"(?:\s+(?:[A-Z]{2,5}|UTC[+-]\d{1,2}|GMT[+-]\d{1,2}))?"
    r"(?:[ \t]*$|[ \t]+[—–|-][ \t]+(?=\S))",
    re.IGNORECASE | re.MULTILINE,
)
# What an update of an earlier entry says ("toll rises to five", "bringing the number of dead
# to", "has risen to 21", "now stands at").
_UPDATE_RE = re.compile(
    r"\b(?:ris(?:es|en|ing)|rose|climb(?:s|ed|ing)?|jump(?:s|ed)?|increas(?:es|ed|ing)"
    r"|bring(?:s|ing)?|brought|now\s+stands?|revised|updated?|more\s+bodies|further\s+deaths?"
    r"|(?:has|have)\s+died\s+of\s+(?:their|his|her)\s+(?:wounds|injuries))\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Entry:
    """One timestamped entry of a live page."""

    at: dt.datetime | None  # noon of its day (None without a publication day)
    clock: dt.time  # its time on the page
    title: str | None  # its own headline, when its first line reads as one
    text: str  # its body
    order: int  # 0 for the oldest entry


def _clock(match: re.Match[str]) -> dt.time:
    hour, minute = int(match["hour"]), int(match["minute"])
    half = (match["half"] or "").lower()
    if half == "p" and hour < 12:
        hour += 12
    elif half == "a" and hour == 12:
        hour = 0
    return dt.time(hour, minute)


def _title_and_body(chunk: str) -> tuple[str | None, str]:
    first, _, rest = chunk.strip().partition("\n")
    first = first.strip()
    headline = (
        rest.strip() and len(first) <= _MAX_TITLE and not first.endswith((".", '"', "\u201d"))
    )
    return (first, rest.strip()) if headline else (None, chunk.strip())


@dataclass(frozen=True, slots=True)
class LivePage:
    """A live page: its headline (from the text before the first entry) and its entries."""

    headline: str | None
    entries: list[Entry]


def _page_headline(preamble: str) -> str | None:
    """The first line before the entries that reads as a headline (four words or more)."""
    for line in preamble.splitlines():
        if len(_WORD_RE.findall(line)) >= _HEADLINE_WORDS:
            return line.strip()
    return None


def _told_before(preamble: str) -> bool:
    """Whether paragraphs of prose come before the first time: an article with a timeline
    ("06:10 - first blast"), read as one text, not a live page (whose opening is a headline,
    a line on its times and a few key points)."""
    prose = (
        line
        for line in preamble.splitlines()
        if line.rstrip().endswith(".") and len(line.split()) >= _PROSE_WORDS
    )
    return sum(1 for _ in prose) >= _PROSE_PARAGRAPHS


def live_page(text: str, published_at: dt.datetime | None) -> LivePage | None:
    """The entries of a live page, oldest first, or None when ``text`` is not one."""
    stamps = list(_STAMP_RE.finditer(text))
    if not MIN_ENTRIES <= len(stamps) <= MAX_ENTRIES or _told_before(text[: stamps[0].start()]):
        return None
    chunks: list[tuple[dt.time, str]] = []
    for index, stamp in enumerate(stamps):
        end = stamps[index + 1].start() if index + 1 < len(stamps) else len(text)
        chunk = text[stamp.end() : end]
        if not chunk.strip():
            return None  # a column of times (a timetable), not entries
        chunks.append((_clock(stamp), chunk))
    times = [clock for clock, _ in chunks]
    falling = sum(a > b for a, b in itertools.pairwise(times))
    rising = sum(a < b for a, b in itertools.pairwise(times))
    if falling > rising:
        chunks.reverse()  # newest first on the page: read oldest first
    days = _days([clock for clock, _ in chunks], published_at.date() if published_at else None)
    tz = published_at.tzinfo if published_at is not None else None
    entries = []
    for order, ((clock, chunk), day) in enumerate(zip(chunks, days, strict=True)):
        title, body = _title_and_body(chunk)
        # The page's clock is local and its zone unknown: each entry is read as of noon on
        # its day, which no zone moves to another day ("this evening" stays that day).
        at = dt.datetime.combine(day, _NOON, tzinfo=tz) if day is not None else None
        entries.append(Entry(at=at, clock=clock, title=title, text=body, order=order))
    return LivePage(_page_headline(text[: stamps[0].start()]), entries)


def _days(clocks: Sequence[dt.time], last_day: dt.date | None) -> list[dt.date | None]:
    """Each entry's day, oldest first: the newest on the page's day, a day earlier for each
    time that runs backwards on the way down (a page kept open past midnight)."""
    if last_day is None:
        return [None] * len(clocks)
    days: list[dt.date | None] = []
    day = last_day
    later: dt.time | None = None
    for clock in reversed(clocks):
        if later is not None and clock > later:
            day -= dt.timedelta(days=1)
        days.append(day)
        later = clock
    days.reverse()
    return days


def _same_place(a: Incident, b: Incident) -> bool:
    """One place, or a city and its district ("Kharkiv", "Kharkiv's Kyivskyi district")."""
    here, there = a.location, b.location
    if here.country != there.country or here.geo_precision != there.geo_precision:
        return False
    if (here.geonames_id, here.name, here.admin1) == (there.geonames_id, there.name, there.admin1):
        return True
    far = distance_km(here, there)
    return far is not None and far <= NEAR_KM


def _same_event(earlier: Incident, later: Incident, update: bool) -> bool:
    if not _same_place(earlier, later):
        return False
    if abs((later.date - earlier.date).days) > 1:
        return False
    if later.date != earlier.date:
        return update
    # An update, the same type of event, or an entry that tells nothing new there that day
    # ("troops have withdrawn from Tammun", a summary restating the four wounded)
    return update or earlier.event_type == later.event_type or _nothing_new(earlier, later)


def _nothing_new(earlier: Incident, later: Incident) -> bool:
    """Whether a later entry's figures are none, or those the earlier one already gave."""
    return all(
        new.max is None or (old.min is not None and old.min <= new.max <= (old.max or new.max))
        for old, new in ((earlier.killed, later.killed), (earlier.injured, later.injured))
    )


def _fold(earlier: Finished, later: Finished) -> Finished:
    """``later`` (an update) folded into ``earlier``: its figures supersede lower ones."""
    old, new = earlier.incident, later.incident
    killed = merge_counts(old.killed, new.killed, newer=True)
    injured = merge_counts(old.injured, new.injured, newer=True)
    summary = summarize(
        date=old.date,
        precision=old.date_precision,
        location=old.location,
        actors=old.actors,
        sub_event_type=old.sub_event_type,
        killed=killed,
        injured=injured,
    )
    incident = old.model_copy(
        update={
            "killed": killed,
            "injured": injured,
            "summary": summary,
            "evidence": list(dict.fromkeys([*old.evidence, *new.evidence])),
        }
    )
    best = max(earlier.confidence, later.confidence, key=lambda c: c.score)
    return Finished(incident, best, earlier.dropped_figures + later.dropped_figures)


def _words(text: str | None) -> set[str]:
    return {w.casefold() for w in _WORD_RE.findall(text or "")}


@dataclass(slots=True)
class _Kept:
    order: int  # the newest entry that told it
    words: set[str]  # the words of its entries' headlines
    result: Finished


def fold_entries(
    entries: Sequence[Entry], read: Callable[[Entry], list[Finished]], title: str | None
) -> list[Finished]:
    """Every entry's incidents, updates folded into what they update; first the one whose
    entries' headlines share most words with the page's title, then the larger toll, then
    the newest."""
    kept: list[_Kept] = []
    by_country: dict[str, list[_Kept]] = {}
    for entry in entries:
        update = _UPDATE_RE.search(f"{entry.title or ''}\n{entry.text}") is not None
        for result in read(entry):
            here = by_country.setdefault(result.incident.location.country, [])
            known = next(
                (k for k in here if _same_event(k.result.incident, result.incident, update)),
                None,
            )
            if known is None:
                kept.append(_Kept(entry.order, _words(entry.title), result))
                here.append(kept[-1])
            else:
                known.result = _fold(known.result, result)
                known.order = entry.order
                known.words |= _words(entry.title)
    page = _words(title)

    def rank(k: _Kept) -> tuple[int, bool, int, int]:
        incident = k.result.incident
        toll = (incident.killed.min or 0) + (incident.injured.min or 0)
        return (-len(k.words & page), incident.is_background, -toll, -k.order)

    kept.sort(key=rank)
    return [k.result for k in kept]
