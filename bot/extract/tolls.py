"""Combining one incident's figures: alternatives, groups, updates, claims, "no casualties"."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

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
    superseded: bool = False  # an earlier count ("had initially confirmed four"): kept only
    # when nothing else counts the dead


_GROUPS = {
    "security": frozenset(
        {"soldier", "soldiers", "troops", "officer", "officers", "policeman", "policemen",
         "cop", "cops", "police", "servicemen", "personnel", "guard", "guards", "members",
         "member", "peshmerga", "auxiliaries", "volunteers", "conscripts", "recruits", "commander",
         "commanders", "agents", "officials", "gendarme", "gendarmes", "marines", "sailors",
         "paratroopers", "commandos", "sentries", "sentry"}
    ),
    "combatants": frozenset(
        {"militants", "militant", "fighters", "fighter", "insurgents", "insurgent", "gunmen",
         "gunman", "attackers", "attacker", "assailant", "bomber", "bombers",
         "rebels", "jihadists", "terrorists", "assailants", "extremists", "militiamen",
         "bandits", "suspects", "jihadist", "rebel", "terrorist", "guerrillas", "guerrilla",
         "paramilitaries", "paramilitary", "dissidents", "separatists", "separatist",
         "combatants", "combatant", "mujahideen", "raiders", "kidnappers", "gangsters",
         "militia", "militias", "gang", "gangs", "cartel", "maoists", "maoist", "naxals",
         "naxal", "naxalites", "naxalite", "cadres", "hitmen", "sicarios", "pirates"}
    ),
    "civilians": frozenset(
        {"civilians", "civilian", "villagers", "residents", "women", "woman", "children",
         "child", "farmers", "worshippers", "protesters", "demonstrators", "students",
         "passengers", "man", "men", "boy", "girl", "shepherd", "shepherds", "pilgrims",
         "family", "families", "household", "relatives", "mourners", "guests", "traders",
         "herders", "fishermen", "teachers", "journalists", "nurses"}
    ),
}  # fmt: skip


_ARMED_BODIES = frozenset({"gang", "gangs", "cartel", "militia", "militias", "group", "cell"})


def group_of(subject: str) -> str:
    """Which side a subject noun phrase is on: security, combatants, civilians or other."""
    words = [w for w in subject.replace("-", " ").split() if w not in {"of", "the"}]
    if any(w in {"former", "ex", "retired", "off-duty"} for w in words):
        return "civilians"  # a former commander is no longer a combatant
    if "our" in words:
        return "other"  # "two of our heroic fighters": the speaker's own men, either side
    if len(words) > 1 and words[-1] in {"members", "member"} and _ARMED_BODIES & set(words):
        return "combatants"  # "gang members", "members of a militia"
    for word in reversed(words):
        for name, members in _GROUPS.items():
            if word in members:
                return name
    return "other"


# Between two figures of one sentence: another source gives the second one.
_OTHER_SOURCE_RE = re.compile(
    r"\b(?:said|say|says|according\s+to|reported|told|put|puts|gave|give|estimated|"
    r"counted)\b"
)


def _sources_apart(evidence: str, figures: list[Figure]) -> bool:
    """True when a source word stands between each figure and the next in ``evidence``
    ("police said 5 ... while residents said 9"): several counts of the same dead."""
    low = evidence.lower()
    cursor = 0
    ends: list[tuple[int, int]] = []
    for figure in figures:
        found = low.find(figure.surface.lower(), cursor)
        if found < 0:
            return False
        ends.append((found, found + len(figure.surface)))
        cursor = found + len(figure.surface)
    return all(
        _OTHER_SOURCE_RE.search(low, a[1], b[0]) is not None or "toll" in low[b[0] : b[1]]
        for a, b in pairwise(ends)
    )


def combine(statements: Iterable[Statement], kind: FigureKind) -> CasualtyCount:
    """One incident's count for ``kind`` from its clauses' figures.

    Figures from one clause are added (different groups). Across clauses, figures about
    "people" are alternative totals; figures about specific groups (soldiers, militants,
    civilians) take the largest per group, plus those marked "also" / "N more", and different
    groups add up. The range spans the alternatives; ``min`` is the
    conservative figure. "Toll rose to N" replaces what came before. "No casualties" counts only
    when no figure was given.
    """
    statements = list(statements)
    counted_any = any(
        f.kind == kind and f.min is not None and f.subject not in ONE_OF_THEM
        for s in statements
        for f in s.figures
    )
    tally = _Tally(kind, counted_any)
    for statement in statements:
        tally.read(statement)
    return tally.count()


_Entry = tuple[int, CountStatus, str | None, str]  # value, status, source, evidence


class _Tally:
    """The figures of one kind as ``combine`` reads them, statement by statement."""

    def __init__(self, kind: FigureKind, counted_any: bool) -> None:
        self.kind = kind
        self.counted_any = counted_any
        self.generic: list[_Entry] = []
        # Specific groups ("soldiers", "militants"): the largest figure per group, plus
        # figures marked "also" / "N more"; different groups (soldiers and militants) add up.
        self.groups: dict[str, int] = {}
        self.chain_status: list[CountStatus] = []
        self.chain_source: str | None = None
        self.chain_evidence = ""
        self.updates: list[_Entry] = []
        self.none_source: tuple[str | None, str] | None = None
        self.unknown_claims: list[CasualtyClaim] = []
        self.vague_only: list[_Entry] = []
        self.claimed: list[_Entry] = []
        self.superseded: list[_Entry] = []
        self.last_value = 0  # the figure of the last statement that was not an "N more"

    def read(self, statement: Statement) -> None:
        """Take in one statement's figures of this kind."""
        figures = [f for f in statement.figures if f.kind == self.kind]
        if self.counted_any:
            # A named victim is one of the people a figure elsewhere already counts.
            figures = [f for f in figures if f.subject not in ONE_OF_THEM]
        if statement.unknown and self.kind in {"killed", "injured"}:
            self.unknown_claims.append(
                CasualtyClaim(status=CountStatus.UNKNOWN, source=statement.source,
                              evidence=statement.evidence)
            )  # fmt: skip
        counted = [f for f in figures if not f.none and f.min is not None]
        if not counted:
            if any(f.none for f in figures) and self.none_source is None:
                self.none_source = (statement.source, statement.evidence)
            return
        for figure in counted:
            if figure.update:
                assert figure.min is not None
                self.updates.append(
                    (figure.min, figure.status, statement.source, statement.evidence)
                )
        plain = [f for f in counted if not f.update]
        if plain:
            self._file(statement, plain)

    def _file(self, statement: Statement, plain: list[Figure]) -> None:
        """File a statement's plain figures as a total, a group's figure, a claim or vague."""
        value = sum(f.min or 0 for f in plain)
        status = combine_status([f.status for f in plain])
        entry = (value, status, statement.source, statement.evidence)
        if len(plain) == 1 and plain[0].max is not None and plain[0].max > value:
            # "between 25 and 30": the upper end is another figure for the same dead
            self.claimed.append((plain[0].max, CountStatus.APPROXIMATE, statement.source,
                                 statement.evidence))  # fmt: skip
        # "Eleven died at the scene and two more died later" is one toll; only "N more" adds.
        additive = all(f.additive for f in plain)
        if statement.claim or statement.superseded:  # a claim: other words for the same
            # dead; an earlier count: kept only above every later figure
            (self.claimed if statement.claim else self.superseded).append(entry)
            return
        # Figures about "people" only ("11 people died and two more later") are one total.
        single_generic = all(f.generic for f in plain) and not additive
        vague = all(f.status is CountStatus.APPROXIMATE for f in plain) and len(plain) == 1
        groups = self.groups
        if self._counted_before(value, additive=additive):
            return
        if vague and (single_generic or not groups) and not additive:
            self.vague_only.append(entry)
            return
        if (
            additive
            and not groups
            and self.generic
            and all(f.generic or group_of(f.subject) == "other" for f in plain)
        ):
            # "killing four people ... killing two more": more dead on top of each total
            self.generic = [(v + value, combine_status([st, status]), src, ev)
                            for v, st, src, ev in self.generic]  # fmt: skip
            return
        if single_generic:
            if len(plain) > 1 and _sources_apart(statement.evidence, plain):
                # "officials put the toll at 7 and residents said 9 were killed": each
                # source's figure for the same dead, alternatives and never a sum
                self.generic.extend(
                    (f.min or 0, f.status, statement.source, statement.evidence) for f in plain
                )
                return
            self.generic.append(entry)
            return
        group = group_of(plain[0].subject)
        if group == "other" and groups and not additive:
            # "Four of our brothers were martyred": someone else's words for people a
            # figure before already counted, not another group of victims.
            self.generic.append(entry)
            return
        if not groups:
            self.chain_source, self.chain_evidence = statement.source, statement.evidence
        if additive and groups:
            groups[group] = groups.get(group, 0) + value
            self.chain_status.append(status)
        elif value > groups.get(group, -1):
            if group in groups and value > sum(groups.values()):
                self.chain_source, self.chain_evidence = statement.source, statement.evidence
            groups[group] = value
            self.chain_status.append(status)

    def _counted_before(self, value: int, *, additive: bool) -> bool:
        """ "Maoists killed three policemen ... Two died at the scene; one of the wounded died
        in hospital": the death added to the figure just before it makes a total a figure
        given earlier already holds (a figure that adds nothing is remembered as the last)."""
        if not additive:
            self.last_value = value
            return False
        totals = [v for v, *_ in self.generic] + [sum(self.groups.values())]
        # the figure before was itself a part of a total already held (not a group's own)
        current = sum(self.groups.values()) if self.groups else max(totals)
        return 0 < self.last_value + value <= max(totals) and self.last_value < current

    def _candidates(self) -> list[_Entry]:
        candidates = list(self.generic)
        if self.groups:
            candidates.append((sum(self.groups.values()), combine_status(self.chain_status),
                               self.chain_source, self.chain_evidence))  # fmt: skip
        if self.updates:
            top = max(u[0] for u in self.updates)
            candidates = [c for c in candidates if c[0] >= top] + [
                u for u in self.updates if u[0] == top
            ]
        candidates.extend(self.claimed)
        top = max((c[0] for c in candidates), default=-1)
        candidates.extend(s for s in self.superseded if s[0] > top)  # never a later toll's low end
        if not candidates:
            return self.vague_only
        # A vague figure ("dozens") only widens the range when exact figures exist.
        return candidates + self.vague_only

    def count(self) -> CasualtyCount:
        """The combined count: the conservative minimum, the range, every claim."""
        candidates = self._candidates()
        if not candidates:
            if self.unknown_claims:
                return CasualtyCount(status=CountStatus.UNKNOWN, claims=self.unknown_claims)
            if self.none_source is not None:
                source, evidence = self.none_source
                return CasualtyCount(
                    status=CountStatus.NONE_REPORTED,
                    source=source,
                    claims=[CasualtyClaim(status=CountStatus.NONE_REPORTED, source=source,
                                          evidence=evidence)],
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
                CasualtyClaim(
                    min=value, max=value, status=status, source=source, evidence=evidence
                )
            )
        claims.extend(self.unknown_claims)
        source = low[2] or next((c[2] for c in candidates if c[0] == low[0] and c[2]), None)
        return CasualtyCount(min=low[0], max=high[0], status=low[1], source=source, claims=claims)
