"""Places admins taught Sitrep, on top of the packaged gazetteer; and where coordinates lie.

``LocalGazetteer`` is a ``Gazetteer`` over the same loaded index (shared, not copied) plus a
small automaton of the local names. A local name found in running text is offered like an
"other spelling" mention: it never votes for its country, and it is kept only when the article
is about that country (a local place in Iraq never places an article about Syria). Building
one costs a few microseconds per local name, so the set can be rebuilt whenever it changes.

``PlaceLocator`` answers "which country and governorate is this point in" from the nearest
gazetteer towns (a one-degree grid built on first use).
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import ahocorasick
from rapidfuzz import fuzz

from bot.extract.gazetteer import Gazetteer
from bot.extract.normalize import fold_with_offsets, is_arabic, match_key, strip_article
from bot.extract.place_index import FUZZY_CUTOFF, GazetteerEntry, PlaceMention
from bot.extract.word_hits import whole_word_hits as _hits

__all__ = ["BIG_NAMESAKE_POPULATION", "LocalGazetteer", "LocalName", "Nearby", "PlaceLocator"]

# A learned place never outranks a namesake this big in its country ("Basra" stays the city).
BIG_NAMESAKE_POPULATION = 100_000
# A bare name shorter than this (after its article) is too likely a word to match on its own.
_MIN_STRIPPED_KEY = 4
_EARTH_KM = 6371.0


@dataclass(frozen=True, slots=True)
class LocalName:
    """One local place as the extractor needs it (the domain model lives in bot.domain)."""

    key: str  # "local:12"
    name: str
    aliases: tuple[str, ...]
    lat: float
    lon: float
    country: str
    admin1: str | None
    admin1_code: str | None


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    half = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * _EARTH_KM * math.asin(min(1.0, math.sqrt(half)))


class LocalGazetteer(Gazetteer):
    """The packaged gazetteer plus local places (found inside their own country only)."""

    def __init__(self, base: Gazetteer, places: Iterable[LocalName]) -> None:
        """Share ``base``'s loaded index; index the local names (no file is read)."""
        base = base.base if isinstance(base, LocalGazetteer) else base
        self._base = base
        self._state = base._state
        self._local: dict[str, GazetteerEntry] = {}
        self._by_key: dict[str, list[GazetteerEntry]] = {}
        for place in places:
            entry = self._entry_for(place)
            self._local[entry.key] = entry
            for name in (place.name, *place.aliases):
                for key in _keys(name):
                    bucket = self._by_key.setdefault(key, [])
                    if entry not in bucket:
                        bucket.append(entry)
        self._local_automaton: Any = None
        if self._by_key:
            automaton = ahocorasick.Automaton()
            for key in self._by_key:
                automaton.add_word(key, key)
            automaton.make_automaton()
            self._local_automaton = automaton

    @property
    def base(self) -> Gazetteer:
        """The packaged gazetteer underneath."""
        return self._base

    @property
    def local_entries(self) -> list[GazetteerEntry]:
        """The local places' entries."""
        return list(self._local.values())

    def _entry_for(self, place: LocalName) -> GazetteerEntry:
        region = self._base.get(place.admin1_code) if place.admin1_code else None
        country = self._base.get(place.country)
        timezone = (region.timezone if region else None) or (country.timezone if country else None)
        return GazetteerEntry(
            key=place.key,
            kind="place",
            name=place.name,
            country=place.country,
            admin1=place.admin1,
            admin1_code=place.admin1_code,
            lat=place.lat,
            lon=place.lon,
            population=0,
            timezone=timezone,
            parent_key=None,
        )

    # ------------------------------------------------------------------ queries
    def get(self, key: str) -> GazetteerEntry | None:
        """A local entry by its key ("local:12"), else the packaged gazetteer's."""
        local = self._local.get(key)
        return local if local is not None else self._base.get(key)

    def __len__(self) -> int:
        """Packaged entries plus local ones."""
        return len(self._base) + len(self._local)

    def lookup(self, name: str, *, country: str | None = None) -> list[GazetteerEntry]:
        """Local places of that name first (within ``country`` when given), then the rest."""
        found = self._base.lookup(name, country=country)
        local = self._local_named(name)
        if not local:
            return found
        prior = country.upper() if country else None
        first = [e for e in local if prior is None or e.country == prior]
        later = [e for e in local if e not in first]
        return [*first, *found, *later]

    def _local_named(self, name: str) -> list[GazetteerEntry]:
        found: list[GazetteerEntry] = []
        for key in _keys(name):
            for entry in self._by_key.get(key, ()):
                if entry not in found:
                    found.append(entry)
        return found

    def suggest(self, name: str, limit: int = 5) -> list[GazetteerEntry]:
        """Close local names first, then the packaged gazetteer's suggestions."""
        key = match_key(name)
        close: list[GazetteerEntry] = []
        if key:
            for local_key, entries in self._by_key.items():
                if fuzz.ratio(key, local_key) >= FUZZY_CUTOFF:
                    close.extend(e for e in entries if e not in close)
        rest = [e for e in self._base.suggest(name, limit) if e not in close]
        return [*close, *rest][:limit]

    def children(self, key: str) -> list[GazetteerEntry]:
        """A city's neighbourhoods (local places have none)."""
        return self._base.children(key)

    def find_mentions(
        self,
        text: str,
        *,
        country: str | None = None,
        matching: tuple[str, list[int]] | None = None,
    ) -> list[PlaceMention]:
        """The packaged gazetteer's mentions with the local names merged in.

        A local name of the same span as a packaged one adds its place as a later candidate;
        a local name longer than the packaged ones inside it replaces them ("Tell Foo" over
        "Foo"). Alone, a local name is an other-spelling mention: kept only in an article
        about its country.
        """
        matching = matching or fold_with_offsets(text, for_matching=True)
        mentions = self._base_mentions(text, country, matching)
        if self._local_automaton is None or not text:
            return mentions
        for local in self._local_mentions(text, matching):
            mentions = _merge(mentions, local)
        return mentions

    def _base_mentions(
        self, text: str, country: str | None, matching: tuple[str, list[int]]
    ) -> list[PlaceMention]:
        return Gazetteer.find_mentions(self, text, country=country, matching=matching)

    def _local_mentions(self, text: str, matching: tuple[str, list[int]]) -> list[PlaceMention]:
        folded, offsets = matching
        found: list[PlaceMention] = []
        cursor = 0
        for start, end, key in _hits(self._local_automaton, folded):
            if start < cursor:
                continue
            orig_start, orig_end = offsets[start], offsets[end - 1] + 1
            surface = text[orig_start:orig_end]
            if not is_arabic(key) and not _capitalised(surface):
                continue  # "tell" in lower case is a verb, not Tell Foo
            candidates = tuple(self._by_key[key])
            found.append(PlaceMention(orig_start, orig_end, surface, candidates, variant=True))
            cursor = end
        return found


