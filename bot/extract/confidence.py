"""How far to trust an incident: a 0-1 score from observable signals, with its reasons.

Signals (issue 11; research/round2.md section 7): the role and precision of the place, the
event word and the figure in one clause, agreement with the report's headline and lead (the
place, and the country they name), the date's precision and whether a date was stated, and
how many reports tell the incident. Each doubt multiplies the score by a factor below 1 and
adds a reason; independent reports pull it back towards 1. The factors are a few round
numbers, not fitted weights: the threshold that gates alerts is chosen from the measured
precision/recall curve (``sitrep eval --curve``), so only the order of the scores matters.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from bot.domain.enums import DatePrecision, EventType, GeoPrecision
from bot.domain.models import Incident
from bot.extract.actors import countries_named
from bot.extract.casualties import find_figures
from bot.extract.events import find_triggers
from bot.extract.local_places import distance_km
from bot.extract.normalize import fold, match_key
from bot.extract.place_roles import mention_role
from bot.extract.text import split_clauses

__all__ = [
    "COMPANION_KM",
    "Confidence",
    "ReportView",
    "companion_doubts",
    "corroborate",
    "score_incident",
    "side_event_doubts",
    "with_confidence",
]

# Factors (each < 1 lowers the score). Round numbers; see the module docstring.
_PRECISION_FACTOR = {
    GeoPrecision.COUNTRY: 0.35,
    GeoPrecision.ADMIN1: 0.8,
    GeoPrecision.ADMIN2: 0.9,
}
_DATE_FACTOR = {DatePrecision.WEEK: 0.85, DatePrecision.MONTH: 0.6}
_PLACE_NOT_EVENT = 0.5  # named only as an outlet's tag, a speaker's location, a person ...
_DATELINE_ONLY = 0.6  # a dateline often is the event's town, but not always
_PLACE_UNSEEN = 0.75  # not named in the incident's own sentences (inferred)
_FOREIGN_COUNTRY = 0.45  # a country the headline and lead do not name
_NOT_IN_LEAD = 0.85  # neither the headline nor the lead names the place
_NO_EVENT_WORD = 0.5  # no violent event or casualty stated in its sentences
_SPLIT_FIGURE = 0.85  # the figure and the event word are in different clauses
_NO_VIOLENCE = 0.85  # an arrest or a seizure: news, but no violence to alert on
_DATE_UNSTATED = 0.85  # no date in the text: the publication day was assumed
_SETTLEMENT_UNPLACED = 0.8  # the text names a village or town the region stands in for
_CORROBORATION = 0.5  # each further report halves the remaining doubt
_HEADLINE_ONLY = 0.7  # no sentence of the body tells the event: only the headline does
_COMPANION = 0.6  # toll-less, beside a same-day incident with a toll: likely the same attack
COMPANION_KM = 50.0  # how near that other incident lies
_SIDE_EVENT = 0.6  # not the report's main event
_SIDE_EVENT_SEPARATE = 0.9  # introduced as "a separate attack"
_TWIN_KM = 100.0  # a side incident this near the main event on its day may be the main event
_SIDE_EVENT_REASON = "report: not its main event, and a smaller toll than the main event's"
_COMPANION_REASON = "toll: none given, beside a same-day incident nearby that gives one"

# A name at the start of a sentence followed by a dash, colon or agency tag is a dateline
# or an outlet tag ("BAGHDAD, Jan 5 (Reuters) -", "Dubai 24 - AFP:").
_DATELINE_AFTER = re.compile(
    r"^[^.!?]{0,40}?(?:\s[-\u2013\u2014]\s|:\s|\(\w[\w ]{0,20}\)\s*[-\u2013\u2014:])"
)
# "the village of Kwatarni", "Kwatarni village", "Kwatarni, a town in": a named settlement.
_SETTLEMENT_WORDS = ("village", "town", "hamlet", "settlement", "locality")
_NAMED_SETTLEMENT_RE = re.compile(
    r"\b(?:village|town|hamlet|settlement|locality)\s+of\s+[A-Z][\w'’\-]+|"
    r"\b[A-Z][\w'’\-]+\s+(?:village|hamlet|settlement|locality)\b|"
    r"\b[A-Z][\w'’\-]+,\s+an?\s+(?:\w+\s+)?(?:village|town|hamlet|settlement)\s+(?:in|near)\b"
)
_EVENT_BEFORE = re.compile(
    r"\b(?:in|near|at|outside|inside|of|on|around|across|into|between|towards?|from|"
    r"within|off|by|hit|struck|stormed|attacked|shelled|targeted|raided|bombed)\s+"
    r"(?:the\s+)?(?:[\w'-]+\s+){0,2}$"
)


@dataclass(frozen=True, slots=True)
class Confidence:
    """A score in [0, 1] and the reasons it is what it is."""

    score: float
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ReportView:
    """What an incident is compared with: its report's headline and lead."""

    headline_and_lead: str  # folded
    countries: frozenset[str]  # ISO codes the headline and lead name
    title: str = ""  # as written: the headline also names the event's place

    @classmethod
    def of(
        cls, title: str | None, sentences: Sequence[str], lead_sentences: int = 2
    ) -> ReportView:
        """The view of a report from its title and its first ``lead_sentences`` sentences."""
        text = " ".join([title or "", *sentences[:lead_sentences]])
        return cls(fold(text), frozenset(countries_named(text)), title or "")


