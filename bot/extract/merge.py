"""Merging reports of one event: find the incident a new one repeats, and fold it in.

Blocking: same country, compatible governorate, dates within their precision, the same event
type and the same place precision. Scoring: the same place (or <= 25 km), overlapping actors,
compatible counts (|a-b| <= max(2, 30%) or one missing) and the same sub-event type. Two
different events in one city on one day stay two whatever their tolls: a checkpoint shooting
(an armed clash in the city) and a roadside bomb on its outskirts (an explosion near it) differ
in event type and in place precision, and small tolls that happen to agree must not outweigh
that; events of one type and precision differ in counts, actors or neighbourhood, and each
costs points. Merging keeps every source, widens the casualty ranges
(the conservative ``min`` stays) and writes a note when the toll moves.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.domain.enums import CountStatus
from bot.domain.models import (
    ActorRef,
    CasualtyClaim,
    CasualtyCount,
    Incident,
    Location,
    SourceRef,
)
from bot.extract.confidence import corroborate
from bot.extract.summary import summarize

__all__ = [
    "MergeResult",
    "counts_compatible",
    "distance_km",
    "find_match",
    "haversine_km",
    "match_score",
    "merge_counts",
    "merge_incidents",
]

NEAR_KM = 25.0
MATCH_THRESHOLD = 4.5
_MAX_EVIDENCE = 12


def distance_km(a: Location, b: Location) -> float | None:
    """Great-circle distance between two located places, None when either has no point."""
    if a.lat is None or a.lon is None or b.lat is None or b.lon is None:
        return None
    return haversine_km(a.lat, a.lon, b.lat, b.lon)


def haversine_km(lat_a: float, lon_a: float, lat_b: float, lon_b: float) -> float:
    """Great-circle distance in km between two points given in degrees."""
    lat1, lon1, lat2, lon2 = map(math.radians, (lat_a, lon_a, lat_b, lon_b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(h)))


def counts_compatible(a: CasualtyCount, b: CasualtyCount) -> bool | None:
    """True/False when both give a figure (|a-b| <= max(2, 30%)), None when one is missing."""
    if a.min is None or b.min is None:
        return None
    x, y = a.max if a.max is not None else a.min, b.max if b.max is not None else b.min
    low_a, low_b = a.min, b.min
    gap = min(abs(x - y), abs(low_a - low_b))
    return gap <= max(2, 0.3 * max(x, y, low_a, low_b))


def _place_score(a: Location, b: Location) -> float | None:
    """3 same place, 2 same place at different precision, 1.5 a nearby place; None: different."""
    if a.country != b.country:
        return None
    if a.key == b.key and a.geo_precision == b.geo_precision:
        return 3.0
    if a.admin1 and b.admin1 and a.admin1.lower() != b.admin1.lower():
        distance = distance_km(a, b)
        return 1.0 if distance is not None and distance <= NEAR_KM else None
    coarse = {"admin1", "country"}
    if a.geo_precision.value in coarse or b.geo_precision.value in coarse:
        return 1.0  # a governorate-wide report may be this event, weak evidence
    if a.key == b.key:
        return 2.5
    distance = distance_km(a, b)
    if distance is None:
        return None
    if distance <= 3.0:
        return 2.0
    if distance <= NEAR_KM:
        return 1.5
    return None


def match_score(incident: Incident, candidate: Incident) -> float | None:
    """How likely two incidents are one event; None when blocked (cannot be the same)."""
    if incident.event_type is not candidate.event_type:
        return None  # a shooting and a bombing are two events, however close in place and day
    if incident.location.geo_precision is not candidate.location.geo_precision:
        return None  # "in the city" and "on its outskirts" are two places
    window = max(incident.date_precision.days, candidate.date_precision.days)
    start_a, end_a = incident.date, incident.date_end or incident.date
    start_b, end_b = candidate.date, candidate.date_end or candidate.date
    gap = max(0, (start_b - end_a).days, (start_a - end_b).days)
    if gap > window:
        return None
    place = _place_score(incident.location, candidate.location)
    if place is None:
        return None
    score = place
    score += 1.0 if gap == 0 else 0.5
    if incident.sub_event_type is candidate.sub_event_type:
        score += 1.0
    elif incident.event_type is candidate.event_type:
        score += 0.5
    ids_a, ids_b = incident.actor_ids, candidate.actor_ids
    if ids_a and ids_b:
        score += 2.0 if ids_a & ids_b else -1.0
    may_be_later = _may_be_later(candidate, incident)
    for field_name in ("killed", "injured"):
        mine, theirs = getattr(incident, field_name), getattr(candidate, field_name)
        compatible = counts_compatible(mine, theirs)
        if (
            compatible is False
            and may_be_later
            and _plausible_rise(theirs.min or 0, mine.min or 0)
        ):
            compatible = None  # a follow-up whose toll rose: no evidence either way
        if compatible is True:
            score += 0.75 if field_name == "killed" else 0.5
        elif compatible is False:
            score -= 1.5 if field_name == "killed" else 0.75
    return score


def find_match(incident: Incident, candidates: Sequence[Incident]) -> Incident | None:
    """The candidate that reports the same event as ``incident``, or None.

    Same place (or <= 25 km), date within precision, compatible actors, counts and type; the
    best score above the threshold wins. Two different events in one city on one day stay two.
    """
    best: tuple[float, int] | None = None
    for index, candidate in enumerate(candidates):
        if candidate is incident:
            continue
        score = match_score(incident, candidate)
        if score is None or score < MATCH_THRESHOLD:
            continue
        if best is None or score > best[0]:
            best = (score, index)
    return None if best is None else candidates[best[1]]


@dataclass(frozen=True, slots=True)
class MergeResult:
    """The outcome of folding a new report's incident into a known one."""

    incident: Incident  # the merged incident (keeps existing id, all sources)
    changed: bool  # anything new at all (a new source counts)
    toll_changed: bool  # killed/injured range changed
    changes: dict[str, dict[str, Any]] = field(default_factory=dict)  # field -> {old, new}
    note: str = ""  # "death toll rose from 20 to 30 (AFP)"


