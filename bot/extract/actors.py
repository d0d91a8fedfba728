"""Actor registry: canonical armed groups, forces and generic actors with their aliases.

The registry is data (``bot/data/actors.json``; its "about" key documents the schema). Admins add
actors with a JSON file of the same schema (``from_file``) or from the database (``with_extra``).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import ahocorasick
from rapidfuzz import fuzz, process

from bot.domain.models import ActorRef
from bot.extract.actor_eras import ActorEras
from bot.extract.actor_specs import ActorFileError, ActorSpec, Role, load_actor_file, parse_specs
from bot.extract.nationals import Nationality, national_force_specs, nationalities
from bot.extract.normalize import fold_with_offsets, match_key
from bot.extract.word_hits import whole_word_hits

__all__ = [  # the specs and national forces are re-exported: callers import them from here
    "ActorFileError",
    "ActorMention",
    "ActorRegistry",
    "ActorSpec",
    "Nationality",
    "Role",
    "countries_named",
    "load_actor_file",
    "national_force_specs",
    "nationalities",
]

_SUGGEST_CUTOFF = 70.0


@dataclass(frozen=True, slots=True)
class ActorMention:
    """An actor named in text: character span in the original text and the registry entry."""

    start: int
    end: int
    surface: str
    actor: ActorRef


@dataclass(frozen=True, slots=True)
class _Alias:
    """One indexed alias: its actor, and which of its words must match case exactly."""

    actor_index: int
    text: str
    exact_words: tuple[tuple[int, str], ...]  # (word position, exact spelling) for acronyms


def _is_acronym(word: str) -> bool:
    """All capitals ("AAH", "PMF"), or short with two capitals ("LeT", "PMUs")."""
    if word.islower() or (word[:1].isupper() and word[1:].islower()):
        return False  # the common case, decided without counting letters
    letters = [ch for ch in word if ch.isalpha()]
    if not letters or len(letters) > 6:
        return False
    upper = sum(ch.isupper() for ch in letters)
    return upper == len(letters) or (len(letters) <= 4 and upper >= 2)


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[\s\-‐‑‒–—]+", text) if w]


def _strip_punct(word: str) -> str:
    return word.strip(".,;:!?()[]\"'’‘“”")


class ActorRegistry:
    """Canonical actors with aliases; lookups, fuzzy suggestions and mentions in running text."""

    def __init__(self, specs: Iterable[ActorSpec], not_actors: Iterable[str] = ()) -> None:
        """Build from actor specs; a later spec with the same id replaces the name/type/country
        of the earlier one and adds its aliases. ``not_actors`` are phrases that contain an
        actor's name without naming a party ("the Hamas-run health ministry")."""
        merged: dict[str, ActorSpec] = {}
        for spec in specs:
            previous = merged.get(spec.id)
            if previous is not None:
                aliases = [*previous.aliases, *spec.aliases, previous.name]
                labels = [*previous.labels, *spec.labels]
                update: dict[str, Any] = {"aliases": aliases, "labels": labels}
                if spec.part_of is None:
                    update["part_of"] = previous.part_of
                if not spec.roles:
                    update["roles"] = previous.roles
                if not spec.eras:
                    update["eras"] = previous.eras
                update["role_aliases"] = {**previous.role_aliases, **spec.role_aliases}
                spec = spec.model_copy(update=update)
            merged[spec.id] = spec
        self._specs = list(merged.values())
        self._refs = [spec.ref() for spec in self._specs]
        self._by_id = {ref.id: i for i, ref in enumerate(self._refs)}
        self._aliases: dict[str, list[_Alias]] = {}
        self._labels: dict[str, list[int]] = {}
        self._display_aliases: list[list[str]] = []
        for index, spec in enumerate(self._specs):
            seen: list[str] = []
            for alias in (spec.name, *spec.aliases):
                alias = " ".join(alias.split())
                if not alias or alias in seen:
                    continue
                seen.append(alias)
                self._index_alias(index, alias)
            for label in spec.labels:
                label = " ".join(label.split())
                key = match_key(label)
                if key and label not in seen:
                    seen.append(label)
                    owners = self._labels.setdefault(key, [])
                    if index not in owners:
                        owners.append(index)
            self._display_aliases.append(seen[1:])
        self._automaton: Any = None
        self._not_actors = tuple(dict.fromkeys(" ".join(p.split()) for p in not_actors if p))
        self._stop_keys = {match_key(p) for p in self._not_actors} - {""} - set(self._aliases)
        self._homonym_index: dict[int, tuple[int, ...]] | None = None
        self._choices: dict[str, str] = {key: key for key in self._aliases}
        self.eras = ActorEras(self._specs)
        self._forces: dict[tuple[str, str], int] = {}
        for index, spec in enumerate(self._specs):
            for role in spec.roles:
                if spec.country:
                    self._forces.setdefault((spec.country, role), index)

    def _index_alias(self, index: int, alias: str) -> None:
        key = match_key(alias)
        if not key:
            return
        words = _words(alias)
        exact = tuple(
            (position, _strip_punct(word))
            for position, word in enumerate(words)
            if _is_acronym(_strip_punct(word))
        )
        entries = self._aliases.setdefault(key, [])
        if not any(entry.actor_index == index and entry.exact_words == exact for entry in entries):
            entries.append(_Alias(actor_index=index, text=alias, exact_words=exact))

    # ------------------------------------------------------------------ construction
    @classmethod
    def default(cls) -> ActorRegistry:
        """The packaged registry, loaded once per process."""
        return _default_registry()

    @classmethod
    def from_file(cls, path: Path) -> ActorRegistry:
        """The packaged registry plus an admin's extra JSON file (same schema as actors.json)."""
        extra = load_actor_file(path)
        return cls([*_packaged_specs(), *extra], _packaged_not_actors())

    def with_extra(self, extra: Sequence[tuple[ActorRef, Sequence[str]]]) -> ActorRegistry:
        """A new registry with more actors (e.g. stored in the database) and their aliases."""
        specs = list(self._specs)
        for ref, aliases in extra:
            specs.append(
                ActorSpec(
                    id=ref.id,
                    name=ref.name,
                    type=ref.type,
                    country=ref.country,
                    aliases=[a for a in aliases if a.strip()],
                )
            )
        return ActorRegistry(specs, self._not_actors)

    # ------------------------------------------------------------------ queries
    def get(self, actor_id: str) -> ActorRef | None:
        """The actor with this id, or None."""
        index = self._by_id.get(actor_id)
        return None if index is None else self._refs[index].model_copy()

    def all(self) -> list[ActorRef]:
        """Every actor, in data-file order."""
        return [ref.model_copy() for ref in self._refs]

    def aliases(self, actor_id: str) -> list[str]:
        """The aliases and labels of an actor as written in the data (without its name)."""
        index = self._by_id.get(actor_id)
        return [] if index is None else list(self._display_aliases[index])

    def part_of(self, actor_id: str) -> list[ActorRef]:
        """The broader actors this one belongs to, nearest first (a PMF faction -> PMF -> ISF)."""
        chain: list[ActorRef] = []
        index = self._by_id.get(actor_id)
        seen = {actor_id}
        while index is not None:
            parent = self._specs[index].part_of
            if parent is None or parent in seen or parent not in self._by_id:
                break
            seen.add(parent)
            index = self._by_id[parent]
            chain.append(self._refs[index].model_copy())
        return chain

    def country_force(self, country: str, role: Role) -> ActorRef | None:
        """What a generic "security forces" / "the army" / "police" means in ``country``."""
        index = self._forces.get((country.upper(), role))
        return None if index is None else self._refs[index].model_copy()

    def lookup(self, name: str) -> list[ActorRef]:
        """Actors whose id, canonical name or alias equals ``name`` after folding.

        Acronyms of one or two letters ("IS", "KH") must be given in capitals. Labels
        ("herders") answer only when no name or alias does.
        """
        stripped = name.strip()
        if stripped in self._by_id:
            return [self._refs[self._by_id[stripped]].model_copy()]
        key = match_key(stripped)
        results: list[ActorRef] = []
        for alias in self._aliases.get(key, ()):
            if any(len(exact) <= 2 for _, exact in alias.exact_words) and not _exact_ok(
                alias, stripped
            ):
                continue
            ref = self._refs[alias.actor_index]
            if all(ref.id != r.id for r in results):
                results.append(ref.model_copy())
        if not results:  # a label answers only when no actor has the name as an alias
            results = [self._refs[index].model_copy() for index in self._labels.get(key, ())]
        return results

    def suggest(self, name: str, limit: int = 5) -> list[ActorRef]:
        """Fuzzy "did you mean" over names and aliases, best first."""
        key = match_key(name)
        if not key or limit <= 0:
            return []
        scored = process.extract(
            key, self._choices, scorer=fuzz.WRatio, limit=limit * 4, score_cutoff=_SUGGEST_CUTOFF
        )
        results: list[ActorRef] = []
        for choice, _score, _ in scored:
            for alias in self._aliases[choice]:
                ref = self._refs[alias.actor_index]
                if all(ref.id != r.id for r in results):
                    results.append(ref.model_copy())
            if len(results) >= limit:
                break
        return results[:limit]

    def find_mentions(
        self,
        text: str,
        country: str | None = None,
        *,
        on: dt.date | None = None,
        matching: tuple[str, list[int]] | None = None,
    ) -> list[ActorMention]:
        """Actors named in running text, left to right, longest match first, non-overlapping.

        Matches fall on word boundaries; acronyms (AAH, KH, IS) must appear in capitals, and a
        one- or two-letter acronym inside an all-capitals headline is ignored. An alias owned
        by actors of several countries ("SNA": Somali or Syrian National Army) means the one
        of ``country`` when given, else of the country the rest of the text points to (other
        actors, country names and adjectives), else the first in data order. ``on``: the
        report's day, for forces whose type or roles changed (``ActorEras``). ``matching``:
        ``fold_with_offsets(text, for_matching=True)`` when the caller has it.
        """
        if not text:
            return []
        folded, offsets = matching or fold_with_offsets(text, for_matching=True)
        found = whole_word_hits(self._get_automaton(), folded)
        mentions: list[ActorMention] = []
        homonyms: list[tuple[int, list[int]]] = []
        cursor = 0
        for start, end, key in found:
            if start < cursor:
                continue
            if key in self._stop_keys:
                cursor = end  # "the Houthi-run health ministry": a source, not a party
                continue
            orig_start, orig_end = offsets[start], offsets[end - 1] + 1
            surface = text[orig_start:orig_end]
            owners = self._matching_actors(key, surface, text, orig_start, orig_end)
            if not owners:
                continue
            if len(owners) > 1:
                homonyms.append((len(mentions), owners))
            mentions.append(
                ActorMention(
                    start=orig_start,
                    end=orig_end,
                    surface=surface,
                    actor=self._refs[owners[0]].model_copy(),
                )
            )
            cursor = end
        if homonyms:
            self._resolve_homonyms(mentions, homonyms, folded, country)
        if on is not None and self.eras:
            as_of = self.eras.as_of
            mentions = [
                ActorMention(m.start, m.end, m.surface, as_of(m.actor, on, m.surface))
                for m in mentions
            ]
        return mentions

    def localize(self, actor: ActorRef, country: str) -> ActorRef:
        """The actor of ``country`` that shares an acronym or name with ``actor``, else ``actor``.

        For a caller that learns the country after reading a mention ("SNA" read as the
        Syrian National Army in an incident placed in Somalia is the Somali National Army).
        """
        if not country or actor.country == country.upper():
            return actor
        index = self._by_id.get(actor.id)
        for other in self._homonyms().get(index, ()) if index is not None else ():
            if self._refs[other].country == country.upper():
                return self._refs[other].model_copy()
        return actor

    # ------------------------------------------------------------------ internals
    def _get_automaton(self) -> Any:
        if self._automaton is None:
            automaton = ahocorasick.Automaton()
            for key in (*self._aliases, *self._stop_keys):
                automaton.add_word(key, key)
            automaton.make_automaton()
            self._automaton = automaton
        return self._automaton

    def _matching_actors(
        self, key: str, surface: str, text: str, start: int, end: int
    ) -> list[int]:
        """Indexes of the actors whose alias ``key`` fits the surface, in data order."""
        owners: list[int] = []
        for alias in self._aliases.get(key, ()):
            if alias.exact_words:
                if not _exact_ok(alias, surface):
                    continue
                short = any(len(exact) <= 2 for _, exact in alias.exact_words)
                if short and _in_shouting(text, start, end):
                    continue
            if alias.actor_index not in owners:
                owners.append(alias.actor_index)
        return owners

    def _homonyms(self) -> dict[int, tuple[int, ...]]:
        """For each actor, the actors of other countries that own one of its aliases."""
        if self._homonym_index is None:
            index: dict[int, list[int]] = {}
            for entries in self._aliases.values():
                owners = list(dict.fromkeys(entry.actor_index for entry in entries))
                for owner in owners:
                    for other in owners:
                        same = self._refs[other].country == self._refs[owner].country
                        if not same and other not in index.setdefault(owner, []):
                            index[owner].append(other)
            self._homonym_index = {k: tuple(v) for k, v in index.items()}
        return self._homonym_index

    def _resolve_homonyms(
        self,
        mentions: list[ActorMention],
        homonyms: Sequence[tuple[int, list[int]]],
        folded: str,
        country: str | None,
    ) -> None:
        """Give each ambiguous mention the owner from the country the text is about."""
        ambiguous = {position for position, _ in homonyms}
        votes: dict[str, int] = {}
        for position, mention in enumerate(mentions):
            if position not in ambiguous and mention.actor.country:
                votes[mention.actor.country] = votes.get(mention.actor.country, 0) + 2
        for _start, _end, key in whole_word_hits(_country_words_automaton(), folded):
            for code in _country_words()[key]:
                votes[code] = votes.get(code, 0) + 1
        if country:
            votes[country.upper()] = votes.get(country.upper(), 0) + 1000
        for position, owners in homonyms:
            best = max(owners, key=lambda i: votes.get(self._refs[i].country or "", 0))
            if best != owners[0]:
                old = mentions[position]
                mentions[position] = ActorMention(
                    start=old.start,
                    end=old.end,
                    surface=old.surface,
                    actor=self._refs[best].model_copy(),
                )


