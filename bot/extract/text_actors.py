"""Armed groups a report defines itself: "the Zebra Brigade (ZB)", "Northern Liberation Front
(NLF)", "Copper Hills Mujahideen, a militant group linked to ...".

A group the registry does not know is still a party when the article names it in full with
its acronym in brackets, and the name contains a word that only armed groups use (Front,
Army, Brigade, Militia, Mujahideen ...), or when a name of two or more capitalised words
stands in apposition to "a ... group/faction/outfit" with an armed cue (militant, jihadist,
armed, rebel, "X-linked"), or when a name of two or more capitalised words ends in an armed
group's head noun ("the Copper Hills Liberation Front", "the Red Valley Brigades", "the
Zamfara Community Guards") and names no country. The group becomes an actor of this report only
(id ``text:<slug>``, an unidentified-type political militia with no country), found under its
full name and under its acronym (in capitals) in every sentence. Nothing is invented: a
name without such a word ("Human Rights Watch (HRW)"), or one the registry already resolves,
defines nothing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.domain.enums import ActorType
from bot.domain.models import ActorRef
from bot.extract.actors import ActorMention, ActorRegistry, countries_named

__all__ = ["HEAD_WORDS", "TextActor", "defined_groups", "text_mentions"]

# Words only armed groups carry in their names (ACLED's rebel groups and militias).
_ARMED_WORDS = frozenset(
    {"front", "army", "armies", "brigade", "brigades", "militia", "militias", "mujahideen",
     "mujahidin", "forces", "force", "guards", "commandos", "fighters", "jamaat", "ansar",
     "ansarul", "tigers", "resistance", "liberation", "rebels", "insurgents", "defenders",
     "warriors"}
)  # fmt: skip
# Units of a national army ("Light Infantry Battalion (LIB)", "Ninth Division (9D)") are the
# state's forces, which the registry already reads from the country.
_STATE_UNIT_WORDS = frozenset(
    {"battalion", "battalions", "regiment", "division", "infantry", "artillery", "corps",
     "command", "squadron", "navy", "police", "gendarmerie", "government", "federal",
     "royal", "presidential"}
)  # fmt: skip
_NAME_WORD = r"(?:[A-Z][\w'’\-]+|al-[A-Z][\w'’\-]+)"
_JOINER = r"(?:of|for|the|and|de|du|des|la|al|el|ul|wal)"
_DEFINITION_RE = re.compile(
    rf"\b(?P<name>{_NAME_WORD}(?:\s+(?:{_JOINER}\s+){{0,2}}{_NAME_WORD}){{1,6}})"
    r"\s*\(\s*(?P<acronym>[A-Z][A-Z0-9\-]{1,9})\s*\)"
)

# "Copper Hills Mujahideen, a little-known militant group linked to ...": a name in
# apposition to a group noun with an armed cue (two or more capitalised words).
_APPOSITION_RE = re.compile(
    rf"(?<![\w\-])(?P<name>{_NAME_WORD}(?:\s+(?:{_JOINER}\s+)?{_NAME_WORD}){{1,3}}),\s+an?\s+"
    r"(?P<kind>(?:[\w\-]+\s+){0,3}?)(?:group|outfit|faction|organi[sz]ation|militia)\b"
)
_ARMED_CUE_RE = re.compile(
    r"\b(?:militant|jihadist|armed|rebel|insurgent|extremist|terror\w*|splinter|breakaway|"
    r"separatist|islamist|\w+-linked|\w+-affiliated|\w+-aligned)\b",
    re.IGNORECASE,
)
# "the Copper Hills Liberation Front", "the Red Valley Brigades": a capitalised name that ends
# in an armed group's head noun. "Movement" and "Forces" also end parties' and states' names,
# so those need another armed word ("Liberation Movement", "Resistance Forces").
HEAD_WORDS = ("Front", "Army", "Brigade", "Brigades", "Militia", "Militias", "Guards",
              "Mujahideen", "Mujahidin", "Movement", "Forces")  # fmt: skip
_WEAK_HEADS = frozenset({"movement", "forces"})
_HEADED_RE = re.compile(
    rf"(?<![\w\-])(?P<name>{_NAME_WORD}(?:\s+(?:{_JOINER}\s+){{0,2}}{_NAME_WORD}){{0,4}}"
    rf"\s+(?:{'|'.join(HEAD_WORDS)}))(?![\w\-])"
)
# Sentence openers a capitalised run may start with ("On Monday Popular Front fighters"), and
# words of state units and unarmed bodies ("the Border Guards", "the Salvation Army").
_OPENERS = frozenset(
    {"a", "an", "after", "and", "as", "at", "but", "by", "during", "for", "from", "in", "on",
     "meanwhile", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
     "then", "when", "while", "with", "yesterday", "today", "last", "this", "its", "their"}
)  # fmt: skip
_NOT_GROUP_WORDS = frozenset(
    {"border", "coast", "special", "republican", "home", "national", "revolutionary", "salvation",
     "red", "air", "naval", "armed", "security", "defence", "defense", "self-defence"}
)  # fmt: skip

# "Fighters of the Zebra Brigade (ZB)": the group is what follows.
_LEADING_RE = re.compile(
    r"^(?:(?:The|the)\s+|[\w'’\-]+-based\s+|(?:Fighters|Members|Militants|Militiamen|Gunmen|Elements|Units?)\s+"
    r"(?:of|from)\s+(?:the\s+)?)"
)


@dataclass(frozen=True, slots=True)
class TextActor:
    """A group the report defines: the actor and the spellings that name it."""

    actor: ActorRef
    name: str
    acronym: str  # "" when the report gives none


def _slug(name: str) -> str:
    """A short stable id part (inline buttons carry ids in 64 bytes)."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40].rstrip("-")


