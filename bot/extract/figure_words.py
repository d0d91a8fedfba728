"""The words of casualty figures: numbers, verbs, subjects and the patterns that combine them,
shared by the figure reader (``figure_reader``) and the toll combiner (``tolls``). Patterns
marked ``_ON_LOWERED`` run on lower-cased text (much faster than re.IGNORECASE)."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from bot.domain.enums import CountStatus
from bot.extract.victim_lists import SINGLE_PEOPLE

_ON_LOWERED = 0

FigureKind = Literal["killed", "injured", "arrested", "abducted"]

_UNITS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
         "eighty": 80, "ninety": 90}  # fmt: skip
# ACLED's reading of vague quantities (conservative).
_VAGUE = {"half a dozen": 6, "a dozen": 12, "dozen": 12, "dozens": 12, "scores": 20, "tens": 10,
          "hundreds": 100}  # fmt: skip

_UNITS_RE = "|".join(sorted(_UNITS, key=len, reverse=True))
_TENS_RE = "|".join(_TENS)
_WORDNUM = (
    rf"(?:(?:{_UNITS_RE}|a)\s+hundred(?:\s+(?:and\s+)?(?:(?:{_TENS_RE})(?:[-\s](?:{_UNITS_RE}))?"
    rf"|{_UNITS_RE}))?|(?:{_TENS_RE})(?:[-\s](?:{_UNITS_RE}))?|{_UNITS_RE})"
)
_NUM = (
    rf"(?:\d{{1,3}}(?:,\d{{3}})+(?!\d)|\d+(?![\d:.,]\d)|half\s+a\s+dozen|a\s+dozen|dozens|scores"
    rf"|tens|hundreds|{_WORDNUM}|another|an|a)"
    r"(?![-\s]years?[-\s]old)"  # "a 12-year-old boy" is one boy, not twelve
)
NUM = _NUM  # a number in digits or words, or a vague quantity
MOD = (
    r"(?:at\s+least|more\s+than|over|no\s+(?:fewer|less)\s+than|not\s+less\s+than|nearly|almost|"
    r"about|around|approximately|roughly|some|up\s+to|as\s+many\s+as|an\s+estimated|close\s+to|"
    r"upwards\s+of|a\s+total\s+of|a\s+further|another|all|the)"
)
_QUANT = rf"(?:(?P<mod>{MOD})\s+)?(?P<num>{_NUM})\b"

_KILL_V = (
    r"shot\s+dead|shot\s+and\s+killed|gunned\s+down|killed|dead|died|slain|massacred|executed|"
    r"beheaded|murdered|perished|lost\s+their\s+lives|lost\s+(?:his|her)\s+li(?:fe|ves)|"
    r"burned\s+to\s+death|martyred|found\s+dead|found\s+killed|slaughtered|butchered|"
    # military press releases: "eight terrorists were sent to hell", "embraced shahadat"
    r"sent\s+to\s+hell|embraced\s+(?:shahadat|martyrdom)|laid\s+down\s+(?:their|his)\s+li(?:fe|ves)"
)
_INJ_V = (
    r"wounded|injured|hurt|hospitali[sz]ed|treated\s+for\s+(?:[\w-]+\s+){0,4}?(?:wounds|injuries)|"
    r"(?:sustain(?:ed|ing)?|suffer(?:ed|ing)?)\s+(?:[\w-]+\s+){0,2}?(?:injuries|wounds)|"
    # "four farmers who escaped with injuries", "nine people with gunshot wounds were brought in"
    r"(?:who\s+)?escaped\s+with\s+(?:[\w-]+\s+){0,2}?(?:injuries|wounds|burns)|with\s+(?:[\w-]+"
    r"\s+){0,2}?(?:injuries|wounds|burns)(?=\s+(?:were|was)\s+(?:brought|admitted|taken|rushed))"
)
_ARR_V = r"arrested|detained|captured|apprehended|taken\s+into\s+custody|rounded\s+up"
_ABD_V = r"kidnapped|abducted|taken\s+hostage|seized"

# Words a subject noun phrase may not contain (they end it or start another clause).
_STOP = (
    r"(?:said|says|say|told|tell|were|was|have|has|had|are|is|and|in|on|at|after|when|while|"
    r"who|which|that|as|but|from|to|with|during|near|by|for|than|if|since|before|into|within|"
    r"reportedly|also|killed|dead|died|wounded|injured|hurt|including)"
)
# A subject word, an age ("a 67-year-old man" is one), a bracketed acronym ("Guard (DRG)").
_SUBJWORD = (
    rf"(?!{_STOP}\b)(?:[A-Za-z][\w'’\-]*|\d{{1,3}}[-\s]years?[-\s]old|"
    rf"\([A-Z][A-Za-z-]{{1,11}}\))"
)
_AUX = (
    r"(?:(?:were|was|have\s+been|has\s+been|had\s+been|are|is|got|been|being|reportedly|also|"
    r"later|all|subsequently|allegedly|confirmed|seriously|critically|lightly|slightly|"
    r"moderately|severely|gravely|badly|mildly|"
    r"fatally|both|initially|then|now|(?:had|have|has)(?=\s+(?:since\s+)?(?:died|perished|"
    r"succumbed)))\s+){0,3}"
)
_INCL = (
    r"(?:,?\s+(?:including|among\s+them|mostly|many\s+of\s+them|most\s+of\s+them)\b"
    r"[^,.;]{0,80}?,?)?"
)

SUBJECT_FIRST = re.compile(
    # not "one of the people injured in the attack has died", nor "the Army's 44 Rifles"
    rf"(?<![\w-])(?<!['’]s\s)(?P<subj>{_QUANT}(?!\s+of\s+the\s+(?:\w+\s+)?(?:injured|wounded)\s+(?!were|was))"
    rf"(?P<np>(?:\s+{_SUBJWORD}){{0,8}}?)"
    rf"(?P<more>(?:\s*(?:,|and|,\s*and)\s+(?:{MOD}\s+)?{_NUM}\b(?:\s+{_SUBJWORD}){{0,8}}?)*))"
    # "... and the civilian driver of their vehicle were killed": one more person
    rf"(?P<plus>\s+and\s+(?:the|their|his|her|its)(?:\s+{_SUBJWORD}){{1,6}}?(?=\s+{_AUX}"
    rf"(?:{_KILL_V}|{_INJ_V})\b))?"
    # "two other personnel who were sitting in the rear suffered injuries"
    rf"(?:\s+who\s+(?:were|was)\s+(?!(?:killed|wounded|injured|hurt|not)\b)[^,.;]{{1,60}}?"
    rf"(?=\s+(?:{_KILL_V}|{_INJ_V})\b))?"
    rf"{_INCL}(?:\s+who(?=\s+(?:sustain|suffer)))?\s+{_AUX}(?P<verb>{_KILL_V}|{_INJ_V}|{_ARR_V}|{_ABD_V})\b"
    rf"(?!\s+(?:and|or)\s+(?:wounded|injured|hurt))",
    _ON_LOWERED,
)
# "killing the driver", "wounding their local commander": one person, named by his calling.
_ONE_OF = (r"(?P<one>the|its|his|her|their)(?=\s+(?:[a-z-]+\s+)?(?:"
           + "|".join(sorted(SINGLE_PEOPLE)) + r")\b)")  # fmt: skip
VERB_FIRST = re.compile(
    rf"\b(?P<verb>kill(?:ed|ing|s)?|shot\s+dead|shot\s+and\s+killed|gunned\s+down|"
    rf"(?:beat|burned|burnt|stoned|hacked|stabbed|lynched)\s+to\s+death|lynch(?:ed|ing)|"
    rf"slaughter(?:ed|ing|s)?|butcher(?:ed|ing|s)?|massacr(?:ed|ing|es)|neutrali[sz](?:ed|ing)|"
    rf"martyr(?:ed|ing)|"
    # "hacked 20 villagers to death": the verb alone counts when "to death" ends the phrase
    rf"(?:beat|bludgeoned|clubbed|burned|burnt|stoned|hacked|stabbed)(?=\s+(?:{MOD}\s+)?"
    rf"{_NUM}\b(?:\s+{_SUBJWORD}){{0,4}}\s+to\s+death)|"
    rf"murder(?:ed|ing|s)?|assassinat(?:ed|ing|es)|execut(?:ed|ing|es)|behead(?:ed|ing|s)|left|leaving|leaves|claim(?:ed|ing|s)\s+the\s+lives\s+of|"
    rf"cost(?:ing|s)?\s+the\s+lives\s+of|wound(?:ed|ing|s)?|injur(?:ed|ing|es|e)|"
    rf"arrest(?:ed|ing|s)?|detain(?:ed|ing|s)?|kidnapp?(?:ed|ing|s)?|abduct(?:ed|ing|s)?)"
    rf"\s+(?:{MOD}\s+)?(?P<num>{_NUM}|{_ONE_OF})\b(?P<np>(?:\s+{_SUBJWORD}){{0,4}})"
    rf"(?:\s+(?P<post>dead\s+and\s+(?:wounded|injured)|dead|killed|wounded|injured))?"
    rf"(?P<and>\s+and\s+(?:his|her|their|the)?\s*(?:{MOD}\s+)?(?P<num3>{_NUM})\b"
    rf"(?:\s+{_SUBJWORD}){{1,3}})?"
    rf"(?=[\s,.;:!?\"”’)]|$)",
    _ON_LOWERED,
)
_NOT_MORE = r"injur|wound|hurt|arrest|abduct|kidnap|missing|were|was|are|is|have|had|other"
NOUN_FORM = re.compile(
    rf"\b(?:(?P<pre>the\s+)?(?P<noun>deaths?|killings?|martyrdom|injur(?:y|ies)|wounding|"
    rf"arrests?|detention|abduction|kidnapping)\s+of\s+(?:{MOD}\s+)?(?P<num>{_NUM})\b"
    # "the death of two soldiers and four VDP": one count of two kinds of victims
    rf"(?:(?:\s+[a-z]+){{1,2}}\s+and\s+(?P<more>{_NUM})\b(?=\s+(?!{_NOT_MORE})[a-z]))?"
    rf"|(?:{MOD}\s+)?(?P<num2>{_NUM})\s+(?P<noun2>deaths|fatalities|injuries|arrests|"
    rf"martyrs?\b|dead\b(?!\s+and)))",
    _ON_LOWERED,
)
_NONE = re.compile(
    r"\b(?:no\s+(?:immediate\s+)?(?:reports?\s+of\s+)?(?P<what>casualties|injuries|deaths|"
    r"fatalities|victims|losses|one\s+was\s+(?:killed|hurt|injured|wounded)|one\s+(?:was\s+)?"
    r"(?:died|killed|hurt|injured))|nobody\s+was\s+(?P<what2>killed|hurt|injured|wounded)|"
    r"without\s+(?:causing\s+)?(?:any\s+)?(?P<what3>casualties|injuries|loss(?:es)?\s+of\s+life))\b",
    _ON_LOWERED,
)
_UNKNOWN = re.compile(
    r"\b(?:number|toll)\s+of\s+(?:the\s+)?(?:casualties|victims|dead|deaths|those\s+killed)\b"
    r"[^.]{0,40}\b(?:unknown|unclear|not\s+(?:yet\s+)?(?:known|clear|confirmed))|"
    r"\bcould\s+not\s+(?:ascertain|confirm|establish)\s+the\s+number\b",
    re.IGNORECASE,
)
# Cumulative or generic figures: not one incident's toll.
AGGREGATE = re.compile(
    r"\b(?:so\s+far\s+this|tens\s+of\s+thousands|hundreds\s+of\s+thousands|thousands|"
    r"millions|in\s+total\s+since|per\s+(?:day|week|month)|every\s+(?:day|week|month|year)|"
    r"each\s+(?:day|week|month|year)|"
    # Running totals in any tense: "by some unofficial counts", "since the start of the war",
    # "in the first six months of this year".
    r"by\s+(?:some|one|their|official|unofficial|local|independent)\s+(?:\w+\s+)?"
    r"(?:counts?|estimates?|tall(?:y|ies))|"
    r"for\s+(?:nearly|almost|more\s+than|over|about|some|the\s+(?:past|last))?\s*"
    r"(?:\w+\s+)?(?:years|decades)|"
    r"in\s+the\s+(?:past|last)\s+(?:\w+\s+)?(?:years|decades)|"
    r"since\s+the\s+(?:start|beginning|outbreak)\s+of|"
    r"(?:in|during)\s+the\s+(?:first|second)\s+(?:half|quarter|(?:\w+\s+)?months)\s+of|"
    # One figure over several events ("in separate attacks", "the strikes on south Lebanon")
    r"(?<!latest\s)(?:in|launched|carried\s+out)\s+(?:two|three|four|five|several|separate|multiple|\d+|"
    r"a\s+(?:series|wave|spate)\s+of)"
    r"\s+(?:separate\s+|different\s+|coordinated\s+)?(?:[\w'-]+\s+)?(?:attacks|incidents|"
    r"bombings|clashes|raids|ambushes|strikes|explosions|shootings)|(?:strikes|attacks|raids)"
    r"\s+(?:on|across)\s+(?:the\s+)?(?:south|north|east|west|central)(?:ern)?\s+[a-z]+)\b",
    _ON_LOWERED,
)
# Cumulative only with a perfect tense: "250 have died since October" (not "killed 20, ...").
AGGREGATE_PERFECT = re.compile(
    r"\b(?:since\s+(?!then\b)|over\s+the\s+(?:past|last)|in\s+recent\s+(?:days|weeks|months|"
    r"years)|this\s+year|throughout|in\s+the\s+(?:days|weeks|months)\s+(?:after|since|following|"
    r"that\s+followed))\b", _ON_LOWERED)  # fmt: skip
PERFECT = re.compile(r"\b(?:have|has|had)\b", _ON_LOWERED)
# "the bodies of 12 men were found", "12 bodies were recovered".
BODIES = re.compile(
    rf"\b(?:(?:the\s+)?bodies\s+of\s+(?:{MOD}\s+)?(?P<num>{_NUM})\b[^.;]{{0,40}}?|"
    rf"(?:{MOD}\s+)?(?P<num2>{_NUM})\s+bodies\s+)(?:were|have\s+been|had\s+been)\s+"
    rf"(?:\w+\s+)?(?:found|recovered|discovered|retrieved|pulled|brought|taken|delivered|"
    rf"transferred)\b", _ON_LOWERED)  # fmt: skip
# "the hospital received the bodies of 31 people", "rescuers recovered 12 bodies".
BODIES_TAKEN_IN = re.compile(
    rf"\b(?:received|recovered|retrieved|found|counted|collected|buried|pulled\s+out|took\s+in)"
    rf"\s+(?:the\s+)?(?:bodies\s+of\s+(?:{MOD}\s+)?(?P<num>{_NUM})\b|"
    rf"(?:{MOD}\s+)?(?P<num2>{_NUM})\s+(?:(?!more|other|further|additional)\w+\s+)?bodies\b)",
    _ON_LOWERED,
)
SUBSET_BEFORE = re.compile(
    r"\b(?:including|among\s+them|among\s+those|among|of\s+whom|of\s+them|excluding)\s+$",
    _ON_LOWERED,
)
# Cheap pre-check: a clause without any of these stems has no figure.
HINT = re.compile(
    r"kill|dead|death|died|dying|wound|injur|hurt|arrest|detain|captur|apprehend|custody|"
    r"rounded|kidnap|abduct|hostage|seized|slain|massacr|execut|behead|murder|perish|martyr|"
    r"lives|life|casualt|toll|fatalit|hospitali|gunned|burn|no one|nobody|without|bodies|"
    r"lynch|stabbed|stoned|hacked|lost|losing|loses|hell|shahadat|embraced|laid down|count|"
    r"slaughter|butcher|neutrali|succumb", _ON_LOWERED)  # fmt: skip
_GENERIC_NOUNS = frozenset(
    {"", "people", "persons", "person", "individuals", "others", "victims", "bodies", "more",
     "other", "of", "them", "those", "more people"}
)  # fmt: skip
_ADDITIVE_NOUNS = frozenset({"more", "another", "additional", "further"})


@dataclass(frozen=True, slots=True)
class Figure:
    """One casualty figure read from a clause."""

    kind: FigureKind
    min: int | None  # None: stated but not counted ("several", "a number of")
    max: int | None
    status: CountStatus
    start: int
    end: int
    surface: str
    subject: str  # folded noun phrase, "" when absent
    generic: bool  # "people", "others", no noun: a total rather than one group
    additive: bool  # "also", "another", "N more": adds to an earlier figure
    update: bool = False  # "toll rose to N": replaces earlier figures
    none: bool = False  # "no casualties were reported"


def parse_number(text: str) -> tuple[int, CountStatus] | None:
    """A number in digits or words to (value, how exact); vague words the ACLED way."""
    raw = " ".join(text.lower().replace("-", " ").split())
    if not raw:
        return None
    if raw in {"a number", "several", "many", "some", "few", "a few", "numerous"}:
        return None
    digits = raw.replace(",", "")
    if digits.isdigit():
        return int(digits), CountStatus.EXACT
    if raw in _VAGUE:
        status = CountStatus.EXACT if raw == "a dozen" else CountStatus.APPROXIMATE
        return _VAGUE[raw], status
    if raw in {"a", "an", "another", "one"}:
        return 1, CountStatus.EXACT
    total = 0
    current = 0
    seen = False
    for word in raw.split():
        if word == "and":
            continue
        if word in _UNITS:
            current += _UNITS[word]
            seen = True
        elif word in _TENS:
            current += _TENS[word]
            seen = True
        elif word == "hundred":
            current = max(current, 1) * 100
            seen = True
        elif word == "a":
            current += 1
        else:
            return None
    total += current
    return (total, CountStatus.EXACT) if seen else None


def modifier_status(mod: str | None, status: CountStatus) -> CountStatus:
    if not mod:
        return status
    mod = " ".join(mod.lower().split())
    if mod in {"at least", "more than", "over", "no fewer than", "no less than", "not less than",
               "upwards of"}:  # fmt: skip
        return CountStatus.AT_LEAST
    if mod in {"another", "the", "a total of", "a further"}:
        return status
    return CountStatus.APPROXIMATE


_KILL_STEMS = ("kill", "claim", "cost", "shot", "gunned", "murder", "assassin", "execut", "behead",
               "beat", "burn", "stoned", "hacked", "stabbed", "lynch", "bludgeon", "clubbed",
               "sent to hell", "embraced", "laid down", "slaughter", "butcher", "massacr",
               "neutrali", "martyr")  # fmt: skip


def kind_of(verb: str) -> FigureKind | None:
    verb = verb.lower()
    if re.match(_KILL_V, verb) or verb.startswith(_KILL_STEMS):
        return "killed"
    if re.match(_INJ_V, verb) or verb.startswith(("wound", "injur", "with")):
        return "injured"
    if re.match(_ARR_V, verb) or verb.startswith(("arrest", "detain")):
        return "arrested"
    if re.match(_ABD_V, verb) or verb.startswith(("kidnap", "abduct")):
        return "abducted"
    return None


def blank_parentheses(text: str) -> str:
    """Parenthesised asides ("(PMF, or Hashd al-Shaabi)") become spaces; offsets stay valid."""
    return re.sub(r"\([^()]{0,80}\)", lambda m: " " * len(m.group(0)), text)


MONTH_BEFORE = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+$", _ON_LOWERED
)


MONTH_AFTER = re.compile(
    r"\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)(?:[a-z]*\b|\.)", _ON_LOWERED
)


def is_year(num: str, after: str, before: str = "") -> bool:
    if not num.isdigit() or len(num) != 4 or not 1900 <= int(num) <= 2099:
        return False
    if re.search(r"\b(?:in|since|from|of|by|until|during|early|late|mid)\s*$", before, re.I):
        return True
    return not re.match(
        r"\s+(?:people|persons|civilians|soldiers|fighters|militants|troops)", after, re.I
    )


def subject_of(np: str) -> str:
    words = [w.lower().strip("'’.,") for w in np.split()]
    return " ".join(w for w in words if w)


def is_generic(subject: str) -> bool:
    if subject in _GENERIC_NOUNS:
        return True
    words = subject.split()
    return bool(words) and words[-1] in {"people", "persons", "others", "victims", "individuals"}


def additive(clause: str, start: int, subject: str, num: str) -> bool:
    if num.lower() in {"another"} or set(subject.split()) & _ADDITIVE_NOUNS:
        return True
    return bool(re.search(r"\balso\b", clause[max(0, start - 60) : start + 120], re.IGNORECASE))


NAMED_KILLED = re.compile(
    r"(?<![\w'’\-])(?:(?:Sheikh|Sheik|Mr|Mrs|Ms|Dr|Judge|Colonel|Col|General|Gen|Brigadier|"
    r"Major|Captain|Imam|Mayor|Governor|Lieutenant)\.?\s+)?"
    r"(?P<name>[A-Z][\w'’\-]+(?:\s+(?:al-|el-|bin\s+|ibn\s+)?[A-Z][\w'’\-]+){1,4}),?"
    r"(?:\s+[^,.;]{3,80},)?\s+(?:who\s+)?(?:was|has\s+been)\s+(?:reportedly\s+)?"
    r"(?:killed|shot\s+dead|assassinated|murdered|gunned\s+down|executed)\b"
)
NAMED_SUBJECT = "(named person)"
ONE_PERSON = "(one person)"
# One person described alone ("Sheikh X was killed"): usually one of a count's victims.
ONE_OF_THEM = frozenset({NAMED_SUBJECT, ONE_PERSON})
# Capitalised words that make the "name" a group, a place or a sentence opener instead.
NOT_A_NAME = frozenset(
    {"the", "a", "an", "in", "on", "at", "police", "army", "forces", "force", "ministry",
     "military", "group", "state", "security", "government", "province", "city", "district",
     "brigade", "brigades", "units", "militia", "council", "office", "he", "she", "it", "they",
     "his", "her", "their", "this", "that", "one", "another", "said", "according"}
)  # fmt: skip


RELATIVE = re.compile(
    r"\b(?P<verb>wound(?:ed|ing)|injur(?:ed|ing)|kill(?:ed|ing)|shot\s+dead)\s+(?:his|her|their)"
    r"\s+(?:\w+\s+)?(?P<who>son|daughter|brother|sister|wife|husband|father|mother|child|"
    r"companion|driver|bodyguard|cousin|nephew|friend|guard|colleague)\b(?!\s+and\s+\w+\s+"
    r"(?:sons|daughters|brothers|children))",
    _ON_LOWERED,
)
GROUP_NOUN = re.compile(
    r"\b(attackers|assailants|gunmen|militants|fighters|insurgents|rebels|jihadists|bandits|"
    r"soldiers|troops|policemen|civilians|villagers|passengers|protesters|"
    # "surrounded our men and opened fire, killing seven of them": the nearest people named
    r"men|officers|guards|personnel|residents|worshippers|workers|miners|pilgrims)\b",
    _ON_LOWERED,
)


def last_group_noun(nouns: list[re.Match[str]], before: int) -> str | None:
    """The last group noun ("attackers", "soldiers") ending at or before ``before``."""
    index = bisect_right(nouns, before, key=lambda m: m.end()) - 1
    return nouns[index].group(1) if index >= 0 else None


# After an active verb, its object ("five gunmen shot dead two soldiers"), not the attackers.
ACTIVE_OBJECT_AFTER = re.compile(
    rf"^\s+(?:(?:{MOD})\s+)?(?:\d+\b|{_WORDNUM}\b|(?:a|an|the|his|her|their|them|him|"
    rf"several|dozens|scores)\b)",
    _ON_LOWERED,
)
_PASSIVE = re.compile(r"\b(?:were|was|been|being|are|is|got)\b", _ON_LOWERED)
_TRANSITIVE = re.compile(r"^(?:kill|shot|gunned|executed|murdered|massacred|beheaded|wound|injur|"
                         r"slain|slaughtered|butchered)", _ON_LOWERED)  # fmt: skip


def active_voice(match_text: str, verb: str, after: str) -> bool:
    """True when a subject-first figure's verb is active with an object of its own: the
    number before it counts who acted ("five gunmen first shot dead two soldiers")."""
    return (
        _TRANSITIVE.match(verb.lower()) is not None
        and _PASSIVE.search(match_text) is None
        and ACTIVE_OBJECT_AFTER.match(after) is not None
    )


OF_THEM = re.compile(r"\bof\s+(?:them|whom|those)\b", _ON_LOWERED)
BETWEEN = re.compile(r"\bbetween\s+$")
SINGLE_PERSON = re.compile(
    r"(?<![\w-])(?:a|an|one|the|his|her|their)\s+(?:[a-z-]+\s+){0,2}?(?P<who>man|woman|boy|"
    r"girl|child|"
    r"civilian|passer-?by|bystander|soldier|policeman|officer|guard|companion|relative|driver|"
    r"person|shepherd|farmer|teacher|student|journalist|friend|brother|son|colleague|wife|"
    r"husband|daughter|sister|mother|father|cousin|nephew|uncle|"
    r"bodyguard|passenger|neighbou?r|villager|resident|worker|trader|merchant|official|"
    r"mukhtar|chief|elder|imam|cleric|activist|lawyer|judge|engineer|doctor|nurse|"
    r"terrorist|militant|fighter|commander|leader|member|gunman|attacker|assailant|suspect)"
    r"\b(?:,?\s+[a-z'’\-\"“”]+,?){0,12}?"
    r"\s+was\s+(?:also\s+|later\s+|seriously\s+|critically\s+|lightly\s+|slightly\s+)?"
    r"(?P<verb>wounded|injured|hurt|killed|shot\s+dead)\b",
    _ON_LOWERED,
)
# One person named by role after "and a/an": "killed two gendarmes and a civilian".
PERSON_AFTER = re.compile(
    r"\s+(?:\w+\s+)?(?:civilian|soldier|child|boy|girl|woman|man|policeman|police\s+officer|"
    r"officer|teacher|doctor|nurse|journalist|student|farmer|shepherd|passer-?by|guard|"
    r"gendarme|militiaman|fighter|militant|villager|resident|driver|worker|member)\b",
    _ON_LOWERED,
)


def blank_cumulative_parts(text: str) -> str:
    """Blank the comma-delimited parts of ``text`` in the perfect tense: in a clause about a
    running total ("since 2018", "over the past year") those carry the total."""
    parts = re.split(r"(,\s+|;\s+|\s+[-–—]\s+)", text)
    out = []
    for part in parts:
        if PERFECT.search(part):
            out.append(" " * len(part))
        else:
            out.append(part)
    return "".join(out)


def search_all(pattern: re.Pattern[str], text: str) -> list[re.Match[str]]:
    """Matches that may start inside earlier ones (a rejected "an ..." hides no "10 were")."""
    matches: list[re.Match[str]] = []
    pos = 0
    while pos < len(text):
        match = pattern.search(text, pos)
        if match is None:
            break
        matches.append(match)
        pos = match.start() + 1
    return matches


def coordinated(subject: str) -> list[tuple[int, CountStatus]]:
    """Numbers of "six civilians and four soldiers" (subsets after "including" dropped)."""
    groups: list[tuple[int, CountStatus]] = []
    for match in re.finditer(rf"(?:(?P<mod>{MOD})\s+)?(?P<num>{_NUM})\b", subject, re.I):
        before = subject[max(0, match.start() - 20) : match.start()]
        if SUBSET_BEFORE.search(before):
            continue
        num = match["num"]
        listed = re.search(r"(?:,|\band)\s*$", before) is not None
        if num.lower() in {"a", "an", "the"} and groups and not (listed and num.lower() != "the"):
            continue  # "three members of a family"; but "two soldiers and a policeman": 3
        value = parse_number(num)
        if value is None:
            continue
        groups.append((value[0], modifier_status(match["mod"], value[1])))
    return groups


def combine_status(statuses: Sequence[CountStatus]) -> CountStatus:
    if CountStatus.AT_LEAST in statuses:
        return CountStatus.AT_LEAST
    if CountStatus.APPROXIMATE in statuses:
        return CountStatus.APPROXIMATE
    return CountStatus.EXACT


def find_none(text: str) -> list[Figure]:
    figures: list[Figure] = []
    for match in _NONE.finditer(text):
        what = (match["what"] or match["what2"] or match["what3"] or "").lower()
        kinds: tuple[FigureKind, ...]
        if "death" in what or "fatal" in what or what.endswith("killed") or "life" in what:
            kinds = ("killed",)
        elif "injur" in what or "wound" in what:
            kinds = ("injured",)
        else:
            kinds = ("killed", "injured")
        for kind in kinds:
            figures.append(
                Figure(kind, None, None, CountStatus.NONE_REPORTED, match.start(), match.end(),
                       match.group(0), "", True, False, none=True)
            )  # fmt: skip
    return figures


def mentions_unknown(text: str) -> bool:
    """True when the text says the toll is not known ("number of casualties remains unknown")."""
    return bool(_UNKNOWN.search(text))