def _keys(name: str) -> list[str]:
    """The index keys of a local name: the folded name, and without its article."""
    key = match_key(name)
    if not key:
        return []
    keys = [key]
    stripped = strip_article(key)
    if stripped != key and len(stripped.replace(" ", "")) >= _MIN_STRIPPED_KEY:
        keys.append(stripped)
    return keys


def _capitalised(surface: str) -> bool:
    """The first letter of the first word that is not an article is a capital."""
    for word in surface.replace("-", " ").split():
        letters = [ch for ch in word if ch.isalpha()]
        if not letters:
            continue
        if word.lower() in {"al", "el", "ad", "ar", "as", "ash", "at", "az", "an"}:
            continue
        return letters[0].isupper()
    return False


def _merge(mentions: list[PlaceMention], local: PlaceMention) -> list[PlaceMention]:
    """``mentions`` with one local mention merged in (see ``find_mentions``)."""
    overlapping = [m for m in mentions if m.start < local.end and local.start < m.end]
    if not overlapping:
        return sorted([*mentions, local], key=lambda m: m.start)
    same = [m for m in overlapping if (m.start, m.end) == (local.start, local.end)]
    if same:
        # The gazetteer's namesake in the local place's own country is the one the admin
        # corrected: the local place goes before it, unless that namesake is a big town.
        # Namesakes elsewhere keep their rank.
        mention = same[0]
        extra = tuple(c for c in local.candidates if c not in mention.candidates)
        countries = {
            c.country for c in mention.candidates if c.population < BIG_NAMESAKE_POPULATION
        }
        big = {c.country for c in mention.candidates if c.population >= BIG_NAMESAKE_POPULATION}
        first = tuple(c for c in extra if c.country in countries and c.country not in big)
        later = tuple(c for c in extra if c not in first)
        merged = PlaceMention(
            mention.start,
            mention.end,
            mention.surface,
            (*first, *mention.candidates, *later),
            mention.variant,
        )
        return [merged if m is mention else m for m in mentions]
    if all(local.start <= m.start and m.end <= local.end for m in overlapping):
        kept = [m for m in mentions if m not in overlapping]
        return sorted([*kept, local], key=lambda m: m.start)
    return mentions  # a longer packaged name wins ("Basra Tell" is not "Tell")


