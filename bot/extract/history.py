"""An event named with its year ("the 2017 truck bombing", "a 2014 massacre"): history.

A court's ruling, a funeral or an anniversary today often retells an old attack and its toll
in the same clause as today's day. When every act and figure of a clause comes at or after
such a year-named event, the clause is about that event, not about today.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["CUMULATIVE_MIN", "acts_of_a_dated_event", "running_toll", "years_named"]

_YEAR_EVENT_RE = re.compile(
    r"\b(?P<year>(?:19|20)\d\d)\s+(?:[a-z'-]+\s+){0,2}?(?:attacks?|bombings?|blasts?|"
    r"explosions?|massacres?|killings?|raids?|ambush(?:es)?|assaults?|shootings?|sieges?|"
    r"offensives?|air\s*strikes?|strikes?|uprisings?|wars?|coups?|kidnappings?|abductions?)\b",
    re.IGNORECASE,
)


def acts_of_a_dated_event(text: str, acts: Iterable[int], before_year: int) -> bool:
    """True when every act or figure (their offsets in ``text``) comes at or after an event
    named with a year before ``before_year`` ("sentenced 12 men on Tuesday over the 2017
    truck bombing that killed more than 500"); False when the clause has none."""
    starts = list(acts)
    if not starts or ("19" not in text and "20" not in text):
        return False
    for match in _YEAR_EVENT_RE.finditer(text):
        if int(match["year"]) < before_year and all(s >= match.start() for s in starts):
            return True
    return False


# A conflict's running toll ("the war has killed more than 4,000", "have been displaced since",
# "tens of thousands"): context, not a count for this report's incident.
_CUMULATIVE_RE = re.compile(
    r"\b(?:ha(?:s|ve)\s+(?:been\s+)?(?:killed|claimed|died|displaced|left|cost)|"
    r"(?:conflict|war|insurgency|violence|fighting|crisis)\s+(?:has|have|had)\s+"
    r"(?:killed|claimed|left|displaced|cost))\b",
)
CUMULATIVE_MIN = 200
_MANY_RE = re.compile(r"\b(?:hundreds|thousands)\s+of\b")
# "... killed in the protests, and dozens have since been assassinated": a look back
_PERFECT_SINCE_RE = re.compile(
    r"\b(?:have|has|had)\s+since\b|\bsince\s+(?:then|the\s+start|the\s+beginning)\b"
)
_CONFLICT_TOLL_RE = re.compile(
    r"\b(?:conflict|war|insurgency|violence|uprising|fighting|crisis|campaign)\b[^.;]{0,80}?\b"
    r"(?:has|have|had)\s+(?:so\s+far\s+|now\s+|since\s+)?(?:killed|claimed|left|cost|"
    r"been\s+responsible\s+for)\b|\bresponsible\s+for\s+the\s+deaths\s+of\s+"
    r"(?:more\s+than|over|some|about|nearly|tens\s+of|thousands)",
)


def running_toll(low: str, largest: int, *, placed_or_dated: bool) -> bool:
    """A running toll of a whole conflict in a lower-cased clause whose largest figure is
    ``largest``: a large perfect-tense count ("the insurgency has killed more than 4,000
    people"), with no place or day (``placed_or_dated``) unless the conflict is named."""
    if largest < CUMULATIVE_MIN and not _MANY_RE.search(low):
        return False  # "the operation has killed hundreds of fighters" is a running toll
    if _CONFLICT_TOLL_RE.search(low):
        return True
    if placed_or_dated:
        return False
    return _CUMULATIVE_RE.search(low) is not None or _PERFECT_SINCE_RE.search(low) is not None


_YEAR_RE = re.compile(
    r"\b(?:in|since|from|of|between|during|until|through)\s+((?:19|20)\d\d)\b", re.IGNORECASE
)
# A year in a comparison dates nothing: "the deadliest day for the group since 2012".
_COMPARISON_RE = re.compile(
    r"\b(?:deadliest|worst|bloodiest|most\s+\w+|biggest|largest|highest|heaviest|first)\b"
    r"[^.;]{0,60}?\bsince\s+(?:\w+\s+)?\d{4}\b",
    re.IGNORECASE,
)


def years_named(text: str) -> list[int]:
    """The years a clause names ("in 2014", "since 2003"), leaving out comparisons."""
    return [int(y) for y in _YEAR_RE.findall(_COMPARISON_RE.sub(" ", text))]
