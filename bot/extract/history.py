"""An event named with its year ("the 2017 truck bombing", "a 2014 massacre"): history.

A court's ruling, a funeral or an anniversary today often retells an old attack and its toll
in the same clause as today's day. When every act and figure of a clause comes at or after
such a year-named event, the clause is about that event, not about today.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["acts_of_a_dated_event"]

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
