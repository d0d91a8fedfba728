"""Gazetteer: places, governorates and countries by name, in running text, and by fuzzy match.

The index is package data (``bot/data/gazetteer.json.gz``) built by ``scripts/build_gazetteer.py``
from GeoNames (CC BY 4.0) plus hand-checked tables. Loading it does no other I/O.
"""

from __future__ import annotations

import gzip
import json
import re
import threading
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property, lru_cache
from importlib import resources
from itertools import pairwise
from pathlib import Path
from typing import Any, Literal

import ahocorasick
from rapidfuzz import fuzz, process

from bot.domain.enums import GeoPrecision
from bot.domain.models import Location
from bot.extract.lexicon import default_lexicon
from bot.extract.normalize import (
    fold_with_offsets,
    is_arabic,
    match_key,
    strip_article,
    translit_keys,
    whole_word_hits,
)
from bot.extract.spans import SpanSet

__all__ = [
    "CONFLICT_ALTERNATE_NAMES_MIN_POPULATION",
    "CONFLICT_COUNTRIES",
    "Gazetteer",
    "GazetteerEntry",
    "PlaceMention",
]

EntryKind = Literal["place", "admin1", "country"]
_KIND_RANK = {"place": 0, "admin1": 1, "country": 2}

# Words that may stay lower-case inside a multi-word place name ("Shatt al-Arab district").
_ARTICLES = default_lexicon().arabic_articles  # bot/data/arabic_articles.txt
_LOWER_OK = frozenset(_ARTICLES) | frozenset(
    {
        "of", "the", "de", "la", "le", "du", "des", "del", "da", "di", "bin", "ibn", "bint",
        "wa", "and", "on", "upon", "am", "im", "der", "den", "y", "e", "district", "city",
        "province",
        "governorate", "region", "base", "air", "camp", "mountain", "mountains", "valley",
        "shrine", "airport", "countryside", "plains", "subdistrict",
    }
)  # fmt: skip
_ARTICLE_WORDS = frozenset(_ARTICLES)
# First letters of every name ``strip_article`` can change (Latin articles and Arabic "ال").
_ARTICLE_INITIALS = frozenset("aeا")
# Suffixes that ask for a governorate ("Basra province") or a town ("Basra city").
_ADMIN1_SUFFIXES = ("governorate", "province", "region", "gov")
_PLACE_SUFFIXES = ("city", "town")
_MIN_AUTOMATON_KEY = 3
# Fuzzy suggestions: focus countries in full, elsewhere only large places.
_FUZZY_COUNTRIES = frozenset({"IQ", "SY", "IR", "TR", "SA", "KW", "JO", "LB"})
_FUZZY_MIN_POPULATION = 100_000
_FUZZY_CUTOFF = 75.0
# Countries with sustained armed conflict or large-scale political violence (ACLED's most
# active regions, UCDP active conflicts, 2015-2025): news names their villages and small
# towns, so the index holds every GeoNames town of >= 1,000 people there, and the alternate
# spellings (transliterations: "Jenin" / "Janin", "Kharkov" / "Kharkiv") of towns of
# >= CONFLICT_ALTERNATE_NAMES_MIN_POPULATION are matched in running text.
# Middle East and North Africa; Sahel, Lake Chad and West Africa; Horn and East Africa;
# Great Lakes, Central Africa and Mozambique; South Asia; Myanmar; Ukraine-Russia and the
# Caucasus; Latin America (armed groups, cartels, gangs); the Philippines.
CONFLICT_COUNTRIES = frozenset(
    {"YE", "IL", "PS", "LY", "EG", "DZ", "TN",
     "ML", "BF", "NE", "NG", "TD", "CM", "BJ", "TG",
     "SD", "SS", "SO", "ET", "ER", "KE",
     "CD", "CF", "BI", "MZ",
     "AF", "PK", "IN", "BD",
     "MM",
     "UA", "RU", "AZ", "AM",
     "CO", "MX", "VE", "HT",
     "PH"}
)  # fmt: skip
CONFLICT_ALTERNATE_NAMES_MIN_POPULATION = 15_000
# Below this population a town outside the focus countries is "minor": the index holds every
# town of >= 1,000 people in conflict countries, and such names are often also surnames,
# clan names or words, so they need corroboration (see ``GazetteerEntry.minor``).
_MINOR_POPULATION = 15_000
_MINOR_MIN_KEY = 4
# Countries whose names reach English news romanised from Arabic, Kurdish, Persian, Pashto or
# Urdu script, each outlet its own way: their places are also found by transliteration key.
TRANSLIT_COUNTRIES = frozenset(
    {"IQ", "SY", "YE", "LB", "JO", "PS", "IL", "SA", "KW", "LY", "EG", "SD", "TN", "DZ", "MA",
     "MR", "AE", "QA", "BH", "OM", "IR", "AF", "PK"}
)  # fmt: skip
_TRANSLIT_MIN_LETTERS = 5
# English words that begin a few multi-word names ("The Hague"): never a variant's first word.
_ENGLISH_WORDS = frozenset(
    {"the", "and", "for", "may", "new", "old", "upper", "lower", "north", "south", "east",
     "west", "central", "great", "little", "saint", "san", "santa", "los", "las", "les"}
)  # fmt: skip
_TRANSLIT_MAX_WORDS = 4
_ARTICLE_BEFORE_WORD = re.compile(r"([^\W\d_][\w'’]*)[ -](?:al|el|as|ash|ad|ar|at|az|an)[- ]$")
_SURNAME_AFTER = re.compile(r"[ -](?:al|el|as|ash|ad|ar|at|az|an)[- ]\w*[A-Z]")
_CAPITAL_WORD_RE = re.compile(r"(?<![\w'’])[A-ZÀ-ÖØ-ÞĀ-Ž][\w'’]*")
_WORD_RE = re.compile(r"[^\W\d_][\w'’]*")


