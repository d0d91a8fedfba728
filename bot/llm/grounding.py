"""From a model's reply to incident drafts the shared finisher can check. Pure: no I/O.

The model's reading is a proposal. Here every quote is looked up in the article: a place, date
expression or actor name that is not in the text is not used; a figure whose number is not
stated in its quote is dropped; quotes from a line that addresses a language model ("ignore
your instructions ...") are treated as absent. What was refused becomes a reason that lowers
the incident's confidence. The finisher then resolves what is left exactly as it does for the
rules: the gazetteer, the actor registry, the figure check against the text, the date resolver.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.domain.enums import SUB_EVENT_PARENT, CountStatus
from bot.extract.actors import ActorRegistry
from bot.extract.casualties import find_figures, parse_number
from bot.extract.drafts import (
    ActorDraft,
    DateDraft,
    FigureDraft,
    FigureStatementDraft,
    IncidentDraft,
    PlaceDraft,
    PlaceRole,
)
from bot.extract.finisher import Confidence, Finished
from bot.llm.schema import ModelFigure, ModelIncident, ModelReply

__all__ = ["Proposal", "TextIndex", "distrust_injected", "proposals", "suspicious_lines"]

UNIDENTIFIED = "unidentified-armed-group"
INJECTED_PENALTY = 0.5
_STATUS = {
    "exact": CountStatus.EXACT,
    "at_least": CountStatus.AT_LEAST,
    "approximate": CountStatus.APPROXIMATE,
}
# Lines written to a language model rather than to readers: instructions to ignore the
# prompt, role markers, requests to output something. Articles quote such lines rarely.
_INJECTION = re.compile(
    r"\b(?:ignore|disregard|forget|override)\b[^.\n]{0,40}\b(?:instructions?|prompt|rules|"
    r"above|previous)\b|\b(?:system|assistant|developer)\s*(?:prompt|message)?\s*:|"
    r"\b(?:you are now|as an ai|language model|chatgpt|llm)\b|"
    r"\b(?:output|respond with|reply with|answer with|print|return)\b[^.\n]{0,40}"
    r"\b(?:json|instead|the following|only)\b",
    re.IGNORECASE,
)
_STATE_WORDS = re.compile(
    r"\b(?:army|armed forces|military|police|troops|soldiers|forces|government|ministry|"
    r"guards?|navy|air force|security)\b",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
_WORD = re.compile(r"\d[\d,]*\d|[\w'-]+")


def _fold(text: str) -> str:
    return " ".join(text.split())


def suspicious_lines(text: str) -> list[str]:
    """The sentences of ``text`` that address a language model (folded whitespace)."""
    return [_fold(part) for part in _SENTENCE_END.split(text) if part and _INJECTION.search(part)]


class TextIndex:
    """The article, for checking quotes: present verbatim, and not inside an injected line."""

    def __init__(self, text: str, title: str | None = None) -> None:
        """Fold whitespace once; find the lines that address a model."""
        self._haystack = _fold(f"{title or ''}\n{text}")
        self.suspicious = suspicious_lines(f"{title or ''}\n{text}")

    def quoted(self, snippet: str | None) -> bool:
        """Whether ``snippet`` is in the text and not only in a line addressed to a model."""
        folded = _fold(snippet or "")
        if not folded or folded not in self._haystack:
            return False
        return not any(folded in line for line in self.suspicious)


@dataclass(frozen=True, slots=True)
class Proposal:
    """One model incident as a draft, a coarser fallback, and what was refused on the way."""

    draft: IncidentDraft | None  # None: nothing in it could be checked against the text
    country_only: IncidentDraft | None  # the same at country level, if the place won't resolve
    refused: tuple[str, ...]  # reasons: quotes not in the text, figures not stated


def distrust_injected(result: Finished, index: TextIndex) -> Finished:
    """A rules incident read only from lines addressed to a language model is suspect too."""
    evidence = result.incident.evidence
    if not index.suspicious or not evidence or any(index.quoted(e) for e in evidence):
        return result
    reasons = (*result.confidence.reasons, "its only evidence is a line addressed to a model")
    score = round(max(0.0, result.confidence.score - INJECTED_PENALTY), 3)
    return dataclasses.replace(result, confidence=Confidence(score, reasons))


def proposals(reply: ModelReply, index: TextIndex, actors: ActorRegistry) -> list[Proposal]:
    """Drafts for each incident of ``reply``, in the model's order."""
    return [_proposal(item, index, actors) for item in reply.incidents]


