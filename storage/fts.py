"""Turn arbitrary user text into a safe FTS5 query (no operator of the user's reaches FTS5)."""

from __future__ import annotations

MAX_TERMS = 16


def fts_query(text: str, max_terms: int = MAX_TERMS) -> str | None:
    """Quote each whitespace-separated word as an FTS5 string; all words must match.

    A trailing ``*`` keeps prefix search (``bomb*``). Chunks without a letter or digit are
    dropped, because an FTS5 string with no tokens in it is not a useful term. Returns None
    when nothing searchable is left.
    """
    terms: list[str] = []
    for chunk in text.split():
        prefix = chunk.endswith("*")
        core = chunk.rstrip("*")
        if not any(char.isalnum() for char in core):
            continue
        # Inside an FTS5 string the only special character is '"', escaped by doubling;
        # the tokenizer then splits the string the same way it split the indexed text.
        term = '"' + core.replace('"', '""') + '"'
        terms.append(term + "*" if prefix else term)
        if len(terms) >= max_terms:
            break
    return " ".join(terms) if terms else None
