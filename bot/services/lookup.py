"""What the services need from the gazetteer and the actor registry (structural Protocols).

``bot.extract.gazetteer.Gazetteer`` and ``bot.extract.actors.ActorRegistry`` satisfy these; tests
may pass small fakes. Keeping the services on Protocols keeps them free of data loading.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from bot.domain import ActorRef


class PlaceEntry(Protocol):
    """One gazetteer entry: a place, a governorate ("admin1") or a country."""

    @property
    def key(self) -> str:
        """ "gn:<geonameid>" for places, ISO 3166-2 ("IQ-BA") for governorates."""
        ...

    @property
    def kind(self) -> str:
        """ "place", "admin1" or "country"."""
        ...

    @property
    def name(self) -> str:
        """English display name."""
        ...

    @property
    def country(self) -> str:
        """ISO 3166-1 alpha-2."""
        ...

    @property
    def admin1(self) -> str | None:
        """Canonical governorate name."""
        ...

    @property
    def admin1_code(self) -> str | None:
        """ISO 3166-2 code of the governorate."""
        ...

    @property
    def population(self) -> int:
        """Population (0 when unknown)."""
        ...

    @property
    def timezone(self) -> str | None:
        """IANA timezone of the place."""
        ...

    @property
    def parent_key(self) -> str | None:
        """The city a neighbourhood belongs to."""
        ...


class PlaceLookup(Protocol):
    """The gazetteer operations the services use."""

    def get(self, key: str) -> PlaceEntry | None:
        """One entry by key."""
        ...

    def lookup(self, name: str, *, country: str | None = None) -> Sequence[PlaceEntry]:
        """Forgiving exact match, best first."""
        ...

    def suggest(self, name: str, limit: int = 5) -> Sequence[PlaceEntry]:
        """Fuzzy "did you mean" candidates."""
        ...

    def children(self, key: str) -> Sequence[PlaceEntry]:
        """Entries whose parent is ``key``: a city's neighbourhoods."""
        ...


class ActorLookup(Protocol):
    """The actor-registry operations the services use."""

    def get(self, actor_id: str) -> ActorRef | None:
        """One actor by id."""
        ...

    def lookup(self, name: str) -> Sequence[ActorRef]:
        """By canonical name or alias."""
        ...

    def suggest(self, name: str, limit: int = 5) -> Sequence[ActorRef]:
        """Fuzzy "did you mean" candidates."""
        ...

    def with_extra(self, extra: Sequence[tuple[ActorRef, Sequence[str]]]) -> ActorLookup:
        """A registry with admin-added actors on top."""
        ...