@dataclass(frozen=True, slots=True)
class GazetteerEntry:
    """One place, governorate or country."""

    key: str  # "gn:<geonameid>", "iq:<slug>", ISO 3166-2 ("IQ-BA"), or ISO country ("IQ")
    kind: EntryKind
    name: str  # English display name
    country: str  # ISO 3166-1 alpha-2
    admin1: str | None  # canonical governorate name ("Basra")
    admin1_code: str | None  # "IQ-BA" (ISO 3166-2 where one exists)
    lat: float
    lon: float
    population: int
    timezone: str | None  # IANA zone
    parent_key: str | None  # neighbourhood -> its city

    @property
    def minor(self) -> bool:
        """A small town outside the focus countries: accepted only with corroboration
        (its country named in the article, not part of a longer proper name)."""
        return (
            self.kind == "place"
            and self.population < _MINOR_POPULATION
            and self.country not in _FUZZY_COUNTRIES
        )

    def to_location(self, precision: GeoPrecision | None = None) -> Location:
        """A domain ``Location`` for this entry; precision defaults from the kind."""
        if precision is None:
            precision = {
                "place": GeoPrecision.POINT,
                "admin1": GeoPrecision.ADMIN1,
                "country": GeoPrecision.COUNTRY,
            }[self.kind]
        geonames_id = int(self.key[3:]) if self.key.startswith("gn:") else None
        return Location(
            name=self.name,
            place_key=self.key if self.kind == "place" else None,
            geonames_id=geonames_id,
            admin1=self.admin1,
            admin1_code=self.admin1_code,
            country=self.country,
            lat=self.lat,
            lon=self.lon,
            geo_precision=precision,
            timezone=self.timezone,
        )


@dataclass(frozen=True, slots=True)
class PlaceMention:
    """A place name found in text: character span in the original text and ranked candidates.

    ``variant`` marks a name matched only by its transliteration key (another spelling of a
    known name, "Miqdadiya" for Muqdadiyah): such a mention needs its country named elsewhere.
    """

    start: int
    end: int
    surface: str
    candidates: tuple[GazetteerEntry, ...]
    variant: bool = False


@dataclass(slots=True)
class _Ref:
    index: int
    primary: bool


@dataclass(slots=True)
class _State:
    """The loaded index: column arrays, entries materialised on first use."""

    keys: list[str]
    kinds: str
    names_col: list[str]
    countries: str
    admin1_col: list[str]
    lat: list[float]
    lon: list[float]
    population: list[int]
    rank_pop: list[int]
    tz_col: list[int]
    parent_col: list[str]
    timezones: list[str]
    name_index: dict[str, int]  # folded name -> position in ``counts``/``starts``
    counts: list[int]
    starts: list[int]
    refs: list[int]
    by_key: dict[str, int]
    admin1_names: dict[str, str]
    stoplist: frozenset[str]
    given_names: frozenset[str]
    entries: list[GazetteerEntry | None]
    automaton: Any = None
    fuzzy_choices: dict[str, str] | None = None
    translit: dict[str, list[int]] | None = None
    translit_first: frozenset[str] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    # (key, country) -> ranked candidates and the weak ones: names repeat within and across
    # reports, and hostile text repeats one name thousands of times.
    ranked: dict[tuple[str, str | None], tuple[tuple[GazetteerEntry, ...], frozenset[str]]] = (
        field(default_factory=dict)
    )


_RANKED_CACHE_SIZE = 20_000
_KINDS: dict[str, EntryKind] = {"p": "place", "a": "admin1", "c": "country"}


