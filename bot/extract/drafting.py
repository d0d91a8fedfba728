"""Drafting: one segmented group of clauses -> an ``IncidentDraft`` for the shared finisher.

This is where the rules decide what the text says about one incident: the event type from
the clauses' trigger words (the first event clause counts double, headlines less), the
parties named in the clauses that describe the event (not those in passing mentions or in a
clause only about arrests), each clause's figures with the sentence and source they came
from, and the time of day. Resolution and combination are the finisher's job.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.domain.enums import SubEventType
from bot.domain.models import ActorRef
from bot.extract.casualties import Figure, group_of, has_any
from bot.extract.clause_roles import goes_back, opening_day, tells_when
from bot.extract.dates import DateMention, find_time_of_day
from bot.extract.document import Clause, Document
from bot.extract.draft_places import (
    Located,
    draft_place,
    settlements_located,
    top_country,
    where_defined,
)
from bot.extract.drafts import (
    ActorDraft,
    DateDraft,
    FigureDraft,
    FigureStatementDraft,
    IncidentDraft,
)
from bot.extract.events import choose_event_type, score_triggers
from bot.extract.groups import JOIN_WINDOW, Group
from bot.extract.text import lower_same_length
from bot.extract.word_hits import CaseBlind

__all__ = ["draft_groups"]

_LOWER = 0
# A party's own account of what it inflicted: "claimed that its fighters had killed 20",
# "saying its soldiers killed seven" (a claim of responsibility alone is not one).
_FIGURE_CLAIM_RE = re.compile(
    r"\bclaim(?:ed|s|ing)?\s+(?:that|to\s+have|it\s+had|its|their|they)\b|"
    # "claimed responsibility for the attack and said 12 soldiers were killed": the
    # perpetrator's own count
    r"\bclaim(?:ed|s|ing)?\s+(?:responsibility|credit|(?:the|this|that)\s+(?:[\w-]+\s+)?"
    r"(?:attacks?|bombings?|ambush|assault|raid|killings?))\b[^.;]{0,80}?\b(?:said|saying|"
    r"adding|added|boasting)\b|"
    r"\bsaying\s+(?:that\s+)?(?:it|its|they|their)\s|\bpropaganda\b|\bamaq\b|"
    r"\bneutrali[sz](?:ed|ing)\b|\beliminat(?:ed|ing)\b|"
    r"\bcould\s+not\s+be\s+(?:independently\s+)?verified\b",
    _LOWER,
)
# Words _FIGURE_CLAIM_RE cannot match without.
FIGURE_CLAIM_WORDS = ("claim", "saying", "propaganda", "amaq", "neutrali", "eliminat", "verified")
# An earlier count a later one replaced: "police had initially confirmed four deaths".
_SUPERSEDED_RE = re.compile(
    r"\b(?:initially|at\s+first|first\s+(?:reported|put|gave|confirmed|said)|"
    r"earlier\s+(?:reported|put|gave|confirmed|said)|an\s+earlier\s+toll|the\s+first\s+toll|"
    r"had\s+earlier\s+(?:reported|put|given|confirmed|said))\b"
)
_CLAIM_RE = re.compile(
    r"claim|responsib|blame|accus|carried\s+out|behind|suspect|hallmark|attribut|"
    r"(?:believed|thought|said|reported)\s+to\s+(?:be|have)",
    re.IGNORECASE,
)
_CIVILIAN_VICTIMS_RE = CaseBlind(
    re.compile(
        r"\b(?:civilians?|villagers|residents|farmers|worshippers|shoppers|"
        r"passengers|women|children|famil(?:y|ies)|wife|wives|husband|sons?|daughters?|"
        r"pupils|students|traders|shopkeepers|journalists|teachers|pilgrims|mourners|"
        r"herders|fishermen|miners|labou?rers)\b",
        re.IGNORECASE,
    )
)


def draft_groups(groups: Sequence[Group], doc: Document) -> list[IncidentDraft]:
    """A draft per group that describes an incident of a known type."""
    drafts = []
    located = settlements_located(doc)
    for group in groups:
        draft = draft_group(group, doc, located)
        if draft is not None:
            drafts.append(draft)
    return _with_claimants(_fold_continuations(drafts), doc)


def _fold_continuations(drafts: list[IncidentDraft]) -> list[IncidentDraft]:
    """ "Gunmen stopped buses near Kalat late on Friday ... bodies were found on Saturday": a
    later group at the same place within a day of an earlier one, naming no place of its own
    or telling the same kind of event, goes on with it (one incident and one alert, not two):
    its figures and sentences join the earlier one's, its parties not (they may be a remark's)."""
    result: list[IncidentDraft] = []
    for draft in drafts:
        recent = range(max(0, len(result) - JOIN_WINDOW), len(result))  # hostile text: bounded
        at = next((i for i in recent if _continues(result[i], draft)), None)
        if at is None:
            result.append(draft)
            continue
        base = result[at]
        result[at] = base.model_copy(
            update={
                "statements": (*base.statements, *draft.statements),
                "evidence": tuple(dict.fromkeys((*base.evidence, *draft.evidence))),
                "date": _event_day(base.date, draft.date),
            }
        )
    return result


def _event_day(base: DateDraft | None, later: DateDraft | None) -> DateDraft | None:
    """ "The toll rose to 12 on Wednesday ... The gunfight broke out on Tuesday": the event's
    own day, told by the group that goes on, replaces the day a toll was given."""
    if base is None or later is None or not base.reporting or later.reporting:
        return base
    if later.date is None or base.date is None or later.date > base.date:
        return base
    return later


def _continues(base: IncidentDraft, draft: IncidentDraft) -> bool:
    """Whether ``draft`` goes on with ``base`` (see ``_fold_continuations``)."""
    if draft.separate or draft.background or draft.lead or base.background:
        return False
    gap = _day_gap(base, draft)
    if base.lead and _tells_the_lead_s_day(draft) and (gap or 0) <= 3:
        return True
    if base.place is None or draft.place is None or base.place.key != draft.place.key:
        return False
    if gap is None or gap > 1:
        return False
    named = any(draft.place.text in sentence for sentence in draft.evidence)
    return not named or draft.event_type is base.event_type or _same_dead(base, draft)


def _day_gap(base: IncidentDraft, draft: IncidentDraft) -> int | None:
    """Days between the two drafts' dates (None when either is undated)."""
    day = draft.date.date if draft.date is not None else None
    base_day = base.date.date if base.date is not None else None
    return abs((day - base_day).days) if day is not None and base_day is not None else None


