"""Combining one incident's figures: alternatives, groups, updates, claims, "no casualties"."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.domain.enums import CountStatus
from bot.domain.models import CasualtyClaim, CasualtyCount
from bot.extract.figure_words import ONE_OF_THEM, Figure, FigureKind, combine_status

__all__ = ["Statement", "combine", "group_of"]


@dataclass(frozen=True, slots=True)
class Statement:
    """The figures of one clause with the source that gave them."""

    figures: tuple[Figure, ...]
    source: str | None
    evidence: str
    unknown: bool = False  # the clause says the toll is not known
    claim: bool = False  # a party's own claim ("IS said its fighters killed 22"): an alternative


_GROUPS = {
    "security": frozenset(
        {"soldier", "soldiers", "troops", "officer", "officers", "policeman", "policemen",
         "cop", "cops", "police", "servicemen", "personnel", "guard", "guards", "members",
         "member", "peshmerga", "auxiliaries", "volunteers", "conscripts", "recruits", "commander",
         "commanders", "agents", "officials"}
    ),
    "combatants": frozenset(
        {"militants", "militant", "fighters", "fighter", "insurgents", "insurgent", "gunmen",
         "gunman", "attackers", "attacker", "assailant", "bomber", "bombers",
         "rebels", "jihadists", "terrorists", "assailants", "extremists", "militiamen",
         "bandits", "suspects", "jihadist", "rebel", "terrorist"}
    ),
    "civilians": frozenset(
        {"civilians", "civilian", "villagers", "residents", "women", "woman", "children",
         "child", "farmers", "worshippers", "protesters", "demonstrators", "students",
         "passengers", "man", "men", "boy", "girl", "shepherd", "shepherds", "pilgrims"}
    ),
}  # fmt: skip


def group_of(subject: str) -> str:
    """Which side a subject noun phrase is on: security, combatants, civilians or other."""
    words = [w for w in subject.replace("-", " ").split() if w not in {"of", "the"}]
    if any(w in {"former", "ex", "retired", "off-duty"} for w in words):
        return "civilians"  # a former commander is no longer a combatant
    for word in reversed(words):
        for name, members in _GROUPS.items():
            if word in members:
                return name
    return "other"


def combine(statements: Iterable[Statement], kind: FigureKind) -> CasualtyCount:
    """One incident's count for ``kind`` from its clauses' figures.

    Figures from one clause are added (different groups). Across clauses, figures about
    "people" are alternative totals; figures about specific groups (soldiers, militants,
    civilians) take the largest per group, plus those marked "also" / "N more", and different
    groups add up. The range spans the alternatives; ``min`` is the
    conservative figure. "Toll rose to N" replaces what came before. "No casualties" counts only
    when no figure was given.
    """
    generic: list[tuple[int, CountStatus, str | None, str]] = []
    # Specific groups ("soldiers", "militants"): the largest figure per group, plus figures
    # marked "also" / "N more"; different groups (soldiers and militants) add up.
    groups: dict[str, int] = {}
    chain_status: list[CountStatus] = []
    chain_source: str | None = None
    chain_evidence = ""
    updates: list[tuple[int, CountStatus, str | None, str]] = []
    none_source: tuple[str | None, str] | None = None
    unknown_claims: list[CasualtyClaim] = []
    vague_only: list[tuple[int, CountStatus, str | None, str]] = []
    claimed: list[tuple[int, CountStatus, str | None, str]] = []
    statements = list(statements)
    counted_any = any(
        f.kind == kind and f.min is not None and f.subject not in ONE_OF_THEM
        for s in statements
        for f in s.figures
    )
    for statement in statements:
        figures = [f for f in statement.figures if f.kind == kind]
        if counted_any:
            # A named victim is one of the people a figure elsewhere already counts.
            figures = [f for f in figures if f.subject not in ONE_OF_THEM]
        if statement.unknown and kind in {"killed", "injured"}:
            unknown_claims.append(
                CasualtyClaim(status=CountStatus.UNKNOWN, source=statement.source,
                              evidence=statement.evidence)
            )  # fmt: skip
        counted = [f for f in figures if not f.none and f.min is not None]
        if not counted:
            if any(f.none for f in figures) and none_source is None:
                none_source = (statement.source, statement.evidence)
            continue
        for figure in counted:
            if figure.update:
                assert figure.min is not None
                updates.append((figure.min, figure.status, statement.source, statement.evidence))
        plain = [f for f in counted if not f.update]
        if not plain:
            continue
        value = sum(f.min or 0 for f in plain)
        status = combine_status([f.status for f in plain])
        entry = (value, status, statement.source, statement.evidence)
        if len(plain) == 1 and plain[0].max is not None and plain[0].max > value:
            # "between 25 and 30": the upper end is another figure for the same dead
            claimed.append((plain[0].max, CountStatus.APPROXIMATE, statement.source,
                            statement.evidence))  # fmt: skip
        # "Eleven died at the scene and two more died later" is a breakdown of one toll; only
        # a statement that is all "N more" / "also" adds to figures given before.
        additive = all(f.additive for f in plain)
        if statement.claim:
            claimed.append(entry)  # another figure for the same dead, never added to them
            continue
        # Figures about "people" only ("11 people died and two more later") are one total.
        single_generic = all(f.generic for f in plain) and not additive
        vague = all(f.status is CountStatus.APPROXIMATE for f in plain) and len(plain) == 1
        if vague and (single_generic or not groups) and not additive:
            vague_only.append(entry)
            continue
        if single_generic:
            generic.append(entry)
            continue
        group = group_of(plain[0].subject)
        if group == "other" and groups and not additive:
            # "Four of our brothers were martyred": someone else's words for people a
            # figure before already counted, not another group of victims.
            generic.append(entry)
            continue
        if not groups:
            chain_source, chain_evidence = statement.source, statement.evidence
        if additive and groups:
            groups[group] = groups.get(group, 0) + value
            chain_status.append(status)
        elif value > groups.get(group, -1):
            if group in groups and value > sum(groups.values()):
                chain_source, chain_evidence = statement.source, statement.evidence
            groups[group] = value
            chain_status.append(status)
    candidates = list(generic)
    if groups:
        candidates.append((sum(groups.values()), combine_status(chain_status), chain_source,
                           chain_evidence))  # fmt: skip
    if updates:
        top = max(u[0] for u in updates)
        candidates = [c for c in candidates if c[0] >= top] + [u for u in updates if u[0] == top]
    candidates.extend(claimed)
    if not candidates:
        candidates = vague_only
    elif vague_only:
        # A vague figure ("dozens") only widens the range when exact figures exist.
        candidates = candidates + vague_only
    if not candidates:
        if unknown_claims:
            return CasualtyCount(status=CountStatus.UNKNOWN, claims=unknown_claims)
        if none_source is not None:
            return CasualtyCount(
                status=CountStatus.NONE_REPORTED,
                source=none_source[0],
                claims=[CasualtyClaim(status=CountStatus.NONE_REPORTED, source=none_source[0],
                                      evidence=none_source[1])],
            )  # fmt: skip
        return CasualtyCount(status=CountStatus.NONE_REPORTED)
    exact = [c for c in candidates if c[1] is not CountStatus.APPROXIMATE] or candidates
    low = min(exact, key=lambda c: c[0])
    high = max(candidates, key=lambda c: c[0])
    claims: list[CasualtyClaim] = []
    seen: set[tuple[int, str | None]] = set()
    for value, status, source, evidence in candidates:
        if (value, source) in seen:
            continue
        seen.add((value, source))
        claims.append(
            CasualtyClaim(min=value, max=value, status=status, source=source, evidence=evidence)
        )
    claims.extend(unknown_claims)
    source = low[2] or next((c[2] for c in candidates if c[0] == low[0] and c[2]), None)
    return CasualtyCount(min=low[0], max=high[0], status=low[1], source=source, claims=claims)