class Gazetteer:
    """Places by name (exact after folding), in running text, and by fuzzy match."""

    def __init__(
        self,
        index: dict[str, Any],
        stoplist: Iterable[str] = (),
        given_names: Iterable[str] = (),
    ) -> None:
        """Build from a loaded index document (see ``scripts/build_gazetteer.py``).

        ``stoplist``: names never taken as places in running text; ``given_names``: words that
        make a following place name part of a person's name.
        """
        if index.get("format") != 2:
            msg = f"unsupported gazetteer index format: {index.get('format')!r}"
            raise ValueError(msg)
        keys = index["key"].split("\n")
        kinds = index["kind"]
        names_col = index["name"].split("\n")
        counts: list[int] = index["counts"]
        starts: list[int] = []
        total = 0
        for count in counts:
            starts.append(total)
            total += count
        name_keys = index["names"].split("\n") if index["names"] else []
        admin1_names = {keys[i]: names_col[i] for i, kind in enumerate(kinds) if kind == "a"}
        self._state = _State(
            keys=keys,
            kinds=kinds,
            names_col=names_col,
            countries=index["country"],
            admin1_col=index["admin1"].split("\n"),
            lat=index["lat"],
            lon=index["lon"],
            population=index["population"],
            rank_pop=index["rank_population"],
            tz_col=index["timezone"],
            parent_col=index["parent"].split("\n"),
            timezones=index["timezones"],
            name_index={name: i for i, name in enumerate(name_keys)},
            counts=counts,
            starts=starts,
            refs=index["refs"],
            by_key={key: i for i, key in enumerate(keys)},
            admin1_names=admin1_names,
            stoplist=frozenset(match_key(word) for word in stoplist),
            given_names=frozenset(match_key(word) for word in given_names),
            entries=[None] * len(keys),
        )
        if not (len(keys) == len(kinds) == len(names_col) == len(index["lat"])):
            msg = "corrupt gazetteer index: column lengths differ"
            raise ValueError(msg)
        stored = index.get("translit")
        if stored:
            # Precomputed by the build script (the same word lists): no work at start-up.
            position = 0
            translit: dict[str, list[int]] = {}
            refs_col: list[int] = stored["refs"]
            for key, count in zip(stored["keys"].split("\n"), stored["counts"], strict=True):
                translit[key] = refs_col[position : position + count]
                position += count
            self._state.translit = translit

    # ------------------------------------------------------------------ construction
    @classmethod
    def default(cls) -> Gazetteer:
        """The packaged gazetteer, loaded once per process."""
        return _default_gazetteer()

    @classmethod
    def from_document(cls, index: dict[str, Any]) -> Gazetteer:
        """A gazetteer over a loaded index document with the packaged word lists."""
        return cls(index, _word_list("place_stoplist.txt"), _word_list("given_names.txt"))

    @classmethod
    def from_path(
        cls,
        path: Path,
        stoplist: Iterable[str] | None = None,
        given_names: Iterable[str] | None = None,
    ) -> Gazetteer:
        """Load an index file (gzip JSON) from ``path``; packaged word lists unless given."""
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            index = json.load(handle)
        return cls(
            index,
            _word_list("place_stoplist.txt") if stoplist is None else stoplist,
            _word_list("given_names.txt") if given_names is None else given_names,
        )

    # ------------------------------------------------------------------ queries
    def get(self, key: str) -> GazetteerEntry | None:
        """The entry with this key ("gn:99532", "IQ-BA", "IQ"), or None."""
        index = self._state.by_key.get(key)
        return None if index is None else self._entry(index)

    def __len__(self) -> int:
        """Number of entries."""
        return len(self._state.keys)

    def lookup(self, name: str, *, country: str | None = None) -> list[GazetteerEntry]:
        """Entries whose name or alias equals ``name`` after folding, best first.

        Order: the ``country`` prior (if given), exact primary names before alternate names,
        then population (a governorate ranks with its capital, just after it).
        """
        key = match_key(name)
        if not key:
            return []
        if "," in name:
            qualified = self._lookup_qualified(name, country=country)
            if qualified is not None:
                return qualified
        kind_filter: str | None = None
        refs = self._refs_for(key)
        if not refs:
            head, _, suffix = key.rpartition(" ")
            if head and suffix in _ADMIN1_SUFFIXES:
                refs, kind_filter = self._refs_for(head), "admin1"
            elif head and suffix in _PLACE_SUFFIXES:
                refs, kind_filter = self._refs_for(head), "place"
        if not refs:
            indices = self._translit_refs(key)
            refs = [_Ref(index, True) for index in indices]
        ranked = self._rank(refs, country=country)
        if kind_filter is not None:
            ranked = [e for e in ranked if e.kind == kind_filter] or ranked
        return ranked

    def _lookup_qualified(self, name: str, *, country: str | None) -> list[GazetteerEntry] | None:
        """ "Zubair, Basra", "Tripoli, Lebanon": the part after the comma narrows the rest."""
        head, _, tail = name.rpartition(",")
        scope = self.lookup(tail)
        if not head.strip() or not scope:
            return None
        within = scope[0]
        if within.kind == "country":
            candidates = self.lookup(head, country=within.country)
            return [e for e in candidates if e.country == within.country] or None
        if within.kind == "admin1":
            candidates = self.lookup(head, country=country or within.country)
            return [e for e in candidates if e.admin1_code == within.admin1_code] or None
        candidates = self.lookup(head, country=country or within.country)
        return [e for e in candidates if e.parent_key == within.key] or None

    def suggest(self, name: str, limit: int = 5) -> list[GazetteerEntry]:
        """Fuzzy "did you mean": focus countries and large world places, best first."""
        key = match_key(name)
        if not key or limit <= 0:
            return []
        choices = self._fuzzy_choices()
        scored = process.extract(
            key, choices, scorer=fuzz.ratio, limit=limit * 8, score_cutoff=_FUZZY_CUTOFF
        )
        ranked: list[tuple[float, int, GazetteerEntry]] = []
        for choice, score, _ in scored:
            refs = self._refs_exact(choice)
            for entry in self._rank(refs):
                weight = self._state.rank_pop[self._state.by_key[entry.key]]
                # Round scores so near-equal spellings are ordered by importance.
                ranked.append((round(score / 5), weight, entry))
        ranked.sort(key=lambda item: (-item[0], -item[1], _KIND_RANK[item[2].kind], item[2].key))
        results: list[GazetteerEntry] = []
        seen: set[str] = set()
        for _, _, entry in ranked:
            if entry.key not in seen:
                seen.add(entry.key)
                results.append(entry)
            if len(results) >= limit:
                break
        return results

    def admin1_of(self, entry: GazetteerEntry) -> GazetteerEntry | None:
        """The governorate/province entry an entry belongs to (itself for a governorate)."""
        if entry.admin1_code is None:
            return None
        return self.get(entry.admin1_code)

    def children(self, key: str) -> list[GazetteerEntry]:
        """Entries whose parent is ``key``: a city's neighbourhoods, in index order."""
        return [self._entry(index) for index in self._by_parent.get(key, ())]

    @cached_property
    def _by_parent(self) -> dict[str, list[int]]:
        # Built on first use: only a few dozen entries have a parent.
        by_parent: dict[str, list[int]] = {}
        for index, parent in enumerate(self._state.parent_col):
            if parent:
                by_parent.setdefault(parent, []).append(index)
        return by_parent

    def find_mentions(self, text: str, *, country: str | None = None) -> list[PlaceMention]:
        """Place names in running text, left to right, longest match first, non-overlapping.

        Matches must fall on word boundaries; Latin-script names must be capitalised in the
        original text ("ERBIL" counts); stoplisted common words and person-name particles
        ("Muqtada al-Sadr") are skipped. A leading "al-" is included in the span. Candidates
        are ranked as in ``lookup``; ``country`` moves that country's entries first.
        """
        if not text:
            return []
        folded, offsets = fold_with_offsets(text, for_matching=True)
        automaton = self._automaton()
        found = whole_word_hits(automaton, folded)
        mentions: list[PlaceMention] = []
        cursor = 0
        for start, end, key in found:
            if start < cursor:
                continue
            mention = self._accept(text, folded, offsets, (start, end), key, country=country)
            if mention is not None:
                mentions.append(mention)
                cursor = end
        variants = self._variant_mentions(text, mentions, country=country)
        if variants:
            mentions = sorted([*mentions, *variants], key=lambda m: m.start)
        return mentions

    # ------------------------------------------------------------------ internals
    def _entry(self, index: int) -> GazetteerEntry:
        state = self._state
        entry = state.entries[index]
        if entry is None:
            admin1_key = state.admin1_col[index] or None
            tz = state.tz_col[index]
            entry = GazetteerEntry(
                key=state.keys[index],
                kind=_KINDS[state.kinds[index]],
                name=state.names_col[index],
                country=state.countries[2 * index : 2 * index + 2],
                admin1=state.admin1_names.get(admin1_key) if admin1_key else None,
                admin1_code=admin1_key,
                lat=state.lat[index],
                lon=state.lon[index],
                population=state.population[index],
                timezone=state.timezones[tz] if tz >= 0 else None,
                parent_key=state.parent_col[index] or None,
            )
            state.entries[index] = entry
        return entry

    def _refs_exact(self, key: str) -> list[_Ref]:
        state = self._state
        position = state.name_index.get(key)
        if position is None:
            return []
        start = state.starts[position]
        return [
            _Ref(ref >> 1, bool(ref & 1))
            for ref in state.refs[start : start + state.counts[position]]
        ]

    def _refs_for(self, key: str) -> list[_Ref]:
        refs = self._refs_exact(key)
        stripped = strip_article(key)
        if stripped != key:
            seen = {ref.index for ref in refs}
            refs.extend(r for r in self._refs_exact(stripped) if r.index not in seen)
        return refs

    def _rank(self, refs: Sequence[_Ref], *, country: str | None = None) -> list[GazetteerEntry]:
        state = self._state
        best: dict[int, bool] = {}
        for ref in refs:
            best[ref.index] = best.get(ref.index, False) or ref.primary
        prior = country.upper() if country else None

        def sort_key(index: int) -> tuple[int, int, int, int, str]:
            country_code = state.countries[2 * index : 2 * index + 2]
            return (
                0 if prior is None or country_code == prior else 1,
                0 if best[index] else 1,
                -state.rank_pop[index],
                _KIND_RANK[_KINDS[state.kinds[index]]],
                state.keys[index],
            )

        return [self._entry(i) for i in sorted(best, key=sort_key)]

    def _ranked(
        self, key: str, country: str | None
    ) -> tuple[tuple[GazetteerEntry, ...], frozenset[str]]:
        """Ranked candidates of an exact key and the weak ones among them (memoised)."""
        cache = self._state.ranked
        found = cache.get((key, country))
        if found is None:
            refs = self._refs_exact(key)
            candidates = tuple(self._rank(refs, country=country))
            found = (candidates, frozenset(self._weak(candidates, refs)))
            if len(cache) >= _RANKED_CACHE_SIZE:
                cache.clear()  # a crude bound: real reports use a few hundred names
            cache[(key, country)] = found
        return found

    def _weak(self, candidates: Sequence[GazetteerEntry], refs: Sequence[_Ref]) -> set[str]:
        """Keys of candidates that need corroboration: small towns outside the focus
        countries, and towns outside them matched only by an alternate spelling."""
        primary = {ref.index for ref in refs if ref.primary}
        by_key = self._state.by_key
        return {
            c.key
            for c in candidates
            if c.minor
            or (
                c.kind == "place"
                and c.country not in _FUZZY_COUNTRIES
                and by_key[c.key] not in primary
            )
        }

    def _translit_refs(self, key: str) -> list[int]:
        """Entries (focus-country places, governorates, countries) sharing a transliteration
        key with ``key``; empty for short names, which vary too little to tell apart."""
        if sum(ch.isalpha() for ch in key) < _TRANSLIT_MIN_LETTERS:
            return []
        index = self._translit_index()
        found: list[int] = []
        for variant in translit_keys(key):
            for i in index.get(variant, ()):
                if i not in found:
                    found.append(i)
        return found

    def _translit_index(self) -> dict[str, list[int]]:
        state = self._state
        if state.translit is None:
            with state.lock:
                if state.translit is None:
                    state.translit = self._build_translit_index()
        return state.translit

    def export_translit(self) -> dict[str, Any]:
        """The transliteration index as index-document columns (``scripts/build_gazetteer``
        stores it so that loading does not recompute it): sorted keys, counts, entry refs."""
        index = self._translit_index()
        keys = sorted(index)
        return {
            "keys": "\n".join(keys),
            "counts": [len(index[key]) for key in keys],
            "refs": [i for key in keys for i in index[key]],
        }

    def _build_translit_index(self) -> dict[str, list[int]]:
        """Transliteration key -> entries, for the names of places in ``TRANSLIT_COUNTRIES``
        that are matched in running text (all their names), of governorates and countries."""
        state = self._state
        alternates_ok = self._alternates_in_running_text()
        eligible = bytearray(len(state.keys))
        for i in range(len(eligible)):
            country = state.countries[2 * i : 2 * i + 2]
            eligible[i] = country in TRANSLIT_COUNTRIES and (
                state.kinds[i] != "p" or alternates_ok[i] or state.population[i] >= 1_000
            )
        blocked: set[str] = set()
        for word in (*state.stoplist, *state.given_names):
            blocked.update(translit_keys(word))
        # Per ref: a name of an eligible entry that running text may use.
        usable_ref = bytes(
            [eligible[ref >> 1] and (ref & 1 or alternates_ok[ref >> 1]) for ref in state.refs]
        )
        index: dict[str, list[int]] = {}
        refs, starts, counts = state.refs, state.starts, state.counts
        for name, position in state.name_index.items():
            start = starts[position]
            end = start + counts[position]
            if len(name) < _TRANSLIT_MIN_LETTERS or 1 not in usable_ref[start:end]:
                continue
            stripped = strip_article(name)
            if len(stripped.replace(" ", "")) < _TRANSLIT_MIN_LETTERS:
                continue  # "Al Na": too short to tell spellings apart
            usable = [refs[k] >> 1 for k in range(start, end) if usable_ref[k]]
            for variant in translit_keys(stripped):
                if variant in blocked:
                    continue
                bucket = index.setdefault(variant, [])
                bucket.extend(i for i in usable if i not in bucket)
        return index

    def _variant_mentions(
        self, text: str, exact: Sequence[PlaceMention], *, country: str | None
    ) -> list[PlaceMention]:
        """Capitalised names the exact index missed that are another spelling of a focus
        place ("Miqdadiya", "Qayara"): longest run of up to four words first."""
        covered = SpanSet([(m.start, m.end) for m in exact])
        first_tokens = self._translit_first_tokens()
        found: list[PlaceMention] = []
        words: list[tuple[int, int]] | None = None
        starts: list[int] = []
        resume = 0
        for capital in _CAPITAL_WORD_RE.finditer(text):
            start = capital.start()
            if start < resume or covered.covers(start):
                continue
            # Cheap test first: can any indexed name start with this word (or the word after
            # an article)? Most capitalised words fail here.
            head = _word_key(capital.group())
            if head not in _ARTICLE_WORDS and not any(
                variant in first_tokens for variant in translit_keys(head)
            ):
                continue
            if words is None:
                words = [(m.start(), m.end()) for m in _WORD_RE.finditer(text)]
                starts = [w[0] for w in words]
            i = bisect_left(starts, start)
            if i >= len(words) or words[i][0] != start:
                continue
            if head in _ARTICLE_WORDS:
                if i + 1 >= len(words):
                    continue
                following = _word_key(text[words[i + 1][0] : words[i + 1][1]])
                if not any(variant in first_tokens for variant in translit_keys(following)):
                    continue
            match: PlaceMention | None = None
            for j in range(min(len(words), i + _TRANSLIT_MAX_WORDS) - 1, i - 1, -1):
                end = words[j][1]
                surface = text[start:end]
                if covered.overlaps(start, end):
                    continue
                if not _joined_words(text, words[i : j + 1]) or not _capitalised(surface):
                    continue
                match = self._variant_mention(text, start, end, country=country)
                if match is not None:
                    break
            if match is not None:
                found.append(match)
                resume = match.end
        return found

    def _translit_first_tokens(self) -> frozenset[str]:
        """First words of the transliteration keys (a cheap filter for running text)."""
        state = self._state
        if state.translit_first is None:
            index = self._translit_index()
            state.translit_first = frozenset(
                first
                for first in (key.split(" ", 1)[0] for key in index)
                if len(first) >= _MIN_AUTOMATON_KEY and first not in _ENGLISH_WORDS
            )
        return state.translit_first

    def _variant_mention(
        self, text: str, start: int, end: int, *, country: str | None
    ) -> PlaceMention | None:
        surface = text[start:end]
        key = match_key(surface)
        stripped = strip_article(key)
        indices = self._translit_refs(stripped)
        if not indices:
            return None
        state = self._state
        if key in state.stoplist or stripped in state.stoplist:
            return None
        if self._refs_exact(key) or self._refs_exact(stripped):
            return None  # a known name the exact matcher chose not to take: its call stands
        if _is_short_capitals(surface):
            return None
        if match_key(_previous_word(text, start)) in state.given_names:
            return None
        if _inside_longer_name(text, start, end) or _SURNAME_AFTER.match(text, end):
            return None  # "Sherwan al-Douberdani": a given name before a family name
        article = _ARTICLE_BEFORE_WORD.search(text, max(0, start - 80), start)
        if article is not None and article.group(1)[0].isupper():
            return None  # "Hajeen al-Douri": the family name, not a place
        candidates = tuple(self._rank([_Ref(i, True) for i in indices], country=country))
        return PlaceMention(start, end, surface, candidates, variant=True)

    def _automaton(self) -> Any:
        state = self._state
        if state.automaton is None:
            with state.lock:
                if state.automaton is None:
                    automaton = ahocorasick.Automaton()
                    alternates_ok = self._alternates_in_running_text()
                    # Per ref: a primary name, or an alternate name matched in running text.
                    usable = bytes([ref & 1 or alternates_ok[ref >> 1] for ref in state.refs])
                    starts, counts = state.starts, state.counts
                    stoplist = state.stoplist
                    add = automaton.add_word
                    for key, position in state.name_index.items():
                        if len(key) < _MIN_AUTOMATON_KEY and not is_arabic(key):
                            continue
                        if key in stoplist or (
                            key[0] in _ARTICLE_INITIALS and strip_article(key) in stoplist
                        ):
                            continue
                        start = starts[position]
                        if 1 in usable[start : start + counts[position]]:
                            add(key, key)
                    automaton.make_automaton()
                    state.automaton = automaton
        return state.automaton

    def _alternates_in_running_text(self) -> bytearray:
        """Per entry: whether its alternate names are matched in running text (see
        ``_in_running_text``)."""
        state = self._state
        flags = bytearray(len(state.keys))
        countries, kinds, population = state.countries, state.kinds, state.population
        for i in range(len(flags)):
            country = countries[2 * i : 2 * i + 2]
            flags[i] = (
                kinds[i] != "p"
                or country in _FUZZY_COUNTRIES
                or (
                    country in CONFLICT_COUNTRIES
                    and population[i] >= CONFLICT_ALTERNATE_NAMES_MIN_POPULATION
                )
            )
        return flags

    def _in_running_text(self, position: int) -> bool:
        """Whether a name is matched in running text: primary names anywhere, alternate
        names only for the focus countries, towns of conflict countries, governorates and
        countries."""
        state = self._state
        start = state.starts[position]
        for ref in state.refs[start : start + state.counts[position]]:
            i = ref >> 1
            if ref & 1 or state.kinds[i] != "p":
                return True
            country = state.countries[2 * i : 2 * i + 2]
            if country in _FUZZY_COUNTRIES:
                return True
            if (
                country in CONFLICT_COUNTRIES
                and state.population[i] >= CONFLICT_ALTERNATE_NAMES_MIN_POPULATION
            ):
                return True
        return False

    def _fuzzy_choices(self) -> dict[str, str]:
        state = self._state
        if state.fuzzy_choices is None:
            with state.lock:
                if state.fuzzy_choices is None:
                    eligible = [
                        state.kinds[i] != "p"
                        or state.countries[2 * i : 2 * i + 2] in _FUZZY_COUNTRIES
                        or state.population[i] >= _FUZZY_MIN_POPULATION
                        for i in range(len(state.keys))
                    ]
                    refs, starts, counts = state.refs, state.starts, state.counts
                    choices: dict[str, str] = {}
                    for key, position in state.name_index.items():
                        if len(key) < _MIN_AUTOMATON_KEY or is_arabic(key):
                            continue
                        start = starts[position]
                        if any(eligible[r >> 1] for r in refs[start : start + counts[position]]):
                            choices[key] = key
                    state.fuzzy_choices = choices
        return state.fuzzy_choices

    def _accept(
        self,
        text: str,
        folded: str,
        offsets: list[int],
        span: tuple[int, int],
        key: str,
        *,
        country: str | None,
    ) -> PlaceMention | None:
        start, end = span
        state = self._state
        if key in state.stoplist or strip_article(key) in state.stoplist:
            return None
        orig_start, orig_end = offsets[start], offsets[end - 1] + 1
        surface = text[orig_start:orig_end]
        arabic = is_arabic(key)
        if not arabic and not _capitalised(surface):
            return None
        candidates, weak = self._ranked(key, country)
        if not candidates:
            return None
        if not arabic and match_key(_previous_word(text, orig_start)) in state.given_names:
            return None  # "Saad Maan", "Lloyd Austin": part of a person's name
        if _is_short_capitals(surface) and not _near_home(candidates[0]):
            return None  # "MENA", "HOL": acronyms, unless the place is a known focus town
        if (
            not arabic
            and weak
            and (len(key) < _MINOR_MIN_KEY or _inside_longer_name(text, orig_start, orig_end))
        ):
            # "Ruwan Gora", "Ruwan Gizo": a small town's name, or another spelling of a town
            # abroad, inside an unknown longer name is not that town; three-letter small towns
            # ("Sam") are mostly given names and words.
            candidates = tuple(c for c in candidates if c.key not in weak)
            if not candidates:
                return None
        if (
            not arabic
            and _followed_by_name(text, orig_end, state.given_names)
            and not _FACILITY_AFTER.match(text, orig_end)
        ):
            # "Nyaung Kone village": a town's name inside an unknown longer name is that
            # other place, unless the town is a well-known one ("Mosul Dam", "Kabul Bank").
            candidates = tuple(
                c
                for c in candidates
                if c.kind != "place"
                or c.country in _FUZZY_COUNTRIES
                or c.population >= _LONGER_NAME_MIN_POPULATION
            )
            if not candidates:
                return None
        # Extend over a preceding article ("al-Basra"); a capitalised word before the article
        # makes it a person's name ("Muqtada al-Sadr"), not a place.
        article_start = _article_before(folded, start)
        if article_start is not None and not arabic:
            article = folded[article_start : start - 1]
            joiner = text[offsets[start - 1]]
            if article not in ("al", "el") and joiner == " ":
                article_start = None  # "as Iraq", "at Basra": English words, not articles
        if article_start is not None and not arabic:
            prev = _previous_word(text, offsets[article_start])
            if prev and prev[0].isupper() and match_key(prev) not in _SENTENCE_WORDS:
                return None
            orig_start = offsets[article_start]
            surface = text[orig_start:orig_end]
        return PlaceMention(start=orig_start, end=orig_end, surface=surface, candidates=candidates)


