"""Turn user search text into a safe ``tsquery``; the syntax is ``bot.domain.search``'s.

Every term must match: a word, a ``"quoted phrase"`` (its words together and in order, ``<->``)
or a trailing ``*`` for a prefix (``:*``). The same folding (``storage.fts.fold_for_search``)
runs on indexed and searched text, so Arabic spelling variants meet. A word or phrase matches
when either the ``english`` configuration (stemmed: "bombs" finds "bomb") or the ``simple``
one (unstemmed: Arabic, names) does; a phrase with a stop word in it matches as written. A
prefix uses ``simple`` only: ``english`` would stem the prefix first ("bas" becomes "ba",
which starts "baghdad"), while ``simple`` holds every word as written, so ``Bas*`` finds
exactly the words that start with "bas". Words travel as parameters, never in the SQL text.
"""

from __future__ import annotations

import unicodedata

from bot.domain.search import parse_search
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
    """Each term's folded words (space-separated) with its prefix flag, in the text's order.

    Unsupported syntax is dropped here (the service refuses it with a message first); terms
    without a letter or digit go.
    """
    terms: list[tuple[str, bool]] = []
    for term in parse_search(text, strict=False).terms:
        core = " ".join(_runs(fold_text(" ".join(term.words))))
        if not core:
            continue
        terms.append((core, term.prefix))
        if len(terms) >= max_terms:
            break
    return terms


def _runs(text: str) -> list[str]:
    """The alphanumeric runs of ``text`` (what the index holds as separate words)."""
    return "".join(char if char.isalnum() else " " for char in text).split()


def prefix_tsquery_text(words: str) -> str:
    """``to_tsquery`` input for a term whose last word is a prefix: ``'car' <-> 'bo':*``.

    Every run is quoted; runs hold letters and digits only, so no quote or operator can
    reach the query parser from the user's text.
    """
    quoted = ["'" + run.replace("'", "''") + "'" for run in _runs(words)]
    return " <-> ".join(quoted) + ":*"


def _phrase_sql(mark: str) -> str:
    """A word or phrase: its words together and in order (``phraseto_tsquery`` joins them with
    ``<->``), stemmed by ``english`` or as written by ``simple``.

    ``english`` drops stop words, which would loosen a phrase ("in a car" would become just
    "car"), so a term with a stop word in it matches as written only.
    """
    english = f"phraseto_tsquery('english', {mark})"
    simple = f"phraseto_tsquery('simple', {mark})"
    return (
        f"(CASE WHEN numnode({english}) = numnode({simple}) "
        f"THEN {english} || {simple} ELSE {simple} END)"
    )


def tsquery_sql(text: str, params: Params) -> str | None:
    """A ``SELECT <tsquery>`` for ``text`` (its words added to ``params``), or None if empty."""
    parts: list[str] = []
    for words, prefix in search_terms(text):
        if prefix:
            mark = params.add(prefix_tsquery_text(words))
            parts.append(f"to_tsquery('simple', {mark})")
        else:
            mark = params.add(words)
            parts.append(_phrase_sql(mark))
    if not parts:
        return None
    return "SELECT " + " && ".join(parts)
