"""The services' English explanations (confidence reasons, revision notes) in the chat's language.

The extractor writes its reasons from a fixed set of templates; each is matched here and said
again in the reader's language. A reason that matches none is shown as written, isolated.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from bot.domain import GeoPrecision
from bot.domain.marks import N_
from bot.services.review import CONFIRMED_REASON
from handlers import names
from handlers.i18n import DEFAULT_LANGUAGE, isolate, normalize_language, t

_DATE_PRECISIONS = {"day": N_("day only"), "week": N_("week only"), "month": N_("month only")}
_FIXED = {
    CONFIRMED_REASON: N_("confirmed by a reviewer"),
    "place: not named in the sentences the incident was read from": N_(
        "place: not named in the sentences the incident was read from"
    ),
    "place: named only as a tag, a speaker's place or a name": N_(
        "place: named only as a tag, a speaker's place or a name"
    ),
    "place: named only in the dateline": N_("place: named only in the dateline"),
    "place: not in the headline or lead": N_("place: not in the headline or lead"),
    "place: a village or town is named, only its region is known": N_(
        "place: a village or town is named, only its region is known"
    ),
    "event: no violent act or casualty stated in its sentences": N_(
        "event: no violent act or casualty stated in its sentences"
    ),
    "toll: the figure and the event word are in different clauses": N_(
        "toll: the figure and the event word are in different clauses"
    ),
    "date: no date stated, the publication day was assumed": N_(
        "date: no date stated, the publication day was assumed"
    ),
    "event: told only by the headline, in no sentence of the body": N_(
        "event: told only by the headline, in no sentence of the body"
    ),
    "toll: none given, beside a same-day incident nearby that gives one": N_(
        "toll: none given, beside a same-day incident nearby that gives one"
    ),
}


def _place_only(lang: str | None, match: re.Match[str]) -> str | None:
    precision = next((p for p in GeoPrecision if p.value == match["what"]), None)
    if precision is None:
        return None
    return t(lang, "place: {precision}", precision=t(lang, names.GEO_PRECISIONS[precision]))


def _date_only(lang: str | None, match: re.Match[str]) -> str | None:
    word = _DATE_PRECISIONS.get(match["what"])
    return t(lang, "date: {precision}", precision=t(lang, word)) if word else None


def _other_country(lang: str | None, match: re.Match[str]) -> str:
    return t(
        lang,
        "place: in {country}, a country the headline and lead do not name",
        country=isolate(lang, match["country"]),
    )


def _reports(lang: str | None, match: re.Match[str]) -> str:
    return t(lang, "reports: {n} tell it", n=match["n"])


_PATTERNS: tuple[
    tuple[re.Pattern[str], Callable[[str | None, re.Match[str]], str | None]], ...
] = (
    (re.compile(r"^place: only the (?P<what>\w+) is known$"), _place_only),
    (re.compile(r"^date: only the (?P<what>\w+) is known$"), _date_only),
    (
        re.compile(r"^place: in (?P<country>.+), a country the headline and lead do not name$"),
        _other_country,
    ),
    (re.compile(r"^reports: (?P<n>\d+) tell it$"), _reports),
)


def reason(language: str | None, text: str) -> str:
    """One confidence reason in ``language`` (plain text)."""
    if normalize_language(language) == DEFAULT_LANGUAGE:
        return text
    fixed = _FIXED.get(text)
    if fixed is not None:
        return t(language, fixed)
    for pattern, say in _PATTERNS:
        if (match := pattern.match(text)) and (said := say(language, match)) is not None:
            return said
    return isolate(language, text)


_FIELDS = {
    "killed": N_("killed"),
    "injured": N_("injured"),
    "sources": N_("sources"),
    "actors": N_("actors"),
    "location": N_("place"),
    "date": N_("date"),
    "confidence": N_("confidence"),
}


def revision_note(language: str | None, note: str, changes: Mapping[str, Any]) -> str:
    """What a revision changed: the note (English), or the changed fields in ``language``."""
    if normalize_language(language) == DEFAULT_LANGUAGE:
        return note or ", ".join(sorted(changes)) or "updated"
    fields = [t(language, _FIELDS[name]) for name in sorted(changes) if name in _FIELDS]
    if not fields:
        return t(language, "updated")
    return t(language, "changed: {fields}", fields=t(language, ", ").join(fields))