_LONGER_NAME_MIN_POPULATION = 100_000
# A facility named after its town ("Bunia Prison", "Goma Airport") still locates the event there.
_FACILITY_AFTER = re.compile(
    r" (?:Prison|Jail|Airport|Air\s+Base|Base|Camp|Stadium|University|School|Hospital|Mosque|"
    r"Church|Bridge|Checkpoint|Square|Street|Road|Market|Dam|Port|Station|Barracks|Junction)\b"
)
# Words that may follow a town's name in title case ("Sima Village") without making it longer.
_PLACE_WORDS = frozenset(
    {"village", "villages", "town", "area", "state", "county", "municipality", "commune",
     "locality", "department", "division", "market", "road", "highway", "district", "province",
     "territory", "lga", "local", "region", "township", "prefecture", "governorate", "tehsil",
     "subdistrict", "sub-district", "zone", "woreda", "cercle", "raion", "city", "camp"}
)  # fmt: skip

# Capitalised words that may precede "al-<Place>" without making it a person's name.
_SENTENCE_WORDS = frozenset(
    {"in", "at", "near", "from", "to", "of", "the", "and", "on", "outside", "inside", "around",
     "into", "between", "across", "north", "south", "east", "west", "central", "western",
     "eastern", "northern", "southern", "downtown", "province", "city", "district", "town"}
)  # fmt: skip


