"""Full-text search helpers: fold text for the index, and turn user text into a safe FTS5 query.

The same :func:`fold_for_search` runs on what is indexed and on what is searched, so Arabic
spelling variants meet: short vowels and tatweel are dropped, alef/yeh/teh-marbuta forms are
unified, Arabic-Indic digits become ASCII, and the article "ال" (with و/ف/ب/ك/ل before it) is
stripped from words long enough to keep a stem. English stemming and Latin accent folding are
done by SQLite's ``porter unicode61 remove_diacritics 2`` tokenizer.

Changing the folding changes index content: a migration must then call
``SqliteStorage.rebuild_search_index()``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence

import aiosqlite

from bot.domain.search import parse_search

MAX_TERMS = 16
MAX_PREFIX_TERMS = 64  # index terms one prefix may expand to
# Term lists of the two FTS indexes (fts5vocab tables in the connection's temp schema).
_VOCABULARIES = (
    ("incidents_fts", "sitrep_incident_terms"),
    ("reports_fts", "sitrep_report_terms"),
)

# Control characters (NUL above all) would cut an FTS5 string short.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_ARABIC_LETTER = "\u0621-\u064a\u066e-\u06d3"
_ARTICLE = re.compile(
    f"(?<![{_ARABIC_LETTER}])(?:وال|فال|بال|كال|لل|ال)(?=[{_ARABIC_LETTER}]{{3,}})"
)
_FOLD = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "ئ": "ي",
        "ی": "ي",  # Persian yeh
        "ؤ": "و",
        "ة": "ه",
        "ک": "ك",  # Persian kaf
        **{chr(0x0660 + d): str(d) for d in range(10)},  # Arabic-Indic digits
        **{chr(0x06F0 + d): str(d) for d in range(10)},  # Extended Arabic-Indic digits
    }
)


def fold_for_search(text: str) -> str:
    """Normalise text for the search index (and for queries against it)."""
    text = unicodedata.normalize("NFKC", text)
    text = _CONTROL.sub(" ", text)
    text = _ARABIC_MARKS.sub("", text)
    text = text.translate(_FOLD)
    return _ARTICLE.sub("", text)


def fts_query(
    text: str,
    max_terms: int = MAX_TERMS,
    expansions: Mapping[str, Sequence[str]] | None = None,
) -> str | None:
    """Turn search text (see ``bot.domain.search``) into an FTS5 query; all terms must match.

    Each term becomes one FTS5 string, so no operator can be smuggled in: a word, a
    ``"quoted phrase"`` (its words together and in order), and a trailing ``*`` for prefix
    search. Unsupported syntax is dropped here (the service refuses it with a message first).

    The porter tokenizer stems a prefix before matching ("bas" becomes "ba", which matches
    "baghdad"), so a prefix found in ``expansions`` (from :func:`fts_match`) is replaced by
    the index terms that really start with it: ``("basra" OR "base")``. Returns None when
    nothing searchable is left.
    """
    terms: list[str] = []
    for term in parse_search(text, strict=False).terms:
        core = fold_for_search(" ".join(term.words))
        if not any(char.isalnum() for char in core):
            continue
        terms.append(_fts_term(core, term.prefix, expansions or {}))
        if len(terms) >= max_terms:
            break
    return " AND ".join(terms) if terms else None


def _quoted(text: str) -> str:
    # Inside an FTS5 string the only special character is '"', escaped by doubling;
    # the tokenizer then splits the string the same way it split the indexed text.
    return '"' + text.replace('"', '""') + '"'


def _fts_term(core: str, prefix: bool, expansions: Mapping[str, Sequence[str]]) -> str:
    if not prefix:
        return _quoted(core)
    head, _, last = core.rpartition(" ")
    found = expansions.get(index_form(last))
    if not found:
        return _quoted(core) + "*"
    lead = head + " " if head else ""
    return "(" + " OR ".join(_quoted(lead + word) for word in found) + ")"


def index_form(word: str) -> str:
    """A word as unicode61 stores it: case-folded, diacritics removed."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def search_prefixes(text: str) -> list[str]:
    """The index forms of the prefixes a search text asks for."""
    found: list[str] = []
    for term in parse_search(text, strict=False).terms:
        if term.prefix:
            last = fold_for_search(term.words[-1]).split()
            if last and index_form(last[-1]) not in found:
                found.append(index_form(last[-1]))
    return found


async def fts_match(conn: aiosqlite.Connection, text: str) -> str | None:
    """:func:`fts_query` with each prefix expanded to the index terms that start with it.

    A prefix with more than ``MAX_PREFIX_TERMS`` terms keeps FTS5's own (stemmed) prefix
    search: broader, but never misses a match.
    """
    expansions: dict[str, list[str]] = {}
    prefixes = search_prefixes(text)
    if prefixes:
        for index, vocab in _VOCABULARIES:
            await conn.execute(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{vocab}"
                f" USING fts5vocab(main, {index}, row)"
            )
    for prefix in prefixes:
        terms: set[str] = set()
        for _index, vocab in _VOCABULARIES:
            cursor = await conn.execute(
                f"SELECT term FROM temp.{vocab} WHERE term >= ? AND term < ? LIMIT ?",
                (prefix, prefix + "\U0010ffff", MAX_PREFIX_TERMS + 1),
            )
            terms.update(str(row[0]) for row in await cursor.fetchall())
        if len(terms) <= MAX_PREFIX_TERMS:
            expansions[prefix] = sorted(terms)
    return fts_query(text, expansions=expansions)
