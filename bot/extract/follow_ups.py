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

from bot.extract.events import Trigger
from bot.extract.figure_words import Figure

__all__ = [
    "ASIDE_GOES_ON_RE",
    "CONTINUING_RE",
    "SAME_DAY_RE",
    "SUSPECT_RE",
    "an_overview",
    "announces_a_date",
    "another_event",
    "another_kind_later",
    "gives_a_toll",
    "names_its_kind",
    "opens_on_a_later_moment",
    "refers_back",
]

# "IS claimed the attack", "the UN condemned the bombing", "claimed responsibility for the
# ambush", "police are investigating Sunday's shooting": a reaction naming the event again.
_REFERS_BACK_RE = re.compile(
    r"\b(?:claim(?:ed|s|ing)?|condemn(?:ed|s|ing)?|denounc(?:ed|es|ing)|deplor(?:ed|es|ing)|"
    r"mourn(?:ed|s|ing)|repel(?:led|s|ling)|repuls(?:ed|es|ing)|foil(?:ed|s|ing)|"
    r"thwart(?:ed|s|ing)|responsibility\s+for|credit\s+for|blam(?:ed|es|ing)\s+[\w\s'-]{1,40}?"
    # "the junta has not communicated on the attack", "the army did not comment on the raid"
    r"\s+for|communicat(?:ed|e|es|ing)\s+on|comment(?:ed|s|ing)?\s+on|react(?:ed|s|ing)?\s+to|"
    r"respond(?:ed|s|ing)?\s+to|confirm(?:ed|s|ing)?|den(?:ied|ies|y|ying)|"
    r"investigat(?:ed|es|ing)|probe\s+into|inquiry\s+into)\s+(?:the|this|that|"
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday)['’]s)\s+"
    r"(?:[\w-]+\s+){0,2}?(?:attacks?|bombings?|ambush|assault|raid|strike|shelling|killings?|"
    r"massacre|blast|explosion|incident|clash(?:es)?|violence|shooting)\b",
    re.IGNORECASE,
)
# Words that do introduce another event ("meanwhile" alone only turns to the reactions).
_ANOTHER_EVENT_RE = re.compile(
    r"\b(?:separate(?:ly)?|elsewhere|another\s+(?:attack|incident))\b", re.IGNORECASE
)
# Another event on the day in hand: "hours later", "later that day", "the same night".
SAME_DAY_RE = re.compile(
    r"\b(?:(?:hours|minutes|moments)\s+(?:later|after(?:wards)?)|later\s+(?:that|the\s+same)\s+"
    r"(?:day|night|morning|afternoon|evening)|(?:on\s+)?the\s+same\s+(?:day|night|morning|"
    r"afternoon|evening))\b",
    re.IGNORECASE,
)
# An event still going on ("forces were still working to end the siege", "the clash, which
# lasted until the early hours of Wednesday").
CONTINUING_RE = re.compile(
    r"\b(?:still|continu\w*|ongoing|remained|persist\w*|siege|for\s+a\s+second\s+day|"
    r"lasted|lasting|until|into\s+the\s+(?:night|morning|early\s+hours))\b",
    re.IGNORECASE,
)