def _word_key(word: str) -> str:
    """``match_key`` of one word, fast for plain ASCII words."""
    if word.isascii():
        return word.lower().replace("'", "")
    return match_key(word)


def _joined_words(text: str, words: Sequence[tuple[int, int]]) -> bool:
    """Whether consecutive words are separated by one space or hyphen only (one name)."""
    return all(text[a[1] : b[0]] in (" ", "-") for a, b in pairwise(words))


def _inside_longer_name(text: str, start: int, end: int) -> bool:
    """Whether a capitalised word joins the span on either side ("Ruwan Gora", "Sima Hotel")."""
    if _title_case(text):
        return False  # a headline: every word is capitalised, so neighbours prove nothing
    before = _previous_word(text, start)
    if (
        before
        and start - len(before) - 1 >= 0
        and text[start - 1] == " "
        and before[0].isupper()
        and match_key(before) not in _SENTENCE_WORDS
        and match_key(before) not in _ARTICLES
    ):
        return True
    if end < len(text) - 1 and text[end] == " " and text[end + 1].isupper():
        following = text[end + 1 :].split(" ", 1)[0].strip(".,;:!?)'’\"")
        key = match_key(following)
        return bool(key) and key not in _LOWER_OK and key not in _PLACE_WORDS
    return False


def _followed_by_name(text: str, end: int, given_names: frozenset[str]) -> bool:
    """Whether a capitalised word that is no place word follows ("Nyaung Kone"); a title or
    given name starting a person's name ("in Beledweyne Major Abdi Nur") does not count."""
    if _title_case(text) or end >= len(text) - 1 or text[end] != " ":
        return False
    if not text[end + 1].isupper():
        return False
    following = text[end + 1 :].split(" ", 1)[0].strip(".,;:!?)'’\"")
    key = match_key(following)
    return bool(key) and key not in _LOWER_OK and key not in _PLACE_WORDS | given_names


