"""Translated interface text: gettext catalogues, one translation object per language.

Every user-facing string in ``handlers`` goes through :func:`t` (or :func:`tn` for counts)
with the chat's language first and the English text as a literal second argument, so
``pybabel extract`` (keywords ``t:2`` and ``tn:2,3``) finds it::

    t(chat.language, "No incidents in {place}.", place=esc(name))
    tn(chat.language, "{n} incident", "{n} incidents", count, n=count)

Placeholders are filled with ``str.format`` after translation; values that reach HTML
must be escaped by the caller first. Never call ``gettext.install``: its global ``_``
would be shared by every concurrent chat.
"""

from __future__ import annotations

import gettext
from functools import cache
from pathlib import Path

DOMAIN = "sitrep"
LOCALE_DIR = Path(__file__).with_name("locale")
DEFAULT_LANGUAGE = "en"


def normalize_language(code: str | None) -> str:
    """``"ar-IQ"`` -> ``"ar"``; anything missing or unsupported -> the default language."""
    if not code:
        return DEFAULT_LANGUAGE
    base = code.replace("_", "-").split("-", 1)[0].strip().lower()
    return base if base in supported_languages() else DEFAULT_LANGUAGE


@cache
def supported_languages() -> tuple[str, ...]:
    """English plus every language with a compiled catalogue under ``handlers/locale``."""
    found = sorted(
        path.parent.parent.name for path in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.mo")
    )
    return (DEFAULT_LANGUAGE, *(code for code in found if code != DEFAULT_LANGUAGE))


@cache
def translations(language: str) -> gettext.NullTranslations:
    """The catalogue for ``language`` (English text passes through unchanged)."""
    return gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[language], fallback=True)


def t(language: str | None, message: str, /, **values: object) -> str:
    """``message`` in ``language``, with ``{placeholders}`` filled from ``values``."""
    text = translations(normalize_language(language)).gettext(message)
    return text.format(**values) if values else text


def tn(language: str | None, singular: str, plural: str, count: int, /, **values: object) -> str:
    """The singular or plural form for ``count`` in ``language`` (Arabic has six forms)."""
    text = translations(normalize_language(language)).ngettext(singular, plural, count)
    return text.format(**values) if values else text
