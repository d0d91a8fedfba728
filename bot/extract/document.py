"""The shared document the rules annotators read and fill: sentences, clauses, spans by layer.

``Document.read`` splits a report (``text.prepare``) into sentences and their clauses; each
annotator in ``bot.extract.pipeline.ANNOTATORS`` then fills one layer: country votes and place
mentions, actor mentions, places per clause, figures, triggers, cues, dates. Spans each layer
has taken are kept in :class:`~bot.extract.spans.SpanSet` so overlap tests are O(log n).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from bot.domain.enums import DatePrecision
from bot.domain.models import ActorRef
from bot.extract.actors import ActorMention, ActorRegistry
from bot.extract.casualties import Figure
from bot.extract.dates import DateMention
from bot.extract.events import Trigger
from bot.extract.gazetteer import Gazetteer, GazetteerEntry
from bot.extract.lexicon import Lexicon
from bot.extract.normalize import fold_with_offsets, match_key
from bot.extract.spans import SpanSet
from bot.extract.text import Article, lower_same_length, prepare

__all__ = [
    "Clause",
    "Document",
    "ExtractionCancelled",
    "PlaceSpan",
    "Resources",
    "SentenceLayers",
    "best_place",
    "shortens_state_name",
]


class ExtractionCancelled(Exception):
    """Raised between steps when the caller asked extraction to stop (a time limit)."""


@dataclass(frozen=True, slots=True)
class Resources:
    """What the annotators read besides the text: loaded once, shared, never changed."""

    gazetteer: Gazetteer
    actors: ActorRegistry
    lexicon: Lexicon


@dataclass(slots=True)
class PlaceSpan:
    """A place mention resolved to a gazetteer entry, with what the words around it say."""

    entry: GazetteerEntry
    start: int
    near: bool
    locative: bool
    directional: bool = False  # "south of Kirkuk": somewhere in that direction, maybe far
    district: bool = False  # "in the Niono district": the district named after the town
    text: str = ""  # the mention as written
    offset: tuple[float, float] | None = None  # "60 km north-east of it": (km, bearing)
    # "a hospital in Jos, 30 km east of the village": the event's place the town is measured
    # from ("the village", or a name the gazetteer lacks); the offset then points to it
    measured: str = ""


@dataclass(slots=True)
class Clause:
    """One clause with what was read from it."""

    sentence: int
    start: int  # offset of the clause in its sentence
    text: str
    sentence_text: str
    heading: bool
    background_cue: bool
    places: list[PlaceSpan]
    dates: list[DateMention]
    figures: list[Figure]
    triggers: list[Trigger]
    actors: list[ActorRef]
    source: str | None
    unknown: bool
    generic: bool
    separate: bool
    # A round-up part ("... and two in Zaporizhzhia") takes its dates from the first part.
    dates_from: Clause | None = None
    # Names a settlement the gazetteer could not place ("the village of Xville"): the clause
    # happened somewhere else than a place it does not name.
    unplaced: bool = False
    # The figures' source is an armed group, a party to the fighting ("al-Shabaab said it
    # killed seven soldiers"): its own account, a claim beside the others, never the toll.
    source_is_party: bool = False

    @property
    def is_event(self) -> bool:
        """True when the clause reports an action or a counted figure."""
        counted = any(f.min is not None for f in self.figures)
        return bool(self.triggers) or counted

    @property
    def place(self) -> PlaceSpan | None:
        """The clause's event place: the most specific, preferably after "in"/"near"."""
        return best_place(self.places)

    @property
    def date(self) -> DateMention | None:
        """The clause's event date, a reporting date only when there is no other; a calendar
        day the clause states beats a weekday beside it ("during Friday prayers on May 17")."""
        usable = [d for d in self.dates if d.date is not None or d.anchor_offset is not None]
        event = [d for d in usable if not d.reporting]
        chosen = event or usable
        if len(chosen) > 1 and any(f.update for f in self.figures):
            # "a soldier died on Monday, bringing to three the dead of Sunday's attack": the
            # toll rose after the attack, whose day is the earliest the clause names
            dated = [d for d in chosen if d.date is not None]
            if dated:
                return min(dated, key=lambda d: d.date or dt.date.max)
        if len(chosen) > 1 and not chosen[0].explicit:
            day = next(
                (d for d in chosen if d.explicit and d.precision is DatePrecision.DAY), None
            )
            if day is not None:
                return day
        if len(chosen) > 1 and chosen[0].fuzzy:
            # "an overnight attack in the night from Saturday to Sunday": the named day
            named = next(
                (d for d in chosen if not d.fuzzy and d.precision is DatePrecision.DAY), None
            )
            if named is not None:
                return named
        return chosen[0] if chosen else None


def best_place(places: Sequence[PlaceSpan]) -> PlaceSpan | None:
    """The most specific place, preferably one after "in"/"near" (first on ties)."""
    if not places:
        return None
    places = _without_look_alikes(places)
    return min(
        enumerate(places),
        key=lambda item: (
            item[1].entry.coarseness,
            item[1].directional,
            item[1].district,
            not item[1].locative,
            item[0],
        ),
    )[1]


