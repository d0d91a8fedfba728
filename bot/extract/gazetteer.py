"""Gazetteer: places, governorates and countries by name, in running text, and by fuzzy match.

The index is package data (``bot/data/gazetteer.json.gz``) built by ``scripts/build_gazetteer.py``
from GeoNames (CC BY 4.0) plus hand-checked tables. Loading it does no other I/O.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable, Sequence
from functools import cache, cached_property
from importlib import resources
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from bot.extract.normalize import (
    is_arabic,
    match_key,
    strip_article,
    translit_keys,
)
from bot.extract.place_index import (
    ADMIN1_SUFFIXES,
    CONFLICT_ALTERNATE_NAMES_MIN_POPULATION,
    CONFLICT_COUNTRIES,
    FUZZY_COUNTRIES,
    FUZZY_CUTOFF,
    FUZZY_MIN_POPULATION,
    KIND_RANK,
    KINDS,
    MIN_AUTOMATON_KEY,
    PLACE_SUFFIXES,
    RANKED_CACHE_SIZE,
    TRANSLIT_COUNTRIES,
    TRANSLIT_MIN_LETTERS,
    GazetteerEntry,
    IndexState,
    PlaceMention,
    Ref,
)
from bot.extract.place_names import RunningText

__all__ = [
    "CONFLICT_ALTERNATE_NAMES_MIN_POPULATION",
    "CONFLICT_COUNTRIES",
    "Gazetteer",
    "GazetteerEntry",
    "PlaceMention",
]


class Gazetteer(RunningText):
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
        self._state = IndexState(
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
            name_index=dict(zip(name_keys, range(len(name_keys)), strict=True)),
            counts=counts,
            starts=starts,
            refs=index["refs"],
            by_key=dict(zip(keys, range(len(keys)), strict=True)),
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
            self._state.translit = _stored_translit(stored)

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
            if head and suffix in ADMIN1_SUFFIXES:
                refs, kind_filter = self._refs_for(head), "admin1"
            elif head and suffix in PLACE_SUFFIXES:
                refs, kind_filter = self._refs_for(head), "place"
        if not refs:
            indices = self._translit_refs(key)
            refs = [Ref(index, True) for index in indices]
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
            key, choices, scorer=fuzz.ratio, limit=limit * 8, score_cutoff=FUZZY_CUTOFF
        )
        ranked: list[tuple[float, int, GazetteerEntry]] = []
        for choice, score, _ in scored:
            refs = self._refs_exact(choice)
            for entry in self._rank(refs):
                weight = self._state.rank_pop[self._state.by_key[entry.key]]
                # Round scores so near-equal spellings are ordered by importance.
                ranked.append((round(score / 5), weight, entry))
        ranked.sort(key=lambda item: (-item[0], -item[1], KIND_RANK[item[2].kind], item[2].key))
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

    def _entry(self, index: int) -> GazetteerEntry:
        state = self._state
        entry = state.entries[index]
        if entry is None:
            admin1_key = state.admin1_col[index] or None
            tz = state.tz_col[index]
            entry = GazetteerEntry(
                key=state.keys[index],
                kind=KINDS[state.kinds[index]],
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

    def _refs_exact(self, key: str) -> list[Ref]:
        state = self._state
        position = state.name_index.get(key)
        if position is None:
            return []
        start = state.starts[position]
        return [
            Ref(ref >> 1, bool(ref & 1))
            for ref in state.refs[start : start + state.counts[position]]
        ]

    def _refs_for(self, key: str) -> list[Ref]:
        refs = self._refs_exact(key)
        stripped = strip_article(key)
        if stripped != key:
            seen = {ref.index for ref in refs}
            refs.extend(r for r in self._refs_exact(stripped) if r.index not in seen)
        return refs

    def _rank(self, refs: Sequence[Ref], *, country: str | None = None) -> list[GazetteerEntry]:
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
                KIND_RANK[KINDS[state.kinds[index]]],
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
            if len(cache) >= RANKED_CACHE_SIZE:
                cache.clear()  # a crude bound: real reports use a few hundred names
            cache[(key, country)] = found
        return found

    def _weak(self, candidates: Sequence[GazetteerEntry], refs: Sequence[Ref]) -> set[str]:
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
                and c.country not in FUZZY_COUNTRIES
                and by_key[c.key] not in primary
            )
        }

    def _translit_refs(self, key: str) -> list[int]:
        """Entries (focus-country places, governorates, countries) sharing a transliteration
        key with ``key``; empty for short names, which vary too little to tell apart."""
        if sum(ch.isalpha() for ch in key) < TRANSLIT_MIN_LETTERS:
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
            if len(name) < TRANSLIT_MIN_LETTERS or 1 not in usable_ref[start:end]:
                continue
            stripped = strip_article(name)
            if len(stripped.replace(" ", "")) < TRANSLIT_MIN_LETTERS:
                continue  # "Al Na": too short to tell spellings apart
            usable = [refs[k] >> 1 for k in range(start, end) if usable_ref[k]]
            for variant in translit_keys(stripped):
                if variant in blocked:
                    continue
                bucket = index.setdefault(variant, [])
                bucket.extend(i for i in usable if i not in bucket)
        return index

    def _fuzzy_choices(self) -> dict[str, str]:
        state = self._state
        if state.fuzzy_choices is None:
            with state.lock:
                if state.fuzzy_choices is None:
                    eligible = [
                        state.kinds[i] != "p"
                        or state.countries[2 * i : 2 * i + 2] in FUZZY_COUNTRIES
                        or state.population[i] >= FUZZY_MIN_POPULATION
                        for i in range(len(state.keys))
                    ]
                    refs, starts, counts = state.refs, state.starts, state.counts
                    choices: dict[str, str] = {}
                    for key, position in state.name_index.items():
                        if len(key) < MIN_AUTOMATON_KEY or is_arabic(key):
                            continue
                        start = starts[position]
                        if any(eligible[r >> 1] for r in refs[start : start + counts[position]]):
                            choices[key] = key
                    state.fuzzy_choices = choices
        return state.fuzzy_choices


def _stored_translit(stored: dict[str, Any]) -> dict[str, list[int]]:
    """The transliteration index as the build script stored it (keys, counts, refs)."""
    position = 0
    translit: dict[str, list[int]] = {}
    refs_col: list[int] = stored["refs"]
    for key, count in zip(stored["keys"].split("\n"), stored["counts"], strict=True):
        translit[key] = refs_col[position : position + count]
        position += count
    return translit


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
    with resource.open("rb") as raw:  # one read and one decompress: faster than a stream
        index = json.loads(gzip.decompress(raw.read()))
    gazetteer = Gazetteer.from_document(index)
    gazetteer._automaton()  # build now so the first article is not slow
    gazetteer._translit_first_tokens()
    return gazetteer