def _exact_ok(alias: _Alias, surface: str) -> bool:
    """Whether the acronym words of ``alias`` appear with exactly that casing in ``surface``."""
    words = [_strip_punct(w) for w in _words(surface)]
    for position, exact in alias.exact_words:
        if position >= len(words) or words[position].replace("’", "'") != exact:
            return False
    return True


def _in_shouting(text: str, start: int, end: int) -> bool:
    """True when the words around a span are in capitals too (a headline, not an acronym)."""
    before = re.findall(r"[^\W\d_]{2,}", text[max(0, start - 40) : start])
    after = re.findall(r"[^\W\d_]{2,}", text[end : end + 40])
    neighbours = before[-1:] + after[:1]
    return bool(neighbours) and all(word.isupper() and len(word) >= 3 for word in neighbours)


@cache
def _country_words() -> dict[str, tuple[str, ...]]:
    """Folded country names and adjectives -> the countries they name (for homonyms)."""
    words: dict[str, list[str]] = {}
    for row in nationalities():
        # "Palestinians", "Iraqis": an adjective's plural names the people, and so the country
        plurals = [f"{word}s" for word in row.adjectives if not word.endswith(("s", "ese"))]
        for word in (*row.names, *row.adjectives, *plurals):
            if _is_acronym(word):
                continue  # "CAR", "DRC": capitals matter, and "car" is a word
            key = match_key(word)
            if key and row.country not in words.setdefault(key, []):
                words[key].append(row.country)
    return {key: tuple(codes) for key, codes in words.items()}


