"""Toll statements: "the death toll rose to 12", "put the toll at five", "bringing to three
the number of soldiers killed" (read by ``casualties``; figures they give may update earlier
ones)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from bot.domain.enums import CountStatus
from bot.extract.figure_words import MOD, NUM, FigureKind, parse_number
from bot.extract.word_hits import Words

__all__ = [
    "ORDINAL_DIED",
    "TOLL",
    "TOLL_INVERTED",
    "TOLL_PUT",
    "TollPhrase",
    "blank_non_tolls",
    "toll_matches",
    "toll_number",
    "toll_phrases",
]

# "the number of dead", "the number of people killed", "the number killed", "the number of
# those wounded", "the number of Maoists killed".
_NUMBER_OF = (
    r"number\s+(?:of\s+(?:the\s+)?(?:dead|deaths|fatalities|injured|wounded|injuries|"
    r"(?:people|those|civilians|persons|victims|(?:[a-z][\w-]*\s+){1,5}?)(?:killed|wounded|"
    r"injured|dead))"
    r"|killed|dead|wounded|injured)"
)

TOLL = re.compile(
    rf"\b(?P<what>death\s+toll|toll|{_NUMBER_OF}|(?:body\s+|death\s+)?count(?!\s+of))"
    # "the death toll from Saturday's bombing in Kabul rose to 63", "the number of people
    # killed by a missile strike on Kramatorsk rose to five"
    rf"(?:\s+(?:from|in|of|after|by)\s+[^.;:()]{{1,140}}?)?"
    rf"\s+(?:has\s+|had\s+|have\s+)?(?:now\s+)?"
    rf"(?:rose|risen|rises|climbed|climbs|jumped|increased|reached|reaches|stands|stood|hit|"
    rf"was|is|went\s+up|rising)\s+(?:to|at)?\s*(?:{MOD}\s+)?(?P<num>{NUM})\b",
)

# "the Observatory put the death toll at five", "medics gave a toll of 12", "raised the toll to 9".
TOLL_PUT = re.compile(
    rf"\b(?P<verb>put(?:s|ting)?|gave|gives|giving|placed|places|raised|raises|raising|"
    rf"revised|set|sets|bringing|brought|brings|taking|took|takes|pushing|pushed)"
    rf"\s+(?:the|a|its|their)\s+(?:\w+\s+)?"
    rf"(?P<what>death\s+toll|toll|{_NUMBER_OF})"
    # "bringing the number of dead from the overnight attack to five"
    rf"(?:\s+(?:from|in|of|after|by)\s+[^.;:()]{{1,80}}?)?"
    rf"\s+(?:at|to|of)\s+(?:(?P<between>between)\s+)?(?:{MOD}\s+)?"
    rf"(?P<num>{NUM})\b(?:\s+and\s+(?P<num2>{NUM})\b)?",
)

# "bringing to three the number of soldiers killed", "raising to 12 the death toll".
TOLL_INVERTED = re.compile(
    rf"\b(?P<verb>bringing|brought|brings|raising|raised|raises|taking|took|takes|pushing|"
    rf"pushed)\s+to\s+(?:{MOD}\s+)?(?P<num>{NUM})\s+the\s+(?:\w+\s+)?"
    rf"(?P<what>death\s+toll|toll|number\s+of\s+(?:the\s+)?(?:dead|deaths|fatalities|injured|"
    rf"wounded|injuries|[\w-]+\s+(?:killed|wounded|injured|dead)|people\s+(?:killed|wounded|"
    rf"injured)))\b"
    # "raises to 57 the toll of those killed since the uprising began": a running total
    rf"(?![^.;]{{0,60}}\bsince\b)",
)

# "one of the wounded later died", "two of the injured soldiers succumbed to their wounds":
# dead to add to the toll in hand (read as "N more killed").
# "Two of them died on the way to the clinic", "one of them later succumbed": dying after the
# event, "them" are the wounded (the dead do not die again).
WOUNDED_DIED = re.compile(
    rf"\b(?P<num>{NUM})\s+(?:(?:more|further|other)\s+)?of\s+(?:(?:the|those)\s+(?:[\w-]+\s+)?"
    rf"(?:wounded|injured)"
    rf"(?:\s+[\w-]+){{0,2}}?\s+(?:(?:had|has|have)\s+)?(?:later\s+|since\s+|subsequently\s+)?"
    rf"(?:died|succumbed|passed\s+away)\b|them\s+(?:(?:had|has|have)\s+)?(?:(?:later|since|"
    rf"subsequently)\s+(?:died|succumbed|passed\s+away)\b|succumbed\b|died\s+(?:later\b|"
    rf"(?:of|from)\s+(?:their|his|her)\s+(?:wounds|injuries)|in\s+(?:a\s+|the\s+)?hospital|"
    rf"on\s+the\s+way\s+to)))",
)

_ORDINALS = {"second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
             "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12}  # fmt: skip
# "A fourth farmer has died of his wounds": the toll is now four.
ORDINAL_DIED = re.compile(
    rf"\b(?:an?|the)\s+(?P<num>{'|'.join(_ORDINALS)})\s+"
    rf"(?!(?:time|day|week|month|year|attack|incident|blast|bombing|round)s?\b)(?:[\w-]+\s+){{0,3}}?"
    rf"(?:(?:has|had|have)\s+)?(?:(?:since|later|also|now)\s+)?"
    rf"(?:died|succumbed|passed\s+away)\b"
)


def toll_number(word: str) -> tuple[int, CountStatus] | None:
    """The number a toll phrase gives: "12", "twelve", or the ordinal of "a fourth ... died"."""
    if word.lower() in {"a", "an"}:
        return None  # "the government toll was an undercount": no number
    value = _ORDINALS.get(word.lower())
    return parse_number(word) if value is None else (value, CountStatus.EXACT)


def toll_matches(text: str) -> list[re.Match[str]]:
    """Every toll statement of a lower-cased clause: "the death toll rose to 12", "put the toll
    at 12", "bringing to 12 the number of dead", "a fourth victim died"."""
    return [
        *TOLL.finditer(text),
        *TOLL_PUT.finditer(text),
        *TOLL_INVERTED.finditer(text),
        *ORDINAL_DIED.finditer(text),
    ]


