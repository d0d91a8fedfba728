"""Place names in running text: the exact automaton, other spellings, and the checks that a
capitalised word is the place and not part of a person's or another place's name.

``RunningText`` is mixed into ``Gazetteer``, which provides the index and the ranking.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from itertools import pairwise
from typing import Any

import ahocorasick

from bot.extract.normalize import (
    fold_with_offsets,
    is_arabic,
    match_key,
    strip_article,
    translit_keys,
)
from bot.extract.place_index import (
    ARTICLE_BEFORE_WORD,
    ARTICLE_INITIALS,
    ARTICLE_WORDS,
    ARTICLES,
    CAPITAL_WORD_RE,
    CONFLICT_ALTERNATE_NAMES_MIN_POPULATION,
    CONFLICT_COUNTRIES,
    ENGLISH_WORDS,
    FUZZY_COUNTRIES,
    LOWER_OK,
    MIN_AUTOMATON_KEY,
    MINOR_MIN_KEY,
    SURNAME_AFTER,
    TRANSLIT_MAX_WORDS,
    VARIANT_HEADS_SIZE,
    GazetteerEntry,
    IndexState,
    PlaceMention,
    Ref,
    words_from,
)
from bot.extract.spans import SpanSet
from bot.extract.word_hits import capitalised_hits, whole_word_hits

__all__ = ["RunningText"]

# How far to look for the next word: a bounded slice, not the rest of a 100k-character text
# (a longer "word" is no place word either way).
_NEXT_WORD_CHARS = 160


class RunningText:
    """``find_mentions`` and its helpers over a ``Gazetteer``'s index (a mixin)."""

    _state: IndexState

    def _refs_exact(self, key: str) -> list[Ref]:
        raise NotImplementedError

    def _rank(self, refs: Sequence[Ref], *, country: str | None = None) -> list[GazetteerEntry]:
        raise NotImplementedError

    def _ranked(
        self, key: str, country: str | None
    ) -> tuple[tuple[GazetteerEntry, ...], frozenset[str]]:
        raise NotImplementedError

    def _translit_refs(self, key: str) -> list[int]:
        raise NotImplementedError

    def _translit_index(self) -> dict[str, list[int]]:
        raise NotImplementedError

    def find_mentions(
        self,
        text: str,
        *,
        country: str | None = None,
        matching: tuple[str, list[int]] | None = None,
    ) -> list[PlaceMention]:
        """Place names in running text, left to right, longest match first, non-overlapping.

        Matches must fall on word boundaries; Latin-script names must be capitalised in the
        original text ("ERBIL" counts); stoplisted common words and person-name particles
        ("Muqtada al-Sadr") are skipped. A leading "al-" is included in the span. Candidates
        are ranked as in ``lookup``; ``country`` moves that country's entries first.
        ``matching``: ``fold_with_offsets(text, for_matching=True)`` when the caller has it.
        """
        if not text:
            return []
        folded, offsets = matching or fold_with_offsets(text, for_matching=True)
        automaton = self._automaton()
        if is_arabic(folded):  # Arabic names need no capital and may follow a proclitic
            found = whole_word_hits(automaton, folded)
        else:
            found = capitalised_hits(automaton, text, folded, offsets, self._state.longest_key)
        mentions: list[PlaceMention] = []
        cursor = 0
        for start, end, key in found:
            if start < cursor:
                continue
            mention = self._accept(text, folded, offsets, (start, end), key, country=country)
            if mention is not None:
                mentions.append(mention)
                cursor = end
        variants = self._variant_mentions(text, mentions, country=country)
        if variants:
            mentions = sorted([*mentions, *variants], key=lambda m: m.start)
        return mentions

    # ------------------------------------------------------------------ internals

    def _variant_mentions(
        self, text: str, exact: Sequence[PlaceMention], *, country: str | None
    ) -> list[PlaceMention]:
        """Capitalised names the exact index missed that are another spelling of a focus
        place ("Miqdadiya", "Qayara"): longest run of up to four words first."""
        covered = SpanSet([(m.start, m.end) for m in exact])
        first_tokens, heads = self._translit_first_tokens(), self._state.variant_heads
        found: list[PlaceMention] = []
        resume = 0
        for capital in CAPITAL_WORD_RE.finditer(text):
            start = capital.start()
            if start < resume or covered.covers(start):
                continue
            # Cheap test first: can any indexed name start with this word (or the word after
            # an article)? Most capitalised words fail here.
            word = capital.group()
            if (may := heads.get(word)) is None:
                head = _word_key(word)
                may = head in ARTICLE_WORDS or not first_tokens.isdisjoint(translit_keys(head))
                if len(heads) < VARIANT_HEADS_SIZE:
                    heads[word] = may
            if not may:
                continue
            head = _word_key(word)
            words = words_from(text, start, TRANSLIT_MAX_WORDS)  # the first starts at ``start``
            if not words:
                continue
            if head in ARTICLE_WORDS:
                if len(words) < 2:
                    continue
                following = _word_key(text[words[1][0] : words[1][1]])
                if first_tokens.isdisjoint(translit_keys(following)):
                    continue
            match: PlaceMention | None = None
            # Runs of words joined by one space or hyphen only (one name), longest first.
            last, joined = len(words) - 1, 0
            while joined < last and _joined_words(text, words[joined : joined + 2]):
                joined += 1
            for j in range(joined, -1, -1):
                end = words[j][1]
                surface = text[start:end]
                if covered.overlaps(start, end) or not _capitalised(surface):
                    continue
                match = self._variant_mention(text, start, end, country=country)
                if match is not None:
                    break
            if match is not None:
                found.append(match)
                resume = match.end
        return found

    def _translit_first_tokens(self) -> frozenset[str]:
        """First words of the transliteration keys (a cheap filter for running text)."""
        state = self._state
        if state.translit_first is None:
            index = self._translit_index()
            state.translit_first = frozenset(
                first
                for first in (key.split(" ", 1)[0] for key in index)
                if len(first) >= MIN_AUTOMATON_KEY and first not in ENGLISH_WORDS
            )
        return state.translit_first

    def _variant_mention(
        self, text: str, start: int, end: int, *, country: str | None
    ) -> PlaceMention | None:
        surface = text[start:end]
        key = match_key(surface)
        stripped = strip_article(key)
        indices = self._translit_refs(stripped)
        if not indices:
            return None
        state = self._state
        if key in state.stoplist or stripped in state.stoplist:
            return None
        if self._refs_exact(key) or self._refs_exact(stripped):
            return None  # a known name the exact matcher chose not to take: its call stands
        if _is_short_capitals(surface):
            return None
        if match_key(_previous_word(text, start)) in state.given_names:
            return None
        if _inside_longer_name(text, start, end) or SURNAME_AFTER.match(text, end):
            return None  # "Sherwan al-Douberdani": a given name before a family name
        article = ARTICLE_BEFORE_WORD.search(text, max(0, start - 80), start)
        if article is not None and article.group(1)[0].isupper():
            return None  # "Hajeen al-Douri": the family name, not a place
        candidates = tuple(self._rank([Ref(i, True) for i in indices], country=country))
        return PlaceMention(start, end, surface, candidates, variant=True)

    def _automaton(self) -> Any:
        state = self._state
        if state.automaton is None:
            with state.lock:
                if state.automaton is None:
                    automaton = ahocorasick.Automaton()
                    alternates_ok = self._alternates_in_running_text()
                    # Per ref: a primary name, or an alternate name matched in running text.
                    usable = bytes([ref & 1 or alternates_ok[ref >> 1] for ref in state.refs])
                    starts, counts = state.starts, state.counts
                    stoplist = state.stoplist
                    add = automaton.add_word
                    for key, position in state.name_index.items():
                        if len(key) < MIN_AUTOMATON_KEY and not is_arabic(key):
                            continue
                        if key in stoplist or (
                            key[0] in ARTICLE_INITIALS and strip_article(key) in stoplist
                        ):
                            continue
                        start = starts[position]
                        if 1 in usable[start : start + counts[position]]:
                            add(key, key)
                    automaton.make_automaton()
                    state.longest_key = automaton.get_stats()["longest_word"]
                    state.automaton = automaton
        return state.automaton

    def _alternates_in_running_text(self) -> bytearray:
        """Per entry: whether its alternate names are matched in running text (see
        ``_in_running_text``)."""
        state = self._state
        flags = bytearray(len(state.keys))
        countries, kinds, population = state.countries, state.kinds, state.population
        for i in range(len(flags)):
            country = countries[2 * i : 2 * i + 2]
            flags[i] = (
                kinds[i] != "p"
                or country in FUZZY_COUNTRIES
                or (
                    country in CONFLICT_COUNTRIES
                    and population[i] >= CONFLICT_ALTERNATE_NAMES_MIN_POPULATION
                )
            )
        return flags

    def _in_running_text(self, position: int) -> bool:
        """Whether a name is matched in running text: primary names anywhere, alternate
        names only for the focus countries, towns of conflict countries, governorates and
        countries."""
        state = self._state
        start = state.starts[position]
        for ref in state.refs[start : start + state.counts[position]]:
            i = ref >> 1
            if ref & 1 or state.kinds[i] != "p":
                return True
            country = state.countries[2 * i : 2 * i + 2]
            if country in FUZZY_COUNTRIES:
                return True
            if (
                country in CONFLICT_COUNTRIES
                and state.population[i] >= CONFLICT_ALTERNATE_NAMES_MIN_POPULATION
            ):
                return True
        return False

    def _accept(
        self,
        text: str,
        folded: str,
        offsets: list[int],
        span: tuple[int, int],
        key: str,
        *,
        country: str | None,
    ) -> PlaceMention | None:
        start, end = span
        state = self._state
        if key in state.stoplist or strip_article(key) in state.stoplist:
            return None
        orig_start, orig_end = offsets[start], offsets[end - 1] + 1
        surface = text[orig_start:orig_end]
        arabic = is_arabic(key)
        if not arabic and not _capitalised(surface):
            return None
        if _KIND_OF_NEXT.match(text, orig_start + surface.rfind(" ") + 1):
            return None  # "the central Mexico city of Salamanca": the country, then the city
        candidates, weak = self._ranked(key, country)
        if not candidates:
            return None
        if not arabic and match_key(_previous_word(text, orig_start)) in state.given_names:
            return None  # "Saad Maan", "Lloyd Austin": part of a person's name
        if _is_short_capitals(surface) and not _near_home(candidates[0]):
            return None  # "MENA", "HOL": acronyms, unless the place is a known focus town
        if (
            not arabic
            and weak
            and (len(key) < MINOR_MIN_KEY or _inside_longer_name(text, orig_start, orig_end))
        ):
            # "Ruwan Gora", "Ruwan Gizo": a small town's name, or another spelling of a town
            # abroad, inside an unknown longer name is not that town; three-letter small towns
            # ("Sam") are mostly given names and words.
            candidates = tuple(c for c in candidates if c.key not in weak)
            if not candidates:
                return None
        if not arabic and _followed_by_name(text, orig_end, state.given_names):
            candidates = _outside_longer_name(text, orig_end, candidates)
            if not candidates:
                return None
        if not arabic:
            # Extend over a preceding article ("al-Basra"); a capitalised word before the
            # article makes it a person's name ("Muqtada al-Sadr"), not a place.
            extended = _with_article(text, folded, offsets, start)
            if extended is None:
                return None
            orig_start = min(orig_start, extended)
            surface = text[orig_start:orig_end]
        return PlaceMention(start=orig_start, end=orig_end, surface=surface, candidates=candidates)