@lru_cache(maxsize=256)
def _title_case(text: str) -> bool:
    """Whether most longer words of ``text`` are capitalised (a headline in title case)."""
    words = [w for w in text.split() if len(w) > 3 and w[0].isalpha()]
    return len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.7 * len(words)


def _is_short_capitals(surface: str) -> bool:
    letters = [ch for ch in surface if ch.isalpha()]
    return len(letters) <= 4 and all(ch.isupper() for ch in letters)


def _near_home(entry: GazetteerEntry) -> bool:
    return entry.kind != "place" or entry.country in _FUZZY_COUNTRIES


def _capitalised(surface: str) -> bool:
    """First significant word capitalised; other words capitalised or allowed lower-case."""
    words = [w for w in surface.replace("-", " ").split() if any(ch.isalpha() for ch in w)]
    if not words:
        return False
    significant = [w for w in words if w.lower().strip("'’") not in _ARTICLES]
    if not significant:
        return False
    first = next(ch for ch in significant[0] if ch.isalpha())
    if not first.isupper():
        return False
    for word in significant[1:]:
        letter = next(ch for ch in word if ch.isalpha())
        if not letter.isupper() and word.lower().strip("'’") not in _LOWER_OK:
            return False
    return True


def _article_before(folded: str, start: int) -> int | None:
    """Start of an article right before ``start`` in matching-folded text, if any.

    "al"/"el" may be followed by a space or a hyphen; the assimilated forms (as-, ash-, ad-,
    an-, at-, ...) only count when hyphenated in the original, because "as", "at" and "an"
    are English words. Hyphens are spaces in the folded text, so the caller passes the
    original text's hyphen test.
    """
    for article in _ARTICLES:
        begin = start - len(article) - 1
        if begin < 0 or folded[begin : start - 1] != article or folded[start - 1] != " ":
            continue
        if begin == 0 or not folded[begin - 1].isalnum():
            return begin
    return None


def _previous_word(text: str, index: int) -> str:
    """The word ending right before ``index`` (skipping spaces), or "" if there is none."""
    i = index
    while i > 0 and text[i - 1] == " ":
        i -= 1
    j = i
    while j > 0 and (text[j - 1].isalnum() or text[j - 1] in "'’-"):
        j -= 1
    return text[j:i]


def _word_list(filename: str) -> list[str]:
    """A packaged one-word-per-line list, without comments and blank lines."""
    raw = resources.files("bot.data").joinpath(filename).read_text(encoding="utf-8")
    words = []
    for line in raw.splitlines():
        word = line.split("#", 1)[0].strip()
        if word:
            words.append(word)
    return words


@cache
def _default_gazetteer() -> Gazetteer:
    resource = resources.files("bot.data").joinpath("gazetteer.json.gz")
    with resource.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as handle:
        index = json.load(handle)
    gazetteer = Gazetteer.from_document(index)
    gazetteer._automaton()  # build now so the first article is not slow
    gazetteer._translit_first_tokens()
    return gazetteer
