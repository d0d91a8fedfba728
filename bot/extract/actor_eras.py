"""Date-aware actors: who a force was on the day of a report (issue 11, actors).

The registry's data gives some actors periods (``ActorSpec.eras``) with another type or other
roles: the Taliban were a rebel group until 15 August 2021 and hold Afghanistan's security,
military and police roles since; the Islamic Republic's forces held them before. A name of the
actor itself ("the Taliban") keeps the actor and takes the type of the day; a name of a role
of its country ("Afghan police", "Afghan soldiers", ``ActorSpec.role_aliases``) means whoever
held that role on the day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from bot.domain.models import ActorRef
from bot.extract.actor_specs import ActorSpec, Role
from bot.extract.normalize import match_key

__all__ = ["ActorEras"]


class ActorEras:
    """The dated part of a registry: which actor holds a role, and its type, on a day."""

    def __init__(self, specs: Sequence[ActorSpec]) -> None:
        """Index the specs' periods, role holders and role aliases."""
        self._specs = {spec.id: spec for spec in specs}
        self._dated = frozenset(spec.country for spec in specs if spec.eras and spec.country)
        self._holders: dict[str, list[ActorSpec]] = {}
        self._role_keys: dict[str, tuple[str, Role]] = {}
        for spec in specs:
            if not spec.country or spec.country not in self._dated:
                continue
            if spec.roles or any(era.roles for era in spec.eras):
                self._holders.setdefault(spec.country, []).append(spec)
            for alias, role in spec.role_aliases.items():
                key = match_key(alias)
                if key:
                    self._role_keys[key] = (spec.country, role)

    def __bool__(self) -> bool:
        """False when no actor has a period (nothing depends on the day)."""
        return bool(self._dated)

    def dated(self, country: str) -> bool:
        """True when some force of ``country`` changed type or roles over time."""
        return country.upper() in self._dated

    def holder(self, country: str, role: Role, day: dt.date) -> ActorRef | None:
        """The actor of a dated country that held ``role`` (else its security role) on
        ``day``, with its type of that day; None for a country without periods."""
        holders = self._holders.get(country.upper(), [])
        for wanted in (role, "security"):
            for spec in holders:
                if wanted in spec.roles_on(day):
                    return spec.ref().model_copy(update={"type": spec.type_on(day)})
        return None

    def role_of(self, name: str) -> tuple[str, Role] | None:
        """(country, role) when ``name`` names a role of a dated country ("Afghan police")."""
        return self._role_keys.get(match_key(name))

    def as_of(self, actor: ActorRef, day: dt.date, surface: str | None = None) -> ActorRef:
        """``actor`` as named by ``surface`` on ``day``: the role's holder of the day for a
        role's name, else the actor with its type of the day."""
        if surface is not None and actor.country in self._dated:
            role = self.role_of(surface)
            if role is not None:
                held = self.holder(role[0], role[1], day)
                if held is not None:
                    return held
        spec = self._specs.get(actor.id)
        if spec is None or not spec.eras:
            return actor
        kind = spec.type_on(day)
        return actor if kind is actor.type else actor.model_copy(update={"type": kind})

    def may_hold(self, actor_id: str, country: str, role: Role) -> bool:
        """True when ``actor_id`` held ``role`` (or its country's security role) in ``country``
        at some time: an analyst's "Afghan police" is either force, by the day."""
        spec = self._specs.get(actor_id)
        if spec is None or spec.country != country:
            return False
        held = {*spec.roles, *(r for era in spec.eras for r in era.roles or ())}
        return role in held or "security" in held
