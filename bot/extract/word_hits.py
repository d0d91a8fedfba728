"""Where place and actor names can be in folded text: automaton hits on word boundaries.

``whole_word_hits`` keeps an automaton's hits that fall on word boundaries; ``capitalised_hits``
walks a trie only from the word starts a Latin-script place name can have (a capital, a
non-letter or an Arabic article), finding the same hits in far fewer steps.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from operator import itemgetter
from typing import Protocol

import ahocorasick

from bot.extract.normalize import ARABIC_ARTICLES as _ARTICLES
from bot.extract.normalize import arabic_prefix_ok, is_arabic

__all__ = ["CaseBlind", "Words", "capitalised_hits", "scan_capitalised_hits", "whole_word_hits"]


class CaseBlind:
    """A case-blind (IGNORECASE) pattern whose matches are tested or located, and their words
    read only lower-cased. ASCII text is searched lower-cased with a case-sensitive copy
    (``lowered``: its source, when ``[A-Z]`` and the like must become lower-case), which
    costs less than the case-blind search; other text with the pattern itself."""

    def __init__(self, pattern: re.Pattern[str], lowered: str | None = None) -> None:
        """Wrap ``pattern`` (compiled with ``re.IGNORECASE``)."""
        self.pattern = pattern
        self._lower = re.compile(lowered or pattern.pattern, pattern.flags & ~re.IGNORECASE)

    def search(self, text: str, pos: int = 0) -> re.Match[str] | None:
        """The first match (of the lower-cased text when it is ASCII)."""
        if text.isascii():
            return self._lower.search(text.lower(), pos)
        return self.pattern.search(text, pos)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        """Every match (of the lower-cased text when it is ASCII)."""
        if text.isascii():
            return self._lower.finditer(text.lower())
        return self.pattern.finditer(text)


class Words:
    """A fixed set of words, looked for anywhere in a text in one pass of an automaton (in C,
    rather than a pattern trying every word at every position)."""

    def __init__(self, words: Iterable[str]) -> None:
        """Look for ``words`` (at least one)."""
        automaton = ahocorasick.Automaton()
        for word in dict.fromkeys(words):
            automaton.add_word(word, word)
        automaton.make_automaton()
        self._automaton = automaton

    @classmethod
    def of(cls, pattern: re.Pattern[str], *, digit: bool = False) -> Words:
        """The words of a pattern that is an alternation of plain words (``digit``: one
        alternative is ``\\d``, left to the caller)."""
        words = pattern.pattern.split("|")
        return cls(w for w in words if not (digit and w == "\\d"))

    def in_text(self, text: str) -> bool:
        """Whether one of the words occurs in ``text``."""
        return next(self._automaton.iter(text), None) is not None

    def found_in(self, text: str) -> set[str]:
        """The words that occur in ``text``."""
        return {word for _, word in self._automaton.iter(text)}


class _KeyMatcher(Protocol):
    def iter(self, text: str) -> Iterable[tuple[int, str]]: ...


def whole_word_hits(automaton: _KeyMatcher, folded: str) -> list[tuple[int, int, str]]:
    """(start, end, key) of every automaton key found on word boundaries of folded text.

    Ordered by start, longest first, so a caller that skips overlaps keeps the longest match.
    An Arabic key may follow a one-letter proclitic (و ب ل ف ك) glued to it.
    """
    found: list[tuple[int, int, str]] = []
    for end, key in automaton.iter(folded):
        start = end - len(key) + 1
        if (
            start > 0
            and folded[start - 1].isalnum()
            and not (is_arabic(key) and arabic_prefix_ok(folded, start))
        ):
            continue
        if end + 1 < len(folded) and folded[end + 1].isalnum():
            continue
        found.append((start, end + 1, key))
    # By start, the longest first: two C-level sorts (the second is stable) instead of a key
    # tuple built per hit (hostile text has tens of thousands of hits).
    found.sort(key=itemgetter(1), reverse=True)
    found.sort(key=itemgetter(0))
    return found


class _KeyTrie(Protocol):
    def longest_prefix(self, text: str) -> int: ...

    def exists(self, key: str) -> bool: ...


_NOT_ALNUM = re.compile(r"[\W_]")


def capitalised_hits(
    trie: _KeyTrie, text: str, folded: str, offsets: list[int], longest: int
) -> list[tuple[int, int, str]]:
    """``whole_word_hits`` of the keys that can name a place in Latin letters, in the same
    order: those starting at a word whose first letter is a capital, at a non-letter or at
    an Arabic article ("al-Basra"); ``bot.extract.place_names`` rejects any other start.

    Walks the trie from each such start (keys are at most ``longest`` long) instead of
    scanning every character. Not for Arabic-script text (no capitals, and proclitics).
    """
    size = len(folded)
    if size == len(text) and text.isascii():  # nothing folded away: offsets are positions
        return _ascii_capitalised_hits(trie, folded, _ascii_starts(text, folded), longest)
    breaks = [match.start() for match in _NOT_ALNUM.finditer(folded)]  # where words end
    breaks.append(size)
    return scan_capitalised_hits(trie, text, folded, offsets, breaks=breaks, longest=longest)


def scan_capitalised_hits(
    trie: _KeyTrie,
    text: str,
    folded: str,
    offsets: list[int],
    *,
    breaks: list[int],
    longest: int,
) -> list[tuple[int, int, str]]:
    """``capitalised_hits`` word by word, for any text (``breaks``: where words end)."""
    size = len(folded)
    found: list[tuple[int, int, str]] = []
    prefix, exists, count = trie.longest_prefix, trie.exists, len(breaks)
    start = 0
    for index, word_end in enumerate(breaks):
        if start < word_end:  # a word starts here
            char = text[offsets[start]]
            lower = char.isalpha() and not char.isupper()
            if lower and folded[start:word_end] not in _ARTICLES:
                start = word_end + 1
                continue
        if start < size:
            reach = start + prefix(folded[start : start + longest])
            last = index
            while last < count and breaks[last] <= reach:
                last += 1
            for end in reversed(breaks[index:last]):  # the longest first
                if end > start and exists(key := folded[start:end]):
                    found.append((start, end, key))
        start = word_end + 1
    return found


# In ASCII text (folding keeps every character alphanumeric or not): the starts
# ``capitalised_hits`` tries, i.e. after a non-alphanumeric character or at the start, a
# character that is no lower-case letter (an empty word included), or an article word.
# Each pattern starts with the character it takes, so the search skips ahead in C; the look
# back past that character asks for no letter or digit before it.
_ASCII_START = re.compile(r"[^a-z](?<![^\W_].)")


def _article_start_re(articles: Iterable[str]) -> re.Pattern[str]:
    """A whole article word ("al", "ash") not preceded by a letter or digit."""
    rests: dict[str, list[str]] = {}
    for article in sorted(articles, key=len, reverse=True):
        rests.setdefault(article[0], []).append(re.escape(article[1:]))
    first = [
        f"{re.escape(char)}(?<![^\\W_]{re.escape(char)})(?:{'|'.join(rest)})"
        for char, rest in rests.items()
    ]
    return re.compile("(?:" + "|".join(first) + r")(?![^\W_])")


_ASCII_ARTICLE_START = _article_start_re(a for a in _ARTICLES if a.isascii())


def _ascii_starts(text: str, folded: str) -> list[int]:
    starts = [match.start() for match in _ASCII_START.finditer(text)]
    articles = [m.start() for m in _ASCII_ARTICLE_START.finditer(folded) if text[m.start()] > "Z"]
    return sorted(starts + articles) if articles else starts


def _ascii_capitalised_hits(
    trie: _KeyTrie, folded: str, starts: list[int], longest: int
) -> list[tuple[int, int, str]]:
    """``capitalised_hits`` from the given word starts; word ends are looked up only as far
    as a key from that start can reach."""
    found: list[tuple[int, int, str]] = []
    prefix, exists, size, search = trie.longest_prefix, trie.exists, len(folded), _NOT_ALNUM.search
    for start in starts:
        reach = start + prefix(folded[start : start + longest])
        ends: list[int] = []
        position = start
        while True:  # the ends of words at or after ``start``, up to ``reach``
            stop = search(folded, position)
            end = stop.start() if stop is not None else size
            if end > reach:
                break
            ends.append(end)
            if end >= size:
                break
            position = end + 1
        for end in reversed(ends):  # the longest first
            if end > start and exists(key := folded[start:end]):
                found.append((start, end, key))
    return found
