"""Keys shared by both backends' local-place tables."""

from __future__ import annotations

import unicodedata


def place_name_key(name: str) -> str:
    """The key that makes a local place's name unique in its country (case, accents and
    spacing do not count; the services fold names further before they get here)."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.replace("-", " ").split())
