"""Helpers for the actor-registry tests: type shorthands and what a text is found to name."""

from __future__ import annotations

from bot.domain.enums import ActorType
from bot.extract.actors import ActorRegistry
from bot.extract.normalize import fold

STATE = ActorType.STATE_FORCES
REBEL = ActorType.REBEL_GROUP
POLITICAL = ActorType.POLITICAL_MILITIA
IDENTITY = ActorType.IDENTITY_MILITIA
EXTERNAL = ActorType.EXTERNAL_FORCES
PROTESTERS = ActorType.PROTESTERS
RIOTERS = ActorType.RIOTERS


def found_in(reg: ActorRegistry, text: str, country: str | None = None) -> list[tuple[str, str]]:
    return [(m.actor.id, m.actor.type.value) for m in reg.find_mentions(text, country)]


def first_in(reg: ActorRegistry, text: str) -> tuple[str, str] | None:
    found = found_in(reg, text)
    return found[0] if found else None


def labels_of(reg: ActorRegistry, actor_id: str) -> set[str]:
    """What an analyst's label is compared with: name, id and aliases, folded."""
    actor = reg.get(actor_id)
    assert actor is not None
    return {fold(actor.name), actor.id, *(fold(a) for a in reg.aliases(actor_id))}