def _without_look_alikes(places: Sequence[PlaceSpan]) -> Sequence[PlaceSpan]:
    """ "El Bejuco, about 15 km south of Tepalcatepec, Michoacan" where the gazetteer knows an
    El Bejuco only in another state: a town outside the province of the town the clause
    measures from, when the clause names that province too, is a namesake."""
    anchor = next((p for p in places if p.offset and p.entry.kind == "place"), None)
    if anchor is None or not anchor.entry.admin1_code:
        return places
    province = anchor.entry.admin1_code
    if not any(p.entry.kind == "admin1" and p.entry.key == province for p in places):
        return places
    return [p for p in places if p.entry.kind != "place" or p.entry.admin1_code == province]


@dataclass(slots=True)
class SentenceLayers:
    """One sentence and the sentence-wide layers (place and actor mentions)."""

    index: int
    text: str
    low: str  # lower-cased, same length
    heading: bool
    # ``fold_with_offsets(text, for_matching=True)``: the place and actor finders share it
    matching: tuple[str, list[int]]
    # (start, end, candidates) of gazetteer mentions; starts of other-spelling mentions
    places: list[tuple[int, int, tuple[GazetteerEntry, ...]]] = field(default_factory=list)
    variants: set[int] = field(default_factory=set)
    own_votes: dict[int, Counter[str]] = field(default_factory=dict)
    actor_mentions: list[ActorMention] = field(default_factory=list)
    actor_spans: SpanSet = field(default_factory=SpanSet)
    actors: list[tuple[int, ActorRef]] = field(default_factory=list)  # parties only
    clauses: list[Clause] = field(default_factory=list)

    def countries_named_exactly(self) -> frozenset[str]:
        """Countries of the sentence's exactly spelled, unambiguous place mentions."""
        return frozenset(
            cs[0].country
            for at, _, cs in self.places
            if at not in self.variants and len({c.country for c in cs}) == 1
        )


@dataclass(slots=True)
class Document:
    """A report being read: its sentences, clauses and what the annotators found."""

    article: Article
    text: str
    published_at: dt.datetime | None
    sentences: list[SentenceLayers]
    should_stop: Callable[[], bool] = lambda: False
    context: Counter[str] = field(default_factory=Counter)  # country votes
    # Votes per place name (a name cannot confirm itself however often it is repeated) and
    # the countries the text names outright.
    name_votes: dict[str, Counter[str]] = field(default_factory=dict)
    named_countries: set[str] = field(default_factory=set)
    # Provinces the article's unambiguous place names lie in: a look-alike town is read in
    # the province the rest of the report is about ("Bishnupur" beside Imphal and Moirang).
    admin1_votes: Counter[str] = field(default_factory=Counter)
    clauses: list[Clause] = field(default_factory=list)  # after round-up splitting
    timezone: str | None = None
    day_first: bool = True
    reference: dt.date | None = None  # the local publication day
    rivals: list[tuple[ActorRef, ActorRef]] = field(default_factory=list)
    # (sentence index, offset, actor) of the groups that claimed an attack ("X claimed
    # responsibility"), the offset being where the claim is written in the sentence
    claimants: list[tuple[int, int, ActorRef]] = field(default_factory=list)

    @classmethod
    def read(
        cls,
        text: str,
        published_at: dt.datetime | None,
        title: str | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> Document:
        """Split ``text`` into sentences and clauses (no layer filled yet)."""
        if published_at is not None and published_at.tzinfo is None:
            published_at = published_at.replace(tzinfo=dt.UTC)
        article = prepare(text or "", title)
        sentences = []
        for sentence in article.sentences:
            layers = SentenceLayers(
                sentence.index,
                sentence.text,
                lower_same_length(sentence.text),
                sentence.heading,
                fold_with_offsets(sentence.text, for_matching=True),
            )
            for clause in sentence.clauses:
                layers.clauses.append(
                    Clause(
                        sentence=sentence.index,
                        start=clause.start,
                        text=clause.text,
                        sentence_text=sentence.text,
                        heading=sentence.heading,
                        background_cue=clause.background_cue,
                        places=[],
                        dates=[],
                        figures=[],
                        triggers=[],
                        actors=[],
                        source=None,
                        unknown=False,
                        generic=False,
                        separate=False,
                    )
                )
            sentences.append(layers)
        return cls(article, text or "", published_at, sentences, should_stop or _never)

    def checkpoint(self) -> None:
        """Stop here if the caller asked (raises :class:`ExtractionCancelled`)."""
        if self.should_stop():
            raise ExtractionCancelled

    def all_clauses(self) -> list[Clause]:
        """Every clause in reading order, before round-up splitting."""
        return [clause for sentence in self.sentences for clause in sentence.clauses]


def _never() -> bool:
    return False


def shortens_state_name(town: PlaceSpan, admin: PlaceSpan) -> bool:
    """True when the headline's town has the name of the governorate the lead names ("Gunmen
    kill six in Kano" over "a village in Kano State"): the headline shortens the state's name,
    and its capital would move the incident to the wrong town."""
    return admin.entry.kind == "admin1" and match_key(town.entry.name) == match_key(
        admin.entry.name
    )