def _claim_key(claim: CasualtyClaim) -> tuple[Any, ...]:
    return (claim.min, claim.max, claim.status, claim.source)


def merge_counts(old: CasualtyCount, new: CasualtyCount, *, newer: bool = False) -> CasualtyCount:
    """Widen the range over both counts, keeping every claim.

    Figures from reports of the same moment conflict, so the conservative (lowest) one stays
    the reported figure. A later report with a higher figure is a rising toll ("the toll rose
    to 30"): it supersedes the earlier, lower figures, as ACLED revises its events.
    """
    claims = list(old.claims)
    seen = {_claim_key(c) for c in claims}
    incoming = new.claims or (
        [CasualtyClaim(min=new.min, max=new.max, status=new.status, source=new.source)]
        if new.min is not None
        else []
    )
    for claim in incoming:
        if _claim_key(claim) not in seen:
            seen.add(_claim_key(claim))
            claims.append(claim)
    if old.min is None and new.min is None:
        status = old.status
        if CountStatus.UNKNOWN in (old.status, new.status):
            status = CountStatus.UNKNOWN
        return old.model_copy(update={"status": status, "claims": claims})
    if old.min is None:
        return new.model_copy(update={"claims": claims})
    if new.min is None:
        return old.model_copy(update={"claims": claims})
    low = min(old.min, new.min)
    high = max(
        old.max if old.max is not None else old.min, new.max if new.max is not None else new.min
    )
    if newer and new.min > old.min:
        low = new.min
    base = new if low == new.min else old
    return CasualtyCount(min=low, max=high, status=base.status, source=base.source, claims=claims)


def _latest_publication(incident: Incident) -> dt.datetime | None:
    times = [s.published_at for s in incident.sources if s.published_at is not None]
    return max(times) if times else None


def _is_newer(existing: Incident, new: Incident) -> bool:
    """True when ``new`` comes from a report published after every source of ``existing``."""
    old_time, new_time = _latest_publication(existing), _latest_publication(new)
    return old_time is not None and new_time is not None and new_time > old_time


def _may_be_later(existing: Incident, new: Incident) -> bool:
    """False only when ``new`` is known to be published before ``existing``.

    Reports arrive in order, so without publication times the later arrival may be a follow-up;
    figures published at the same moment that differ this little are one event's conflicting
    counts, not two events.
    """
    old_time, new_time = _latest_publication(existing), _latest_publication(new)
    return old_time is None or new_time is None or new_time >= old_time


def _plausible_rise(old: int, new: int) -> bool:
    """A toll that grows like follow-up reports do (3 -> 7, 20 -> 30), not 3 -> 40."""
    return old < new <= max(3 * old, old + 10)


def _source_key(source: SourceRef) -> tuple[Any, ...]:
    return (source.report_id, source.url, source.title)


def _describe_source(new: Incident) -> str:
    for source in new.sources:
        if source.outlet:
            return source.outlet
    return ""


def _toll_note(word: str, old: CasualtyCount, new: CasualtyCount, who: str) -> str | None:
    old_top = old.max if old.max is not None else old.min
    new_top = new.max if new.max is not None else new.min
    if new_top is None or old_top == new_top:
        return None
    suffix = f" ({who})" if who else ""
    if old_top is None:
        return f"{word} now reported as {new.display()}{suffix}"
    direction = "rose" if new_top > old_top else "revised"
    if direction == "rose":
        return f"{word} rose from {old_top} to {new_top}{suffix}"
    return f"{word} revised: now {new.display()}{suffix}"


