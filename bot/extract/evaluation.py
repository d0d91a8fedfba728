"""Scoring extracted incidents against gold labels (the eval folder format), as pure functions.

Rules (the eval README): the incident judged is one that lies within ``radius_km`` (default 25)
of the gold point — the lead one if several do; without one, every field of the article is wrong.
admin1 matches under any common spelling; the date must be one of the listed days (``null``: not
scored); each gold actor found by name or alias counts toward recall (``min_actors`` needed),
extracted actors matching no gold actor count against precision; event type is one of the
listed types; killed/injured must lie in ``[lo, hi]`` (``null``: unknown or zero is right, a
positive figure is wrong and counted as invented); secondary incidents: recall by place.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.domain.models import ActorRef, CasualtyCount, Incident, Location
from bot.extract.actors import ActorRegistry
from bot.extract.gazetteer import Gazetteer
from bot.extract.merge import distance_km
from bot.extract.normalize import fold, match_key, strip_article, translit_keys

__all__ = [
    "ArticleScore",
    "EvalSummary",
    "GoldArticle",
    "GoldFormatError",
    "GoldIncident",
    "load_gold",
    "score_article",
    "summarize_scores",
    "within",
]

DEFAULT_RADIUS_KM = 25.0

ActorMatcher = Callable[[str, ActorRef], bool]
Admin1Matcher = Callable[[str, str | None, str | None], bool]


class GoldFormatError(ValueError):
    """The gold file does not have the documented shape."""


@dataclass(frozen=True, slots=True)
class GoldIncident:
    """One labelled incident."""

    place: str
    lat: float
    lon: float
    radius_km: float
    admin1: str | None
    country: str | None
    dates: tuple[dt.date, ...] | None
    actors: tuple[str, ...]
    min_actors: int
    event_types: tuple[str, ...]
    killed: tuple[int, int] | None
    injured: tuple[int, int] | None


@dataclass(frozen=True, slots=True)
class GoldArticle:
    """One labelled article."""

    file: str
    published: dt.date | None
    primary: GoldIncident
    secondary: tuple[GoldIncident, ...]


def _range(value: Any, where: str) -> tuple[int, int] | None:
    if value is None:
        return None
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(isinstance(v, int) and v >= 0 for v in value)
    ):
        raise GoldFormatError(f"{where}: expected [lo, hi] of non-negative integers or null")
    return int(value[0]), int(value[1])


def _incident(raw: Any, where: str) -> GoldIncident:
    if not isinstance(raw, Mapping):
        raise GoldFormatError(f"{where}: expected an object")
    try:
        dates_raw = raw.get("date")
        dates = None if dates_raw is None else tuple(dt.date.fromisoformat(d) for d in dates_raw)
        actors = tuple(str(a) for a in raw.get("actors") or ())
        return GoldIncident(
            place=str(raw["place"]),
            lat=float(raw["lat"]),
            lon=float(raw["lon"]),
            radius_km=float(raw.get("radius_km", DEFAULT_RADIUS_KM)),
            admin1=raw.get("admin1"),
            country=raw.get("country"),
            dates=dates,
            actors=actors,
            min_actors=int(raw.get("min_actors", len(actors))),
            event_types=tuple(str(t) for t in raw.get("event_type") or ()),
            killed=_range(raw.get("killed"), f"{where}.killed"),
            injured=_range(raw.get("injured"), f"{where}.injured"),
        )
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, GoldFormatError):
            raise
        raise GoldFormatError(f"{where}: {exc!r}") from exc


def load_gold(document: Any) -> list[GoldArticle]:
    """Parse a loaded ``gold.json`` document."""
    if not isinstance(document, Mapping) or not isinstance(document.get("articles"), list):
        raise GoldFormatError('expected an object with an "articles" list')
    articles: list[GoldArticle] = []
    for index, raw in enumerate(document["articles"]):
        where = f"articles[{index}]"
        if not isinstance(raw, Mapping) or "file" not in raw or "primary" not in raw:
            raise GoldFormatError(f'{where}: needs "file" and "primary"')
        published = raw.get("published")
        try:
            published_date = dt.date.fromisoformat(published) if published else None
        except (TypeError, ValueError) as exc:
            raise GoldFormatError(f"{where}.published: {exc}") from exc
        articles.append(
            GoldArticle(
                file=str(raw["file"]),
                published=published_date,
                primary=_incident(raw["primary"], f"{where}.primary"),
                secondary=tuple(
                    _incident(s, f"{where}.secondary[{i}]")
                    for i, s in enumerate(raw.get("secondary") or ())
                ),
            )
        )
    return articles


@dataclass(slots=True)
class ArticleScore:
    """How one article's extraction compares with its gold labels."""

    file: str
    place: bool = False
    admin1: bool = False
    date: bool | None = None  # None: the gold date is not scored
    actors_found: int = 0  # gold actors matched (recall numerator)
    actors_gold: int = 0
    actors_extracted: int = 0
    actors_correct: int = 0  # extracted actors matching a gold actor (precision numerator)
    actors_ok: bool = False  # at least min_actors found
    event_type: bool = False
    killed: bool = False
    injured: bool = False
    invented: int = 0
    secondary_found: int = 0
    secondary_total: int = 0
    judged: Incident | None = None
    notes: list[str] = field(default_factory=list)