def _outside_longer_name(
    text: str, end: int, candidates: tuple[GazetteerEntry, ...]
) -> tuple[GazetteerEntry, ...]:
    """The candidates still possible when a capitalised word follows the name.

    "Nyaung Kone village": a town's name inside an unknown longer name is that other place,
    unless the town is a well-known one ("Mosul Dam", "Kabul Bank") or the word names a
    facility ("Bunia Prison").
    """
    if _FACILITY_AFTER.match(text, end):
        return candidates
    return tuple(
        c
        for c in candidates
        if c.kind != "place"
        or c.country in FUZZY_COUNTRIES
        or c.population >= _LONGER_NAME_MIN_POPULATION
    )


def _with_article(text: str, folded: str, offsets: list[int], start: int) -> int | None:
    """Where a name starts with the article before it ("al-Basra"); None for a person's name.

    ``start`` is the name's start in ``folded``; the result is an offset in ``text`` (the
    name's own start when there is no article).
    """
    article_start = _article_before(folded, start)
    if article_start is not None:
        article = folded[article_start : start - 1]
        joiner = text[offsets[start - 1]]
        if article not in ("al", "el") and joiner == " ":
            article_start = None  # "as Iraq", "at Basra": English words, not articles
    if article_start is None:
        return offsets[start]
    prev = _previous_word(text, offsets[article_start])
    if prev and prev[0].isupper() and match_key(prev) not in _SENTENCE_WORDS:
        return None
    return offsets[article_start]


