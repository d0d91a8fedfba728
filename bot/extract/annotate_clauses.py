"""Clause annotators: casualty figures, event triggers, cues, and round-up splitting.

``annotate_figures`` reads each clause's figures (``casualties.find_figures``), who gave them
and whether the toll is said to be unknown; ``annotate_triggers`` its event words;
``annotate_cues`` whether it is context rather than news (habits, history, cumulative tolls)
or "a separate incident". ``split_roundups`` then cuts a clause that counts victims place by
place ("five in Kharkiv and two in Zaporizhzhia") into one clause per place.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

from bot.domain.enums import ActorType
from bot.domain.models import ActorRef
from bot.extract.actors import ActorRegistry
from bot.extract.casualties import (
    Figure,
    find_attribution,
    find_figures,
    has_any,
    mentions_unknown,
    parse_number,
)
from bot.extract.document import Clause, Document, Resources
from bot.extract.events import find_triggers
from bot.extract.text import lower_same_length, without_descriptions
from bot.extract.word_hits import Words

__all__ = ["annotate_cues", "annotate_figures", "annotate_triggers", "split_roundups"]

_LOWER = 0
# Clauses that are context rather than an event: habits, history, cumulative tolls.
_GENERIC_RE = re.compile(
    r"\b(?:regularly|frequently|frequent|often|repeatedly|routinely|commonplace|"
    # "in the past" is history; "in the past several days / 24 hours / week" is this event
    r"in\s+the\s+past(?!\s+(?:(?:few|several|two|three|four|five|six|seven|\d+)\s+)?"
    r"(?:hours?|days?|nights?|weeks?|24\b))|"
    r"for\s+years|was\s+founded|were\s+founded|formed\s+in|established\s+in|are\s+accused|"
    r"is\s+accused|has\s+been\s+accused|have\s+been\s+used|hotbed|insurgency\s+that|"
    r"war\s+(?:began|broke\s+out)|civil\s+war\s+began|earlier\s+this\s+year|last\s+year|"
    r"still\s+carr(?:y|ies)\s+out|continues?\s+to\s+(?:carry|launch|stage|mount|wage)|"
    r"carr(?:y|ies)\s+out\s+(?:hit-and-run|sporadic|frequent|regular|occasional)|"
    r"sleeper\s+cells\s+(?:still\s+)?(?:carry|launch|stage|mount|operate|remain)|"
    # "the regime has previously described its air raids as ...": what a side says of them
    r"previously\s+(?:described|called|labell?ed|branded|justified|defended|denied))\b",
    _LOWER,
)
# A place's or a conflict's record, context when the clause counts nobody: "the area has seen
# repeated attacks", "it was the second deadly strike in the region in less than a month".
_RECORD_RE = re.compile(
    r"\b(?:has|have|had)\s+(?:also\s+)?(?:seen|witnessed|experienced|suffered|faced)\s+"
    r"(?:repeated|frequent|several|numerous|many|recurrent|regular|a\s+(?:spate|wave|series|"
    r"string|surge|rise|number)\s+of|an?\s+(?:increase|upsurge|uptick|escalation|surge|rise)"
    r"\s+in)\b|"
    r"\b(?:second|third|fourth|fifth|sixth|latest)\s+(?:such\s+)?(?:[\w-]+\s+){0,2}"
    r"(?:attack|strike|bombing|incident|assault|raid|ambush|clash)e?s?\b[^.;]{0,60}?\b"
    r"(?:in\s+(?:less\s+than|under|just|the\s+(?:past|last|same))|within|this\s+(?:week|month|"
    r"year)|since|in\s+(?:a|two|three|four|\d+)\s+(?:days?|weeks?|months?))\b",
    _LOWER,
)
RECORD_WORDS = ("seen", "witnessed", "experienced", "suffered", "faced", "second", "third",
                "fourth", "fifth", "sixth", "latest", "across")  # fmt: skip
# A campaign over a wide area, context when the clause counts nobody: "as Israel presses
# attacks across central and southern Gaza", "strikes continued across the province".
_ACROSS_RE = re.compile(
    r"\b(?:attacks|strikes|air\s*strikes|raids|offensives?|bombardments?|operations|fighting|"
    r"shelling|clashes|assaults)\s+(?:[\w-]+\s+){0,2}?across\s+(?!the\s+(?:street|road|river)\b)",
    _LOWER,
)
# The state of a conflict, context when the clause counts nobody: "a battle that is becoming
# worse", "gangs tightening their grip on the capital".
_TREND_RE = re.compile(
    r"\b(?:(?:is|are|has|have)\s+(?:been\s+)?(?:becoming|become|grown|growing|getting)\s+"
    r"(?:ever\s+|even\s+)?(?:worse|more|increasingly|deadlier|bloodier)|"
    r"(?:tighten|strengthen|consolidat|extend)\w*\s+(?:their|its)\s+(?:hold|grip|control))\b",
    _LOWER,
)
# Cumulative context only with a perfect tense: "more than 250 have died since October".
_GENERIC_PERFECT_RE = re.compile(
    r"\b(?:since\s+(?:(?:19|20)\d\d|(?:january|february|march|april|may|june|july|august|"
    r"september|october|november|december|mid-\w+|late\s+\w+|early\s+\w+|the\s+start|"
    r"the\s+beginning))|over\s+the\s+(?:past|last)\s+(?:\w+\s+)?(?:years|months|weeks|"
    r"decades?)|in\s+recent\s+(?:days|weeks|months|years))\b",
    _LOWER,
)
# "has been the most violent state for several years" (not in a description set off by
# commas: "Djibo, which has been under blockade for years, ...")
_FOR_YEARS_RE = re.compile(
    r"\bfor\s+(?:(?:several|many|some|a\s+few|nearly|almost|more\s+than|over|the\s+(?:past|"
    r"last))\s+)?(?:\w+\s+)?(?:years|decades)\b",
    _LOWER,
)
_PERFECT_RE = re.compile(r"\b(?:have|has|had)\b", _LOWER)
# Words _GENERIC_RE, _TREND_RE and _SEPARATE_RE cannot match without (see has_any).
GENERIC_WORDS = ("regularly", "frequent", "often", "repeatedly", "routinely", "commonplace",
                 "past", "year", "founded", "formed", "established", "accused", "used", "hotbed",
                 "insurgency", "war", "carr", "continue", "sleeper", "previously")  # fmt: skip
TREND_WORDS = ("becom", "grow", "getting", "tighten", "strengthen", "consolidat", "extend")
SEPARATE_WORDS = ("separate", "elsewhere", "meanwhile", "another")
_SEPARATE_RE = re.compile(
    r"\b(?:separate(?:ly)?|elsewhere|meanwhile|in\s+another\s+(?:attack|incident)|"
    r"when\s+another\s+(?:attack|shooting|bombing|raid)|"
    r"another\s+(?:attack|incident)\s+(?:in|near|at))\b",
    _LOWER,
)
# An event still going on the next day ("forces were still working to end the siege").
_UNKNOWN_HINT = re.compile(
    r"unknown|unclear|not\s+(?:yet\s+)?(?:known|clear|confirmed)|ascertain|"
    r"establish|confirm"
)
# Only sentences with something countable need an attribution (the search is costly).
_FIGURE_HINT = re.compile(
    r"\d|kill|dead|death|died|wound|injur|hurt|arrest|detain|casualt|toll|"
    r"lives|kidnap|abduct",
    _LOWER,
)
_FIGURE_WORDS = Words.of(_FIGURE_HINT, digit=True)
_DIGIT = re.compile(r"\d")


def _figure_hint(low: str) -> bool:
    """``_FIGURE_HINT.search(low)``: a digit, or a word looked up by automaton."""
    return _DIGIT.search(low) is not None or _FIGURE_WORDS.in_text(low)


def annotate_figures(doc: Document, resources: Resources) -> None:
    """Each clause's casualty figures, the sentence's source, and "the toll is unknown"."""
    for sentence in doc.sentences:
        doc.checkpoint()
        source = find_attribution(sentence.text) if _figure_hint(sentence.low) else None
        party = source is not None and source_is_armed_party(source, resources.actors)
        for clause in sentence.clauses:
            clause.source = source
            clause.source_is_party = party
            clause.figures = find_figures(clause.text)
            clause_low = lower_same_length(clause.text)
            clause.unknown = _UNKNOWN_HINT.search(clause_low) is not None and mentions_unknown(
                clause.text
            )


_ARMED_PARTIES = frozenset(
    {ActorType.REBEL_GROUP, ActorType.POLITICAL_MILITIA, ActorType.IDENTITY_MILITIA}
)
_LEADING_ARTICLE = re.compile(r"^(?:the|a)\s+", re.IGNORECASE)


def source_is_armed_party(source: str, registry: ActorRegistry) -> bool:
    """Whether a figure's source names a non-state armed group ("Al Shabaab", "the Taliban"),
    whose count of what it inflicted is a claim, not a toll. A group's ministry, medics or
    media office ("the Houthi health ministry") is not the group itself."""
    actors = registry.lookup(_LEADING_ARTICLE.sub("", source))
    return bool(actors) and all(a.type in _ARMED_PARTIES for a in actors)


def annotate_triggers(doc: Document, resources: Resources) -> None:
    """Each clause's event trigger words."""
    del resources
    for clause in doc.all_clauses():
        clause.triggers = find_triggers(clause.text)


