"""Who gave a figure: "..., the health ministry said", "according to police"."""

from __future__ import annotations

import re
from collections.abc import Iterator

from bot.extract.word_hits import CaseBlind

__all__ = ["find_attribution"]


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
# The same two patterns for lower-cased ASCII text: a case-blind search costs more.
_ACCORDING_LOWER = re.compile(_ACCORDING.pattern)
_SAY_LOWER = re.compile(_SAY_RE.pattern)
# What a source noun is of ("of the Interior"), and the words between it and the "said".
_NOUN_OF = r"(?:\s+(?:of|in|for)\s+(?:the\s+)?[A-Z][\w'’\-]*(?:\s+[A-Z][\w'’\-]*)*)?"
_UP_TO_SAY = r"(?:\s*\([A-Za-z]{2,10}\))?\s+(?:later\s+|also\s+|has\s+|had\s+)?$"
# Matched against the text just before a "said" (anchored at its end).
_BEFORE_SAY = (
    re.compile(
        rf"(?P<src>(?:(?:the|a|an|two|three|several)\s+)?(?:[\w'’\-]+\s+){{0,5}}?{_SOURCE_NOUN}"
        rf"{_NOUN_OF}){_UP_TO_SAY}",
        re.IGNORECASE,
    ),
    re.compile(
        r"(?P<src>(?:[Tt]he\s+)?(?:[A-Z][\w'’\-]*|of|the|for|and)(?:\s+(?:[A-Z][\w'’\-]*|of|"
        r"the|for|and)){0,7})\s+(?:later\s+|also\s+)?$"
    ),
)
# The end of the first pattern alone: where its source noun can be (a cheap search first).
_NOUN_TO_SAY = CaseBlind(
    re.compile(rf"{_SOURCE_NOUN}{_NOUN_OF}{_UP_TO_SAY}", re.IGNORECASE),
    rf"{_SOURCE_NOUN}{_NOUN_OF.replace('[A-Z]', '[a-z]')}{_UP_TO_SAY}",
)
# A match of the first pattern starts at most seven words before its source noun.
_WORDS_BEFORE_NOUN = 7
_RELATIVE_TAIL = re.compile(r",\s+(?:who|which|speaking)\b[^,]{0,120},\s*$", re.IGNORECASE)
_AFTER_SAY = re.compile(
    r"^\s+(?P<src>(?:the\s+)?[^,.;\"“”]{3,80}?)(?=\s*(?:[,.;]|$|\())", re.IGNORECASE
)
_SRC_TRIM = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)


def according(sentence: str) -> re.Match[str] | None:
    """``_ACCORDING.search(sentence)``, found in lower-cased ASCII text first."""
    if not sentence.isascii():
        return _ACCORDING.search(sentence)
    found = _ACCORDING_LOWER.search(sentence.lower())
    return None if found is None else _ACCORDING.match(sentence, found.start())


def says(sentence: str) -> Iterator[re.Match[str]]:
    """``_SAY_RE.finditer(sentence)`` (in lower-cased ASCII text: only the spans and the
    lower-cased words are read)."""
    if sentence.isascii():
        return _SAY_LOWER.finditer(sentence.lower())
    return _SAY_RE.finditer(sentence)


def find_attribution(sentence: str) -> str | None:
    """Who gave the figures in a sentence: "Iraqi Security Media Cell", "a security source"."""
    match = according(sentence)
    if match:
        source = _clean_source(match["src"])
        if source:
            return source
    fallback: str | None = None
    for say in says(sentence):
        window = sentence[max(0, say.start() - 160) : say.start()]
        # "A source, who asked not to be named, told ...": skip the relative clause.
        window = _RELATIVE_TAIL.sub(" ", window)[-100:]
        for search in (_source_before, _BEFORE_SAY[1].search):
            found = search(window)
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


def _source_before(window: str) -> re.Match[str] | None:
    """``_BEFORE_SAY[0].search(window)``, without trying every start of a long window.

    A match ends with a source noun and the words up to the "said" (``_NOUN_TO_SAY``), and
    starts at most ``_WORDS_BEFORE_NOUN`` whitespace runs before that noun: no match can
    start before that many runs ahead of the first place ``_NOUN_TO_SAY`` matches.
    """
    noun = _NOUN_TO_SAY.search(window)
    if noun is None:
        return None
    start, runs = noun.start(), 0
    while start > 0:
        if window[start - 1].isspace():
            runs += 1
            if runs > _WORDS_BEFORE_NOUN:
                break
            while start > 0 and window[start - 1].isspace():
                start -= 1
        else:
            start -= 1
    return _BEFORE_SAY[0].search(window, start)


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