def within(incident: Incident, gold: GoldIncident) -> bool:
    """True when the incident lies within the gold incident's radius."""
    loc = incident.location
    if loc.lat is None or loc.lon is None:
        return False
    point = Location(name=gold.place, country=gold.country or loc.country, lat=gold.lat,
                     lon=gold.lon)  # fmt: skip
    distance = distance_km(loc, point)
    return distance is not None and distance <= gold.radius_km


def figure_of(count: CasualtyCount) -> int:
    """The figure judged: the conservative ``min``; unknown or none reported counts as 0."""
    return count.min if count.min is not None else 0


def _count_ok(count: CasualtyCount, gold: tuple[int, int] | None) -> tuple[bool, bool]:
    """(right, invented)."""
    value = figure_of(count)
    if gold is None:
        return value == 0, value > 0
    return gold[0] <= value <= gold[1], False


def score_article(
    gold: GoldArticle,
    incidents: Sequence[Incident],
    *,
    actor_matches: ActorMatcher,
    admin1_matches: Admin1Matcher,
) -> ArticleScore:
    """Judge one article's incidents against its gold labels."""
    primary = gold.primary
    score = ArticleScore(file=gold.file, actors_gold=len(primary.actors))
    score.secondary_total = len(gold.secondary)
    near = [i for i in incidents if within(i, primary)]
    near.sort(key=lambda i: i.is_background)  # stable: the lead first, background last
    judged = near[0] if near else None
    score.judged = judged
    if primary.dates is not None:
        score.date = False
    for secondary in gold.secondary:
        if any(within(i, secondary) for i in incidents if i is not judged):
            score.secondary_found += 1
    if judged is None:
        score.notes.append(f"no incident within {primary.radius_km:g} km of {primary.place}")
        return score
    score.place = True
    loc = judged.location
    score.admin1 = primary.admin1 is not None and admin1_matches(
        primary.admin1, loc.admin1, loc.admin1_code
    )
    if primary.dates is not None:
        score.date = judged.date in primary.dates
    found = sum(1 for name in primary.actors if any(actor_matches(name, a) for a in judged.actors))
    score.actors_found = found
    score.actors_ok = found >= primary.min_actors
    score.actors_extracted = len(judged.actors)
    score.actors_correct = sum(
        1 for a in judged.actors if any(actor_matches(name, a) for name in primary.actors)
    )
    score.event_type = judged.event_type.value in primary.event_types
    score.killed, invented_k = _count_ok(judged.killed, primary.killed)
    score.injured, invented_i = _count_ok(judged.injured, primary.injured)
    score.invented = int(invented_k) + int(invented_i)
    return score


@dataclass(frozen=True, slots=True)
class EvalSummary:
    """Per-field results over a folder."""

    articles: int
    place: float
    admin1: float
    date: float
    date_scored: int
    actors_precision: float
    actors_recall: float
    actors_f1: float
    actors_ok: float
    event_type: float
    killed: float
    injured: float
    invented: int
    secondary_recall: float
    secondary_total: int


def _ratio(numerator: int, denominator: int) -> float:
    return numerator / denominator if denominator else 1.0


