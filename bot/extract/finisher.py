"""The shared finisher: any extractor's ``IncidentDraft`` -> an ``Incident``.

Every extractor (the rules pipeline today, a language model later) produces drafts and calls
:meth:`Finisher.finish_all`, so the same guarantees hold whatever read the text:

* the place is resolved through the gazetteer (a key the extractor already chose, or the text
  as written, narrowed by the country); an unknown place gives no incident;
* actors are matched to the registry (a name it does not know is dropped, never invented;
  a group the report itself defines (a bracketed acronym, an apposition) comes as its own ref,
  ``bot.extract.text_actors``);
  a generic "security forces" becomes the country's own; a named armed group hides
  "unidentified gunmen", named groups hide a collective of their kind, a specific state force
  hides the generic one; in a battle or explosion the named other side of "fighting between A
  and B" is added;
* figures are checked against the text: a statement whose sentence is not in the report, or
  a figure whose words are not in its sentence, is dropped; the rest are combined per kind
  (``casualties.combine``); headline figures count only when the body gives none;
* the date is the stated day, or counted from the lead event ("a day after ..."), or the
  publication day for the lead; it is never after the publication day;
* a confidence (a score and its reasons, bot.extract.confidence) comes from a replaceable
  hook and is stored on the incident;
* the one-sentence summary is written from the finished fields.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from bot.domain.enums import ActorType, DatePrecision, EventType
from bot.domain.models import ActorRef, CasualtyCount, Incident, Location
from bot.extract.actors import ActorRegistry, Role
from bot.extract.casualties import Figure, Statement, combine
from bot.extract.confidence import (
    Confidence,
    companion_doubts,
    score_incident,
    side_event_doubts,
    with_confidence,
)
from bot.extract.dates import find_dates
from bot.extract.draft_location import DraftLocations
from bot.extract.drafts import ActorDraft, FigureStatementDraft, IncidentDraft
from bot.extract.gazetteer import Gazetteer
from bot.extract.source_text import SourceText, figure_in_evidence
from bot.extract.summary import summarize

__all__ = [
    "Confidence",
    "ConfidenceHook",
    "Finished",
    "Finisher",
    "SourceText",
    "observed_confidence",
    "report_doubts",
]

MAX_EVIDENCE = 8
_GENERIC_ACTORS: dict[str, Role] = {"security-forces": "security", "military-forces": "military",
                   "police-forces": "police"}  # fmt: skip
_UNIDENTIFIED = "unidentified-armed-group"
_REGULAR_FORCES_RE = re.compile(
    r"^\S+\s+(?:army|police|military|armed\s+forces|forces|government\s+forces|troops)$"
)
# A class of unnamed rebels is named by what its men are ("Separatist fighters"); "Islamic
# State" is a group, not a class the Taliban's "Islamic Emirate" covers.
_CLASS_NOUNS = frozenset({"fighters", "militants", "rebels", "insurgents", "gunmen", "groups"})
_COLLECTIVE_WORDS = frozenset(
    {"militias", "factions", "groups", "gunmen", "tribesmen", "fighters"}
)


# A side event more than this before the lead is history ("an attack last week"); one a few
# days before it is this week's news (a round-up's Wednesday ambush beside Saturday's lead).
_NEWS_WINDOW = dt.timedelta(days=3)


def _before_the_news(date: dt.date, lead_date: dt.date | None) -> bool:
    return lead_date is not None and date < lead_date - _NEWS_WINDOW


@dataclass(frozen=True, slots=True)
class Finished:
    """A finished incident with its confidence and the figures the text did not bear out.

    The incident always carries the same confidence (a later step that replaces it, such as
    the language model's grounding, replaces the incident's too), so the alert gate reads it.
    """

    incident: Incident
    confidence: Confidence
    dropped_figures: int = 0

    def __post_init__(self) -> None:
        incident = self.incident
        if (incident.confidence, tuple(incident.confidence_reasons)) != (
            self.confidence.score,
            self.confidence.reasons,
        ):
            object.__setattr__(self, "incident", with_confidence(incident, self.confidence))


ConfidenceHook = Callable[[IncidentDraft, Incident, int, SourceText], Confidence]
_DROPPED = 0.6  # figures the extractor gave that the text does not bear out


def observed_confidence(
    draft: IncidentDraft, incident: Incident, dropped: int, source: SourceText
) -> Confidence:
    """The confidence from what can be observed (bot.extract.confidence: place role and
    precision, headline and lead, event word and figure in one clause, date precision), plus
    whether the text stated a date and whether figures had to be dropped."""
    scored = score_incident(
        incident,
        source.view,
        date_stated=draft.date is not None,
        written=draft.place.text if draft.place is not None else None,
    )
    if not dropped:
        return scored
    reason = f"toll: {dropped} figure(s) not found in the text were dropped"
    return Confidence(round(scored.score * _DROPPED, 4), (*scored.reasons, reason))


def report_doubts(
    finished: Sequence[Finished], drafts: Sequence[IncidentDraft], source: SourceText
) -> list[Finished]:
    """A report's finished incidents (each from the draft at its index) with the doubts that
    need the whole report: a toll-less incident beside a same-day tolled one (one attack, two
    places), and an incident besides the main event unless it is told as news of its own."""
    incidents = [f.incident for f in finished]
    scores = companion_doubts(incidents, [f.confidence for f in finished])
    roles = [(d.lead, d.separate) for d in drafts]
    view = source.view
    scores = side_event_doubts(incidents, scores, roles, view.title, view.headline_and_lead)
    return [
        Finished(f.incident, c, f.dropped_figures) for f, c in zip(finished, scores, strict=True)
    ]


class Finisher:
    """Turns drafts into incidents with the packaged (or given) gazetteer and registry."""

    def __init__(
        self,
        gazetteer: Gazetteer,
        actors: ActorRegistry,
        confidence: ConfidenceHook = observed_confidence,
    ) -> None:
        """Index the registry's state forces once (shared by every report)."""
        self._gazetteer = gazetteer
        self._actors = actors
        self._confidence = confidence
        self._country_forces = _index_country_forces(actors)
        self._locations = DraftLocations(gazetteer)

    @property
    def gazetteer(self) -> Gazetteer:
        """The gazetteer places are resolved with."""
        return self._gazetteer

    @property
    def actors(self) -> ActorRegistry:
        """The registry actors are canonicalised with."""
        return self._actors

    @property
    def confidence_hook(self) -> ConfidenceHook:
        """How a finished incident's confidence is scored."""
        return self._confidence

    def finish_all(
        self, drafts: Iterable[IncidentDraft], *, reference: dt.date, source: SourceText
    ) -> list[Finished]:
        """Finish a report's drafts in order (the lead's date anchors "a day after ...")."""
        finished: list[Finished] = []
        kept: list[IncidentDraft] = []
        lead_date: dt.date | None = None
        for draft in drafts:
            result = self.finish(draft, reference=reference, lead_date=lead_date, source=source)
            if result is None:
                continue
            if draft.lead and draft.date is not None:
                # an undated lead (a standfirst: "An assault on a provincial capital shows
                # ...") is dated on the publication day by default: it dates nothing else
                lead_date = result.incident.date
            finished.append(result)
            kept.append(draft)
        return report_doubts(finished, kept, source)

    def finish(
        self,
        draft: IncidentDraft,
        *,
        reference: dt.date,
        lead_date: dt.date | None,
        source: SourceText,
    ) -> Finished | None:
        """One incident from one draft, or None when its place cannot be resolved."""
        location = self.location(draft)
        if location is None:
            return None
        date, precision, date_end = self.date(draft, reference, lead_date)
        date = min(date, reference)
        statements, dropped = self._statements(draft.statements, source)
        killed, injured, arrested = _counts(statements)
        actors = self.canonical_actors(draft.actors, location.country, on=date)
        if draft.event_type in (EventType.BATTLES, EventType.EXPLOSIONS):
            actors = self._with_rivals(actors, draft.rivals, location.country, on=date)
        summary = summarize(
            date=date,
            precision=precision,
            location=location,
            actors=actors,
            sub_event_type=draft.sub_event_type,
            killed=killed,
            injured=injured,
        )
        background = draft.background or (not draft.lead and _before_the_news(date, lead_date))
        incident = Incident(
            date=date,
            date_precision=precision,
            date_end=date_end,
            time_of_day=draft.time_of_day,
            location=location,
            actors=actors,
            event_type=draft.event_type,
            sub_event_type=draft.sub_event_type,
            killed=killed,
            injured=injured,
            arrested=arrested,
            summary=summary,
            evidence=[e for e in draft.evidence if source.contains(e)][:MAX_EVIDENCE],
            is_background=background,
        )
        confidence = self._confidence(draft, incident, dropped, source)
        return Finished(incident, confidence, dropped)

    # ------------------------------------------------------------------ place and date
    def location(self, draft: IncidentDraft) -> Location | None:
        """The gazetteer location of the draft's place (its country when none is named)."""
        return self._locations.of(draft)

    @staticmethod
    def date(
        draft: IncidentDraft, reference: dt.date, lead_date: dt.date | None
    ) -> tuple[dt.date, DatePrecision, dt.date | None]:
        """The draft's day, precision and last day (before the clamp to the reference)."""
        mention = draft.date
        if mention is not None and mention.date is None and mention.anchor_offset is None:
            found = [d for d in find_dates(mention.expression, reference) if d.date is not None]
            if found:
                mention = mention.model_copy(
                    update={
                        "date": found[0].date,
                        "date_end": found[0].date_end,
                        "precision": found[0].precision,
                    }
                )
        if mention is not None and mention.date is not None:
            return mention.date, mention.precision, mention.date_end
        anchor = lead_date or reference
        if mention is not None and mention.anchor_offset is not None:
            return anchor + dt.timedelta(days=mention.anchor_offset), mention.precision, None
        if draft.lead:
            return reference, DatePrecision.DAY, None
        if draft.background:
            # "days after ..." with no date: some days before the news, within a week.
            return anchor - dt.timedelta(days=3), DatePrecision.WEEK, None
        return anchor, DatePrecision.DAY, None

    # ------------------------------------------------------------------ figures
    @staticmethod
    def _statements(
        drafts: Sequence[FigureStatementDraft], source: SourceText
    ) -> tuple[list[tuple[Statement, bool]], int]:
        """Statements whose evidence and figures are in the text, and how many were dropped."""
        kept: list[tuple[Statement, bool]] = []
        dropped = 0
        for draft in drafts:
            if not source.contains(draft.evidence):
                dropped += len(draft.figures)
                continue
            figures = []
            for f in draft.figures:
                if not figure_in_evidence(f.surface, f.offset, draft.evidence):
                    dropped += 1
                    continue
                start = f.offset or 0
                figures.append(
                    Figure(f.kind, f.min, f.max, f.status, start, start + len(f.surface),
                           f.surface, f.subject, f.generic, f.additive, f.update, f.none)
                )  # fmt: skip
            statement = Statement(
                tuple(figures), draft.source, draft.evidence, draft.unknown, claim=draft.claim,
                superseded=draft.superseded,
            )  # fmt: skip
            kept.append((statement, draft.heading))
        return kept, dropped

    # ------------------------------------------------------------------ actors
    def canonical_actors(
        self, drafts: Sequence[ActorDraft], country: str, *, on: dt.date | None = None
    ) -> list[ActorRef]:
        """Registry actors for the named parties, canonical for ``country`` (and the day
        ``on``, for forces whose type or roles changed), one each."""
        result: list[ActorRef] = []
        seen: set[str] = set()
        for draft in drafts:
            actor = draft.ref or next(iter(self._actors.lookup(draft.name)), None)
            if actor is None or actor.type is ActorType.CIVILIANS:
                continue
            actor = self.canonical(actor, country, on=on)
            if actor.id in seen:
                continue
            seen.add(actor.id)
            result.append(actor)
        return self._without_covered_classes(_suppress_vaguer(result))

    def _without_covered_classes(self, actors: list[ActorRef]) -> list[ActorRef]:
        """Drop a class of unnamed rebels ("separatist fighters") when a named group the
        registry calls by that class ("southern separatists") is among the parties."""
        classes = [
            a for a in actors
            if a.country is None and a.type is ActorType.REBEL_GROUP
            and a.name.split()[-1].lower() in _CLASS_NOUNS
        ]  # fmt: skip
        if not classes or len(actors) < 2:
            return actors
        named = [a for a in actors if a.country is not None or a.id.startswith("text:")]
        dropped = set()
        for generic in classes:
            word = generic.name.split()[0].lower()
            for other in named:
                if any(word in alias.lower() for alias in self._actors.aliases(other.id)):
                    dropped.add(generic.id)
        return [a for a in actors if a.id not in dropped]

    def canonical(self, actor: ActorRef, country: str, *, on: dt.date | None = None) -> ActorRef:
        """A generic force as the country's own force (on the day ``on``, where the data
        dates who held that role); a national force as its registry actor."""
        # "Regime troops" in Myanmar are the Myanmar military, not Syria's (shared names).
        actor = self._actors.localize(actor, country)
        kind = _GENERIC_ACTORS.get(actor.id)
        eras = self._actors.eras
        if kind is not None:
            if on is not None and eras.dated(country):
                held = eras.holder(country, kind, on)
                if held is not None:
                    return held
            return self._country_forces.get((country, kind), actor)
        if on is not None and actor.country and eras.dated(actor.country):
            return eras.as_of(actor, on)  # the force of the day, no undated umbrella
        if actor.type is ActorType.STATE_FORCES and actor.country:
            return self._country_forces.get((actor.country, f"actor:{actor.id}"), actor)
        return actor

    def _with_rivals(
        self,
        actors: list[ActorRef],
        rivals: Sequence[tuple[ActorDraft, ActorDraft]],
        country: str,
        *,
        on: dt.date | None = None,
    ) -> list[ActorRef]:
        """A fight's actors plus the named other side the article says they are fighting."""
        if not actors:
            return actors
        result = list(actors)
        ids = {a.id for a in result}
        for pair in rivals:
            refs = [d.ref or next(iter(self._actors.lookup(d.name)), None) for d in pair]
            if refs[0] is None or refs[1] is None:
                continue
            a, b = (self.canonical(x, country, on=on) for x in (refs[0], refs[1]))
            for mine, other in ((a, b), (b, a)):
                if mine.id not in ids or other.id in ids or other.id == mine.id:
                    continue
                generic = other.id in _GENERIC_ACTORS or other.id == _UNIDENTIFIED
                if generic or other.type is ActorType.CIVILIANS or _is_collective(other):
                    continue
                ids.add(other.id)
                result.append(other)
        return result


