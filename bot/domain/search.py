"""The search syntax every storage engine understands: words, ``prefix*`` and ``"phrases"``.

``/search`` finds incidents that contain ALL the terms. A term is a word (``Basra``), a word
with a trailing star for prefix search (``Bas*``), or a double-quoted phrase whose words must
appear together and in order (``"car bomb"``, ``"car bo"*``). Nothing else is syntax: other
punctuation separates words. Boolean operators (upper-case ``OR``, ``AND``, ``NOT``,
``NEAR``), ``-word`` exclusions and stars anywhere but at the end of a word are refused with a
message saying what works, rather than silently searching for something else.

:func:`parse_search` turns user text into a :class:`SearchQuery`; ``str(query)`` is its
canonical form, which parses back to the same query. Storage engines translate the parsed
terms into their own query language (SQLite FTS5 in ``storage.fts``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bot.domain.marks import N_

MAX_SEARCH_TERMS = 12
MIN_PREFIX_CHARS = 2
SEARCH_SYNTAX = N_(
    'all words must match; Bas* finds words starting with "Bas"; "car bomb" finds the exact phrase'
)

_OPERATORS = frozenset({"OR", "AND", "NOT", "NEAR"})
_QUIET_OPERATORS = frozenset({"or", "and", "not", "near"})  # dropped outside phrases
_TRAILING = ",.;:!?)]}'\""  # punctuation that may follow a word and its star
_CHUNK = re.compile(r'"([^"]*)("?)(\*?)|(\S+)')
# Word characters plus combining marks (Arabic short vowels, Latin accents written apart), so a
# vowelled Arabic word stays one word.
_WORD = re.compile("(?:\\w|[\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed])+")


class SearchSyntaxError(ValueError):
    """The text uses a search syntax Sitrep does not support; the message says what works."""


@dataclass(frozen=True, slots=True)
class SearchTerm:
    """One required term: its words in order; ``prefix`` makes the last word a prefix."""

    words: tuple[str, ...]
    prefix: bool = False

    def __str__(self) -> str:
        """The canonical spelling: ``word``, ``word*``, ``"two words"`` or ``"two wo"*``."""
        text = " ".join(self.words)
        if len(self.words) > 1:
            text = f'"{text}"'
        return text + ("*" if self.prefix else "")


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """All the terms a search requires."""

    terms: tuple[SearchTerm, ...]

    def __str__(self) -> str:
        """The canonical text; ``parse_search(str(q)) == q``."""
        return " ".join(str(term) for term in self.terms)

    def __bool__(self) -> bool:
        """False when nothing searchable is left."""
        return bool(self.terms)

    def matches(self, text: str) -> bool:
        """Whether ``text`` holds every term (case-insensitive; for engines without an index)."""
        tokens = [word.casefold() for word in _words(unicodedata.normalize("NFKC", text))]
        return all(_holds(tokens, term) for term in self.terms)


def _holds(tokens: list[str], term: SearchTerm) -> bool:
    wanted = [word.casefold() for word in term.words]
    size = len(wanted)
    for start in range(len(tokens) - size + 1):
        window = tokens[start : start + size]
        if window[:-1] != wanted[:-1]:
            continue
        last = window[-1]
        if last == wanted[-1] or (term.prefix and last.startswith(wanted[-1])):
            return True
    return False


def _unsupported(what: str) -> SearchSyntaxError:
    return SearchSyntaxError(f"{what} is not supported in a search: {SEARCH_SYNTAX}.")


def _word_term(chunk: str, *, strict: bool) -> SearchTerm | None:
    """A bare (unquoted) chunk: a word, a hyphenated name, or a word with a trailing star."""
    if strict:
        if chunk in _OPERATORS or chunk.startswith(tuple(f"{op}(" for op in _OPERATORS)):
            raise _unsupported(chunk.split("(", 1)[0])
        if chunk.startswith("-") and _WORD.search(chunk):
            raise _unsupported(f"Excluding words ({chunk})")
        if "|" in chunk:
            raise _unsupported("| (or)")
    chunk = chunk.rstrip(_TRAILING) or chunk  # "Bas*," at the end of a clause
    prefix = chunk.endswith("*")
    core = chunk.rstrip("*")
    if "*" in core:
        if strict:
            raise _unsupported(f"A star inside or before a word ({chunk})")
        core = core.replace("*", " ")
    if strict and chunk.lower() in _QUIET_OPERATORS:
        return None  # "killed or injured": the user means both words, not the word "or"
    words = _words(core)
    if not words:
        return None
    if prefix and len(words[-1]) < MIN_PREFIX_CHARS:
        if strict:
            raise _unsupported(f"A star after a single letter ({chunk})")
        prefix = False
    return SearchTerm(words, prefix=prefix)


def _phrase_term(body: str, star: str) -> SearchTerm | None:
    words = _words(body)
    if not words:
        return None
    prefix = bool(star) and len(words[-1]) >= MIN_PREFIX_CHARS
    return SearchTerm(words, prefix=prefix)


def _words(text: str) -> tuple[str, ...]:
    return tuple(word for word in _WORD.findall(text) if any(char.isalnum() for char in word))


def parse_search(text: str, *, strict: bool = True) -> SearchQuery:
    """Parse user search text; ``strict`` raises :class:`SearchSyntaxError` on operators.

    With ``strict=False`` unsupported syntax is dropped instead (for engines fed old text).
    An unclosed quote runs to the end of the text.
    """
    normalised = unicodedata.normalize("NFKC", text)
    terms: list[SearchTerm] = []
    for match in _CHUNK.finditer(normalised):
        body, _closing, star, bare = match.groups()
        term = _word_term(bare, strict=strict) if bare is not None else _phrase_term(body, star)
        if term is not None and term not in terms:
            terms.append(term)
    return SearchQuery(tuple(terms[:MAX_SEARCH_TERMS]))
