"""Casualty figures in news text: killed, injured, arrested, abducted, with who gave them.

Careful regex rather than a model: digits and number words, "at least" / "more than", vague
quantities read the ACLED way ("dozens" = 12, "tens" = 10, "scores" = 20, "hundreds" = 100),
"the death of one and the injury of another", "toll rose to N", coordinated subjects ("six
civilians and four soldiers died" = 10), subsets ("including four children") skipped, cumulative
figures ("since October", "thousands") skipped. A figure is never invented: no number, no figure.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from bot.domain.enums import CountStatus
from bot.domain.models import CasualtyClaim, CasualtyCount
from bot.extract.text import lower_same_length

__all__ = [
    "Figure",
    "FigureKind",
    "combine",
    "find_attribution",
    "find_figures",
    "parse_number",
]

# Patterns marked _ON_LOWERED run on lower-cased text: much faster than re.IGNORECASE.
_ON_LOWERED = 0

FigureKind = Literal["killed", "injured", "arrested", "abducted"]

_UNITS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
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
)
_MOD = (
    r"(?:at\s+least|more\s+than|over|no\s+(?:fewer|less)\s+than|not\s+less\s+than|nearly|almost|"
    r"about|around|approximately|roughly|some|up\s+to|as\s+many\s+as|an\s+estimated|close\s+to|"
    r"upwards\s+of|a\s+total\s+of|a\s+further|another|the)"
)
_QUANT = rf"(?:(?P<mod>{_MOD})\s+)?(?P<num>{_NUM})\b"

_KILL_V = (
    r"shot\s+dead|shot\s+and\s+killed|gunned\s+down|killed|dead|died|slain|massacred|executed|"
    r"beheaded|murdered|perished|lost\s+their\s+lives|lost\s+(?:his|her)\s+li(?:fe|ves)|"
    r"burned\s+to\s+death|martyred|found\s+dead|found\s+killed"
)
_INJ_V = (
    r"wounded|injured|hurt|hospitali[sz]ed|(?:sustain(?:ed|ing)?|suffer(?:ed|ing)?)\s+"
    r"(?:serious\s+|minor\s+|critical\s+|gunshot\s+)?(?:injuries|wounds)"
)
_ARR_V = r"arrested|detained|captured|apprehended|taken\s+into\s+custody|rounded\s+up"
_ABD_V = r"kidnapped|abducted|taken\s+hostage|seized"

# Words a subject noun phrase may not contain (they end it or start another clause).
_STOP = (
    r"(?:said|says|say|told|tell|were|was|have|has|had|are|is|and|in|on|at|after|when|while|"
    r"who|which|that|as|but|from|to|with|during|near|by|for|than|if|since|before|into|within|"
    r"reportedly|also|killed|dead|died|wounded|injured|hurt|including)"
)
_SUBJWORD = rf"(?!{_STOP}\b)[A-Za-z][\w'’\-]*"
_AUX = (
    r"(?:(?:were|was|have\s+been|has\s+been|had\s+been|are|is|got|been|being|reportedly|also|"
    r"later|all|subsequently|allegedly|confirmed|seriously|critically|lightly|slightly|"
    r"fatally|both|initially|then|now|(?:had|have|has)(?=\s+(?:since\s+)?(?:died|perished|"
    r"succumbed)))\s+){0,3}"
)
_INCL = (
    r"(?:,?\s+(?:including|among\s+them|mostly|many\s+of\s+them|most\s+of\s+them)\b"
    r"[^,.;]{0,80}?,?)?"
)

_SUBJECT_FIRST = re.compile(
    rf"(?<![\w-])(?P<subj>{_QUANT}(?P<np>(?:\s+{_SUBJWORD}){{0,8}}?)"
    rf"(?P<more>(?:\s*(?:,|and|,\s*and)\s+(?:{_MOD}\s+)?{_NUM}\b(?:\s+{_SUBJWORD}){{0,8}}?)*))"
    rf"{_INCL}\s+{_AUX}(?P<verb>{_KILL_V}|{_INJ_V}|{_ARR_V}|{_ABD_V})\b"
    rf"(?!\s+(?:and|or)\s+(?:wounded|injured|hurt))",
    _ON_LOWERED,
)
_VERB_FIRST = re.compile(
    rf"\b(?P<verb>kill(?:ed|ing|s)?|shot\s+dead|shot\s+and\s+killed|gunned\s+down|"
    rf"(?:beat|burned|burnt|stoned|hacked|stabbed|lynched)\s+to\s+death|lynch(?:ed|ing)|"
    rf"murder(?:ed|ing|s)?|assassinat(?:ed|ing|es)|execut(?:ed|ing|es)|behead(?:ed|ing|s)|left|leaving|leaves|claim(?:ed|ing|s)\s+the\s+lives\s+of|"
    rf"cost(?:ing|s)?\s+the\s+lives\s+of|wound(?:ed|ing|s)?|injur(?:ed|ing|es|e)|"
    rf"arrest(?:ed|ing|s)?|detain(?:ed|ing|s)?|kidnapp?(?:ed|ing|s)?|abduct(?:ed|ing|s)?)"
    rf"\s+(?:{_MOD}\s+)?(?P<num>{_NUM})\b(?P<np>(?:\s+{_SUBJWORD}){{0,4}})"
    rf"(?:\s+(?P<post>dead\s+and\s+(?:wounded|injured)|dead|killed|wounded|injured))?"
    rf"(?P<and>\s+and\s+(?:his|her|their|the)?\s*(?:{_MOD}\s+)?(?P<num3>{_NUM})\b"
    rf"(?:\s+{_SUBJWORD}){{1,3}})?"
    rf"(?=[\s,.;:!?\"”’)]|$)",
    _ON_LOWERED,
)
_NOUN_FORM = re.compile(
    rf"\b(?:(?P<pre>the\s+)?(?P<noun>deaths?|killings?|martyrdom|injur(?:y|ies)|wounding|"
    rf"arrests?|detention|abduction|kidnapping)\s+of\s+(?:{_MOD}\s+)?(?P<num>{_NUM})\b"
    rf"|(?:{_MOD}\s+)?(?P<num2>{_NUM})\s+(?P<noun2>deaths|fatalities|injuries|arrests|"
    rf"dead\b(?!\s+and)))",
    _ON_LOWERED,
)
_TOLL = re.compile(
    rf"\b(?P<what>death\s+toll|toll|number\s+of\s+(?:the\s+)?(?:dead|deaths|fatalities|"
    rf"injured|wounded|injuries))"
    # "the death toll from Saturday's bombing in Kabul rose to 63"
    rf"(?:\s+(?:from|in|of|after)\s+[^.;:()]{{1,140}}?)?"
    rf"\s+(?:has\s+|had\s+|have\s+)?(?:now\s+)?"
    rf"(?:rose|risen|rises|climbed|climbs|jumped|increased|reached|reaches|stands|stood|hit|"
    rf"was|is|went\s+up|rising)\s+(?:to|at)?\s*(?:{_MOD}\s+)?(?P<num>{_NUM})\b",
    _ON_LOWERED,
)
# "the Observatory put the death toll at five", "medics gave a toll of 12", "raised the toll to 9".
_TOLL_PUT = re.compile(
    rf"\b(?P<verb>put(?:s|ting)?|gave|gives|giving|placed|places|raised|raises|raising|"
    rf"revised|set|sets|bringing|brought|brings|taking|took|takes|pushing|pushed)"
    rf"\s+(?:the|a|its|their)\s+(?:\w+\s+)?"
    rf"(?P<what>death\s+toll|toll|number\s+of\s+(?:the\s+)?(?:dead|deaths|fatalities|injured|"
    rf"wounded|injuries))\s+(?:at|to|of)\s+(?:(?P<between>between)\s+)?(?:{_MOD}\s+)?"
    rf"(?P<num>{_NUM})\b(?:\s+and\s+(?P<num2>{_NUM})\b)?",
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
_AGGREGATE = re.compile(
    r"\b(?:so\s+far\s+this|tens\s+of\s+thousands|hundreds\s+of\s+thousands|thousands|"
    r"millions|in\s+total\s+since|per\s+(?:day|week|month)|every\s+(?:day|week|month|year)|"
    r"each\s+(?:day|week|month|year)|"
    # Running totals in any tense: "by some unofficial counts", "for nearly three years",
    # "in the past two years", "since the start of the war".
    r"by\s+(?:some|one|their|official|unofficial|local|independent)\s+(?:\w+\s+)?"
    r"(?:counts?|estimates?|tall(?:y|ies))|"
    r"for\s+(?:nearly|almost|more\s+than|over|about|some|the\s+(?:past|last))?\s*"
    r"(?:\w+\s+)?(?:years|decades)|"
    r"in\s+the\s+(?:past|last)\s+(?:\w+\s+)?(?:years|decades)|"
    r"since\s+the\s+(?:start|beginning|outbreak)\s+of)\b",
    _ON_LOWERED,
)
# Cumulative only with a perfect tense: "250 have died since October" (but "killed 20, the
# deadliest attack since January" is one toll).
_AGGREGATE_PERFECT = re.compile(
    r"\b(?:since\s+(?!then\b)|over\s+the\s+(?:past|last)|in\s+recent\s+(?:days|weeks|months|"
    r"years)|this\s+year|throughout)\b",
    _ON_LOWERED,
)
_PERFECT = re.compile(r"\b(?:have|has|had)\b", _ON_LOWERED)
# "the bodies of 12 men were found", "12 bodies were recovered".
_BODIES = re.compile(
    rf"\b(?:(?:the\s+)?bodies\s+of\s+(?:{_MOD}\s+)?(?P<num>{_NUM})\b[^.;]{{0,40}}?|"
    rf"(?:{_MOD}\s+)?(?P<num2>{_NUM})\s+bodies\s+)(?:were|have\s+been|had\s+been)\s+"
    rf"(?:\w+\s+)?(?:found|recovered|discovered|retrieved|pulled|brought|taken|delivered|"
    rf"transferred)\b",
    _ON_LOWERED,
)
_SUBSET_BEFORE = re.compile(
    r"\b(?:including|among\s+them|among\s+those|among|of\s+whom|of\s+them|excluding)\s+$",
    _ON_LOWERED,
)
# Cheap pre-check: a clause without any of these stems has no figure.
_HINT = re.compile(
    r"kill|dead|death|died|dying|wound|injur|hurt|arrest|detain|captur|apprehend|custody|"
    r"rounded|kidnap|abduct|hostage|seized|slain|massacr|execut|behead|murder|perish|martyr|"
    r"lives|life|casualt|toll|fatalit|hospitali|gunned|burned|no one|nobody|without|bodies|"
    r"lynch|stabbed|stoned|hacked",
    _ON_LOWERED,
)
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


def _modifier_status(mod: str | None, status: CountStatus) -> CountStatus:
    if not mod:
        return status
    mod = " ".join(mod.lower().split())
    if mod in {"at least", "more than", "over", "no fewer than", "no less than", "not less than",
               "upwards of"}:  # fmt: skip
        return CountStatus.AT_LEAST
    if mod in {"another", "the", "a total of", "a further"}:
        return status
    return CountStatus.APPROXIMATE


def _kind_of(verb: str) -> FigureKind | None:
    verb = verb.lower()
    if re.match(_KILL_V, verb) or verb.startswith(
        (
            "kill",
            "claim",
            "cost",
            "shot",
            "gunned",
            "murder",
            "assassin",
            "execut",
            "behead",
            "beat",
            "burn",
            "stoned",
            "hacked",
            "stabbed",
            "lynch",
        )
    ):
        return "killed"
    if re.match(_INJ_V, verb) or verb.startswith(("wound", "injur")):
        return "injured"
    if re.match(_ARR_V, verb) or verb.startswith(("arrest", "detain")):
        return "arrested"
    if re.match(_ABD_V, verb) or verb.startswith(("kidnap", "abduct")):
        return "abducted"
    return None


def _blank_parentheses(text: str) -> str:
    """Parenthesised asides ("(PMF, or Hashd al-Shaabi)") become spaces; offsets stay valid."""
    return re.sub(r"\([^()]{0,80}\)", lambda m: " " * len(m.group(0)), text)


_MONTH_BEFORE = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+$", _ON_LOWERED
)


_MONTH_AFTER = re.compile(
    r"\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)(?:[a-z]*\b|\.)", _ON_LOWERED
)


def _is_year(num: str, after: str, before: str = "") -> bool:
    if not num.isdigit() or len(num) != 4 or not 1900 <= int(num) <= 2099:
        return False
    if re.search(r"\b(?:in|since|from|of|by|until|during|early|late|mid)\s*$", before, re.I):
        return True
    return not re.match(
        r"\s+(?:people|persons|civilians|soldiers|fighters|militants|troops)", after, re.I
    )


def _subject(np: str) -> str:
    words = [w.lower().strip("'’.,") for w in np.split()]
    return " ".join(w for w in words if w)


def _is_generic(subject: str) -> bool:
    if subject in _GENERIC_NOUNS:
        return True
    words = subject.split()
    return bool(words) and words[-1] in {"people", "persons", "others", "victims", "individuals"}


def _additive(clause: str, start: int, subject: str, num: str) -> bool:
    if num.lower() in {"another"} or set(subject.split()) & _ADDITIVE_NOUNS:
        return True
    return bool(re.search(r"\balso\b", clause[max(0, start - 60) : start + 120], re.IGNORECASE))


def find_figures(clause: str) -> list[Figure]:
    """Casualty figures stated in one clause (or sentence), in order of appearance."""
    lowered = lower_same_length(clause)
    if not _HINT.search(lowered):
        return []
    text = _blank_parentheses(lowered)
    if _AGGREGATE.search(text):
        return _find_none(text)
    if _AGGREGATE_PERFECT.search(text) and _PERFECT.search(text):
        # "250 have died since October" is a running total; in "shot dead a commander on
        # Tuesday, the latest of killings that have plagued the south since 2018" only the
        # comma-delimited part with the perfect tense is.
        text = _blank_cumulative_parts(text)
        if not _HINT.search(text):
            return _find_none(lowered)
    figures: list[Figure] = []
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        """True when the span overlaps no figure already found."""
        return all(end <= s or start >= e for s, e in taken)

    def subset(start: int) -> bool:
        """True when the number follows "including" / "among them" (a part of a total)."""
        return bool(_SUBSET_BEFORE.search(text[max(0, start - 20) : start]))

    for match in _BODIES.finditer(text):
        num = match["num"] or match["num2"]
        value = parse_number(num)
        if value is not None and num not in {"a", "an", "the"}:
            figures.append(
                Figure("killed", value[0], value[0], value[1], match.start(), match.end(),
                       clause[match.start() : match.end()], "bodies", True, False)
            )  # fmt: skip
            taken.append((match.start(), match.end()))

    for none in _find_none(text):
        figures.append(none)
        taken.append((none.start, none.end))

    for match in [*_TOLL.finditer(text), *_TOLL_PUT.finditer(text)]:
        value = parse_number(match["num"])
        if value is None or not free(match.start(), match.end()):
            continue
        what = match["what"].lower()
        kind: FigureKind = "injured" if ("injur" in what or "wound" in what) else "killed"
        status = (
            CountStatus.AT_LEAST
            if re.search(r"at\s+least|more\s+than", match.group(0), re.I)
            else value[1]
        )
        high = value[0]
        extra = match.groupdict().get("num2")
        if match.groupdict().get("between") and extra:
            upper = parse_number(extra)
            if upper is not None and upper[0] > value[0]:
                high, status = upper[0], CountStatus.APPROXIMATE
        figures.append(
            Figure(kind, value[0], high, status, match.start(), match.end(), match.group(0),
                   "", True, False,
                   update=bool(re.search(r"ris|rose|climb|jump|increas|went up|raise|revised|"
                                         r"bring|brought|tak|took|push",
                                         match.group(0), re.I)))
        )  # fmt: skip
        taken.append((match.start(), match.end()))

    for match in _search_all(_SUBJECT_FIRST, text):
        if not free(match.start(), match.end()) or subset(match.start()):
            continue
        kind_or_none = _kind_of(match["verb"])
        if kind_or_none is None:
            continue
        after = text[match.end("num") : match.end("num") + 20]
        if _is_year(
            match["num"], after, text[max(0, match.start("num") - 8) : match.start("num")]
        ):
            continue
        if _MONTH_BEFORE.search(
            text, max(0, match.start("num") - 12), match.start("num")
        ) or _MONTH_AFTER.match(after):
            continue  # "On March 20, three soldiers were killed": 20 is a day of the month
        if re.match(r"\s+of\s+(?:the|those)\s*$", match["np"] or "") and re.match(
            r"(?:dead|killed|wounded|injured|victims)\b", match["verb"]
        ):
            continue  # "relatives of one of the dead said": one of the counted, no toll
        groups = _coordinated(match["subj"])
        if not groups:
            continue
        if len(groups) > 1 and _OF_THEM.search(match["subj"]):
            # "(three killed,) two of them fighters and one a passer-by, and nine were
            # wounded": a breakdown of the figure before, then the verb's own number
            groups = groups[-1:]
        num_word = match["num"].lower()
        singular = re.search(r"\bwas\b|\bis\b|\bhas\s+been\b|sustain|suffer", match.group(0), re.I)
        if num_word in {"a", "an"} and not singular:
            continue  # "a" only counts with a singular verb: "a soldier was killed"
        subject = _subject(match["np"] or "")
        if num_word in {"a", "an"} and subject.startswith(("number", "lot", "few", "series")):
            continue
        total = sum(g[0] for g in groups)
        status = _combine_status([g[1] for g in groups])
        high = total
        if len(groups) == 2 and _BETWEEN.search(text, max(0, match.start() - 10), match.start()):
            # "between 25 and 30 dead": a range, not two groups
            total, high, status = groups[0][0], groups[1][0], CountStatus.APPROXIMATE
        figures.append(
            Figure(kind_or_none, total, high, status, match.start(), match.end(),
                   clause[match.start() : match.end()], subject,
                   _is_generic(subject) and len(groups) == 1,
                   _additive(text, match.start(), subject, match["num"]))
        )  # fmt: skip
        taken.append((match.start(), match.end()))

    # One person: "shot dead a village chief and wounded his son" (a relative or companion),
    # "A man walking with him was wounded" (described at some length).
    for pattern, after_total in ((_RELATIVE, False), (_SINGLE_PERSON, True)):
        for match in pattern.finditer(text):
            if not free(match.start(), match.end()) or (after_total and subset(match.start())):
                continue
            kind_or_none = _kind_of(match["verb"])
            if kind_or_none is None:
                continue
            figures.append(
                Figure(kind_or_none, 1, 1, CountStatus.EXACT, match.start(), match.end(),
                       clause[match.start() : match.end()], _ONE_PERSON, False, False)
            )  # fmt: skip
            taken.append((match.start(), match.end()))

    for match in _search_all(_VERB_FIRST, text):
        if not free(match.start(), match.end()):
            continue
        num_word = match["num"].lower()
        subject = _subject(match["np"] or "")
        if subject in {"of them", "of whom"}:
            # "pursued the attackers and killed four of them": the group named before
            earlier = _GROUP_NOUN.findall(text, 0, match.start())
            if earlier:
                subject = earlier[-1]
        if num_word in {"a", "an"} and (
            subject.startswith(("number", "lot", "few", "series", "total")) or not subject
        ):
            continue
        after = text[match.end("num") : match.end("num") + 20]
        if _is_year(match["num"], after) or re.match(r"\s*(?:of\s+thousands|thousand|million)",
                                                     after, re.I):  # fmt: skip
            continue
        verb = match["verb"].lower()
        post = (match["post"] or "").lower()
        if verb.startswith(("left", "leav")):
            if not post or "and" in post:
                continue
            kind_or_none = "killed" if post in {"dead", "killed"} else "injured"
        else:
            kind_or_none = _kind_of(verb)
        if kind_or_none is None:
            continue
        value = parse_number(match["num"])
        if value is None:
            continue
        num3 = (match["num3"] or "").lower()
        person_after = num3 in {"a", "an"} and _PERSON_AFTER.match(text, match.end("num3"))
        if num3 and (num3 not in {"a", "an", "the"} or person_after) and not post:
            extra = parse_number(num3)  # "killed a farmer and his two sons", "... and a civilian"
            if extra is not None:
                value = (value[0] + extra[0], value[1])
        mod = re.match(rf"\s*({_MOD})\s", text[match.end("verb") : match.start("num") + 1], re.I)
        status = _modifier_status(mod.group(1) if mod else None, value[1])
        figures.append(
            Figure(kind_or_none, value[0], value[0], status, match.start(), match.end(),
                   clause[match.start() : match.end()], subject, _is_generic(subject),
                   _additive(text, match.start(), subject, match["num"]))
        )  # fmt: skip
        taken.append((match.start(), match.end()))

    for match in _NOUN_FORM.finditer(text):
        if not free(match.start(), match.end()) or subset(match.start()):
            continue
        num = match["num"] or match["num2"]
        noun = (match["noun"] or match["noun2"] or "").lower()
        after = text[match.end() : match.end() + 20]
        if _is_year(num, after):
            continue
        if num.lower() in {"a", "an"} and not (
            noun.startswith(("death", "injur", "wound")) and _PERSON_AFTER.match(text, match.end())
        ):
            continue  # "the killing of a member": an earlier death, not this toll
        value = parse_number(num)
        if value is None:
            continue
        if noun.startswith(("death", "killing", "martyr", "fatalit", "dead")):
            kind: FigureKind = "killed"  # type: ignore[no-redef]
        elif noun.startswith(("injur", "wound")):
            kind = "injured"
        elif noun.startswith(("arrest", "detention")):
            kind = "arrested"
        else:
            kind = "abducted"
        mod = re.search(
            rf"({_MOD})\s+$",
            text[match.start() : match.start("num" if match["num"] else "num2")],
            re.I,
        )
        status = _modifier_status(mod.group(1) if mod else None, value[1])
        figures.append(
            Figure(kind, value[0], value[0], status, match.start(), match.end(),
                   clause[match.start() : match.end()], "", True,
                   _additive(text, match.start(), "", num))
        )  # fmt: skip
        taken.append((match.start(), match.end()))

    if not any(f.kind == "killed" for f in figures):
        # "Sheikh Muhammad al-Faisali ... was killed": one named person.
        for match in _NAMED_KILLED.finditer(clause):
            words = {w.lower() for w in match["name"].split()}
            if free(match.start(), match.end()) and not words & _NOT_A_NAME:
                figures.append(
                    Figure("killed", 1, 1, CountStatus.EXACT, match.start(), match.end(),
                           match.group(0), _NAMED_SUBJECT, False, False)
                )  # fmt: skip
                break
    figures.sort(key=lambda f: f.start)
    return figures


# A named person (two or more capitalised words, an optional title) killed; case-sensitive.
_NAMED_KILLED = re.compile(
    r"(?<![\w'’\-])(?:(?:Sheikh|Sheik|Mr|Mrs|Ms|Dr|Judge|Colonel|Col|General|Gen|Brigadier|"
    r"Major|Captain|Imam|Mayor|Governor|Lieutenant)\.?\s+)?"
    r"(?P<name>[A-Z][\w'’\-]+(?:\s+(?:al-|el-|bin\s+|ibn\s+)?[A-Z][\w'’\-]+){1,4}),?"
    r"(?:\s+[^,.;]{3,80},)?\s+(?:was|has\s+been)\s+(?:reportedly\s+)?"
    r"(?:killed|shot\s+dead|assassinated|murdered|gunned\s+down|executed)\b"
)
_NAMED_SUBJECT = "(named person)"
_ONE_PERSON = "(one person)"
# Figures about one person described on their own ("Sheikh X was killed", "a teacher who lived
# near the post was shot dead"): usually one of the victims a count elsewhere already holds.
_ONE_OF_THEM = frozenset({_NAMED_SUBJECT, _ONE_PERSON})
# Capitalised words that make the "name" a group, a place or a sentence opener instead.
_NOT_A_NAME = frozenset(
    {"the", "a", "an", "in", "on", "at", "police", "army", "forces", "force", "ministry",
     "military", "group", "state", "security", "government", "province", "city", "district",
     "brigade", "brigades", "units", "militia", "council", "office", "he", "she", "it", "they",
     "his", "her", "their", "this", "that", "one", "another", "said", "according"}
)  # fmt: skip


_RELATIVE = re.compile(
    r"\b(?P<verb>wound(?:ed|ing)|injur(?:ed|ing)|kill(?:ed|ing)|shot\s+dead)\s+(?:his|her|their)"
    r"\s+(?:\w+\s+)?(?P<who>son|daughter|brother|sister|wife|husband|father|mother|child|"
    r"companion|driver|bodyguard|cousin|nephew|friend|guard|colleague)\b(?!\s+and\s+\w+\s+"
    r"(?:sons|daughters|brothers|children))",
    _ON_LOWERED,
)
_GROUP_NOUN = re.compile(
    r"\b(attackers|assailants|gunmen|militants|fighters|insurgents|rebels|jihadists|bandits|"
    r"soldiers|troops|policemen|civilians|villagers|passengers|protesters)\b",
    _ON_LOWERED,
)
_OF_THEM = re.compile(r"\bof\s+(?:them|whom|those)\b", _ON_LOWERED)
_BETWEEN = re.compile(r"\bbetween\s+$")
_SINGLE_PERSON = re.compile(
    r"(?<![\w-])(?:a|an|one|the|his|her|their)\s+(?:[a-z-]+\s+){0,2}?(?P<who>man|woman|boy|"
    r"girl|child|"
    r"civilian|passer-?by|bystander|soldier|policeman|officer|guard|companion|relative|driver|"
    r"person|shepherd|farmer|teacher|student|journalist|friend|brother|son|colleague|"
    r"bodyguard|passenger|neighbou?r|villager|resident|worker|trader|merchant|official|"
    r"mukhtar|chief|elder|imam|cleric|activist|lawyer|judge|engineer|doctor|nurse|"
    r"terrorist|militant|fighter|commander|leader|member|gunman|attacker|assailant|suspect)"
    r"\b(?:,?\s+[a-z'’\-\"“”]+,?){0,12}?"
    r"\s+was\s+(?:also\s+|later\s+|seriously\s+|critically\s+|lightly\s+|slightly\s+)?"
    r"(?P<verb>wounded|injured|hurt|killed|shot\s+dead)\b",
    _ON_LOWERED,
)
# One person named by role after "and a/an": "killed two gendarmes and a civilian".
_PERSON_AFTER = re.compile(
    r"\s+(?:\w+\s+)?(?:civilian|soldier|child|boy|girl|woman|man|policeman|police\s+officer|"
    r"officer|teacher|doctor|nurse|journalist|student|farmer|shepherd|passer-?by|guard|"
    r"gendarme|militiaman|fighter|militant|villager|resident|driver|worker|member)\b",
    _ON_LOWERED,
)


def _blank_cumulative_parts(text: str) -> str:
    """Blank the comma-delimited parts of ``text`` in the perfect tense: in a clause about a
    running total ("since 2018", "over the past year") those carry the total."""
    parts = re.split(r"(,\s+|;\s+|\s+[-–—]\s+)", text)
    out = []
    for part in parts:
        if _PERFECT.search(part):
            out.append(" " * len(part))
        else:
            out.append(part)
    return "".join(out)


def _search_all(pattern: re.Pattern[str], text: str) -> list[re.Match[str]]:
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


def _coordinated(subject: str) -> list[tuple[int, CountStatus]]:
    """Numbers of "six civilians and four soldiers" (subsets after "including" dropped)."""
    groups: list[tuple[int, CountStatus]] = []
    for match in re.finditer(rf"(?:(?P<mod>{_MOD})\s+)?(?P<num>{_NUM})\b", subject, re.I):
        before = subject[max(0, match.start() - 20) : match.start()]
        if _SUBSET_BEFORE.search(before):
            continue
        num = match["num"]
        if num.lower() in {"a", "an", "the"} and groups:
            continue
        value = parse_number(num)
        if value is None:
            continue
        groups.append((value[0], _modifier_status(match["mod"], value[1])))
    return groups


def _combine_status(statuses: Sequence[CountStatus]) -> CountStatus:
    if CountStatus.AT_LEAST in statuses:
        return CountStatus.AT_LEAST
    if CountStatus.APPROXIMATE in statuses:
        return CountStatus.APPROXIMATE
    return CountStatus.EXACT


def _find_none(text: str) -> list[Figure]:
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


# -- attribution --------------------------------------------------------------------------

_SAY = r"(?:said|says|told|reported|announced|confirmed|stated|added|reports|quoted)"
_SOURCE_NOUN = (
    r"(?:sources?|officials?|official|medics|doctors?|police|spokes(?:man|woman|person)|"
    r"governor|monitor|ministry|witnesses|residents|officer|commander|chief|administrator|"
    r"correspondents?|agency|cell|department|directorate|council|army|military|observatory|"
    r"mayor|office|authorities|hospital|statement|service|leaders?|head|elders?|activists?|"
    r"medic|nurses?|journalists?|monitor|group|residents?|witness(?:es)?)"
)
_ACCORDING = re.compile(
    r"\baccording\s+to\s+(?P<src>[^,.;:\"“”]{3,80}?)(?=\s*(?:[,.;:\"“”]|$|\s+(?:on|in|at|"
    r"who|which|that)\s))",
    re.IGNORECASE,
)
_SAY_RE = re.compile(rf"\b{_SAY}\b", re.IGNORECASE)
# Matched against the text just before a "said" (anchored at its end).
_BEFORE_SAY = (
    re.compile(
        rf"(?P<src>(?:(?:the|a|an|two|three|several)\s+)?(?:[\w'’\-]+\s+){{0,5}}?{_SOURCE_NOUN}"
        rf"(?:\s+(?:of|in|for)\s+(?:the\s+)?[A-Z][\w'’\-]*(?:\s+[A-Z][\w'’\-]*)*)?)"
        rf"(?:\s*\([A-Za-z]{{2,10}}\))?\s+(?:later\s+|also\s+|has\s+|had\s+)?$",
        re.IGNORECASE,
    ),
    re.compile(
        r"(?P<src>(?:[Tt]he\s+)?(?:[A-Z][\w'’\-]*|of|the|for|and)(?:\s+(?:[A-Z][\w'’\-]*|of|"
        r"the|for|and)){0,7})\s+(?:later\s+|also\s+)?$"
    ),
)
_RELATIVE_TAIL = re.compile(r",\s+(?:who|which|speaking)\b[^,]{0,120},\s*$", re.IGNORECASE)
_AFTER_SAY = re.compile(
    r"^\s+(?P<src>(?:the\s+)?[^,.;\"“”]{3,80}?)(?=\s*(?:[,.;]|$|\())", re.IGNORECASE
)
_SRC_TRIM = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)


def find_attribution(sentence: str) -> str | None:
    """Who gave the figures in a sentence: "Iraqi Security Media Cell", "a security source"."""
    match = _ACCORDING.search(sentence)
    if match:
        source = _clean_source(match["src"])
        if source:
            return source
    fallback: str | None = None
    for say in _SAY_RE.finditer(sentence):
        window = sentence[max(0, say.start() - 160) : say.start()]
        # "A source, who asked not to be named, told ...": skip the relative clause.
        window = _RELATIVE_TAIL.sub(" ", window)[-100:]
        for pattern in _BEFORE_SAY:
            found = pattern.search(window)
            if found:
                source = _clean_source(found["src"])
                if source:
                    return source
        said = say.group(0).lower() in {"said", "says", "added"}
        just_before = sentence[max(0, say.start() - 2) : say.start()].strip()
        if said and fallback is None and just_before in {",", ""}:
            after = _AFTER_SAY.match(sentence[say.end() : say.end() + 100])
            if after and sentence[: say.start()].rstrip().endswith(","):
                fallback = _clean_source(after["src"])
    return fallback


_NOT_SOURCES = frozenset({"he", "she", "they", "it", "we", "i", "who", "which", "this", "that"})


def _clean_source(raw: str) -> str | None:
    source = " ".join(raw.split()).strip(" ,.'\"“”’")
    if " by " in source:
        source = source.rsplit(" by ", 1)[1]
    for lead in ("the latest numbers from ", "the latest figures from ", "figures from ",
                 "numbers from ", "a statement from ", "a statement by "):  # fmt: skip
        if source.lower().startswith(lead):
            source = source[len(lead) :]
    source = _SRC_TRIM.sub("", source)
    words = source.split()
    while words and words[0].lower() in {
        "and",
        "of",
        "the",
        "for",
        "later",
        "also",
        "while",
        "but",
        "as",
        "a",
        "an",
        "said",
        "when",
        "that",
    }:
        words = words[1:]
    source = " ".join(words)
    if not source or source.lower() in _NOT_SOURCES or len(source) < 3:
        return None
    if re.fullmatch(_SOURCE_NOUN, source.lower()):
        source = source.lower()  # "Police said ..." at the start of a sentence
    if source[0].islower() and not re.search(_SOURCE_NOUN, source, re.I):
        return None
    return source[:80]


# -- combining the figures of one incident ------------------------------------------------


@dataclass(frozen=True, slots=True)
class Statement:
    """The figures of one clause with the source that gave them."""

    figures: tuple[Figure, ...]
    source: str | None
    evidence: str
    unknown: bool = False  # the clause says the toll is not known
    claim: bool = False  # a party's own claim ("IS said its fighters killed 22"): an alternative


_GROUPS = {
    "security": frozenset(
        {"soldier", "soldiers", "troops", "officer", "officers", "policeman", "policemen",
         "cop", "cops", "police", "servicemen", "personnel", "guard", "guards", "members",
         "member", "peshmerga", "auxiliaries", "volunteers", "conscripts", "recruits", "commander",
         "commanders", "agents", "officials"}
    ),
    "combatants": frozenset(
        {"militants", "militant", "fighters", "fighter", "insurgents", "insurgent", "gunmen",
         "gunman", "attackers", "attacker", "assailant", "bomber", "bombers",
         "rebels", "jihadists", "terrorists", "assailants", "extremists", "militiamen",
         "bandits", "suspects", "jihadist", "rebel", "terrorist"}
    ),
    "civilians": frozenset(
        {"civilians", "civilian", "villagers", "residents", "women", "woman", "children",
         "child", "farmers", "worshippers", "protesters", "demonstrators", "students",
         "passengers", "man", "men", "boy", "girl", "shepherd", "shepherds", "pilgrims"}
    ),
}  # fmt: skip


def group_of(subject: str) -> str:
    """Which side a subject noun phrase is on: security, combatants, civilians or other."""
    words = [w for w in subject.replace("-", " ").split() if w not in {"of", "the"}]
    if any(w in {"former", "ex", "retired", "off-duty"} for w in words):
        return "civilians"  # a former commander is no longer a combatant
    for word in reversed(words):
        for name, members in _GROUPS.items():
            if word in members:
                return name
    return "other"


def combine(statements: Iterable[Statement], kind: FigureKind) -> CasualtyCount:
    """One incident's count for ``kind`` from its clauses' figures.

    Figures from one clause are added (different groups). Across clauses, figures about
    "people" are alternative totals; figures about specific groups (soldiers, militants,
    civilians) take the largest per group, plus those marked "also" / "N more", and different
    groups add up. The range spans the alternatives; ``min`` is the
    conservative figure. "Toll rose to N" replaces what came before. "No casualties" counts only
    when no figure was given.
    """
    generic: list[tuple[int, CountStatus, str | None, str]] = []
    # Specific groups ("soldiers", "militants"): the largest figure per group, plus figures
    # marked "also" / "N more"; different groups (soldiers and militants) add up.
    groups: dict[str, int] = {}
    chain_status: list[CountStatus] = []
    chain_source: str | None = None
    chain_evidence = ""
    updates: list[tuple[int, CountStatus, str | None, str]] = []
    none_source: tuple[str | None, str] | None = None
    unknown_claims: list[CasualtyClaim] = []
    vague_only: list[tuple[int, CountStatus, str | None, str]] = []
    claimed: list[tuple[int, CountStatus, str | None, str]] = []
    statements = list(statements)
    counted_any = any(
        f.kind == kind and f.min is not None and f.subject not in _ONE_OF_THEM
        for s in statements
        for f in s.figures
    )
    for statement in statements:
        figures = [f for f in statement.figures if f.kind == kind]
        if counted_any:
            # A named victim is one of the people a figure elsewhere already counts.
            figures = [f for f in figures if f.subject not in _ONE_OF_THEM]
        if statement.unknown and kind in {"killed", "injured"}:
            unknown_claims.append(
                CasualtyClaim(status=CountStatus.UNKNOWN, source=statement.source,
                              evidence=statement.evidence)
            )  # fmt: skip
        counted = [f for f in figures if not f.none and f.min is not None]
        if not counted:
            if any(f.none for f in figures) and none_source is None:
                none_source = (statement.source, statement.evidence)
            continue
        for figure in counted:
            if figure.update:
                assert figure.min is not None
                updates.append((figure.min, figure.status, statement.source, statement.evidence))
        plain = [f for f in counted if not f.update]
        if not plain:
            continue
        value = sum(f.min or 0 for f in plain)
        status = _combine_status([f.status for f in plain])
        entry = (value, status, statement.source, statement.evidence)
        if len(plain) == 1 and plain[0].max is not None and plain[0].max > value:
            # "between 25 and 30": the upper end is another figure for the same dead
            claimed.append((plain[0].max, CountStatus.APPROXIMATE, statement.source,
                            statement.evidence))  # fmt: skip
        # "Eleven died at the scene and two more died later" is a breakdown of one toll; only
        # a statement that is all "N more" / "also" adds to figures given before.
        additive = all(f.additive for f in plain)
        if statement.claim:
            claimed.append(entry)  # another figure for the same dead, never added to them
            continue
        # Figures about "people" only ("11 people died and two more later") are one total.
        single_generic = all(f.generic for f in plain) and not additive
        vague = all(f.status is CountStatus.APPROXIMATE for f in plain) and len(plain) == 1
        if vague and (single_generic or not groups) and not additive:
            vague_only.append(entry)
            continue
        if single_generic:
            generic.append(entry)
            continue
        group = group_of(plain[0].subject)
        if group == "other" and groups and not additive:
            # "Four of our brothers were martyred": someone else's words for people a
            # figure before already counted, not another group of victims.
            generic.append(entry)
            continue
        if not groups:
            chain_source, chain_evidence = statement.source, statement.evidence
        if additive and groups:
            groups[group] = groups.get(group, 0) + value
            chain_status.append(status)
        elif value > groups.get(group, -1):
            if group in groups and value > sum(groups.values()):
                chain_source, chain_evidence = statement.source, statement.evidence
            groups[group] = value
            chain_status.append(status)
    candidates = list(generic)
    if groups:
        candidates.append((sum(groups.values()), _combine_status(chain_status), chain_source,
                           chain_evidence))  # fmt: skip
    if updates:
        top = max(u[0] for u in updates)
        candidates = [c for c in candidates if c[0] >= top] + [u for u in updates if u[0] == top]
    candidates.extend(claimed)
    if not candidates:
        candidates = vague_only
    elif vague_only:
        # A vague figure ("dozens") only widens the range when exact figures exist.
        candidates = candidates + vague_only
    if not candidates:
        if unknown_claims:
            return CasualtyCount(status=CountStatus.UNKNOWN, claims=unknown_claims)
        if none_source is not None:
            return CasualtyCount(
                status=CountStatus.NONE_REPORTED,
                source=none_source[0],
                claims=[CasualtyClaim(status=CountStatus.NONE_REPORTED, source=none_source[0],
                                      evidence=none_source[1])],
            )  # fmt: skip
        return CasualtyCount(status=CountStatus.NONE_REPORTED)
    exact = [c for c in candidates if c[1] is not CountStatus.APPROXIMATE] or candidates
    low = min(exact, key=lambda c: c[0])
    high = max(candidates, key=lambda c: c[0])
    claims: list[CasualtyClaim] = []
    seen: set[tuple[int, str | None]] = set()
    for value, status, source, evidence in candidates:
        if (value, source) in seen:
            continue
        seen.add((value, source))
        claims.append(
            CasualtyClaim(min=value, max=value, status=status, source=source, evidence=evidence)
        )
    claims.extend(unknown_claims)
    source = low[2] or next((c[2] for c in candidates if c[0] == low[0] and c[2]), None)
    return CasualtyCount(min=low[0], max=high[0], status=low[1], source=source, claims=claims)