def _tells_the_lead_s_day(draft: IncidentDraft) -> bool:
    """ "The gunfight broke out on Sunday morning close to the state border": after the lead,
    a toll-less group that goes back to "the gunfight" is the lead's, wherever it is placed."""
    if not draft.evidence or not goes_back(draft.evidence[0]):
        return False
    return not any(f.kind == "killed" for s in draft.statements for f in s.figures)


# Two counts of one event's dead differ by at most a quarter ("five villagers killed" and,
# from the local resistance group, "six people were killed"); a small count matches nothing.
_SAME_DEAD_MIN = 3
_SAME_DEAD_RATIO = 1.25


def _same_dead(base: IncidentDraft, draft: IncidentDraft) -> bool:
    """Whether the two drafts count about as many dead (another source's toll of one event)."""
    a, b = _dead(base), _dead(draft)
    if a is None or b is None or min(a, b) < _SAME_DEAD_MIN:
        return False
    return max(a, b) <= min(a, b) * _SAME_DEAD_RATIO


def _dead(draft: IncidentDraft) -> int | None:
    counts = [
        figure.max if figure.max is not None else figure.min
        for statement in draft.statements
        if not statement.claim and not statement.superseded
        for figure in statement.figures
        if figure.kind == "killed" and not figure.additive
    ]
    known = [count for count in counts if count is not None]
    return max(known) if known else None


