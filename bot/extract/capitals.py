"""A capital named by its country: "the Somali capital", "Sudan's capital", "the capital".

News often names the event's city only as its country's capital. Such a phrase places the
event at that capital (``bot/data/capitals.txt``); a bare "the capital" does so only when the
article is clearly about one country. "The state capital", "the capital of Borno" and "the
regional capital" are other cities and are left alone.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from types import MappingProxyType
from typing import Protocol

from bot.extract.gazetteer import Gazetteer, GazetteerEntry
from bot.extract.lexicon import parse_word_list
from bot.extract.nationals import Nationality, nationalities

__all__ = [
    "CapitalMention",
    "CapitalReader",
    "Layers",
    "Span",
    "article_country",
    "capital_names",
    "merge_capitals",
    "parse_capitals",
]


@dataclass(frozen=True, slots=True)
class CapitalMention:
    """A capital phrase in a (lower-cased) sentence; ``country`` None for a bare "the
    capital", whose country the article's other names decide."""

    start: int
    end: int
    country: str | None


def parse_capitals(raw: str) -> dict[str, str]:
    """``code<TAB>name`` lines -> {"SO": "Mogadishu"}; a malformed line is an error."""
    table: dict[str, str] = {}
    for number, line in enumerate(parse_word_list(raw), start=1):
        code, sep, name = line.partition("\t")
        if not sep or len(code) != 2 or not code.isupper() or not name.strip():
            msg = f"capitals.txt: entry {number} is not 'ISO code<TAB>name': {line!r}"
            raise ValueError(msg)
        table[code] = name.strip()
    return table


@cache
def capital_names() -> Mapping[str, str]:
    """The packaged capitals table (read once)."""
    raw = resources.files("bot.data").joinpath("capitals.txt").read_text(encoding="utf-8")
    return MappingProxyType(parse_capitals(raw))


# Not the country's capital: "the capital of Borno", "the capital's governor" is fine.
_NOT_AFTER = r"(?!\s+(?:of|city\s+of)\b)"


class CapitalReader:
    """Finds capital phrases and resolves them to the gazetteer's capital towns."""

    def __init__(
        self,
        gazetteer: Gazetteer,
        capitals: Mapping[str, str],
        countries: Iterable[Nationality],
    ) -> None:
        """Index the country names and adjectives that may precede "capital"."""
        self._gazetteer = gazetteer
        self._capitals = capitals
        self._entries: dict[str, GazetteerEntry | None] = {}
        words: dict[str, str] = {}
        for nationality in countries:
            if nationality.country not in capitals:
                continue
            for name in nationality.names:
                words[f"{name.lower()}'s"] = nationality.country
                words[f"{name.lower()}’s"] = nationality.country
            for adjective in nationality.adjectives:
                words[f"the {adjective.lower()}"] = nationality.country
        self._words = words
        alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
        self._pattern = re.compile(rf"\b(?:(?P<named>{alternatives})|the)\s+capital\b{_NOT_AFTER}")

    @classmethod
    def default(cls, gazetteer: Gazetteer) -> CapitalReader:
        """A reader over the packaged tables (one per gazetteer, built once)."""
        return _default_reader(gazetteer)

    def find(self, low: str) -> list[CapitalMention]:
        """Capital phrases in a lower-cased sentence, in order."""
        if "capital" not in low:
            return []
        found = []
        for match in self._pattern.finditer(low):
            named = match.group("named")
            country = self._words[named] if named else None
            found.append(CapitalMention(match.start(), match.end(), country))
        return found

    def add_named(self, sentence: Layers) -> list[CapitalMention]:
        """Make a sentence's capital phrases named by their country ("the Somali capital")
        mentions of the capitals' towns; return the bare "the capital" phrases, whose
        country is known only once the whole article is read (:meth:`add_bare`)."""
        found = self.find(sentence.low)
        named = [(c, self.entry(c.country)) for c in found if c.country is not None]
        merge_capitals(sentence, named)
        return [c for c in found if c.country is None]

    def add_bare(self, bare: Sequence[tuple[Layers, CapitalMention]], country: str | None) -> None:
        """Make bare "the capital" phrases mentions of ``country``'s capital (the country
        the article is clearly about; None leaves them alone)."""
        entry = self.entry(country) if country is not None else None
        if entry is None:
            return
        by_sentence: dict[int, tuple[Layers, list[CapitalMention]]] = {}
        for sentence, capital in bare:
            by_sentence.setdefault(id(sentence), (sentence, []))[1].append(capital)
        for sentence, capitals in by_sentence.values():
            merge_capitals(sentence, [(c, entry) for c in capitals])

    def entry(self, country: str) -> GazetteerEntry | None:
        """The gazetteer's town for ``country``'s capital (None when unknown)."""
        if country not in self._entries:
            name = self._capitals.get(country)
            towns = [
                e
                for e in (self._gazetteer.lookup(name, country=country) if name else [])
                if e.country == country and e.kind == "place"
            ]
            self._entries[country] = towns[0] if towns else None
        return self._entries[country]