_LONGER_NAME_MIN_POPULATION = 100_000
# A facility named after its town ("Bunia Prison", "Goma Airport") still locates the event there.
_FACILITY_AFTER = re.compile(
    r" (?:Prison|Jail|Airport|Air\s+Base|Base|Camp|Stadium|University|School|Hospital|Mosque|"
    r"Church|Bridge|Checkpoint|Square|Street|Road|Market|Dam|Port|Station|Barracks|Junction)\b"
)
# Words that may follow a town's name in title case ("Sima Village") without making it longer.
_PLACE_WORDS = frozenset(
    {"village", "villages", "town", "area", "state", "county", "municipality", "commune",
     "locality", "department", "division", "market", "road", "highway", "district", "province",
     "territory", "lga", "local", "region", "township", "prefecture", "governorate", "tehsil",
     "subdistrict", "sub-district", "zone", "woreda", "cercle", "raion", "city", "camp"}
)  # fmt: skip

# Capitalised words that may precede "al-<Place>" without making it a person's name.
_SENTENCE_WORDS = frozenset(
    {"in", "at", "near", "from", "to", "of", "the", "and", "on", "outside", "inside", "around",
     "into", "between", "across", "north", "south", "east", "west", "central", "western",
     "eastern", "northern", "southern", "downtown", "province", "city", "district", "town"}
)  # fmt: skip


