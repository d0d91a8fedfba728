"""Actor annotator: which named parties each clause mentions, and who fights whom.

A registry mention is a party unless the words around it make it a source ("police said",
"according to the army"), a patron ("Iran-backed") or an ally named in passing; the bracketed
acronym after a skipped name is skipped too. Clauses that say the actors took no part
("did not take part in the fighting") keep none.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left
from collections.abc import Sequence

from bot.domain.models import ActorRef
from bot.extract.actors import ActorMention, ActorRegistry
from bot.extract.casualties import has_any
from bot.extract.document import Document, Resources
from bot.extract.spans import SpanSet
from bot.extract.text import lower_same_length
from bot.extract.text_actors import defined_groups, text_mentions

__all__ = ["annotate_actors", "find_rivals", "party_mentions"]

_LOWER = 0
_ATTRIBUTIVE_AFTER = re.compile(
    r"^\W{0,3}(?:\([^)]{0,20}\)\s*)?"
    # "police in Haiti said": a place between the source and its verb
    r"(?:\s*(?:in|from)\s+(?:the\s+)?[\w'’\-]+(?:\s+[\w'’\-]+)?\s+(?=said|told|say))?"
    r"(?:(?:spokes\w+|sources?|officials?|officers?|chief|"
    r"commander|statement|media\s+office)\s+)?(?:said|told|says|reported|announced|"
    r"stated|added|confirmed|statement|spokes(?:man|woman|person)|media\s+(?:office|cell))\b",
    _LOWER,
)
_ACCORDING_BEFORE = re.compile(
    r"\b(?:according\s+to|quoted\s+by|told|allied\s+(?:with|to)|affiliated\s+(?:with|to)|"
    r"linked\s+to|close\s+to|backed\s+by|supported\s+by|loyal\s+to|aligned\s+with|"
    r"held\s+by|controlled\s+by|run\s+by|captured\s+by|seized\s+by)\s+"
    r"(?:the\s+)?$",
    _LOWER,
)
# "... stayed silent and took no part in the fighting": these actors were not involved.
_NOT_INVOLVED_RE = re.compile(
    r"\b(?:did\s+not|didn['’]t|do\s+not|does\s+not|not\s+to)\s+(?:take\s+part|participate|"
    r"intervene|join|get\s+involved)|\bnot\s+involved\b",
    _LOWER,
)
NOT_INVOLVED_WORDS = ("not", "didn")  # _NOT_INVOLVED_RE cannot match without one
# "fighting between the army and the Arakan Army": the two sides of a conflict.
_BETWEEN_RE = re.compile(
    r"\b(?:fighting|clash(?:es)?|battles?|hostilities|confrontations?|gunfights?|"
    r"firefights?|exchanges?\s+of\s+fire)\s+(?:\w+\s+){0,2}?between\s+"
    r"(?P<a>[^,;.()]{2,80}?)\s+and\s+(?P<b>[^,;.()]{2,80}?)"
    r"(?=[,;.]|\s+(?:in|near|on|at|has|have|had|that|which|since|over|for|across)\b|$)",
    re.IGNORECASE,
)
_BRACKET_GAP = re.compile(r"\s*\(\s*")
# "the al-Qaeda-linked JNIM", "Iran-backed militias": the named group is a patron, no party.
_AFFILIATE_AFTER = re.compile(
    r"^-(?:linked|affiliated|backed|allied|aligned|inspired|supported|sponsored|funded)\b",
    _LOWER,
)
# "U.S. Air Force Gen. Jane Doe said", "army Col. Ali Musa told reporters": the force is the
# title of a named officer who speaks, no party (an officer who is killed keeps the force).
_OFFICER_SPEAKS_AFTER = re.compile(
    r"^\s+(?:(?:gen|maj|col|lt|capt|brig|sgt|cmdr|adm|cpl)\.?|general|colonel|major|"
    r"lieutenant|captain|brigadier|commander|admiral|sergeant|spokes(?:man|woman|person))"
    r"(?:\s+(?:gen|general|col|colonel)\.?)?\s+(?!(?:was|were|is|has|had)\b)"
    r"(?:[\w'’\-.]+\s+){0,2}[\w'’\-.]+,?\s+"
    r"(?:said|says|told|stated|added|confirmed|announced)\b",
    _LOWER,
)
_CLAIMED_AFTER = re.compile(r"^\W{0,3}(?:claimed|has\s+claimed)\s+responsibility", _LOWER)


def annotate_actors(doc: Document, resources: Resources) -> None:
    """Fill each sentence's actor mentions and spans, and each clause's parties."""
    # Forces whose type or roles changed are read as of the publication day (the finisher
    # dates them again by the incident's own day).
    day = doc.published_at.date() if doc.published_at is not None else None
    # Groups the report defines with an acronym, though the registry does not know them.
    groups = defined_groups(" ".join(s.text for s in doc.sentences), resources.actors)
    for sentence in doc.sentences:
        doc.checkpoint()
        mentions = resources.actors.find_mentions(
            sentence.text, on=day, matching=sentence.matching
        )
        mentions = text_mentions(sentence.text, groups, mentions)
        sentence.actor_mentions = mentions
        sentence.actor_spans = SpanSet([(m.start, m.end) for m in mentions])
        sentence.actors = party_mentions(mentions, sentence.low)
        starts = [start for start, _ in sentence.actors]
        for clause in sentence.clauses:
            lo, hi = clause.start, clause.start + len(clause.text)
            first, last = bisect_left(starts, lo), bisect_left(starts, hi)
            actors = [a for _, a in sentence.actors[first:last]]
            low = lower_same_length(clause.text)
            if has_any(low, NOT_INVOLVED_WORDS) and _NOT_INVOLVED_RE.search(low):
                actors = []
            clause.actors = actors
    doc.rivals = find_rivals([s.text for s in doc.sentences], resources.actors, day)


def party_mentions(mentions: Sequence[ActorMention], low: str) -> list[tuple[int, ActorRef]]:
    """(start, actor) of the mentions that name a party to the events, in order."""
    result: list[tuple[int, ActorRef]] = []
    skipped_end = -1
    for mention in mentions:
        after = low[mention.end : mention.end + 40]
        officer = _OFFICER_SPEAKS_AFTER.match(low[mention.end : mention.end + 70])
        before = low[max(0, mention.start - 30) : mention.start]
        if _CLAIMED_AFTER.match(after):
            result.append((mention.start, mention.actor))
            continue
        # "allied with the Kurdistan Workers Party (PKK)": the acronym in brackets repeats
        # the reference just skipped, so it is no party either.
        echo = skipped_end >= 0 and _BRACKET_GAP.fullmatch(low[skipped_end : mention.start])
        if (
            echo
            or _ATTRIBUTIVE_AFTER.match(after)
            or _ACCORDING_BEFORE.search(before)
            or _AFFILIATE_AFTER.match(after)
            or officer
        ):
            skipped_end = mention.end
            continue
        result.append((mention.start, mention.actor))
    return result


def find_rivals(
    sentences: Sequence[str], registry: ActorRegistry, on: dt.date | None = None
) -> list[tuple[ActorRef, ActorRef]]:
    """Pairs of named sides from "fighting between A and B" anywhere in the article (as the
    forces were on the report's day ``on``)."""
    pairs: list[tuple[ActorRef, ActorRef]] = []
    seen: set[str] = set()
    for sentence in sentences:
        if sentence in seen or "between" not in sentence:
            continue
        seen.add(sentence)
        for match in _BETWEEN_RE.finditer(sentence):
            sides = [registry.find_mentions(match[name], on=on) for name in ("a", "b")]
            if all(len(side) == 1 for side in sides):
                pairs.append((sides[0][0].actor, sides[1][0].actor))
    return pairs