def _counts(
    statements: Sequence[tuple[Statement, bool]],
) -> tuple[CasualtyCount, CasualtyCount, CasualtyCount]:
    """Killed, injured, arrested: from the body; headline figures only when it has none."""
    body = [s for s, heading in statements if not heading] or [s for s, _ in statements]
    killed = combine(body, "killed")
    injured = combine(body, "injured")
    arrested = combine(body, "arrested")
    if killed.min is None and injured.min is None:
        headings = [Statement(s.figures, s.source, s.evidence) for s, h in statements if h]
        if headings:
            from_heading_k = combine(headings, "killed")
            from_heading_i = combine(headings, "injured")
            if from_heading_k.min is not None:
                killed = from_heading_k
            if from_heading_i.min is not None:
                injured = from_heading_i
    return killed, injured, arrested


def _suppress_vaguer(actors: list[ActorRef]) -> list[ActorRef]:
    """Drop vaguer references when a specific one of the same kind is named."""
    result = actors
    named_armed = [
        a
        for a in result
        if a.id != _UNIDENTIFIED
        and a.type not in (ActorType.STATE_FORCES, ActorType.PROTESTERS, ActorType.RIOTERS)
    ]
    if named_armed:
        result = [a for a in result if a.id != _UNIDENTIFIED]
    # A collective ("Iran-backed militias") gives way to named groups of the same kind.
    named_types = {a.type for a in result if not _is_collective(a)}
    result = [a for a in result if not (_is_collective(a) and a.type in named_types)]
    specific_state = [
        a for a in result if a.type is ActorType.STATE_FORCES and a.id not in _GENERIC_ACTORS
    ]
    if specific_state:
        result = [a for a in result if a.id not in _GENERIC_ACTORS]
    return result