# Headline style: "Army officer, policeman among four killed in gunfight": the whole toll.
AMONG_TOLL = re.compile(
    rf"\bamong\s+(?:(?P<mod>{MOD})\s+)?(?P<num>(?!(?:an?|another)\b(?!\s+dozen)){NUM})\s+(?:people\s+|persons\s+)?"
    rf"(?P<verb>killed|dead|wounded|injured|hurt)\b",
)

# A side's own dead: "the army said it lost four soldiers", "the group lost 12 of its fighters".
LOST_MEN = re.compile(
    rf"\blos(?:t|ing|es)\s+(?:(?P<mod>{MOD})\s+)?(?P<num>(?!(?:an?|another)\b){NUM})\s+"
    rf"(?:of\s+(?:its|their|his)\s+(?:own\s+)?)?(?P<subj>soldiers|troops|men|servicemen|"
    rf"policemen|police\s+officers|officers|fighters|militants|members|personnel|guards)\b",
)


@dataclass(frozen=True, slots=True)
class TollPhrase:
    """A phrase that states a figure in a fixed shape, and how to read it."""

    pattern: re.Pattern[str]
    kind_of: Callable[[re.Match[str]], FigureKind]
    subject_of: Callable[[re.Match[str]], str]
    generic: bool  # about "people", not one group
    additive: bool  # more dead on top of a toll given before

    def upper(self, match: re.Match[str], low: int) -> int:
        """The range's upper end ("between 8 and 12"), or ``low``."""
        second = match.groupdict().get("num2")
        high = parse_number(second) if second else None
        return high[0] if high is not None and high[0] > low else low


