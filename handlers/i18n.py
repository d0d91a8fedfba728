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

import datetime as dt
import gettext
import re
import unicodedata
from functools import cache, lru_cache
from pathlib import Path

from babel import dates as babel_dates

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


# ---- right-to-left text ------------------------------------------------------------------
# Telegram clients take a message's direction from its first strong character, so an Arabic
# line that opens with a Latin name is laid out left to right; a leading RLM fixes that.
# Latin names and mixed tokens are wrapped in first-strong isolates (FSI ... PDI) so digits
# next to them do not join their run (research/round2.md section 4, UAX #9).
RLM = "\u200f"
LRM = "\u200e"
FSI = "\u2068"
PDI = "\u2069"
_RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur"})
_TAG_OR_ENTITY = re.compile(r"<[^<>]*>|&(?:#\d{1,7}|#x[0-9a-fA-F]{1,6}|[A-Za-z]{1,31});")
_COMMAND = re.compile(r"(?<![\w\u200e/<:.>])/(?=[a-z])")
_CODE_COMMAND = re.compile(r"(?<!\u200e)<code>(?=/[a-z])")
# Babel's CLDR data for Iraq: Levantine/Iraqi month names (كانون الثاني، شباط ...), the ones
# Iraqi outlets print; Egyptian/Gulf readers know them too. Digits stay Western (0-9): CLDR
# notes ASCII digits are widely used, they keep ranges and times in order next to Latin names
# (bidi class EN, not AN) and every parser in Sitrep reads both.
_BABEL_LOCALES = {"ar": "ar_IQ", "en": "en"}


def is_rtl(language: str | None) -> bool:
    """True for a right-to-left interface language."""
    return normalize_language(language) in _RTL_LANGUAGES


def isolate(language: str | None, text: str) -> str:
    """``text`` (a name, a code, a number with letters) isolated from the Arabic around it.

    Only in a right-to-left language and only when ``text`` has Latin letters or digits;
    Arabic text and English interfaces are left alone.
    """
    if not is_rtl(language) or not text or text.startswith(FSI):
        return text
    if not any(ch.isascii() and ch.isalnum() for ch in text):
        return text
    return f"{FSI}{text}{PDI}"


def _first_strong(line: str) -> str | None:
    """ "L" or "R" for the first strong character outside tags, else None.

    Inside isolates too: UAX #9 skips them when it picks a paragraph's direction, but a
    Telegram client may not, so a line opening with an isolated Latin name gets its RLM.
    """
    visible = _TAG_OR_ENTITY.sub("", line)
    for char in visible:
        kind = unicodedata.bidirectional(char)
        if kind == "L":
            return "L"
        if kind in ("R", "AL"):
            return "R"
    return None


def rtl(language: str | None, text: str) -> str:
    """In a right-to-left language, start with RLM each line not already starting right to left.

    Applied once to a finished message (HTML is untouched: RLM is a plain character).
    """
    if not is_rtl(language):
        return text
    # A command's slash is a neutral character: in right-to-left text it would drift to the
    # far side of the word ("help/"); a left-to-right mark keeps it with the command. In a
    # code span the mark goes before the span, so a tap copies the command without it.
    text = _CODE_COMMAND.sub(LRM + "<code>", _COMMAND.sub(LRM + "/", text))
    lines = text.split("\n")
    return "\n".join(
        line
        if not line.strip() or line.startswith(RLM) or _first_strong(line) == "R"
        else RLM + line
        for line in lines
    )


# ---- dates -------------------------------------------------------------------------------


def babel_locale(language: str | None) -> str:
    """The CLDR locale Sitrep formats dates with for ``language``."""
    return _BABEL_LOCALES.get(normalize_language(language), "en")


def format_day(language: str | None, day: dt.date, pattern: str = "d MMM y") -> str:
    """A date in the language's month names ("3 Jan 2026", "3 كانون الثاني 2026")."""
    return _format_day(babel_locale(language), day, pattern)


@lru_cache(maxsize=4096)
def _format_day(locale: str, day: dt.date, pattern: str) -> str:
    # Cached: a digest or a page repeats the same few days, and CLDR formatting is not cheap.
    return babel_dates.format_date(day, pattern, locale=locale)


def format_moment(language: str | None, moment: dt.datetime, pattern: str = "d MMM HH:mm") -> str:
    """A date and time (already in the zone the reader wants) with the language's month names."""
    return babel_dates.format_datetime(
        moment, pattern, tzinfo=moment.tzinfo, locale=babel_locale(language)
    )


def join_names(language: str | None, names: list[str]) -> str:
    """Names joined with the language's comma ("A, B" or "A، B")."""
    return ("، " if normalize_language(language) == "ar" else ", ").join(names)