def _place_roles(names: Sequence[str], evidence: Sequence[str]) -> set[str]:
    """How the incident's place is named in its sentences: event, dateline, speaker, other."""
    roles: set[str] = set()
    for sentence in evidence:
        folded = fold(sentence)
        for name in names:
            if name not in folded:
                continue  # (a cheap test before the pattern)
            for match in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", folded):
                start = match.start()
                before, after = folded[max(0, start - 60) : start], folded[start:]
                if mention_role(before, after[:40]):
                    roles.add("speaker")  # an outlet's tag, a speaker, an allegiance, a person
                elif start <= 2 and _DATELINE_AFTER.match(after):
                    roles.add("dateline")
                elif _EVENT_BEFORE.search(before):
                    roles.add("event")
                else:
                    roles.add("other")
    return roles


def _spelled_otherwise(name: str, sentences: Sequence[str]) -> set[str]:
    """{"other"} when the name occurs with other punctuation ("Bi'r al 'Abd" as "Bir
    al-Abd", "Mrauk-U" as "Mrauk U"), else an empty set."""
    key = match_key(name)
    if len(key) < 3:
        return set()
    pattern = re.compile(rf"(?<!\w){re.escape(key)}(?!\w)")
    return {"other"} if any(pattern.search(match_key(s)) for s in sentences) else set()


def _names_settlement(evidence: Sequence[str]) -> bool:
    """Whether the incident's sentences name a village or town ("the village of X")."""
    return any(
        any(word in sentence for word in _SETTLEMENT_WORDS)
        and _NAMED_SETTLEMENT_RE.search(sentence) is not None
        for sentence in evidence
    )


def _event_words(evidence: Sequence[str]) -> tuple[bool, bool]:
    """(an event word or a casualty figure is stated, a figure shares a clause with a trigger)."""
    stated = False
    for sentence in evidence:
        sentence_stated, together = _sentence_event_words(sentence)
        if together:
            return True, True
        stated = stated or sentence_stated
    return stated, False


@lru_cache(maxsize=4096)
def _sentence_event_words(sentence: str) -> tuple[bool, bool]:
    """``_event_words`` of one sentence (incidents of a report share their sentences)."""
    stated = False
    for clause in split_clauses(sentence):
        triggers = bool(find_triggers(clause.text))
        figures = triggers or not stated  # once something is stated, only pairs matter
        figures = bool(find_figures(clause.text)) if figures else False
        if triggers and figures:
            return True, True
        stated = stated or triggers or figures
    return stated, False


def _place_names_of(*names: str | None) -> list[str]:
    """Folded forms of place names to look for in text ("al-Qaim" also as "Qaim")."""
    folded: list[str] = []
    for name in names:
        key = fold(name or "").strip()
        for variant in (key, key.removeprefix("al-"), key.removeprefix("al ")):
            if len(variant) >= 3 and variant not in folded:
                folded.append(variant)
    return folded


def _place_names(incident: Incident, written: str | None) -> list[str]:
    location = incident.location
    if location.geo_precision in (GeoPrecision.ADMIN1, GeoPrecision.ADMIN2):
        return _place_names_of(written, location.name, location.admin1)
    return _place_names_of(written, location.name)


