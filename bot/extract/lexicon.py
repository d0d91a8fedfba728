"""The extraction vocabulary kept as data in ``bot/data``, loaded once into a frozen lexicon.

Word lists live in plain text files so they can be read, reviewed and extended without
touching code: ``arabic_articles.txt`` (one article per line), ``demonyms.txt`` (word, tab,
ISO country code) and ``nationalities.txt`` (countries, their names and adjectives).
``default_lexicon()`` reads them once per process.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType

__all__ = [
    "Lexicon",
    "LexiconError",
    "Nationality",
    "default_lexicon",
    "nationalities",
    "parse_demonyms",
    "parse_word_list",
    "read_word_list",
]


class LexiconError(ValueError):
    """A packaged word list is malformed (a line the loader cannot read)."""


@dataclass(frozen=True, slots=True, eq=False)  # hashed by identity: loaded once
class Lexicon:
    """Word lists the annotators share (immutable)."""

    arabic_articles: tuple[str, ...]
    demonyms: Mapping[str, str]  # "iraqi" -> "IQ"


def read_word_list(filename: str) -> list[str]:
    """A packaged one-entry-per-line list, without ``#`` comments and blank lines."""
    raw = resources.files("bot.data").joinpath(filename).read_text(encoding="utf-8")
    return parse_word_list(raw)


def parse_word_list(raw: str) -> list[str]:
    """The entries of a one-per-line list: ``#`` comments and blank lines dropped."""
    entries = []
    for line in raw.splitlines():
        entry = line.split("#", 1)[0].strip()
        if entry:
            entries.append(entry)
    return entries


def parse_demonyms(raw: str, filename: str = "demonyms.txt") -> dict[str, str]:
    """``word<TAB>ISO code`` lines -> {"iraqi": "IQ"}; a malformed line is an error."""
    table: dict[str, str] = {}
    for number, line in enumerate(parse_word_list(raw), start=1):
        word, sep, country = line.partition("\t")
        country = country.strip()
        if not sep or not word.strip() or len(country) != 2 or not country.isupper():
            msg = f"{filename}: entry {number} is not 'word<TAB>ISO code': {line!r}"
            raise LexiconError(msg)
        table[word.strip().lower()] = country
    return table


@dataclass(frozen=True, slots=True)
class Nationality:
    """A country as news names it: ISO code, names ("Burkina Faso") and adjectives."""

    country: str
    names: tuple[str, ...]
    adjectives: tuple[str, ...]


@cache
def nationalities() -> tuple[Nationality, ...]:
    """The packaged country / nationality-adjective table (``bot/data/nationalities.txt``)."""
    raw = resources.files("bot.data").joinpath("nationalities.txt").read_text(encoding="utf-8")
    rows: list[Nationality] = []
    for line in raw.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        code, names, adjectives = line.split("\t")
        rows.append(
            Nationality(
                country=code.strip(),
                names=tuple(n.strip() for n in names.split("|") if n.strip()),
                adjectives=tuple(a.strip() for a in adjectives.split("|") if a.strip()),
            )
        )
    return tuple(rows)


@cache
def default_lexicon() -> Lexicon:
    """The packaged lexicon (read on first use, then shared)."""
    # Every nationality adjective of the countries table ("Philippine army", "Thai police"),
    # then the hand list, which wins where they differ ("kurdish" is read as Iraq).
    demonyms = {
        adjective.lower(): row.country for row in nationalities() for adjective in row.adjectives
    }
    demonyms.update(parse_demonyms("\n".join(read_word_list("demonyms.txt"))))
    return Lexicon(
        arabic_articles=tuple(a.lower() for a in read_word_list("arabic_articles.txt")),
        demonyms=MappingProxyType(demonyms),
    )
