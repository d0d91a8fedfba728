"""``both``: the rules' incidents, checked field by field against the model's. Pure: no I/O.

Each rules incident is paired with the model incident that best shares its place, day and
kind of event. Fields on which the two agree raise the incident's confidence; fields on which
they differ lower it a little and are kept as ``Disagreement`` (the model's value beside the
rules') for review. The rules' values stay: the model never changes an alert on its own. A
model incident with no rules counterpart is kept as an alternative, never returned.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.domain.models import CasualtyCount, Incident
from bot.extract.finisher import Confidence, Finished

__all__ = ["AGREE_BONUS", "Combined", "Disagreement", "combine", "compare"]

AGREE_BONUS = 0.04  # per field the model reads the same way
DISAGREE_PENALTY = 0.05  # per field it reads differently
UNSEEN_PENALTY = 0.1  # the model did not report the incident at all


@dataclass(frozen=True, slots=True)
class Disagreement:
    """One field the rules and the model read differently."""

    field: str  # "place", "date", "type", "killed", "injured", "actors"
    rules: str
    model: str


@dataclass
class Combined:
    """The rules' incidents re-scored, what the model read otherwise, and model-only incidents."""

    finished: list[Finished]
    disagreements: dict[int, tuple[Disagreement, ...]]  # index in ``finished`` -> fields
    alternatives: list[Finished]


def _count(count: CasualtyCount) -> str:
    return count.display()


def _actors(incident: Incident) -> str:
    return ", ".join(sorted(a.name for a in incident.actors)) or "none"


_FIELDS: tuple[tuple[str, Callable[[Incident], str]], ...] = (
    ("place", lambda i: f"{i.location.name} ({i.location.country})"),
    ("date", lambda i: i.date.isoformat()),
    ("type", lambda i: i.sub_event_type.value),
    ("killed", lambda i: _count(i.killed)),
    ("injured", lambda i: _count(i.injured)),
    ("actors", _actors),
)


def _same(field: str, rules: Incident, model: Incident) -> bool:
    if field == "place":
        return rules.location.key == model.location.key
    if field == "actors":
        return {a.id for a in rules.actors} == {a.id for a in model.actors}
    getter = dict(_FIELDS)[field]
    return getter(rules) == getter(model)


def compare(rules: Incident, model: Incident) -> tuple[list[str], list[Disagreement]]:
    """The fields both read the same way, and the ones they read differently."""
    agreed: list[str] = []
    differ: list[Disagreement] = []
    for name, getter in _FIELDS:
        if _same(name, rules, model):
            agreed.append(name)
        else:
            differ.append(Disagreement(name, getter(rules), getter(model)))
    return agreed, differ


def _affinity(rules: Incident, model: Incident) -> int:
    """How likely two readings are the same event (0: not the same)."""
    a, b = rules.location, model.location
    if a.key == b.key:
        place = 3
    elif a.admin1 and a.admin1 == b.admin1 and a.country == b.country:
        place = 2
    elif a.country == b.country:
        place = 1
    else:
        return 0
    window = max(rules.date_precision.days, model.date_precision.days)
    close = abs((rules.date - model.date).days) <= window
    same_kind = rules.event_type == model.event_type
    if not close and not same_kind:
        return 0
    return place + int(close) + int(same_kind)


def _pair(ruled: Sequence[Finished], modelled: Sequence[Finished]) -> dict[int, int]:
    """Rules index -> model index, best affinity first, each used once."""
    candidates = sorted(
        (
            (-_affinity(r.incident, m.incident), i, j)
            for i, r in enumerate(ruled)
            for j, m in enumerate(modelled)
            if _affinity(r.incident, m.incident) > 0
        ),
    )
    pairs: dict[int, int] = {}
    used: set[int] = set()
    for _, i, j in candidates:
        if i in pairs or j in used:
            continue
        pairs[i] = j
        used.add(j)
    return pairs


def combine(ruled: Sequence[Finished], modelled: Sequence[Finished]) -> Combined:
    """The rules' incidents with confidence from agreement, and the model's other readings."""
    pairs = _pair(ruled, modelled)
    finished: list[Finished] = []
    disagreements: dict[int, tuple[Disagreement, ...]] = {}
    for i, result in enumerate(ruled):
        j = pairs.get(i)
        if j is None:
            reasons = (*result.confidence.reasons, "the language model did not report this")
            score = result.confidence.score - UNSEEN_PENALTY
            finished.append(_rescored(result, score, reasons))
            continue
        agreed, differ = compare(result.incident, modelled[j].incident)
        reasons = result.confidence.reasons
        if agreed:
            reasons = (*reasons, "the language model agrees on " + ", ".join(agreed))
        reasons += tuple(f"the model reads {d.field} as {d.model} (rules: {d.rules})"
                         for d in differ)  # fmt: skip
        score = result.confidence.score + AGREE_BONUS * len(agreed)
        score -= DISAGREE_PENALTY * len(differ)
        finished.append(_rescored(result, score, reasons))
        if differ:
            disagreements[i] = tuple(differ)
    alternatives = [
        _rescored(m, m.confidence.score, (*m.confidence.reasons, "only the model reported this"))
        for j, m in enumerate(modelled)
        if j not in pairs.values()
    ]
    return Combined(finished, disagreements, alternatives)


def _rescored(result: Finished, score: float, reasons: tuple[str, ...]) -> Finished:
    clamped = round(min(1.0, max(0.0, score)), 3)
    return dataclasses.replace(result, confidence=Confidence(clamped, reasons))
