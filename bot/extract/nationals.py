"""National forces: "Kenyan police", "the Egyptian army" as each country's state forces.

The table of countries and nationality adjectives is data (``bot/data/nationalities.txt``,
read by ``bot.extract.lexicon.nationalities``);
``national_force_specs`` turns it into registry aliases (or ACLED-style "Military Forces of
<Country>" actors where the registry has none).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from bot.domain.enums import ActorType
from bot.extract.actor_specs import ActorSpec, Role
from bot.extract.lexicon import Nationality, nationalities
from bot.extract.normalize import match_key

__all__ = ["Nationality", "national_force_specs", "nationalities"]


# How news names a country's forces; "{}" is a nationality adjective or a country name.
_MILITARY_PHRASES = (
    "{} army", "{} military", "{} armed forces", "{} forces", "{} troops", "{} soldiers",
    "{} soldier", "{} security forces", "{} security personnel", "{} government forces",
    "{} government troops", "{} defence forces", "{} defense forces", "{} air force",
    "{} military forces", "{} servicemen",
    # Air, naval and special units, and strikes named by their nationality, are the
    # country's military too ("Syrian warplanes", "Pakistani airstrikes").
    "{} navy", "{} naval forces", "{} marines", "{} special forces", "{} commandos",
    "{} paratroopers", "{} warplanes", "{} warplane", "{} fighter jets", "{} military aircraft",
    "{} airstrikes", "{} airstrike", "{} air strikes", "{} air strike",
    # Fire and units named by nationality ("Azerbaijani shelling", "Saudi border guards").
    "{} shelling", "{} artillery", "{} artillery fire", "{} drone strike", "{} drone strikes",
    "{} military drones", "{} army drones", "{} military helicopters", "{} helicopter gunships",
    "{} border guards", "{} border guard", "{} border forces", "{} coast guard",
    "{} national guard",
)  # fmt: skip
_POLICE_PHRASES = (
    "{} police", "{} policeman", "{} policemen", "{} police officer", "{} police officers",
    "{} police force", "{} riot police", "{} gendarmerie", "{} gendarmes",
)  # fmt: skip
# After a country name ("Burkina Faso army") only the commonest nouns are written.
_NAME_NOUNS = frozenset(
    {"army", "military", "armed forces", "forces", "troops", "soldiers", "security forces",
     "police", "policemen", "gendarmerie", "navy", "air force"}
)  # fmt: skip
# Possessive forms of a country name ("Kenya's army").
_POSSESSIVE_NOUNS = (
    "army", "military", "armed forces", "security forces", "forces", "troops", "navy",
    "air force", "police",
)  # fmt: skip


def national_force_specs(
    specs: Sequence[ActorSpec], table: Iterable[Nationality]
) -> list[ActorSpec]:
    """``specs`` plus generic national forces for every country in ``table``.

    "<Adjective>/<Country> army, soldiers, troops, security forces ..." name the country's
    military and "... police, policemen, gendarmes" its police. A country whose registry
    actor already has that role (``roles``) gets the phrases as aliases of that actor;
    otherwise the ACLED-style "Military Forces of <Country>" / "Police Forces of <Country>"
    is created. A phrase already used by any actor keeps its meaning.
    """
    builder = _ForceBuilder(specs)
    for row in table:
        builder.add_country(row)
    return builder.result


class _ForceBuilder:
    """The registry being extended country by country (see ``national_force_specs``)."""

    def __init__(self, specs: Sequence[ActorSpec]) -> None:
        self.result = list(specs)
        self.by_id = {spec.id: i for i, spec in enumerate(self.result)}
        self.taken = {match_key(a) for spec in self.result for a in (spec.name, *spec.aliases)}
        self.forces: dict[tuple[str, str], str] = {}
        for spec in self.result:
            for role in spec.roles:
                if spec.country:
                    self.forces.setdefault((spec.country, role), spec.id)
        # A country known only by its forces abroad ("US forces"): its army is that actor, not
        # a second "Military Forces of United States" beside it.
        for spec in self.result:
            if spec.type == "external_forces" and spec.country and not spec.part_of:
                self.forces.setdefault((spec.country, "military"), spec.id)

    def add_country(self, row: Nationality) -> None:
        """Aliases (or new actors) for one country's military and police."""
        code, forces = row.country, self.forces
        targets = {
            "military": forces.get((code, "military")) or forces.get((code, "security")),
            "police": forces.get((code, "police")) or forces.get((code, "security")),
        }
        kinds: tuple[tuple[Role, tuple[str, ...], str], ...] = (
            ("military", _MILITARY_PHRASES, "Military"),
            ("police", _POLICE_PHRASES, "Police"),
        )
        for role, phrases, label in kinds:
            fresh = self._fresh(_aliases(row, role, phrases))
            target = targets[role]
            if not fresh and target is None:
                continue
            if target is None:
                targets[role] = self._create(row, role, label, fresh)
            else:
                self._extend(target, f"{label} Forces of {row.names[0]}", fresh, role)

    def _fresh(self, aliases: Iterable[str]) -> list[str]:
        fresh = []
        for alias in aliases:
            key = match_key(alias)
            if key and key not in self.taken:
                self.taken.add(key)
                fresh.append(alias)
        return fresh

    def _create(self, row: Nationality, role: Role, label: str, fresh: list[str]) -> str | None:
        code = row.country
        actor_id = f"{role}-forces-{code.lower()}"
        if actor_id in self.by_id:
            return None
        roles: list[Role] = ["military"] if role == "military" else ["police"]
        if role == "military" and (code, "security") not in self.forces:
            roles.append("security")
        self.by_id[actor_id] = len(self.result)
        self.result.append(
            ActorSpec(
                id=actor_id,
                name=f"{label} Forces of {row.names[0]}",
                type=ActorType.STATE_FORCES,
                country=code,
                aliases=fresh,
                roles=roles,
                role_aliases=dict.fromkeys(fresh, role),
            )
        )
        for r in roles:
            self.forces.setdefault((code, r), actor_id)
        return actor_id

    def _extend(self, target: str, acled: str, fresh: list[str], role: Role) -> None:
        index = self.by_id[target]
        current = self.result[index]
        # ACLED's name for the force is how analysts often label it.
        labels = current.labels
        if acled != current.name and acled not in labels:
            labels = [*labels, acled]
        self.result[index] = current.model_copy(
            update={
                "aliases": [*current.aliases, *fresh],
                "labels": labels,
                "role_aliases": {**current.role_aliases, **dict.fromkeys(fresh, role)},
            }
        )


def _aliases(row: Nationality, role: str, phrases: Sequence[str]) -> list[str]:
    """ "Kenyan police", "Kenya police", "Kenya's police": how news names one force."""
    aliases = [p.format(form) for form in row.adjectives for p in phrases]
    aliases += [p.format(name) for name in row.names for p in phrases if p[3:] in _NAME_NOUNS]
    aliases += [
        f"{name}'s {noun}"
        for name in row.names
        for noun in _POSSESSIVE_NOUNS
        if (noun == "police") == (role == "police")
    ]
    return aliases