def _armed(name: str) -> bool:
    """The name carries an armed group's word and no state unit's."""
    words = {word.lower() for word in re.split(r"[\s\-]+", name)}
    return bool(words & _ARMED_WORDS) and not words & _STATE_UNIT_WORDS


def defined_groups(text: str, registry: ActorRegistry) -> list[TextActor]:
    """Armed groups ``text`` names in full with a bracketed acronym that the registry lacks,
    in order of first definition, one each."""
    found: dict[str, TextActor] = {}
    if "(" in text:
        for match in _DEFINITION_RE.finditer(text):
            name, acronym = _LEADING_RE.sub("", match.group("name")), match.group("acronym")
            if _armed(name) and not registry.lookup(acronym):
                _add(found, name, acronym, registry)
    if ", a" in text:
        for match in _APPOSITION_RE.finditer(text):
            if _ARMED_CUE_RE.search(match.group("kind")):
                _add(found, _LEADING_RE.sub("", match.group("name")), "", registry)
    if any(head in text for head in HEAD_WORDS):
        for match in _HEADED_RE.finditer(text):
            headed = _headed_name(_LEADING_RE.sub("", match.group("name")))
            if headed is not None:
                _add(found, headed, "", registry)
    return list(found.values())


def _headed_name(name: str) -> str | None:
    """The group's name in a capitalised run ending in a head noun, without its sentence
    opener; None for a state's unit, a country's force or a too-weak head."""
    words = name.split()
    while words and words[0].lower() in _OPENERS:
        words = words[1:]
    if len(words) < 2 or words[0].lower() in _NOT_GROUP_WORDS:
        return None
    name = " ".join(words)
    lowered = {word.lower() for word in re.split(r"[\s\-]+", name)}
    if words[-1].lower() in _WEAK_HEADS and not (lowered - _WEAK_HEADS) & _ARMED_WORDS:
        return None
    if not _armed(name) or lowered & _NOT_GROUP_WORDS or countries_named(name):
        return None
    return name


def _add(found: dict[str, TextActor], name: str, acronym: str, registry: ActorRegistry) -> None:
    """Record ``name`` unless the registry knows it or a group inside it ("Boko Haram
    faction")."""
    if len(name.split()) < 2 or registry.lookup(name) or registry.find_mentions(name):
        return
    slug = f"text:{_slug(name)}"
    if slug not in found:
        ref = ActorRef(id=slug, name=name, type=ActorType.POLITICAL_MILITIA, country=None)
        found[slug] = TextActor(ref, name, acronym)


def text_mentions(
    sentence: str, groups: Sequence[TextActor], taken: Sequence[ActorMention]
) -> list[ActorMention]:
    """``taken`` plus the mentions of ``groups`` in ``sentence`` that overlap none of them,
    left to right."""
    if not groups:
        return list(taken)
    result = list(taken)
    for group in groups:
        for spelling in filter(None, (group.name, group.acronym)):
            pattern = rf"(?<![\w\-]){re.escape(spelling)}(?![\w\-])"
            for match in re.finditer(pattern, sentence):
                start, end = match.span()
                if any(m.start < end and start < m.end for m in result):
                    continue
                result.append(ActorMention(start, end, match.group(), group.actor.model_copy()))
    return sorted(result, key=lambda m: m.start)