# "... comes two days after the army's raid on Kiral. The operation killed 45": the sentence
# after an aside that opens on the aside's kind of event goes on telling it.
ASIDE_GOES_ON_RE = re.compile(
    r"^(?:the|that|this)\s+(?:\w+\s+)?(?:operation|raid|strike|airstrike|air\s+strike|"
    r"offensive|bombardment|ambush|assault|shelling)\b",
    re.IGNORECASE,
)
# Who did the event just told, not a new one: "police suspect Boko Haram".
SUSPECT_RE = re.compile(
    r"\bsuspect(?:s|ed)?\b|hallmarks?\b|\bblamed\b|\battributed\s+to\b|"
    r"\b(?:believed|thought|said|reported)\s+to\s+(?:be|have)\b",
    re.IGNORECASE,
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


# A clause that opens on a later moment of the day: "Hours later, ...", "About 12 hours later,
# ...", "An hour after, ...", "Later that night, ...",
# "Shortly afterwards, ...", "That evening, ...".
_SEQUEL_OPENING_RE = re.compile(
    r"^\W*(?:(?:(?:(?:about|around|some|nearly|barely|just|less\s+than|more\s+than)\s+)?"
    r"(?:a\s+few|several|an?|\d{1,2}|two|three|four|five|six|seven|eight|nine|ten|eleven|"
    r"twelve|a\s+couple\s+of)\s+)?"
    r"(?:hours?|minutes|moments)\s+"
    r"(?:later|after(?:wards)?)|later\s+(?:that|the\s+same|on\s+\w+)\s*(?:day|night|morning|"
    r"afternoon|evening)?|shortly\s+after(?:wards)?|soon\s+after(?:wards)?|later|"
    r"(?:that|the\s+same)\s+(?:day|night|morning|afternoon|evening))\b",
    re.IGNORECASE,
)


def opens_on_a_later_moment(text: str) -> bool:
    """Whether a clause opens on a later moment of the day ("Hours later, ...")."""
    return _SEQUEL_OPENING_RE.match(text) is not None


def another_kind_later(
    text: str, triggers: Iterable[Trigger], figures: Iterable[Figure], told: Iterable[Trigger]
) -> bool:
    """Whether a clause opening on a later moment ("Hours later, a roadside bomb hit a police
    truck on the edge of the city, wounding five") tells another event of the day: it names
    an event and counts its own victims, not "N more" of the incident in hand (``told``) unless
    it is another kind of event. The same place and day do not make two attacks one; a toll
    update ("hours later one of the wounded died") names no event and stays."""
    if _SEQUEL_OPENING_RE.match(text) is None:
        return False
    kinds = {t.sub_event_type for t in triggers if not t.generic}
    own = [f for f in figures if f.min is not None and not f.update]
    if not kinds or not own:
        return False
    # Another kind of event, or the same kind with victims of its own ("Hours later, gunmen
    # shot at a family in another district, killing two"); "killing two more" adds to it.
    return not kinds & {t.sub_event_type for t in told} or not any(f.additive for f in own)


def another_event(text: str, placed: bool, figures: Iterable[Figure]) -> bool:
    """Whether a clause counts the dead of another attack ("on a day when another attack left
    two dead in the city") without a place or a day of its own: its figures belong to no
    incident in hand. A reaction ("meanwhile, the group claimed the attack") is no other
    event."""
    return (
        not placed
        and any(f.min is not None for f in figures)
        and _ANOTHER_EVENT_RE.search(text) is not None
        and not refers_back(text)
    )


# "The deadliest attack came on Friday afternoon." before the sentence that tells it: a date
# announced for the next sentence's event.
_ANNOUNCES_RE = re.compile(
    r"^(?:the|its|this\s+week's|the\s+week's)\s+(?:[\w-]+\s+){0,2}?(?:attack|assault|incident|"
    r"bombing|strike|raid|killing|violence|clash)\s+(?:came|occurred|happened|took\s+place|"
    r"was\s+reported|unfolded)\s+(?:on|late|early|in|at|shortly)\b[^,;]*[.!]?$",
    re.IGNORECASE,
)


def announces_a_date(text: str) -> bool:
    """Whether a whole sentence only gives the day of the event the next one tells ("The
    deadliest attack came on Friday afternoon.")."""
    return _ANNOUNCES_RE.match(text.strip()) is not None


# "A roadside bomb, a firefight and the killing of four farmers made this a bloody week": an
# overview of events the sections below tell one by one.
_OVERVIEW_RE = re.compile(
    r",[^.;]{0,300}?\band\b[^.;]{0,200}?\b(?:made|make|makes|marked|mark|marks|capped|caps|topped|tops)\s+"
    r"(?:for\s+)?(?:this|it|the\s+\w+)?\s*(?:one\s+of\s+)?(?:the\s+)?(?:[\w-]+\s+){0,4}?"
    r"(?:week|weekend|day|month|year|days|weeks|weekends)\b|"
    # "Balochistan witnessed a day of violence on Sunday, with gunmen killing seven ..., a bomb
    # killing two ... and a grenade wounding ten ..."
    r"\b(?:witnessed|saw|suffered|endured|experienced)\s+(?:a|an|another)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:day|week|weekend|night)\s+of\s+(?:violence|bloodshed|attacks|fighting)\b[^.;]{0,40}?"
    r"\bwith\b[^.;]{0,300}?,[^.;]{0,300}?\band\b",
    re.IGNORECASE,
)


def an_overview(sentence: str) -> bool:
    """Whether a sentence sums up several events told later ("A bomb, a clash and the killing
    of four farmers made this one of the bloodiest weeks"): none of its figures is a toll."""
    if len(sentence) > _OVERVIEW_MAX_CHARS or not any(w in sentence for w in _OVERVIEW_VERBS):
        return False  # an overview is one plain sentence; hostile text is not searched
    return _OVERVIEW_RE.search(sentence) is not None


_OVERVIEW_MAX_CHARS = 400
_OVERVIEW_VERBS = ("made", "make", "mark", "capped", "caps", "topped", "tops", "witnessed", "saw",
                   "suffered", "endured", "experienced")  # fmt: skip


# "... were killed in the ambush": the event a clause goes back to by its kind.
_THE_EVENT_RE = re.compile(r"\b(?:in|during|after|since)\s+the\s+([a-z]+)")


def names_its_kind(low: str, aside: Iterable[Trigger], in_hand: Iterable[Trigger]) -> bool:
    """ "The strike came a day after rebels ambushed a convoy. A spokesman said 11 soldiers
    were killed in the ambush": the (lower-cased) clause names the kind of event an aside told
    (``aside``'s triggers), not the kind of the event in hand."""

    def stems(triggers: Iterable[Trigger]) -> set[str]:
        return {word[:5] for t in triggers for word in t.surface.lower().split()}

    named = {noun[:5] for noun in _THE_EVENT_RE.findall(low) if len(noun) > 3}
    return bool(named & stems(aside)) and not named & stems(in_hand)
