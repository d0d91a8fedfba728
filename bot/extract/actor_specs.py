"""Actor data files: the schema of one actor (``ActorSpec``) and reading a file of them.

The packaged registry (``bot/data/actors.json``) and an admin's own file share this schema;
its "about" key documents the fields.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from bot.domain.enums import ActorType
from bot.domain.models import ActorRef

__all__ = ["ActorEra", "ActorFileError", "ActorSpec", "Role", "load_actor_file", "parse_specs"]

_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
Role = Literal["security", "military", "police"]


class ActorFileError(ValueError):
    """An actor data file that cannot be read or does not follow the schema."""


class ActorEra(BaseModel):
    """A period in which an actor had another type or other roles: the Taliban were a rebel
    group until August 2021 and Afghanistan's state forces since. ``since`` is the first day
    of the period and ``until`` the first day after it; either may be open."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    since: dt.date | None = None
    until: dt.date | None = None
    type: ActorType | None = None  # None: the actor's own type
    roles: list[Role] | None = None  # None: the actor's own roles

    @model_validator(mode="after")
    def _ordered(self) -> ActorEra:
        if self.since is None and self.until is None:
            msg = "an era needs 'since' or 'until'"
            raise ValueError(msg)
        if self.since is not None and self.until is not None and self.since >= self.until:
            msg = f"'since' ({self.since}) must come before 'until' ({self.until})"
            raise ValueError(msg)
        return self

    def covers(self, day: dt.date) -> bool:
        """True when ``day`` falls in this period."""
        return (self.since is None or self.since <= day) and (
            self.until is None or day < self.until
        )


class ActorSpec(BaseModel):
    """One actor as written in a data file."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    id: str = Field(pattern=_ID_RE.pattern)
    name: str = Field(min_length=1, max_length=200)
    type: ActorType
    country: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")
    aliases: list[str] = Field(default_factory=list)
    part_of: str | None = Field(default=None, pattern=_ID_RE.pattern)
    roles: list[Role] = Field(default_factory=list)
    # Names an analyst writes for the actor but news text uses too loosely to match
    # ("herders" are often the victims): found by ``lookup``, never in running text.
    labels: list[str] = Field(default_factory=list)
    # Periods with another type or other roles, applied against the report's date.
    eras: list[ActorEra] = Field(default_factory=list)
    # Aliases that name a role of the actor's country rather than the actor ("Afghan police"):
    # on a given day they mean whoever holds that role then. Filled from the nationality table.
    role_aliases: dict[str, Role] = Field(default_factory=dict)

    def ref(self) -> ActorRef:
        """The domain reference for this actor."""
        return ActorRef(id=self.id, name=self.name, type=self.type, country=self.country)

    def era(self, day: dt.date) -> ActorEra | None:
        """The period ``day`` falls in, if the actor has one."""
        return next((era for era in self.eras if era.covers(day)), None)

    def type_on(self, day: dt.date) -> ActorType:
        """The actor's type on ``day``."""
        era = self.era(day)
        return era.type if era is not None and era.type is not None else self.type

    def roles_on(self, day: dt.date) -> list[Role]:
        """The roles the actor held on ``day``."""
        era = self.era(day)
        return era.roles if era is not None and era.roles is not None else self.roles


def load_actor_file(path: Path) -> list[ActorSpec]:
    """Read and validate an actor data file; raises ``ActorFileError`` with a clear message."""
    if path.suffix.lower() in {".yaml", ".yml"}:
        msg = f"{path}: YAML actor files are not supported; write the same schema as JSON"
        raise ActorFileError(msg)
    try:
        raw = path.read_text(encoding="utf-8")
    except OSError as exc:
        msg = f"{path}: cannot read actor file ({exc.strerror or exc})"
        raise ActorFileError(msg) from exc
    try:
        document = json.loads(raw)
    except json.JSONDecodeError as exc:
        msg = f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        raise ActorFileError(msg) from exc
    return parse_specs(document, str(path))


def parse_specs(document: Any, origin: str) -> list[ActorSpec]:
    """Validate the actors of a parsed data file (a list, or an object with "actors")."""
    items = document.get("actors") if isinstance(document, Mapping) else document
    if not isinstance(items, list):
        msg = f"{origin}: expected a list of actors or an object with an 'actors' list"
        raise ActorFileError(msg)
    specs: list[ActorSpec] = []
    for position, item in enumerate(items):
        try:
            specs.append(ActorSpec.model_validate(item))
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in err['loc']) or 'entry'}: {err['msg']}"
                for err in exc.errors()
            )
            label = item.get("id") if isinstance(item, Mapping) else None
            msg = f"{origin}: actor #{position + 1}{f' ({label})' if label else ''}: {problems}"
            raise ActorFileError(msg) from exc
    return specs