def summarize_scores(scores: Sequence[ArticleScore]) -> EvalSummary:
    """Accuracy per field (fractions 0..1), actor precision/recall/F1, invented figures."""
    n = len(scores)
    dated = [s for s in scores if s.date is not None]
    extracted = sum(s.actors_extracted for s in scores)
    correct = sum(s.actors_correct for s in scores)
    gold_actors = sum(s.actors_gold for s in scores)
    found = sum(s.actors_found for s in scores)
    precision = _ratio(correct, extracted)
    recall = _ratio(found, gold_actors)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    secondary_total = sum(s.secondary_total for s in scores)
    return EvalSummary(
        articles=n,
        place=_ratio(sum(s.place for s in scores), n),
        admin1=_ratio(sum(s.admin1 for s in scores), n),
        date=_ratio(sum(bool(s.date) for s in dated), len(dated)),
        date_scored=len(dated),
        actors_precision=precision,
        actors_recall=recall,
        actors_f1=f1,
        actors_ok=_ratio(sum(s.actors_ok for s in scores), n),
        event_type=_ratio(sum(s.event_type for s in scores), n),
        killed=_ratio(sum(s.killed for s in scores), n),
        injured=_ratio(sum(s.injured for s in scores), n),
        invented=sum(s.invented for s in scores),
        secondary_recall=_ratio(sum(s.secondary_found for s in scores), secondary_total),
        secondary_total=secondary_total,
    )


def names_match(gold_name: str, actor: ActorRef, aliases: Sequence[str]) -> bool:
    """True when a gold actor name is the actor's name, id or one of its aliases (folded)."""
    wanted = fold(gold_name)
    stripped = wanted.split(" (")[0]
    names = {fold(actor.name), actor.id, *(fold(a) for a in aliases)}
    return wanted in names or stripped in names


def spellings_match(a: str, b: str) -> bool:
    """Two romanisations of one name: "North-West" / "Northwest", "Az Zāwiyah" / "Zawiya".

    Articles, hyphens and spaces are ignored and the transliteration keys compared.
    """
    keys = []
    for name in (a, b):
        compact = strip_article(match_key(name)).replace(" ", "")
        if not compact:
            return False
        keys.append(set(translit_keys(compact)) or {compact})
    return bool(keys[0] & keys[1])


def _forms(name: str) -> list[str]:
    """A gold name and, for "Houthis (Ansar Allah)", each of its two forms."""
    outer, _, inner = name.partition("(")
    return [f for f in dict.fromkeys((name, outer.strip(), inner.rstrip(") ").strip())) if f]


def _qualified_generic(form: str, registry: ActorRegistry) -> set[str]:
    """Generic actors a qualified gold name narrows: "West Bengal police", "pro-government
    tribesmen" and "Sudanese police" are kinds of the generic police or tribal militia."""
    words = form.split()
    for start in range(1, len(words)):
        found = {a.id for a in registry.lookup(" ".join(words[start:])) if a.country is None}
        if found:
            return found
    return set()


def registry_actor_matcher(registry: ActorRegistry) -> ActorMatcher:
    """Gold actor names judged through the registry, so a score measures extraction, not spelling.

    A gold name matches an extracted actor when the registry gives both the same actor: the
    gold name is the actor's id, name, alias or analyst label ("Iraqi army" for the Iraqi
    Security Forces), the actor's name is an alias or label of the actor the gold name resolves
    to ("al-Qaeda" for "AQAP"), the gold name qualifies the generic actor extracted ("Sudanese
    police" for police forces), or it names a role of a country whose forces changed ("Afghan
    police") and the actor held that role at some time.
    """

    def matches(name: str, actor: ActorRef) -> bool:
        own = registry.aliases(actor.id)
        for form in _forms(name):
            resolved = registry.lookup(form)
            if any(a.id == actor.id for a in resolved) or names_match(form, actor, own):
                return True
            if any(names_match(actor.name, a, registry.aliases(a.id)) for a in resolved):
                return True
            if actor.country is None and actor.id in _qualified_generic(form, registry):
                return True
            role = registry.eras.role_of(form)
            if role is not None and registry.eras.may_hold(actor.id, *role):
                return True  # "Afghan police": whichever force held the role on the day
        return False

    return matches


def engine_matchers(
    registry: ActorRegistry, gazetteer: Gazetteer
) -> tuple[ActorMatcher, Admin1Matcher]:
    """How ``sitrep eval`` judges names: gold actors through the registry (name, id, alias or
    analyst label), governorates under any spelling the gazetteer knows."""

    actor_matches = registry_actor_matcher(registry)

    def admin1_matches(gold_name: str, admin1: str | None, code: str | None) -> bool:
        if admin1 and (fold(admin1) == fold(gold_name) or spellings_match(admin1, gold_name)):
            return True
        entries = [e for e in gazetteer.lookup(gold_name) if e.kind == "admin1"]
        return any(e.key == code or (admin1 and fold(e.name) == fold(admin1)) for e in entries)

    return actor_matches, admin1_matches
