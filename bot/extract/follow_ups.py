"""Clauses that go on telling the incident in hand, wherever they say it was.

A report's later paragraphs often name another town for the same event: the hospital's city
where a wounded man died ("..., bringing the death toll to four"), the capital where a
ministry gave its toll, or the district a group named when it claimed the attack. Such a clause
is a toll statement or a reaction to the event, not another event (issue 11, "one event, one
incident"): segmentation adds it to the incident in hand and never lets it move that incident.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.extract.figure_words import Figure

__all__ = ["gives_a_toll", "refers_back"]

# "IS claimed the attack", "the UN condemned the bombing", "claimed responsibility for the
# ambush", "police are investigating Sunday's shooting": a reaction naming the event again.
_REFERS_BACK_RE = re.compile(
    r"\b(?:claim(?:ed|s|ing)?|condemn(?:ed|s|ing)?|denounc(?:ed|es|ing)|deplor(?:ed|es|ing)|"
    r"mourn(?:ed|s|ing)|responsibility\s+for|credit\s+for|blam(?:ed|es|ing)\s+[\w\s'-]{1,40}?"
    r"\s+for|investigat(?:ed|es|ing)|probe\s+into|inquiry\s+into)\s+(?:the|this|that|"
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday)['’]s)\s+"
    r"(?:[\w-]+\s+){0,2}?(?:attacks?|bombings?|ambush|assault|raid|strike|shelling|killings?|"
    r"massacre|blast|explosion|incident|clash(?:es)?|violence|shooting)\b",
    re.IGNORECASE,
)
# Words that do introduce another event ("meanwhile" alone only turns to the reactions).
_ANOTHER_EVENT_RE = re.compile(
    r"\b(?:separate(?:ly)?|elsewhere|another\s+(?:attack|incident))\b", re.IGNORECASE
)
_TOLL_NOUN_RE = re.compile(r"\btoll\b|\bnumber\s+of\b", re.IGNORECASE)


def refers_back(text: str) -> bool:
    """Whether a clause reacts to the event in hand ("IS claimed the attack, saying its
    fighters killed four in Macomia") and does not turn to another one."""
    return _REFERS_BACK_RE.search(text) is not None and _ANOTHER_EVENT_RE.search(text) is None


def gives_a_toll(figures: Iterable[Figure]) -> bool:
    """Whether a clause states or updates a toll ("the death toll rose to 12", "put the toll
    at five") rather than counting victims of an event it tells."""
    return any(
        f.min is not None and (f.update or _TOLL_NOUN_RE.search(f.surface) is not None)
        for f in figures
    )