def score_incident(
    incident: Incident,
    view: ReportView,
    *,
    date_stated: bool | None = None,
    written: str | None = None,
) -> Confidence:
    """Score one incident of a report (one report: corroboration comes with merging).

    ``written``: the place as the text wrote it, when the extractor knows ("Salaheddin" for
    the gazetteer's Salahuddin), so another spelling still counts as naming the place.
    """
    score, reasons = 1.0, []

    def doubt(factor: float, reason: str) -> None:
        nonlocal score
        score *= factor
        reasons.append(reason)

    location = incident.location
    if location.geo_precision in _PRECISION_FACTOR:
        doubt(_PRECISION_FACTOR[location.geo_precision],
              f"place: only the {location.geo_precision.value} is known")  # fmt: skip
    if location.geo_precision is GeoPrecision.ADMIN1 and _names_settlement(incident.evidence):
        doubt(_SETTLEMENT_UNPLACED, "place: a village or town is named, only its region is known")
    names = _place_names(incident, written)
    sentences = [*incident.evidence, view.title] if view.title else list(incident.evidence)
    roles = _place_roles(names, sentences) or _spelled_otherwise(location.name, sentences)
    if location.geo_precision is not GeoPrecision.COUNTRY:
        if not roles:
            doubt(_PLACE_UNSEEN, "place: not named in the sentences the incident was read from")
        elif roles == {"speaker"}:
            doubt(_PLACE_NOT_EVENT, "place: named only as a tag, a speaker's place or a name")
        elif "event" not in roles and "dateline" in roles:
            doubt(_DATELINE_ONLY, "place: named only in the dateline")
    lead_names = [*names, *_place_names_of(location.admin1)]
    lead = view.headline_and_lead
    in_lead = any(
        n in lead and re.search(rf"(?<!\w){re.escape(n)}(?!\w)", lead) for n in lead_names
    )
    if view.countries and location.country not in view.countries and not in_lead:
        doubt(
            _FOREIGN_COUNTRY,
            f"place: in {location.country}, a country the headline and lead do not name",
        )
    elif not in_lead:
        doubt(_NOT_IN_LEAD, "place: not in the headline or lead")
    for factor, reason in _event_doubts(incident, view):
        doubt(factor, reason)
    if incident.date_precision in _DATE_FACTOR:
        doubt(_DATE_FACTOR[incident.date_precision],
              f"date: only the {incident.date_precision.value} is known")  # fmt: skip
    if date_stated is False:
        doubt(_DATE_UNSTATED, "date: no date stated, the publication day was assumed")
    return Confidence(round(score, 4), tuple(reasons))


def _event_doubts(incident: Incident, view: ReportView) -> list[tuple[float, str]]:
    """Doubts about the event itself: told only by the headline, no violent act stated, the
    figure apart from the event word, arrests or seizures with no casualty."""
    found: list[tuple[float, str]] = []
    stated, together = _event_words(incident.evidence)
    tolled = incident.killed.known or incident.injured.known
    if view.title and incident.evidence and all(e == view.title for e in incident.evidence):
        found.append(
            (_HEADLINE_ONLY, "event: told only by the headline, in no sentence of the body")
        )
    if not stated:
        found.append((_NO_EVENT_WORD, "event: no violent act or casualty stated in its sentences"))
    elif tolled and not together:
        found.append(
            (_SPLIT_FIGURE, "toll: the figure and the event word are in different clauses")
        )
    if incident.event_type is EventType.STRATEGIC_DEVELOPMENTS and not tolled:
        found.append((_NO_VIOLENCE, "event: arrests or seizures, no violence reported"))
    return found


def companion_doubts(
    incidents: Sequence[Incident], confidences: Sequence[Confidence]
) -> list[Confidence]:
    """Each incident's confidence, lowered when it gives no toll while another incident of
    the same report, on an overlapping day in the same country within ``COMPANION_KM``,
    gives one: a raid on "several villages in A and B" reads as two places of one attack,
    and the toll-less one would alert a second time for the same news."""
    tolled = [i for i in incidents if (i.killed.known or i.injured.known) and not i.is_background]
    result = list(confidences)
    for index, incident in enumerate(incidents):
        if incident.killed.known or incident.injured.known or incident.is_background:
            continue
        if any(_companions(incident, other) for other in tolled):
            confidence = confidences[index]
            result[index] = Confidence(
                round(confidence.score * _COMPANION, 4),
                (*confidence.reasons, _COMPANION_REASON),
            )
    return result