def _corroborated(
    result: Incident, existing: Incident, new: Incident, changes: dict[str, dict[str, Any]]
) -> Incident:
    """Another report tells the incident: its confidence rises (the alert gate reads it)."""
    if "sources" not in changes:
        return result
    corroborated = corroborate(existing, new, len(result.sources))
    if corroborated is None:
        return result
    if corroborated.score != existing.confidence:
        changes["confidence"] = {"old": existing.confidence, "new": corroborated.score}
    return result.model_copy(
        update={"confidence": corroborated.score, "confidence_reasons": list(corroborated.reasons)}
    )


def merge_incidents(existing: Incident, new: Incident) -> MergeResult:
    """Fold ``new`` into ``existing``: sources, widened counts, actors, better place and date."""
    changes: dict[str, dict[str, Any]] = {}
    sources = _merged_sources(existing, new, changes)
    newer = _is_newer(existing, new)
    killed = merge_counts(existing.killed, new.killed, newer=newer)
    injured = merge_counts(existing.injured, new.injured, newer=newer)
    arrested = merge_counts(existing.arrested, new.arrested, newer=newer)
    toll_changed = False
    for name, old_count, merged in (
        ("killed", existing.killed, killed),
        ("injured", existing.injured, injured),
    ):
        if (old_count.min, old_count.max) != (merged.min, merged.max):
            toll_changed = True
            changes[name] = {"old": old_count.display(), "new": merged.display()}
    actors = _merged_actors(existing, new, changes)
    when_where = _better_place_and_date(existing, new, changes)
    evidence = list(existing.evidence)
    evidence += [s for s in dict.fromkeys(new.evidence) if s not in existing.evidence]
    del evidence[max(_MAX_EVIDENCE, len(existing.evidence)) :]
    who = _describe_source(new)
    notes = [
        note
        for note in (
            _toll_note("death toll", existing.killed, killed, who),
            _toll_note("injured", existing.injured, injured, who),
        )
        if note
    ]
    summary = summarize(
        date=when_where["date"],
        precision=when_where["date_precision"],
        location=when_where["location"],
        actors=actors,
        sub_event_type=existing.sub_event_type,
        killed=killed,
        injured=injured,
    )
    result = existing.model_copy(
        update={
            **when_where,
            "time_of_day": existing.time_of_day or new.time_of_day,
            "actors": actors,
            "killed": killed,
            "injured": injured,
            "arrested": arrested,
            "summary": summary,
            "evidence": evidence,
            "sources": sources,
            "is_background": existing.is_background and new.is_background,
        }
    )
    return MergeResult(
        incident=_corroborated(result, existing, new, changes),
        changed=bool(changes),
        toll_changed=toll_changed,
        changes=changes,
        note="; ".join(notes),
    )


def _merged_sources(
    existing: Incident, new: Incident, changes: dict[str, dict[str, Any]]
) -> list[SourceRef]:
    sources = list(existing.sources)
    known = {_source_key(s) for s in sources}
    added_source = False
    for source in new.sources:
        if _source_key(source) not in known:
            known.add(_source_key(source))
            sources.append(source)
            added_source = True
    if added_source:
        changes["sources"] = {"old": len(existing.sources), "new": len(sources)}
    return sources


def _merged_actors(
    existing: Incident, new: Incident, changes: dict[str, dict[str, Any]]
) -> list[ActorRef]:
    actors = list(existing.actors)
    ids = {a.id for a in actors}
    for actor in new.actors:
        if actor.id not in ids:
            ids.add(actor.id)
            actors.append(actor)
    if len(actors) != len(existing.actors):
        changes["actors"] = {
            "old": [a.name for a in existing.actors],
            "new": [a.name for a in actors],
        }
    return actors


def _better_place_and_date(
    existing: Incident, new: Incident, changes: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    """The more precise place and date of the two (``location``, ``date``... fields)."""
    location = existing.location
    if new.location.geo_precision.rank < existing.location.geo_precision.rank:
        location = new.location
        changes["location"] = {"old": existing.location.name, "new": new.location.name}
    date, precision, date_end = existing.date, existing.date_precision, existing.date_end
    if list(type(precision)).index(new.date_precision) < list(type(precision)).index(precision):
        date, precision, date_end = new.date, new.date_precision, new.date_end
        changes["date"] = {"old": existing.date.isoformat(), "new": new.date.isoformat()}
    return {"location": location, "date": date, "date_precision": precision, "date_end": date_end}
