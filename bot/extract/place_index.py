"""The gazetteer's loaded index: entries, mentions, the column store and the tuning constants.

Shared by ``gazetteer`` (lookups, ranking, the transliteration index) and ``place_names``
(finding names in running text).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import Any, Literal

from bot.domain.enums import GeoPrecision
from bot.domain.models import Location
from bot.extract.lexicon import default_lexicon

__all__ = [
    "CONFLICT_ALTERNATE_NAMES_MIN_POPULATION",
    "CONFLICT_COUNTRIES",
    "EntryKind",
    "GazetteerEntry",
    "PlaceMention",
]

EntryKind = Literal["place", "admin1", "country"]
KIND_RANK = {"place": 0, "admin1": 1, "country": 2}

# Words that may stay lower-case inside a multi-word place name ("Shatt al-Arab district").
ARTICLES = default_lexicon().arabic_articles  # bot/data/arabic_articles.txt
LOWER_OK = frozenset(ARTICLES) | frozenset(
    {
        "of", "the", "de", "la", "le", "du", "des", "del", "da", "di", "bin", "ibn", "bint",
        "wa", "and", "on", "upon", "am", "im", "der", "den", "y", "e", "district", "city",
        "province",
        "governorate", "region", "base", "air", "camp", "mountain", "mountains", "valley",
        "shrine", "airport", "countryside", "plains", "subdistrict",
        # Sun-letter spellings of the Arabic article that stay lower-case inside a name
        # ("Deir ez-Zor", "Ras es-Sider", "Ed-Damer" keeps its capital): allowed inside a name,
        # never stripped as an article (the index keys do not change).
        "ez", "es", "ed", "et", "er", "en", "esh", "ech", "eth",
        # French, Spanish and Portuguese particles ("Port-au-Prince", "Rio Grande do Sul").
        "au", "aux", "sur", "sous", "lès", "do", "dos", "das", "los", "las",
    }
)  # fmt: skip
ARTICLE_WORDS = frozenset(ARTICLES)
# First letters of every name ``strip_article`` can change (Latin articles and Arabic "ال").
ARTICLE_INITIALS = frozenset("aeا")
# Suffixes that ask for a governorate ("Basra province") or a town ("Basra city").
ADMIN1_SUFFIXES = ("governorate", "province", "region", "gov")
PLACE_SUFFIXES = ("city", "town")
MIN_AUTOMATON_KEY = 3
# Fuzzy suggestions: focus countries in full, elsewhere only large places.
FUZZY_COUNTRIES = frozenset({"IQ", "SY", "IR", "TR", "SA", "KW", "JO", "LB"})
FUZZY_MIN_POPULATION = 100_000
FUZZY_CUTOFF = 75.0
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
# Keys of second-level divisions (scripts/gazetteer_admin2.py): "a2:AF.23:arghandab".
ADMIN2_KEY_PREFIX = "a2:"
MINOR_MIN_KEY = 4
# Countries whose names reach English news romanised from Arabic, Kurdish, Persian, Pashto or
# Urdu script, each outlet its own way: their places are also found by transliteration key.
TRANSLIT_COUNTRIES = frozenset(
    {"IQ", "SY", "YE", "LB", "JO", "PS", "IL", "SA", "KW", "LY", "EG", "SD", "TN", "DZ", "MA",
     "MR", "AE", "QA", "BH", "OM", "IR", "AF", "PK",
     # Amharic, Tigrinya and Somali names reach English news in as many spellings
     "ET", "ER", "SO", "SS", "DJ", "TD"}
)  # fmt: skip
TRANSLIT_MIN_LETTERS = 5
# English words that begin a few multi-word names ("The Hague"): never a variant's first word.
ENGLISH_WORDS = frozenset(
    {"the", "and", "for", "may", "new", "old", "upper", "lower", "north", "south", "east",
     "west", "central", "great", "little", "saint", "san", "santa", "los", "las", "les"}
)  # fmt: skip
TRANSLIT_MAX_WORDS = 4
ARTICLE_BEFORE_WORD = re.compile(r"([^\W\d_][\w'’]*)[ -](?:al|el|as|ash|ad|ar|at|az|an)[- ]$")
SURNAME_AFTER = re.compile(r"[ -](?:al|el|as|ash|ad|ar|at|az|an)[- ]\w*[A-Z]")
# The capital first, then the look back past it (the search skips ahead to a capital in C).
CAPITAL_WORD_RE = re.compile(r"[A-ZÀ-ÖØ-ÞĀ-Ž](?<![\w'’].)[\w'’]*")
WORD_RE = re.compile(r"[^\W\d_][\w'’]*")


def words_from(text: str, start: int, count: int) -> list[tuple[int, int]]:
    """Spans of up to ``count`` words (``WORD_RE``) from one starting at ``start`` (after a
    character that cannot be in a word), as ``WORD_RE.finditer(text)`` gives them."""
    spans: list[tuple[int, int]] = []
    match = WORD_RE.match(text, start)
    while match is not None and len(spans) < count:
        spans.append(match.span())
        match = WORD_RE.search(text, match.end())
    return spans


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
    def coarseness(self) -> int:
        """0 for a town or neighbourhood, 1 for a district no town stands for, 2 for a
        governorate, 3 for a country: a town beats the district the clause also names."""
        if self.kind == "place":
            return 1 if self.key.startswith(ADMIN2_KEY_PREFIX) else 0
        return 2 if self.kind == "admin1" else 3

    @property
    def minor(self) -> bool:
        """A small town outside the focus countries: accepted only with corroboration
        (its country named in the article, not part of a longer proper name)."""
        return (
            self.kind == "place"
            and self.population < _MINOR_POPULATION
            and self.country not in FUZZY_COUNTRIES
        )

    def to_location(self, precision: GeoPrecision | None = None) -> Location:
        """A domain ``Location`` for this entry; precision defaults from the kind."""
        if precision is None and self.key.startswith(ADMIN2_KEY_PREFIX):
            precision = GeoPrecision.ADMIN2  # a district no town stands for: its centre
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
class Ref:
    index: int
    primary: bool


@dataclass(slots=True)
class IndexState:
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
    longest_key: int = 0  # of the automaton's keys
    fuzzy_choices: dict[str, str] | None = None
    translit: dict[str, list[int]] | None = None
    translit_first: frozenset[str] | None = None
    # capitalised word -> whether an other-spelling name can start with it (words repeat)
    variant_heads: dict[str, bool] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    # (key, country) -> ranked candidates and the weak ones: names repeat within and across
    # reports, and hostile text repeats one name thousands of times.
    ranked: dict[tuple[str, str | None], tuple[tuple[GazetteerEntry, ...], frozenset[str]]] = (
        field(default_factory=dict)
    )


RANKED_CACHE_SIZE = 20_000
VARIANT_HEADS_SIZE = 50_000
KINDS: dict[str, EntryKind] = {"p": "place", "a": "admin1", "c": "country"}