Span = tuple[int, int, tuple[GazetteerEntry, ...]]


class Layers(Protocol):
    """What capital phrases are merged into: a sentence's lower-cased text, its gazetteer
    mentions (start, end, candidates; by start) and the starts of other-spelling mentions."""

    low: str
    places: list[Span]
    variants: set[int]
    own_votes: dict[int, Counter[str]]


def merge_capitals(
    sentence: Layers, found: Sequence[tuple[CapitalMention, GazetteerEntry | None]]
) -> None:
    """Add capital phrases to a sentence's mentions in place of the names inside them
    ("Somalia" in "Somalia's capital"); a phrase that overlaps a longer name is left as the
    gazetteer read the text. Linear (hostile text may hold thousands)."""
    spans = [(c.start, c.end, (entry,)) for c, entry in found if entry is not None]
    if not spans:
        return
    near = _Near(spans)
    crossed = {
        j
        for place in sentence.places
        for j in near(place)
        if place[0] < spans[j][1] and spans[j][0] < place[1] and not _inside(place, spans[j])
    }
    spans = [span for j, span in enumerate(spans) if j not in crossed]
    near = _Near(spans)
    inside = {
        place[0] for place in sentence.places if any(_inside(place, spans[j]) for j in near(place))
    }
    inside |= _appositives(sentence, spans)
    sentence.variants -= inside
    for start in inside:
        sentence.own_votes.pop(start, None)  # the country's votes are not the capital's
    kept = [p for p in sentence.places if p[0] not in inside]
    sentence.places = sorted([*kept, *spans], key=lambda p: p[0])


def _appositives(sentence: Layers, spans: Sequence[Span]) -> set[int]:
    """Starts of the capital's own name right after its phrase ("north of the capital,
    Baghdad"): one mention, which keeps the phrase's role (a direction's reference here)."""
    ends = {span[1]: span[2][0].key for span in spans}
    found = set()
    for start, _end, candidates in sentence.places:
        gap = start - 2
        if candidates and sentence.low[gap:start] == ", " and ends.get(gap) == candidates[0].key:
            found.add(start)
    return found


class _Near:
    """The spans (sorted by start) that may overlap a place: the last one starting at or
    before it and the next."""

    def __init__(self, spans: Sequence[Span]) -> None:
        self._starts = [span[0] for span in spans]

    def __call__(self, place: Span) -> list[int]:
        index = bisect_right(self._starts, place[0]) - 1
        return [j for j in (index, index + 1) if 0 <= j < len(self._starts)]


def _inside(place: Span, span: Span) -> bool:
    return span[0] <= place[0] and place[1] <= span[1]


@lru_cache(maxsize=4)
def _default_reader(gazetteer: Gazetteer) -> CapitalReader:
    return CapitalReader(gazetteer, capital_names(), nationalities())


def article_country(votes: Counter[str]) -> str | None:
    """The country an article is clearly about: the most votes, ahead of any other."""
    ranked = votes.most_common(2)
    if not ranked or ranked[0][1] <= 0:
        return None
    if len(ranked) > 1 and ranked[1][1] >= ranked[0][1]:
        return None
    return ranked[0][0]