# A claim comes days after the attack ("By Sunday the group had claimed the attack").
_CLAIM_LAG_DAYS = 7


def _with_claimants(drafts: list[IncidentDraft], doc: Document) -> list[IncidentDraft]:
    """The lead incident gains the groups that claimed the attack ("X claimed responsibility"
    a few paragraphs on), unless the claim's clause refers to an earlier event or day."""
    if not doc.claimants:
        return drafts
    target = next((i for i, d in enumerate(drafts) if d.lead), None)
    if target is None:
        target = next((i for i, d in enumerate(drafts) if not d.background), None)
    if target is None:
        return drafts
    draft = drafts[target]
    day = draft.date.date if draft.date is not None else None
    named = {a.ref.id for a in draft.actors if a.ref is not None}
    extra: list[ActorDraft] = []
    for index, offset, actor in doc.claimants:
        clause = next(
            (c for c in doc.clauses if c.sentence == index and c.start <= offset < c.start
             + len(c.text)),
            None,
        )  # fmt: skip
        if clause is None or clause.background_cue or actor.id in named:
            continue
        dates = [d.date for c in doc.clauses if c.sentence == index for d in c.dates if d.date]
        if day is not None and any(not -1 <= (d - day).days <= _CLAIM_LAG_DAYS for d in dates):
            continue  # "in May, the group claimed a bombing": another event
        named.add(actor.id)
        extra.append(_actor(actor))
    if extra:
        drafts[target] = draft.model_copy(update={"actors": (*draft.actors, *extra)})
    return drafts


def draft_group(
    group: Group, doc: Document, located: Sequence[Located] = ()
) -> IncidentDraft | None:
    """The draft of one group, or None when no event type can be told."""
    chosen = _event_type(group.units)
    if chosen is None:
        return None
    units = group.units
    body_units = [u for u in units if not u.heading] or units
    times = [t for t in (find_time_of_day(u.text) for u in body_units) if t]
    clock = [t for t in times if t[:1].isdigit()]
    evidence: list[str] = []
    for unit in body_units:
        if unit.sentence_text not in evidence:
            evidence.append(unit.sentence_text)
    defined = where_defined(group, doc, located)
    if defined is not None and defined[2] not in evidence:
        evidence.append(defined[2])  # "Kabaro lies 40 km south-west of Gusau": where it is
    rivals = tuple((_actor(a), _actor(b)) for a, b in doc.rivals)
    return IncidentDraft(
        place=draft_place(group, doc, defined),
        country=top_country(doc.context),
        date=_date(_lead_day(group, doc) if group.lead else group.date),
        event_type=chosen.event_type,
        sub_event_type=chosen,
        actors=tuple(_actor(a) for a in _party_actors(units, chosen)),
        rivals=rivals,
        statements=_statements(units),
        time_of_day=(clock or times)[0] if times else None,
        evidence=tuple(evidence),
        lead=group.lead,
        separate=group.separate,
        background=group.background,
    )


# The lead's own day may be told this many sentences after its first ("... an officer said on
# Tuesday. The encounter broke out on Sunday morning ...").
_LEAD_DAY_SENTENCES = 4


def _lead_day(group: Group, doc: Document) -> DateMention | None:
    """The lead group's date; when the group is dated only by when its toll was given, the
    day a later clause going back to its event names (``tells_when``), else the day an
    opening sentence gives (``opening_day``)."""
    if group.date is not None and not group.date.reporting:
        return group.date  # dated by the event itself
    first = group.units[0].sentence
    near = [
        c
        for c in doc.clauses
        if first < c.sentence <= first + _LEAD_DAY_SENTENCES and not c.background_cue
    ]
    opening = [c for c in doc.clauses if c.sentence < first and not c.heading]
    return tells_when(near, group.date) or opening_day(opening, group.date) or group.date