# ---------------------------------------------------------------------- where a point lies


@dataclass(frozen=True, slots=True)
class Nearby:
    """A gazetteer town near a point, and how far it is."""

    entry: GazetteerEntry
    km: float


class PlaceLocator:
    """The nearest gazetteer towns to a point: its likely country and governorate."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        """Index ``gazetteer``'s towns on a one-degree grid (built on first use)."""
        self._gazetteer = gazetteer.base if isinstance(gazetteer, LocalGazetteer) else gazetteer
        self._grid: dict[tuple[int, int], list[int]] | None = None
        self._lock = threading.Lock()

    def _cells(self) -> dict[tuple[int, int], list[int]]:
        if self._grid is None:
            with self._lock:
                if self._grid is None:
                    state = self._gazetteer._state
                    grid: dict[tuple[int, int], list[int]] = {}
                    for i, kind in enumerate(state.kinds):
                        if kind == "p":
                            cell = (math.floor(state.lat[i]), math.floor(state.lon[i]))
                            grid.setdefault(cell, []).append(i)
                    self._grid = grid
        return self._grid

    def nearest(self, lat: float, lon: float, *, within_km: float, limit: int = 8) -> list[Nearby]:
        """Up to ``limit`` towns within ``within_km`` of the point, nearest first."""
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            return []
        grid = self._cells()
        state = self._gazetteer._state
        lat_cells = math.ceil(within_km / 111.0)
        shrink = max(math.cos(math.radians(min(abs(lat) + lat_cells, 89.0))), 0.01)
        lon_cells = min(180, math.ceil(within_km / (111.0 * shrink)))
        row, col = math.floor(lat), math.floor(lon)
        found: list[tuple[float, int]] = []
        for dlat in range(-lat_cells, lat_cells + 1):
            for dlon in range(-lon_cells, lon_cells + 1):
                cell_col = (col + dlon + 180) % 360 - 180
                for i in grid.get((row + dlat, cell_col), ()):
                    km = distance_km(lat, lon, state.lat[i], state.lon[i])
                    if km <= within_km:
                        found.append((km, i))
        found.sort()
        return [Nearby(self._gazetteer._entry(i), km) for km, i in found[:limit]]

    def is_common_word(self, name: str) -> bool:
        """A word running text uses for other things ("Market", "Said"): never a name alone."""
        key = match_key(name)
        state = self._gazetteer._state
        return key in state.stoplist or key in state.given_names

    def country_entry(self, code: str) -> GazetteerEntry | None:
        """The gazetteer's entry of a country code ("IQ"), or None."""
        entry = self._gazetteer.get(code.upper())
        return entry if entry is not None and entry.kind == "country" else None

    def admin1_entries(self, name: str, country: str) -> Sequence[GazetteerEntry]:
        """Governorates of ``country`` called ``name`` (or with that code)."""
        by_code = self._gazetteer.get(name.upper())
        if by_code is not None and by_code.kind == "admin1" and by_code.country == country:
            return [by_code]
        return [
            e
            for e in self._gazetteer.lookup(name, country=country)
            if e.kind == "admin1" and e.country == country
        ]