_ANNIVERSARY_RE = re.compile(r"\banniversar(?:y|ies)\s+of\b")
_SETTLEMENT_WORDS = ("village", "town", "hamlet", "settlement", "locality")
# "the village of Xville": the name right after is a settlement (capitalised, not "the").
_SETTLEMENT_OF_RE = re.compile(
    r"\b(?:village|town|hamlet|settlement|locality)\s+of\s+(?=[A-Z\u00c0-\u00de])(?!The\b)"
)


def annotate_cues(doc: Document, resources: Resources) -> None:
    """Whether each clause is context rather than news, or introduces a separate incident."""
    del resources
    for clause in doc.all_clauses():
        clause_low = lower_same_length(clause.text)
        clause.generic = (
            _is_generic(clause_low)
            or _only_remembered(clause, clause_low)
            or (not any(f.min is not None for f in clause.figures) and _context_only(clause_low))
        )
        clause.separate = has_any(clause_low, SEPARATE_WORDS) and bool(
            _SEPARATE_RE.search(clause_low)
        )
        clause.unplaced = _names_unplaced_settlement(clause, clause_low)


def _context_only(clause_low: str) -> bool:
    """A clause that counts nobody and tells a trend or a record, not an event."""
    if has_any(clause_low, TREND_WORDS) and _TREND_RE.search(clause_low) is not None:
        return True
    if not has_any(clause_low, RECORD_WORDS):
        return False
    return _RECORD_RE.search(clause_low) is not None or _ACROSS_RE.search(clause_low) is not None


