"""Text folding for matching: accents, case, punctuation variants, Arabic letters, articles."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from bot.extract.lexicon import default_lexicon

__all__ = [
    "ARABIC_ARTICLES",
    "arabic_prefix_ok",
    "fold",
    "fold_with_offsets",
    "match_key",
    "split_sentences",
    "strip_article",
    "without_admin1_word",
]

# Hyphen-like characters (incl. minus sign and Arabic-script dashes) that mean "-".
_HYPHENS = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d\u00ad\u2043"
# Apostrophe/quote-like characters, incl. transliteration marks for ayn and hamza.
_APOSTROPHES = (
    "\u2018\u2019\u201a\u201b\u2032\u2035\u02bc\u02bb\u02bd\u02be\u02bf\u0060\u00b4\uff07"
)
_DOUBLE_QUOTES = "\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb\uff02"

# Arabic letters folded to one form so spellings with and without hamza etc. meet.
_ARABIC_MAP = {
    "\u0623": "\u0627",  # alef with hamza above -> alef
    "\u0625": "\u0627",  # alef with hamza below -> alef
    "\u0622": "\u0627",  # alef with madda -> alef
    "\u0671": "\u0627",  # alef wasla -> alef
    "\u0629": "\u0647",  # teh marbuta -> heh
    "\u0649": "\u064a",  # alef maksura -> yeh
    "\u06cc": "\u064a",  # Farsi yeh -> Arabic yeh
    "\u06a9": "\u0643",  # keheh -> kaf
    "\u0624": "\u0648",  # waw with hamza -> waw
    "\u0626": "\u064a",  # yeh with hamza -> yeh
    "\u0640": "",  # tatweel (kashida) carries no meaning
}


def _is_arabic_mark(char: str) -> bool:
    code = ord(char)
    # Tashkeel (harakat, tanwin, shadda, sukun), superscript alef, Quranic marks.
    return 0x064B <= code <= 0x065F or code == 0x0670 or 0x06D6 <= code <= 0x06ED


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    """Fold one character to zero or more characters (whitespace handled by the caller)."""
    if char in _HYPHENS:
        return "-"
    if char in _APOSTROPHES:
        return "'"
    if char in _DOUBLE_QUOTES:
        return '"'
    if char in _ARABIC_MAP:
        return _ARABIC_MAP[char]
    if _is_arabic_mark(char):
        return ""
    if char.isascii():
        return char.lower()
    out = []
    for part in unicodedata.normalize("NFKD", char):
        if unicodedata.combining(part) or _is_arabic_mark(part):
            continue
        mapped = _ARABIC_MAP.get(part, part)
        out.append(mapped.casefold())
    folded = "".join(out)
    # Characters such as "ı" or "ø" have no decomposition; map the common ones by hand.
    return folded.translate(_EXTRA)


_EXTRA = str.maketrans({"ı": "i", "ø": "o", "đ": "d", "ł": "l", "ħ": "h", "þ": "th", "æ": "ae"})


def fold_with_offsets(text: str, *, for_matching: bool = False) -> tuple[str, list[int]]:
    """Fold ``text`` and return, for every folded character, the index of its source character.

    The offsets list has one extra trailing element, ``len(text)``, so a folded span
    ``[i, j)`` maps back to ``[offsets[i], offsets[j - 1] + 1)`` in the original.
    Runs of whitespace become one space. With ``for_matching`` hyphens also become spaces and
    apostrophes inside words are dropped ("Asa'ib" -> "asaib", "'Amarah" -> "amarah"), except
    a possessive "'s" ("Basra's" keeps its apostrophe so "basra" still ends on a boundary).
    """
    table, known = (_MATCH_TABLE, _MATCH_KNOWN) if for_matching else (_FOLD_TABLE, _FOLD_KNOWN)
    # ASCII is in the tables from the start; other characters are added on first sight.
    for char in () if text.isascii() else set(text).difference(known):
        folded = " " if char.isspace() else _fold_char(char)
        if for_matching and folded == "-":
            folded = " "
        if len(folded) != 1:
            # Expands or vanishes (ligatures, Arabic marks): offsets need the slow path.
            return _fold_slow(text, for_matching=for_matching)
        table[ord(char)] = folded
        known.add(char)
    translated = text.translate(table)
    removed = (
        [m.start() for m in _REPEATED_SPACE.finditer(translated)] if "  " in translated else []
    )
    if for_matching and "'" in translated:
        removed.extend(
            m.start()
            for m in _APOSTROPHE.finditer(translated)
            if _drop_apostrophe(text, m.start())
        )
    if not removed:
        return translated, list(range(len(text) + 1))
    # Copy the kept stretches between removed characters (C-speed slices and ranges).
    parts: list[str] = []
    offsets: list[int] = []
    previous = 0
    for index in sorted(removed):
        parts.append(translated[previous:index])
        offsets.extend(range(previous, index))
        previous = index + 1
    parts.append(translated[previous:])
    offsets.extend(range(previous, len(text) + 1))
    return "".join(parts), offsets


# Per-character fold results that are exactly one character, filled on first use, and the
# characters each table holds.
_FOLD_TABLE: dict[int, str] = {}
_MATCH_TABLE: dict[int, str] = {}
_FOLD_KNOWN: set[str] = set()
_MATCH_KNOWN: set[str] = set()
_REPEATED_SPACE = re.compile(r"(?<= ) ")
_APOSTROPHE = re.compile("'")


def _fill_ascii() -> None:
    """Put every ASCII character in both tables (each folds to exactly one character)."""
    for code in range(128):
        char = chr(code)
        folded = " " if char.isspace() else _fold_char(char)
        _FOLD_TABLE[code] = folded
        _MATCH_TABLE[code] = " " if folded == "-" else folded
        _FOLD_KNOWN.add(char)
        _MATCH_KNOWN.add(char)


_fill_ascii()


def _fold_slow(text: str, *, for_matching: bool) -> tuple[str, list[int]]:
    """Character by character; handles characters that fold to zero or several characters."""
    chars: list[str] = []
    offsets: list[int] = []
    last_space = False
    for index, char in enumerate(text):
        folded = " " if char.isspace() else _fold_char(char)
        if for_matching:
            if folded == "-":
                folded = " "
            elif folded == "'" and _drop_apostrophe(text, index):
                continue
        for part in folded:
            if part.isspace():
                if last_space:
                    continue
                part = " "
                last_space = True
            else:
                last_space = False
            chars.append(part)
            offsets.append(index)
    offsets.append(len(text))
    return "".join(chars), offsets


def _drop_apostrophe(text: str, index: int) -> bool:
    """True for an apostrophe that is part of a transliterated name rather than punctuation."""
    after = text[index + 1 : index + 2]
    if not after.isalpha():
        return False
    if after in "sS":
        after2 = text[index + 2 : index + 3]
        if not after2.isalnum():
            return False  # possessive 's
    return True


def fold(text: str) -> str:
    """Fold for comparison: NFKD, drop marks, casefold, one hyphen/apostrophe form, Arabic forms.

    >>> fold("  Al-Başrah’s  ")
    "al-basrah's"
    """
    table = _FOLD_TABLE
    for char in () if text.isascii() else set(text).difference(_FOLD_KNOWN):  # as above
        folded = " " if char.isspace() else _fold_char(char)
        if len(folded) != 1:
            return fold_with_offsets(text)[0].strip()  # expands or vanishes: slow path
        table[ord(char)] = folded
        _FOLD_KNOWN.add(char)
    return _REPEATED_SPACE.sub("", text.translate(table)).strip()


# The articles of bot/data/arabic_articles.txt, then a hyphen, apostrophe or space.
_ARTICLE_RE = re.compile(
    r"^(?:" + "|".join(map(re.escape, default_lexicon().arabic_articles)) + r")[-' ]+(?=\w)"
)
_ARABIC_ARTICLE = "\u0627\u0644"  # "ال"
ARABIC_ARTICLES = frozenset(default_lexicon().arabic_articles)


_CLITICS = frozenset("وبلفك")


def arabic_prefix_ok(folded: str, start: int) -> bool:
    """Whether Arabic letters glued before ``start`` are only proclitics (و ب ل ف ك, at most two).

    "والبصرة" (and Basra) and "للبصرة" (to Basra) still name Basra; "عبصرة" does not.
    """
    i = start
    while i > 0 and start - i < 2 and folded[i - 1] in _CLITICS:
        i -= 1
    return i < start and (i == 0 or not folded[i - 1].isalnum())


def strip_article(name: str) -> str:
    """Remove a leading Arabic article (al-, as-, ash-, el-, ..., "ال") from a name.

    Works on folded or raw text; returns the input unchanged when there is no article or when
    removing it would leave fewer than two letters.
    """
    stripped = name.strip()
    match = _ARTICLE_RE.match(stripped.lower())
    if match:
        rest = stripped[match.end() :]
        return rest if len(rest) >= 2 else stripped
    if stripped.startswith(_ARABIC_ARTICLE) and len(stripped) > 3 and stripped[2] != " ":
        return stripped[2:]
    return stripped


def match_key(text: str) -> str:
    """The key a name is indexed under: folded for matching (see ``fold_with_offsets``)."""
    if text.isascii():
        return _ascii_match_key(text)
    folded, _ = fold_with_offsets(text, for_matching=True)
    return " ".join(folded.replace('"', " ").split())


def _ascii_match_key(text: str) -> str:
    """``match_key`` for plain ASCII text without per-character folding (start-up indexes
    tens of thousands of names): the same result, several times faster."""
    lowered = text.lower().replace("-", " ").replace('"', " ").replace("`", "'")
    if "'" in lowered:
        lowered = "".join(
            char
            for index, char in enumerate(lowered)
            if char != "'" or not _drop_apostrophe(text, index)
        )
    return " ".join(lowered.split())


# Abbreviations after which a full stop does not end a sentence.
_ABBREVIATIONS = frozenset(
    {
        "mr", "mrs", "ms", "dr", "gen", "lt", "col", "maj", "capt", "sgt", "brig", "st", "no",
        "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
        "u.s", "u.n", "u.k", "vs", "etc", "inc", "co", "corp", "sen", "rep", "gov", "prof",
    }
)  # fmt: skip
_CLOCK = frozenset({"a.m", "p.m"})
# "[.!?]..." or a blank line; written to start with one character class, so that the search
# skips to the next candidate in C.
_SENTENCE_END_RE = re.compile(
    r"[.!?\n](?:(?<=[.!?])[\"'’”)\]]*(?=\s+[\"'‘“(\[]?[A-Z0-9\u0600-\u06ff])|(?<=\n)\s*\n)"
)


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Split running text into sentence spans ``(start, end)`` over the original string.

    A sentence ends at ``.``, ``!`` or ``?`` followed by whitespace and a capital letter or
    digit (not after common abbreviations or single initials), or at a blank line.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END_RE.finditer(text):
        end = match.end()
        if text[match.start()] == ".":
            word_start = max(
                text.rfind(" ", start, match.start()), text.rfind("\n", start, match.start())
            )
            word = text[word_start + 1 : match.start()].lower()
            if word.strip("(\"'") in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
                continue
            if word in _CLOCK and text[match.end() :].lstrip().startswith("("):
                continue  # "shortly after 7 p.m. (1700 GMT) on Friday"
        spans.append(_trimmed(text, start, end))
        start = end
    if start < len(text):
        spans.append(_trimmed(text, start, len(text)))
    return [(s, e) for s, e in spans if e > s]


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


_ARABIC_RE = re.compile("[\u0600-\u06ff]")


def is_arabic(text: str) -> bool:
    """True when the text holds Arabic-script letters."""
    return not text.isascii() and _ARABIC_RE.search(text) is not None


# ---------------------------------------------------------------- transliteration keys
# Romanised Arabic, Kurdish, Persian and Pashto names are spelled many ways ("Muqdadiyah",
# "Miqdadiya"; "Khanaqin", "Khanakin"; "Qayyarah", "Qayara"; "Deir", "Dayr"). A
# transliteration key folds the usual variation away: consonant digraphs to one letter, doubled
# letters to one, q/k and c/k alike, vowels to three classes (a/e, i/o/u, diphthongs ay/aw), a
# final h after a vowel dropped, and every Arabic article to "al".
_TRANSLIT_DIGRAPHS = (
    ("kh", "x"), ("gh", "g"), ("sh", "$"), ("ch", "$"), ("dh", "d"), ("th", "t"), ("ph", "f"),
    ("dj", "j"), ("ck", "k"), ("q", "k"), ("c", "k"), ("z", "z"),
)  # fmt: skip
_TRANSLIT_VOWELS = frozenset("aeiouy")
_TRANSLIT_RUNS = {
    "ai": "ay", "ay": "ay", "ei": "ay", "ey": "ay", "aii": "ay", "eii": "ay",
    "au": "aw", "ao": "aw", "aw": "aw",
    "ee": "i", "ie": "i", "ii": "i", "iy": "i", "ea": "i",
    "oo": "i", "ou": "i", "uu": "i", "oe": "i", "ue": "i",
    "aa": "a", "ae": "a", "ya": "a", "ia": "iya", "iyya": "iya",
}  # fmt: skip
_TRANSLIT_CLASS = {"a": "a", "e": "a", "i": "i", "o": "i", "u": "i", "y": "i"}
_TRANSLIT_ARTICLES = frozenset(
    {"al", "el", "as", "ash", "an", "ad", "adh", "at", "ath", "az", "ar", "aj", "il", "ul",
     "ez", "es", "en", "ed", "et", "er"}
)  # fmt: skip
_TRANSLIT_TOKEN = re.compile(r"[a-z]+")


@lru_cache(maxsize=65536)
def translit_keys(key: str) -> tuple[str, ...]:
    """Spelling-tolerant keys for a romanised name already folded by ``match_key``.

    Two spellings of one name share at least one key: "e" stands for "a" ("Kerbala") as often
    as for "i" ("Tekrit"), so a name with an "e" has a key for each reading (at most eight).

    >>> set(translit_keys("muqdadiyah")) & set(translit_keys("miqdadiya"))
    {'mikdadiya'}

    Returns () for text that is not plain Latin letters (Arabic script, digits): those are
    matched exactly.
    """
    tokens = key.split()
    if not tokens or not all(_TRANSLIT_TOKEN.fullmatch(token) for token in tokens):
        return ()
    variants: list[str] = [""]
    for index, token in enumerate(tokens):
        if token in _TRANSLIT_ARTICLES and index + 1 < len(tokens):
            readings: tuple[str, ...] = ("al",)
        else:
            readings = _translit_token(token)
        variants = [
            f"{done} {reading}" if done else reading for done in variants for reading in readings
        ][:_TRANSLIT_MAX_VARIANTS]
    return tuple(dict.fromkeys(variants))


_TRANSLIT_MAX_VARIANTS = 8


@lru_cache(maxsize=65536)
def _translit_token(token: str) -> tuple[str, ...]:
    for digraph, letter in _TRANSLIT_DIGRAPHS:
        token = token.replace(digraph, letter)
    # Doubled consonants to one ("qayyarah", "hammam"); vowel runs are read below.
    collapsed = [token[0]]
    for char in token[1:]:
        if char != collapsed[-1] or (char in _TRANSLIT_VOWELS and char != "y"):
            collapsed.append(char)
    token = "".join(collapsed)
    parts: list[tuple[str, ...]] = []
    i = 0
    while i < len(token):
        char = token[i]
        # "y" before a vowel is a consonant ("tarmiya"); elsewhere a vowel ("dayr").
        vowel = char in _TRANSLIT_VOWELS and not (
            char == "y" and i + 1 < len(token) and token[i + 1] in "aeiou"
        )
        if not vowel:
            parts.append((char,))
            i += 1
            continue
        j = i
        while j < len(token) and token[j] in _TRANSLIT_VOWELS:
            if token[j] == "y" and j + 1 < len(token) and token[j + 1] in "aeiou" and j > i:
                break  # "iya": the "y" starts the next syllable
            j += 1
        run = token[i:j]
        mapped = _TRANSLIT_RUNS.get(run)
        if mapped is not None:
            parts.append((mapped,))
        elif run[0] == "e":
            parts.append(("a", "i"))
        else:
            parts.append((_TRANSLIT_CLASS[run[0]],))
        i = j
    readings = [""]
    for options in parts:
        readings = [done + option for done in readings for option in options][:4]
    out = []
    for reading in readings:
        if len(reading) > 3 and reading.endswith("h") and reading[-2] in "ai":
            reading = reading[:-1]
        out.append(reading)
    return tuple(dict.fromkeys(out))


# "Cabo Delgado province": a governorate's name in full, with the word that says so.
_ADMIN1_WORD_RE = re.compile(
    r"\s+(?:province|governorate|state|region|oblast|prefecture|county)$", re.IGNORECASE
)


def without_admin1_word(surface: str) -> str:
    """A governorate's name as written, without its trailing "province" / "state" word."""
    return _ADMIN1_WORD_RE.sub("", surface)
