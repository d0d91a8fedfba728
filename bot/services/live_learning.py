"""Views of what was learned for the rest of the app: the catalog's gazetteer and registry,
and the extractor that reloads before each report (see ``bot.services.learning``)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.domain import ActorRef, ExtractorHealth, Incident, Report
from bot.ports import Extractor, ReportsHealth
from bot.services.lookup import PlaceEntry

if TYPE_CHECKING:
    from bot.services.learning import LearningService

logger = logging.getLogger(__name__)


class LivePlaces:
    """The gazetteer as it is now (packaged plus learned places), for the catalog."""

    def __init__(self, learning: LearningService) -> None:
        """Follow ``learning``'s current gazetteer."""
        self._learning = learning

    def get(self, key: str) -> PlaceEntry | None:
        """One entry by key (local places included)."""
        return self._learning.gazetteer.get(key)

    def lookup(self, name: str, *, country: str | None = None) -> Sequence[PlaceEntry]:
        """Forgiving exact match, best first."""
        return self._learning.gazetteer.lookup(name, country=country)

    def suggest(self, name: str, limit: int = 5) -> Sequence[PlaceEntry]:
        """Fuzzy "did you mean" candidates."""
        return self._learning.gazetteer.suggest(name, limit)

    def children(self, key: str) -> Sequence[PlaceEntry]:
        """A city's neighbourhoods."""
        return self._learning.gazetteer.children(key)


class LiveActors:
    """The actor registry as it is now (packaged, stored actors and aliases), for the catalog.

    ``with_extra`` returns itself: the stored actors are in already, rebuilt off the event
    loop by ``LearningService`` whenever they change.
    """

    def __init__(self, learning: LearningService) -> None:
        """Follow ``learning``'s current registry."""
        self._learning = learning

    def get(self, actor_id: str) -> ActorRef | None:
        """One actor by id."""
        return self._learning.actors.get(actor_id)

    def lookup(self, name: str) -> Sequence[ActorRef]:
        """By canonical name or alias."""
        return self._learning.actors.lookup(name)

    def suggest(self, name: str, limit: int = 5) -> Sequence[ActorRef]:
        """Fuzzy "did you mean" candidates."""
        return self._learning.actors.suggest(name, limit)

    def with_extra(self, extra: Sequence[tuple[ActorRef, Sequence[str]]]) -> LiveActors:
        """Itself (see the class docstring)."""
        del extra
        return self


class LearningExtractor:
    """An extractor that first picks up what admins taught since the last report."""

    def __init__(self, inner: Extractor, learning: LearningService) -> None:
        """Wrap ``inner``; ``learning`` rebuilds its gazetteer and registry on change."""
        self._inner = inner
        self._learning = learning

    @property
    def inner(self) -> Extractor:
        """The wrapped extractor."""
        return self._inner

    async def extract(self, report: Report) -> list[Incident]:
        """Refresh (one small read when nothing changed), then extract."""
        try:
            await self._learning.refresh()
        except Exception:  # a failed refresh must not stop ingestion: read with what we have
            logger.exception("could not reload learned places and aliases")
        return await self._inner.extract(report)

    def health(self) -> ExtractorHealth:
        """The wrapped extractor's health for /status (the rules' when it reports none)."""
        inner: object = self._inner
        return inner.health() if isinstance(inner, ReportsHealth) else ExtractorHealth()
