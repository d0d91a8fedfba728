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

from bot.domain.enums import ActorType
from bot.domain.models import ActorRef
from bot.extract.actors import ActorMention, ActorRegistry
from bot.extract.casualties import has_any
from bot.extract.document import Document, Resources
from bot.extract.spans import SpanSet
from bot.extract.text import lower_same_length
from bot.extract.text_actors import defined_groups, text_mentions

__all__ = ["CLAIM_WORDS", "annotate_actors", "find_claimants", "find_rivals", "party_mentions"]

_LOWER = 0
_ATTRIBUTIVE_AFTER = re.compile(
    r"^\W{0,3}(?:\([^)]{0,20}\)\s*)?"
    # "police in Haiti said": a place between the source and its verb
    r"(?:\s*(?:in|from)\s+(?:the\s+)?[\w'’\-]+(?:\s+[\w'’\-]+)?\s+(?=said|told|say))?"
    # "the Taliban's chief spokesman, Zabihullah Mujahid, said": the group's speaker
    r"(?:['’]s\s+(?:(?:chief|main|top|senior|official|military|regional)\s+)?"
    r"(?=spokes|official|commander|media|statement))?"
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
# "the Taliban-infested district", "Shabaab-dominated areas": the group describes the place.
_PLACE_WORD_AFTER = re.compile(
    r"^-(?:infested|dominated|held|controlled|run|ruled|occupied|hit|affected|plagued|"
    r"ravaged|stricken|prone|besieged|encircled)\b",
    _LOWER,
)
# "the army said its troops killed ...", "IS said its fighters ...": the speaker tells what
# its own men did, so it is a party.
_OWN_MEN_AFTER = re.compile(
    r"\W{0,3}(?:has\s+|had\s+)?(?:said|says|claimed|announced|reported|stated)"
    r"(?:\s+(?:late\s+|early\s+)?on\s+\w+)?(?:\s+in\s+an?\s+(?:statement|video|message|post))?"
    r"\s+(?:that\s+)?"
    r"(?:(?:its|their)\s+(?:own\s+)?(?:forces|troops|soldiers|fighters|men|units|jets|aircraft|"
    r"warplanes|drones|artillery|gunboats|commandos|police|officers)\b|"
    # "the Arakan Army said on Monday it had captured an outpost": what it did itself
    r"(?:it|they)\s+(?:had|has|have)\s+(?:\w+\s+)?(?:captured|killed|repelled|repulsed|"
    r"seized|shot\s+down|downed|destroyed|taken|overrun|overran|ambushed|attacked|targeted|"
    r"struck|recaptured|liberated|eliminated|neutrali[sz]ed|carried\s+out|conducted|launched|"
    r"staged)\b|(?:it|they)\s+(?:was|were)\s+behind\b)",
    _LOWER,
)
# "forces loyal to the Libyan National Army": its own men, a party (unlike "backed by").
_OWN_FORCES_BEFORE = re.compile(
    r"\b(?:forces|fighters|troops|militias?|militiamen|gunmen|men|units|soldiers)\s+loyal\s+to\s+"
    r"(?:the\s+)?$",
    _LOWER,
)
# "Boko Haram-linked fighters", "IS-affiliated militants": the group's own men, a party.
_MEMBERS_AFTER = re.compile(
    r"^-(?:linked|affiliated)\s+(?:fighters|militants|gunmen|insurgents|jihadists|rebels|"
    r"militiamen|militias?|attackers|assailants|terrorists|extremists|cells?|elements)\b",
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
# "X, a little-known group, claimed responsibility hours later", "the assault, claimed by X":
# the group that owns the attack, wherever the sentence stands in the report.
# Who did it, as the report attributes it: "the assailants belonged to X", "police blamed the
# attack on X", "attributed the assault to X": the group named right after.
CLAIM_WORDS = ("claim", "credit", "belong", "blam", "attribut", "members", "among")
_ATTACK_NOUN = r"(?:attack|attacks|bombing|blast|assault|ambush|raid|massacre|killings?|strike)"
_CLAIM_OF_RE = re.compile(
    r"\b(?P<active>(?:claimed|claims|claiming)\s+(?:the\s+|full\s+)?(?:responsibility|credit)|"
    rf"(?:claimed|claims|claiming)\s+(?:the|this|that|both|(?:\w+['’]s))\s+(?:\w+\s+)?{_ATTACK_NOUN})\b|"
    r"\b(?:responsibility|credit)\s+(?:\w+\s+){0,3}?(?:was|has\s+been)\s+claimed\s+by\b|"
    r"\bclaimed\s+by\b|"
    # the attackers' group: "the gunmen belonged to X", "the assailants were members of X"
    r"\b(?:attackers|assailants|gunmen|militants|perpetrators|bombers?|raiders|killers)\s+"
    r"(?:\w+\s+){0,2}?(?:belonged|belong|belongs)\s+to\b|"
    r"\b(?:attackers|assailants|gunmen|militants|perpetrators|bombers?|raiders|killers)\s+"
    r"(?:\w+\s+){0,2}?(?:were|are)\s+members\s+of\b|"
    # one attack put on a group: "blamed the attack on X", "was attributed to X"
    rf"\b(?:blamed|blames|blaming)\s+(?:(?:the|this|that|it)\s+(?:\w+\s+)?(?:{_ATTACK_NOUN}\s+)?on\b)?|"
    rf"\battribut(?:ed|es|ing)\s+(?:the|this|that|it)\s+(?:\w+\s+)?(?:{_ATTACK_NOUN}\s+)?to\b|"
    r"\b(?:was|has\s+been|is)\s+(?:blamed\s+on|attributed\s+to)\b|"
    # the side that lost men: "among the dead were two members of the X"
    r"\b(?P<victims>among\s+the\s+(?:victims|dead|killed|casualties|wounded)\s+(?:were|was))\b",
    _LOWER,
)
# "No group has claimed responsibility", "has not yet claimed", "denied responsibility".
_NO_CLAIM_BEFORE = re.compile(
    r"\b(?:no\s+(?:\w+\s+){0,2}|not\s+(?:yet\s+)?|nobody\s+|none\s+|yet\s+to\s+|n['’]t\s+"
    r"|denied\s+|denies\s+|deny\s+)(?:has\s+|have\s+|had\s+|immediately\s+)?$",
    _LOWER,
)
_CLAUSE_EDGE_RE = re.compile(r";|:|\bbut\b|\bwhile\b|\bwhereas\b|,\s+and\b", _LOWER)
_MEMBERS_OF_RE = re.compile(r"[\w'’\- ]+?\s(?:of|from)\s+(?:the\s+)?$", _LOWER)
_SUBJECT_REACH = 120  # characters before "claimed" the claiming group's name may start
_NOT_VICTIM_SIDES = frozenset({ActorType.CIVILIANS, ActorType.PROTESTERS})
_NOT_CLAIMANTS = frozenset({ActorType.STATE_FORCES, ActorType.CIVILIANS, ActorType.PROTESTERS})


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
        sentence.actor_spans = SpanSet(
            [_named_part(sentence.text, m.start, m.end) for m in mentions]
        )
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
    if not doc.context:
        # No place and no nationality says where: the parties' home countries do ("M23 rebels
        # seized the town of Bunagana" names no country; the M23 fight in Congo).
        doc.context.update(a.country for s in doc.sentences for _, a in s.actors if a.country)
    doc.rivals = find_rivals([s.text for s in doc.sentences], resources.actors, day)
    doc.claimants = [
        (sentence.index, offset, actor)
        for sentence in doc.sentences
        if not sentence.heading and any(word in sentence.low for word in CLAIM_WORDS)
        for offset, actor in find_claimants(sentence.low, sentence.actors)
    ]


def party_mentions(mentions: Sequence[ActorMention], low: str) -> list[tuple[int, ActorRef]]:
    """(start, actor) of the mentions that name a party to the events, in order."""
    result: list[tuple[int, ActorRef]] = []
    skipped_end = -1
    for mention in mentions:
        after = low[mention.end : mention.end + 40]
        officer = _OFFICER_SPEAKS_AFTER.match(low[mention.end : mention.end + 70])
        before = low[max(0, mention.start - 30) : mention.start]
        if (
            _CLAIMED_AFTER.match(after)
            or _MEMBERS_AFTER.match(after)
            or _OWN_MEN_AFTER.match(low, mention.end, mention.end + 80)
            or _OWN_FORCES_BEFORE.search(before)
        ):
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
            or _PLACE_WORD_AFTER.match(after)
            or officer
        ):
            skipped_end = mention.end
            continue
        result.append((mention.start, mention.actor))
    return result


def find_claimants(
    low: str, parties: Sequence[tuple[int, ActorRef]]
) -> list[tuple[int, ActorRef]]:
    """(offset of the claim, group) for the armed groups a lower-cased sentence says claimed
    an attack: the first party in the words before "claimed responsibility" (the subject, not
    a patron named in its apposition), or the first just after "claimed by"; none when it
    says nobody has ("no group has claimed responsibility"). "Among the dead were members of
    X" names a side that lost men (any armed side, the state's too)."""
    found: list[tuple[int, ActorRef]] = []
    for match in _CLAIM_OF_RE.finditer(low):
        at = match.start()
        if _NO_CLAIM_BEFORE.search(low[max(0, at - 40) : at]):
            continue
        if match.group("active"):
            # the subject: the first party of the claim's own clause
            edges = [m.end() for m in _CLAUSE_EDGE_RE.finditer(low, 0, at)]
            lo = max([at - _SUBJECT_REACH, *edges])
            chosen = [a for start, a in parties if lo <= start < at][:1]
        else:
            chosen = _named_after(low, parties, match.end())
        # a side that lost men, or the one blamed ("blamed Ukrainian government forces"), may be
        # the state's; only armed groups claim
        blamed = match.group(0).startswith(("blam", "attribut", "was blamed", "is blamed"))
        excluded = _NOT_VICTIM_SIDES if match.group("victims") or blamed else _NOT_CLAIMANTS
        found.extend(
            (at, a) for a in chosen if a.type not in excluded and all(a != b for _, b in found)
        )
    return found


def _named_after(low: str, parties: Sequence[tuple[int, ActorRef]], at: int) -> list[ActorRef]:
    """The party named right after ``at``: "fighters of the X" name X."""
    after = [(start, a) for start, a in parties if at <= start < at + 60]
    if not after or after[0][0] >= at + 40:
        return []
    if len(after) > 1 and _MEMBERS_OF_RE.match(low, after[0][0], after[1][0]):
        return [after[1][1]]
    return [after[0][1]]


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


# "gangs in Port-au-Prince", "insurgents in Cabo Delgado": a description of a group by where
# it acts, whose place is still a place (a name like "Islamic State in Iraq" is not).
_WHERE_IT_ACTS = re.compile(r"\s(?:in|in\s+the)\s+(?=[A-Z])")
# A capitalised first word that still describes ("Insurgents in Cabo Delgado ..." opening a
# sentence).
_DESCRIBING_WORDS = frozenset({"gangs", "militants", "insurgents", "fighters", "troops",
                               "forces", "rebels", "separatists", "jihadists", "tribal",
                               "armed"})  # fmt: skip


def _named_part(text: str, start: int, end: int) -> tuple[int, int]:
    """The span of an actor mention that names the actor, without the place a lower-case
    description ends in."""
    word = text[start:end].split(maxsplit=1)[0]
    if not word.islower() and word.lower() not in _DESCRIBING_WORDS:
        return start, end  # "Islamic State in Iraq": a name
    where = _WHERE_IT_ACTS.search(text, start, end)
    return (start, where.start()) if where is not None else (start, end)