def countries_named(text: str) -> set[str]:
    """ISO codes of the countries ``text`` names by name or nationality adjective."""
    if not text:
        return set()
    folded, _ = fold_with_offsets(text, for_matching=True)
    table = _country_words()
    found: set[str] = set()
    for _start, _end, key in whole_word_hits(_country_words_automaton(), folded):
        found.update(table[key])
    return found


@cache
def _country_words_automaton() -> Any:
    automaton = ahocorasick.Automaton()
    for key in _country_words():
        automaton.add_word(key, key)
    automaton.make_automaton()
    return automaton


@cache
def _packaged_not_actors() -> tuple[str, ...]:
    """Phrases of the packaged file's "not_actors" list (they contain a name, not a party)."""
    raw = resources.files("bot.data").joinpath("actors.json").read_text(encoding="utf-8")
    phrases = json.loads(raw).get("not_actors", [])
    return tuple(p for p in phrases if isinstance(p, str) and p.strip())


@cache
def _packaged_specs() -> tuple[ActorSpec, ...]:
    raw = resources.files("bot.data").joinpath("actors.json").read_text(encoding="utf-8")
    specs = parse_specs(json.loads(raw), "bot/data/actors.json")
    return tuple(national_force_specs(specs, nationalities()))


@cache
def _default_registry() -> ActorRegistry:
    registry = ActorRegistry(_packaged_specs(), _packaged_not_actors())
    registry._get_automaton()
    return registry