def _killed_or_injured(match: re.Match[str]) -> FigureKind:
    return "killed" if match["verb"] in {"killed", "dead"} else "injured"


# "killing between 8 and 12 civilians", "wounded between 20 and 30 people": a range.
VERB_BETWEEN = re.compile(
    rf"\b(?P<verb>kill(?:ed|ing|s)?|wound(?:ed|ing|s)?|injur(?:ed|ing|es|e))\s+between\s+"
    rf"(?P<num>{NUM})\s+and\s+(?P<num2>{NUM})\b(?:\s+(?P<subj>[a-z][\w-]*))?",
)


def _verb_kind(match: re.Match[str]) -> FigureKind:
    return "killed" if match["verb"].startswith("kill") else "injured"


_PHRASES = (
    TollPhrase(AMONG_TOLL, _killed_or_injured, lambda m: "", generic=True, additive=False),
    TollPhrase(VERB_BETWEEN, _verb_kind, lambda m: m["subj"] or "", generic=False,
               additive=False),
    TollPhrase(LOST_MEN, lambda m: "killed", lambda m: m["subj"], generic=False, additive=False),
    TollPhrase(WOUNDED_DIED, lambda m: "killed", lambda m: "wounded", generic=False,
               additive=True),
)  # fmt: skip


def toll_phrases(text: str) -> Iterator[tuple[TollPhrase, re.Match[str]]]:
    """Each fixed-shape toll phrase in a lower-cased clause, with the phrase that read it."""
    for phrase in _PHRASES:
        for match in phrase.pattern.finditer(text):
            yield phrase, match


# A count of the killed and the wounded together is neither toll: "killed and wounded 11
# soldiers", "left 11 soldiers dead or wounded", "11 people were killed or injured".
_COMBINED = re.compile(
    rf"\b(?:killed|dead)\s+(?:and|or|and/or)\s+(?:wounded|injured|hurt)\s+(?:{MOD}\s+)?{NUM}\b|"
    rf"\b(?:{MOD}\s+)?{NUM}(?:\s+[a-z'’-]+){{0,4}}?\s+(?:(?:were|was|are)\s+)?(?:killed|dead)"
    r"\s+(?:or|and/or)\s+(?:wounded|injured|hurt)\b"
)


# Animals are no casualties: "killed about 30 sheep", "killing 12 people and 40 goats".
_ANIMALS = re.compile(
    rf"\b(?:{MOD}\s+)?{NUM}\s+(?:[a-z-]+\s+)?(?:sheep|goats?|cows?|cattle|camels?|donkeys?|"
    r"horses?|animals|livestock|head\s+of\s+cattle|chickens|dogs?|oxen|mules?)\b"
    # "three cattle raiders", "two goat herders": people named by the animals they keep or steal
    r"(?![-\s]+(?:raiders?|rustlers?|thieves|herders?|keepers?|traders?|dealers?|owners?|"
    r"breeders?|farmers?|drivers?|merchants?))"
)
_ANIMAL_WORDS = Words(("sheep", "goat", "cow", "cattle", "camel", "donkey", "horse", "animal",
                       "livestock", "chicken", "dog", "oxen", "mule"))  # fmt: skip
_WOUND_WORDS = Words((" wounded", " injured", " hurt"))


def blank_non_tolls(text: str) -> str:
    """A lower-cased clause with its killed-and-wounded counts and its counts of animals
    blanked (same length): neither is a toll."""
    if _ANIMAL_WORDS.in_text(text):
        text = _blanked(_ANIMALS, text)
    return _blanked(_COMBINED, text) if _WOUND_WORDS.in_text(text) else text


def _blanked(pattern: re.Pattern[str], text: str) -> str:
    return pattern.sub(lambda m: " " * len(m.group(0)), text)