def _event_type(units: Sequence[Clause]) -> SubEventType | None:
    scores: dict[SubEventType, float] = {}
    first_event = True
    for unit in units:
        factor = 1.0
        if unit.heading:
            factor = 0.75
        elif first_event:
            factor, first_event = 2.0, False
        for sub, value in score_triggers(unit.triggers, factor).items():
            scores[sub] = scores.get(sub, 0.0) + value
    text = " ".join(u.text for u in units if not u.heading)
    killed_all = [f for u in units for f in u.figures if f.kind == "killed" and f.min]
    civilian_victims = bool(_CIVILIAN_VICTIMS_RE.search(text))
    victims = {
        group_of(f.subject)
        for u in units
        for f in u.figures
        if f.kind in ("killed", "injured") and f.min
    }
    armed_victims = bool(victims & {"security", "combatants"}) and "civilians" not in victims
    chosen = choose_event_type(
        scores, text=text, civilian_victims=civilian_victims, armed_victims=armed_victims
    )
    fallback = SubEventType.ARMED_CLASH if armed_victims else SubEventType.ATTACK
    if chosen is None:
        # Only a count ("forces killed three militants"): an attack, or a battle when the
        # dead were all soldiers or fighters (ACLED: armed actors on both sides).
        return fallback if killed_all else None
    if chosen[1] is SubEventType.ARRESTS and killed_all:
        return fallback  # people killed in a raid or round-up: not arrests
    return chosen[1]


def _party_actors(units: Sequence[Clause], sub_event_type: SubEventType) -> list[ActorRef]:
    """Actors of the clauses that describe the event itself, in order (repeats kept)."""
    found: list[ActorRef] = []
    first = next((u for u in units if not u.heading), None)
    for unit in units:
        only_arrest = bool(unit.triggers) and all(
            t.sub_event_type is SubEventType.ARRESTS for t in unit.triggers
        )
        if only_arrest and sub_event_type is not SubEventType.ARRESTS:
            continue
        # "... officials visited the communities attacked": a later clause that only says
        # "attack" and counts nobody names bystanders, not the parties.
        passing = (
            unit is not first
            and not any(f.min is not None for f in unit.figures)
            and all(t.generic for t in unit.triggers)
            and not _CLAIM_RE.search(unit.text)
        )
        if not passing:
            found.extend(unit.actors)
    return found


def _statements(units: Sequence[Clause]) -> tuple[FigureStatementDraft, ...]:
    # per sentence (claim, superseded): a sentence of many clauses is read once
    read: dict[int, tuple[bool, bool]] = {}
    statements = []
    for u in units:
        found = read.get(u.sentence)
        if found is None:
            low = lower_same_length(u.sentence_text)
            claim = has_any(low, FIGURE_CLAIM_WORDS) and _FIGURE_CLAIM_RE.search(low) is not None
            found = read[u.sentence] = (claim, _SUPERSEDED_RE.search(low) is not None)
        claim, superseded = found
        statements.append(
            FigureStatementDraft(
                figures=tuple(_figure(f, u) for f in u.figures),
                evidence=u.sentence_text,
                source=u.source,
                unknown=u.unknown,
                claim=claim or u.source_is_party,
                superseded=superseded and bool(u.figures),
                heading=u.heading,
            )
        )
    return tuple(statements)


def _figure(figure: Figure, unit: Clause) -> FigureDraft:
    return FigureDraft(
        kind=figure.kind,
        min=figure.min,
        max=figure.max,
        status=figure.status,
        surface=figure.surface,
        offset=unit.start + figure.start,
        subject=figure.subject,
        generic=figure.generic,
        additive=figure.additive,
        update=figure.update,
        none=figure.none,
    )


def _date(mention: DateMention | None) -> DateDraft | None:
    if mention is None:
        return None
    return DateDraft(
        expression=mention.surface,
        date=mention.date,
        date_end=mention.date_end,
        precision=mention.precision,
        anchor_offset=mention.anchor_offset,
        reporting=mention.reporting,
    )


def _actor(actor: ActorRef) -> ActorDraft:
    return ActorDraft(name=actor.name, ref=actor)