def _proposal(item: ModelIncident, index: TextIndex, actors: ActorRegistry) -> Proposal:
    refused: list[str] = []
    grounded = 0
    event_ok = index.quoted(item.event_quote)
    if event_ok:
        grounded += 1
    else:
        refused.append("the model's event sentence is not in the text")
    place = None
    if item.place and item.place_role != "country":
        if index.quoted(item.place):
            place = PlaceDraft(text=item.place, role=PlaceRole(item.place_role),
                               country=item.country)  # fmt: skip
            grounded += 1
        else:
            refused.append(f"place {item.place!r} is not in the text")
    date = None
    if item.date_expression:
        if index.quoted(item.date_expression):
            date = DateDraft(expression=item.date_expression)
            grounded += 1
        else:
            refused.append(f"date {item.date_expression!r} is not in the text")
    drafted_actors, actor_notes, found = _actors(item.actors, index, actors)
    refused.extend(actor_notes)
    grounded += found
    statements, figure_notes, found = _statements(item.figures, index)
    refused.extend(figure_notes)
    grounded += found
    if grounded == 0 or (not event_ok and place is None and not statements):
        return Proposal(None, None, (*refused, "nothing the model quoted could be checked"))
    evidence: tuple[str, ...] = (item.event_quote,) if event_ok else ()
    evidence += tuple(s.evidence for s in statements if s.evidence not in evidence)
    draft = IncidentDraft(
        place=place,
        country=item.country,
        date=date,
        event_type=SUB_EVENT_PARENT[item.sub_event],
        sub_event_type=item.sub_event,
        actors=drafted_actors,
        statements=statements,
        evidence=evidence,
        lead=item.main_event,
        background=item.earlier_event,
    )
    country_only = None
    if place is not None and item.country:
        country_only = draft.model_copy(update={"place": None})
    return Proposal(draft, country_only, tuple(refused))


def _actors(
    names: Sequence[str], index: TextIndex, registry: ActorRegistry
) -> tuple[tuple[ActorDraft, ...], list[str], int]:
    """Actor drafts for names in the text; unknown armed parties become the unidentified group."""
    drafts: list[ActorDraft] = []
    notes: list[str] = []
    found = 0
    unidentified = registry.get(UNIDENTIFIED)
    for name in names:
        if not index.quoted(name):
            notes.append(f"actor {name!r} is not in the text")
            continue
        found += 1
        known = _registry_name(name, registry)
        if known is not None:
            drafts.append(ActorDraft(name=known))
        elif _STATE_WORDS.search(name):
            # An unknown state force is not an armed group; the rules' reading stands.
            notes.append(f"actor {name!r} is not in the registry")
        elif unidentified is not None:
            drafts.append(ActorDraft(name=name, ref=unidentified))
            notes.append(f"actor {name!r} is not in the registry: unidentified armed group")
    return tuple(drafts), notes, found


def _registry_name(name: str, registry: ActorRegistry) -> str | None:
    """The form of ``name`` the registry knows ("army" is known as "the army"), or None."""
    bare = _fold(name)
    stripped = re.sub(r"^(?:the|an?)\s+", "", bare, flags=re.IGNORECASE)
    for form in (bare, stripped, f"the {stripped}"):
        if form and registry.lookup(form):
            return form
    return None


def _statements(
    figures: Sequence[ModelFigure], index: TextIndex
) -> tuple[tuple[FigureStatementDraft, ...], list[str], int]:
    """One statement per quoted sentence, with the figures whose number its quote states."""
    by_sentence: dict[str, list[FigureDraft]] = {}
    notes: list[str] = []
    found = 0
    for fig in figures:
        label = f"{fig.kind} {fig.count if fig.count is not None else '?'}"
        if not index.quoted(fig.sentence) or _fold(fig.quote) not in _fold(fig.sentence):
            notes.append(f"figure {label}: its quote is not in the text")
            continue
        if fig.count is not None and fig.count not in stated_numbers(fig.quote):
            notes.append(f"figure {label}: the number is not stated in {fig.quote!r}")
            continue
        found += 1
        by_sentence.setdefault(_fold(fig.sentence), []).append(_figure(fig))
    statements = tuple(
        FigureStatementDraft(figures=tuple(items), evidence=sentence)
        for sentence, items in by_sentence.items()
    )
    return statements, notes, found


def _figure(fig: ModelFigure) -> FigureDraft:
    """The figure as a draft, with the rules' reading of its group when they read the same."""
    subject, generic, additive, update = "", True, False, False
    for rule in find_figures(fig.sentence):
        if rule.kind == fig.kind and rule.min == fig.count and _overlaps(rule.surface, fig.quote):
            subject, generic, additive, update = (
                rule.subject, rule.generic, rule.additive, rule.update
            )  # fmt: skip
            break
    status = _STATUS[fig.qualifier] if fig.count is not None else CountStatus.UNKNOWN
    return FigureDraft(
        kind=fig.kind,
        min=fig.count,
        max=fig.count,
        status=status,
        surface=_fold(fig.quote),
        subject=subject,
        generic=generic,
        additive=additive,
        update=update,
    )


def _overlaps(a: str, b: str) -> bool:
    fa, fb = _fold(a).lower(), _fold(b).lower()
    return bool(fa) and bool(fb) and (fa in fb or fb in fa)


def stated_numbers(quote: str) -> set[int]:
    """Every number a quote states, in digits or words ("12", "twelve", "a dozen", "a")."""
    words = _WORD.findall(quote.lower())
    numbers: set[int] = set()
    for start in range(len(words)):
        for width in range(1, 5):
            chunk = words[start : start + width]
            if len(chunk) < width:
                break
            parsed = parse_number(" ".join(chunk))
            if parsed is not None:
                numbers.add(parsed[0])
    return numbers