def _word_key(word: str) -> str:
    """``match_key`` of one word, fast for plain ASCII words."""
    if word.isascii():
        return word.lower().replace("'", "")
    return match_key(word)


def _joined_words(text: str, words: Sequence[tuple[int, int]]) -> bool:
    """Whether consecutive words are separated by one space or hyphen only (one name)."""
    return all(text[a[1] : b[0]] in (" ", "-") for a, b in pairwise(words))


def _inside_longer_name(text: str, start: int, end: int) -> bool:
    """Whether a capitalised word joins the span on either side ("Ruwan Gora", "Sima Hotel")."""
    if _title_case(text):
        return False  # a headline: every word is capitalised, so neighbours prove nothing
    before = _previous_word(text, start)
    if (
        before
        and start - len(before) - 1 >= 0
        and text[start - 1] == " "
        and before[0].isupper()
        and not before.endswith(("'s", "’s"))  # "Chhattisgarh's Sukma district": an owner
        and match_key(before) not in _SENTENCE_WORDS
        and match_key(before) not in ARTICLES
    ):
        return True
    if end < len(text) - 1 and text[end] == " " and text[end + 1].isupper():
        following = text[end + 1 : end + _NEXT_WORD_CHARS].split(" ", 1)[0].strip(".,;:!?)'’\"")
        key = match_key(following)
        return bool(key) and key not in LOWER_OK and key not in _PLACE_WORDS
    return False


def _followed_by_name(text: str, end: int, given_names: frozenset[str]) -> bool:
    """Whether a capitalised word that is no place word follows ("Nyaung Kone"); a title or
    given name starting a person's name ("in Beledweyne Major Abdi Nur") does not count."""
    if _title_case(text) or end >= len(text) - 1 or text[end] != " ":
        return False
    if not text[end + 1].isupper():
        return False
    following = text[end + 1 : end + _NEXT_WORD_CHARS].split(" ", 1)[0].strip(".,;:!?)'’\"")
    key = match_key(following)
    return bool(key) and key not in LOWER_OK and key not in _PLACE_WORDS and key not in given_names


@lru_cache(maxsize=256)
def _title_case(text: str) -> bool:
    """Whether most longer words of ``text`` are capitalised (a headline in title case)."""
    words = [w for w in text.split() if len(w) > 3 and w[0].isalpha()]
    return len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.7 * len(words)


def _is_short_capitals(surface: str) -> bool:
    letters = [ch for ch in surface if ch.isalpha()]
    return len(letters) <= 4 and all(ch.isupper() for ch in letters)


def _near_home(entry: GazetteerEntry) -> bool:
    return entry.kind != "place" or entry.country in FUZZY_COUNTRIES


_KIND_OF_NEXT = re.compile(r"(?:city|town|village) of (?:the )?[A-Z]")


@lru_cache(maxsize=4096)  # names repeat within and across reports
def _capitalised(surface: str) -> bool:
    """First significant word capitalised; other words capitalised or allowed lower-case."""
    words = [w for w in surface.replace("-", " ").split() if any(ch.isalpha() for ch in w)]
    if not words:
        return False
    significant = [w for w in words if w.lower().strip("'’") not in ARTICLES]
    if not significant:
        return False
    first = next(ch for ch in significant[0] if ch.isalpha())
    if not first.isupper():
        return False
    for word in significant[1:]:
        letter = next(ch for ch in word if ch.isalpha())
        if not letter.isupper() and word.lower().strip("'’") not in LOWER_OK:
            return False
    return True


def _article_before(folded: str, start: int) -> int | None:
    """Start of an article right before ``start`` in matching-folded text, if any.

    "al"/"el" may be followed by a space or a hyphen; the assimilated forms (as-, ash-, ad-,
    an-, at-, ...) only count when hyphenated in the original, because "as", "at" and "an"
    are English words. Hyphens are spaces in the folded text, so the caller passes the
    original text's hyphen test.
    """
    if start < 1 or folded[start - 1] != " ":
        return None  # every article is followed by a space (or a hyphen, folded to one)
    for article in ARTICLES:
        begin = start - len(article) - 1
        if begin < 0 or folded[begin : start - 1] != article:
            continue
        if begin == 0 or not folded[begin - 1].isalnum():
            return begin
    return None


def _previous_word(text: str, index: int) -> str:
    """The word ending right before ``index`` (skipping spaces), or "" if there is none."""
    i = index
    while i > 0 and text[i - 1] == " ":
        i -= 1
    j = i
    while j > 0 and (text[j - 1].isalnum() or text[j - 1] in "'’-"):
        j -= 1
    return text[j:i]