# A headline that announces several events of equal rank: "Sahel security round-up", "News in
# brief", "The week in review".
_ROUNDUP_RE = re.compile(
    r"\bround-?\s?ups?\b|\bin\s+brief\b|\bbriefs\b|\bbriefing\b|\bweek\s+in\s+review\b|"
    r"\bweekly\s+(?:update|summary|wrap)\b|\bsecurity\s+(?:update|digest)\b|\bdigest\b|"
    # "Mali: soldiers accused of killing villagers - plus Somalia, DR Congo and Haiti"
    r"[\u2014\u2013-]\s*plus\s+\w"
)


def side_event_doubts(
    incidents: Sequence[Incident],
    confidences: Sequence[Confidence],
    roles: Sequence[tuple[bool, bool]],
    title: str = "",
    headline_and_lead: str = "",
) -> list[Confidence]:
    """Each incident's confidence, lowered when it is not the report's main event (``roles``:
    (lead, introduced as a separate incident) per incident). Later paragraphs tell context,
    earlier attacks and pieces of the main event more often than news of their own; an
    incident told as "a separate attack", or with a larger toll than the main event's, less
    often, and one at the place the headline names not at all. Background incidents never
    alert, so they keep their score."""
    headline = fold(title)
    if _ROUNDUP_RE.search(headline or headline_and_lead):
        return list(confidences)  # a round-up: every incident it tells is news of its own
    leads = [i for i, (lead, _) in zip(incidents, roles, strict=True) if lead]
    lead_toll = max((_toll(i) for i in leads), default=None)
    result = list(confidences)
    for index, (incident, (lead, separate)) in enumerate(zip(incidents, roles, strict=True)):
        if lead or incident.is_background or lead_toll is None:
            continue
        if any(_companions(incident, lead, _TWIN_KM) for lead in leads):
            continue  # the main event's day and area: one of the two places is the main event
        if _toll(incident) > lead_toll or _in_headline(incident, headline):
            continue  # a bigger toll than the lead's, or the headline's place: the news
        factor = _SIDE_EVENT_SEPARATE if separate else _SIDE_EVENT
        confidence = confidences[index]
        result[index] = Confidence(
            round(confidence.score * factor, 4), (*confidence.reasons, _SIDE_EVENT_REASON)
        )
    return result


def _in_headline(incident: Incident, headline: str) -> bool:
    """Whether the (folded) headline names the incident's place."""
    if not headline or incident.location.geo_precision is GeoPrecision.COUNTRY:
        return False
    return any(
        re.search(rf"(?<!\w){re.escape(name)}(?!\w)", headline) is not None
        for name in _place_names_of(incident.location.name)
    )


def _toll(incident: Incident) -> int:
    """Killed and injured at the conservative minimum (unknown counts as none)."""
    return (incident.killed.min or 0) + (incident.injured.min or 0)


def _companions(incident: Incident, other: Incident, km: float = COMPANION_KM) -> bool:
    """Same country, overlapping days, both placed at a point within ``km``."""
    a, b = incident.location, other.location
    if a.country != b.country or not {a.geo_precision, b.geo_precision} <= _LOCAL:
        return False
    if a.lat is None or a.lon is None or b.lat is None or b.lon is None:
        return False
    first, last = incident.date, incident.date_end or incident.date
    if other.date > last or (other.date_end or other.date) < first:
        return False
    return distance_km(a.lat, a.lon, b.lat, b.lon) <= km


_LOCAL = frozenset({GeoPrecision.POINT, GeoPrecision.NEAR, GeoPrecision.ADMIN2})


def corroborate(existing: Incident, new: Incident, reports: int) -> Confidence | None:
    """The confidence of ``existing`` once ``new`` (another report) tells it too: the higher
    of the two scores with half its remaining doubt removed; None when neither is scored."""
    scored = [i for i in (existing, new) if i.confidence is not None]
    if not scored:
        return None
    best = max(scored, key=lambda i: i.confidence or 0.0)
    score = 1.0 - (1.0 - (best.confidence or 0.0)) * _CORROBORATION
    reasons = [r for r in best.confidence_reasons if not r.startswith("reports:")]
    return Confidence(round(score, 4), (*reasons, f"reports: {reports} tell it"))


def with_confidence(incident: Incident, confidence: Confidence) -> Incident:
    """The incident carrying ``confidence``."""
    return incident.model_copy(
        update={"confidence": confidence.score, "confidence_reasons": list(confidence.reasons)}
    )