def _is_collective(actor: ActorRef) -> bool:
    """A registry entry for many groups at once ("Iran-backed militias", "tribal gunmen")."""
    words = actor.name.lower().split()
    return bool(words) and words[-1] in _COLLECTIVE_WORDS


def _index_country_forces(registry: ActorRegistry) -> dict[tuple[str, str], ActorRef]:
    """Country state forces for generic mentions and for a country's regular army/police.

    ``("IQ", "security")`` -> Iraqi Security Forces; ``("IQ", "actor:iraqi-army")`` -> the
    same umbrella: like ACLED's "Military/Police Forces of <country>", a country's regular
    army and police are reported under one state-forces actor when the registry has one;
    special units (federal police, counter-terrorism, border guards) keep their own.
    """
    index: dict[tuple[str, str], ActorRef] = {}
    state = [a for a in registry.all() if a.type is ActorType.STATE_FORCES and a.country]
    for actor in state:
        name = actor.name.lower()
        if name.endswith("security forces") and not name.startswith(("kurd", "krg")):
            index.setdefault((actor.country or "", "security"), actor)
    for actor in state:
        country = actor.country or ""
        name = actor.name.lower()
        regular = _REGULAR_FORCES_RE.match(name) is not None
        umbrella = index.get((country, "security"))
        kind = "police" if "police" in name else "military"
        if regular or any(w in name for w in ("army", "military", "armed forces")):
            index.setdefault((country, kind), umbrella if regular and umbrella else actor)
        if regular and umbrella is not None and actor.id != umbrella.id:
            index[(country, f"actor:{actor.id}")] = umbrella
    for key, actor in list(index.items()):
        if key[1] == "military":
            index.setdefault((key[0], "security"), actor)
    # Countries known only from the nationality table ("Military Forces of Kenya"): the
    # registry's roles say what a generic mention means there.
    for country in sorted({a.country for a in state if a.country}):
        for role in ("security", "military", "police"):
            if (country, role) not in index:
                force = registry.country_force(country, role)
                if force is not None:
                    index[(country, role)] = force
    return index
