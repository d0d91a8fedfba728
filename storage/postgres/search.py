"""Turn user text into a safe ``tsquery``: every word must match, in English or as written.

The same folding (``storage.fts.fold_for_search``) runs on indexed and searched text, so Arabic
spelling variants meet. Each word matches when either the ``english`` configuration (stemmed:
"bombs" finds "bomb") or the ``simple`` one (unstemmed: Arabic, names) matches it; a trailing
``*`` asks for a prefix. Words travel as parameters, never inside the SQL text.
"""

from __future__ import annotations

import unicodedata

from storage.fts import MAX_TERMS, fold_for_search
from storage.postgres.values import Params


def fold_text(text: str) -> str:
    """``fold_for_search`` plus Latin accent folding ("Mosul" finds "Mōsul").

    SQLite's tokenizer removes diacritics itself; PostgreSQL's parser does not, and ``unaccent``
    cannot feed a generated column, so accents go here, on both indexed and searched text.
    """
    folded = fold_for_search(text)
    if folded.isascii():
        return folded
    decomposed = unicodedata.normalize("NFKD", folded)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", stripped)


def search_terms(text: str, max_terms: int = MAX_TERMS) -> list[tuple[str, bool]]:
    """Folded words of ``text`` with their prefix flag; chunks without letters or digits go."""
    terms: list[tuple[str, bool]] = []
    for chunk in text.split():
        prefix = chunk.endswith("*")
        core = fold_text(chunk.rstrip("*"))
        if not any(char.isalnum() for char in core):
            continue
        terms.append((core, prefix))
        if len(terms) >= max_terms:
            break
    return terms


def _prefix_lexemes(word: str) -> str:
    """``to_tsquery`` input for a prefix search: every alphanumeric run quoted, each a prefix."""
    runs = "".join(char if char.isalnum() else " " for char in word).split()
    return " & ".join("'" + run.replace("'", "''") + "':*" for run in runs)


def tsquery_sql(text: str, params: Params) -> str | None:
    """A ``SELECT <tsquery>`` for ``text`` (its words added to ``params``), or None if empty."""
    parts: list[str] = []
    for word, prefix in search_terms(text):
        if prefix:
            mark = params.add(_prefix_lexemes(word))
            parts.append(f"(to_tsquery('english', {mark}) || to_tsquery('simple', {mark}))")
        else:
            mark = params.add(word)
            parts.append(
                f"(plainto_tsquery('english', {mark}) || plainto_tsquery('simple', {mark}))"
            )
    if not parts:
        return None
    return "SELECT " + " && ".join(parts)
