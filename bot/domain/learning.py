"""What Sitrep learns from its admins: local places and actor aliases, kept with who and why.

No I/O here. A local place is a name the gazetteer lacked, placed by an admin; an actor alias
is another name for a registry (or admin-added) actor. Both are corrections, exported beside
the incident revisions people made (``sitrep export --corrections``).
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field, field_validator

LOCAL_PLACE_PREFIX = "local:"


def _require_aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is not None and value.tzinfo is None:
        msg = "datetime must be timezone-aware"
        raise ValueError(msg)
    return value


class LocalPlace(BaseModel):
    """A place an admin supplied: found by later extraction like a gazetteer place, inside
    ``country`` only."""

    model_config = ConfigDict(extra="forbid")

    id: int | None = None
    name: str = Field(min_length=1, max_length=120)
    aliases: list[str] = Field(default_factory=list, max_length=20)
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    country: str = Field(min_length=2, max_length=2)  # ISO 3166-1 alpha-2
    admin1: str | None = None  # governorate/province name ("Basra")
    admin1_code: str | None = None  # "IQ-BA"
    added_by: int | None = None  # the admin's Telegram user id (None: imported from a file)
    added_at: dt.datetime | None = None
    incident_id: int | None = None  # the incident whose correction taught it, if any
    note: str = ""  # why (free text, e.g. "imported from places.json")

    _aware = field_validator("added_at")(_require_aware)

    @property
    def key(self) -> str:
        """The place key incidents at this place carry ("local:12")."""
        return f"{LOCAL_PLACE_PREFIX}{self.id}"

    @property
    def names(self) -> list[str]:
        """The name followed by its aliases."""
        return [self.name, *self.aliases]


class ActorAliasRecord(BaseModel):
    """One alias an admin added to an actor, with who and when."""

    model_config = ConfigDict(extra="forbid")

    actor_id: str
    actor_name: str
    alias: str
    added_by: int | None = None
    added_at: dt.datetime | None = None
    note: str = ""

    _aware = field_validator("added_at")(_require_aware)