def _only_remembered(clause: Clause, clause_low: str) -> bool:
    """True when every act or toll of the clause comes after "the anniversary of": the event
    remembered, not one of today ("marked the anniversary of the massacre, in which 400
    died"); "a bomber struck a rally marking the anniversary of ..." keeps its event."""
    if "anniversar" not in clause_low:
        return False
    match = _ANNIVERSARY_RE.search(clause_low)
    if match is None:
        return False
    acts = [t.start for t in clause.triggers] + [f.start for f in clause.figures]
    return all(start > match.start() for start in acts)


def _names_unplaced_settlement(clause: Clause, clause_low: str) -> bool:
    """True when the clause names a settlement ("the village of Xville") that no place of
    the clause resolved: an event somewhere the gazetteer does not know."""
    if " of " not in clause_low or not any(w in clause_low for w in _SETTLEMENT_WORDS):
        return False
    placed = {place.start for place in clause.places}
    return any(
        clause.start + match.end() not in placed
        for match in _SETTLEMENT_OF_RE.finditer(clause.text)
    )


def split_roundups(doc: Document, resources: Resources) -> None:
    """The document's clauses in reading order, round-ups split into one per place."""
    del resources
    doc.clauses = []
    for sentence in doc.sentences:
        doc.checkpoint()
        for clause in sentence.clauses:
            doc.clauses.extend(_split_roundup(clause, clause.start, sentence.actors))


def _is_generic(text: str) -> bool:
    """Habits, history and cumulative tolls: context, not an event of this report."""
    own = without_descriptions(text)
    if has_any(text, GENERIC_WORDS) and _GENERIC_RE.search(own):
        return True
    if not _PERFECT_RE.search(text):  # the cheap test first
        return False
    return bool(_GENERIC_PERFECT_RE.search(text) or _FOR_YEARS_RE.search(own))


# "... killed five people in Kharkiv and two in Zaporizhzhia": a round-up of places.
_ROUNDUP_RE = re.compile(
    r"(?:,\s+(?:and\s+)?|\s+and\s+)(?P<num>\d+|(?i:one|two|three|four|five|six|seven|eight|"
    r"nine|ten|eleven|twelve|another|a\s+dozen|dozens))\s+(?:(?i:more|others?|people|"
    r"civilians|soldiers)\s+)?(?:in|near|at)\s+(?:the\s+)?(?:[a-z]+\s+){0,2}(?=[A-Z])"
)


def _split_roundup(
    unit: Clause, offset: int, actor_mentions: Sequence[tuple[int, ActorRef]]
) -> list[Clause]:
    """Split a clause that counts victims place by place into one unit per place."""
    counted = [f for f in unit.figures if f.min is not None and not f.none]
    if not counted or len(unit.places) < 2:
        return [unit]
    match = next(
        (m for m in _ROUNDUP_RE.finditer(unit.text) if m.start() > counted[0].end - 1), None
    )
    if match is None:
        return [unit]
    cut = offset + match.start()
    first_places = [p for p in unit.places if p.start < cut]
    rest_places = [p for p in unit.places if p.start >= cut]
    value = parse_number(match["num"])
    if not first_places or not rest_places or value is None:
        return [unit]
    head_text = unit.text[: match.start()]
    tail_text = unit.text[match.start() :].lstrip(" ,")
    kind = [f for f in find_figures(head_text) if f.min is not None] or counted
    figure = Figure(
        kind[-1].kind, value[0], value[0], value[1], 0, len(tail_text), tail_text, "", True, False
    )
    head = dataclasses.replace(
        unit,
        text=head_text,
        places=first_places,
        figures=find_figures(head_text),
        triggers=find_triggers(head_text) or unit.triggers,
        actors=[a for s, a in actor_mentions if offset <= s < cut],
    )
    tail = dataclasses.replace(
        unit,
        text=tail_text,
        places=rest_places,
        figures=[figure],
        triggers=find_triggers(tail_text) or head.triggers,
        actors=[a for s, a in actor_mentions if s >= cut] + head.actors,
        dates_from=head,
        start=offset + len(unit.text) - len(tail_text),
    )
    return [head, *_split_roundup(tail, cut + (len(unit.text) - match.start() - len(tail_text)),
                                  actor_mentions)]  # fmt: skip
