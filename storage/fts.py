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

MAX_TERMS = 16

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


def fts_query(text: str, max_terms: int = MAX_TERMS) -> str | None:
    """Quote each whitespace-separated word as an FTS5 string; all words must match.

    A trailing ``*`` keeps prefix search (``bomb*``). Chunks without a letter or digit are
    dropped, because an FTS5 string with no tokens in it is not a useful term. Returns None
    when nothing searchable is left.
    """
    terms: list[str] = []
    for chunk in text.split():
        prefix = chunk.endswith("*")
        core = fold_for_search(chunk.rstrip("*"))
        if not any(char.isalnum() for char in core):
            continue
        # Inside an FTS5 string the only special character is '"', escaped by doubling;
        # the tokenizer then splits the string the same way it split the indexed text.
        term = '"' + core.replace('"', '""') + '"'
        terms.append(term + "*" if prefix else term)
        if len(terms) >= max_terms:
            break
    return " ".join(terms) if terms else None
