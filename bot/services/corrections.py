"""Reviewers' corrections: the toll, the place, "Same as #N" (merge) and "Split" (undo it).

Each is one revision with who, when and why (:meth:`ReviewService.revise`); the chats that got
an alert about the incident get an update replying to it (the alert planner's usual rules).
Answers typed by a reviewer are parsed here and refused, changing nothing, when they are not
a sensible toll or place (negative or absurd figures, 10,000 characters, HTML, a place that
does not exist).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bot.domain import (
    CasualtyClaim,
    CasualtyCount,
    CountStatus,
    GeoPrecision,
    Incident,
    IncidentStatus,
    Location,
)
from bot.domain.review import IncidentLink
from bot.services.alerts import AlertPlanner
from bot.services.catalog import CatalogService
from bot.services.review import Decision, Reviewer, ReviewRefused, ReviewService
from storage.base import Storage

MAX_TOLL = 100_000  # more dead in one incident than this is a typing mistake, not news
MAX_ANSWER_CHARS = 200
MAX_PLACE_NAME_CHARS = 80
_NUMBER = re.compile(r"[+-]?\d+")
_COORDINATES = re.compile(r"^\s*([+-]?\d{1,3}(?:\.\d+)?)\s*,\s*([+-]?\d{1,3}(?:\.\d+)?)\s+(.+)$")
_MARKUP = re.compile(r"[<>&]")


@dataclass(frozen=True)
class TollAnswer:
    """A reviewer's toll: killed, injured and who said so."""

    killed: int
    injured: int
    source: str


@dataclass(frozen=True)
class PlaceAnswer:
    """A reviewer's place: a gazetteer name, or coordinates with a name."""

    name: str
    lat: float | None = None
    lon: float | None = None


def _clean_answer(text: str) -> str:
    if len(text) > MAX_ANSWER_CHARS:
        raise ReviewRefused("too_long", limit=MAX_ANSWER_CHARS, length=len(text))
    if _MARKUP.search(text):
        raise ReviewRefused("markup")
    return " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())


def parse_toll(text: str) -> TollAnswer:
    """ "3 5 Health ministry" -> 3 killed, 5 injured, said by the Health ministry."""
    words = _clean_answer(text).split(" ", 2)
    if len(words) < 3 or not all(_NUMBER.fullmatch(w) for w in words[:2]):
        raise ReviewRefused("toll_form")
    killed, injured = (int(w) if len(w) <= 12 else MAX_TOLL + 1 for w in words[:2])
    for figure in (killed, injured):
        if figure < 0 or figure > MAX_TOLL:
            raise ReviewRefused("toll_range", limit=MAX_TOLL)
    source = words[2].strip()
    if len(source) < 2:
        raise ReviewRefused("toll_form")
    return TollAnswer(killed, injured, source[:MAX_PLACE_NAME_CHARS])


def parse_place(text: str) -> PlaceAnswer:
    """ "Tarmiyah" (a gazetteer name) or "33.67,44.39 Tarmiyah" (coordinates and a name)."""
    cleaned = _clean_answer(text)
    if not cleaned:
        raise ReviewRefused("place_form")
    found = _COORDINATES.match(cleaned)
    if found is None:
        return PlaceAnswer(_place_name(cleaned))
    lat, lon = float(found.group(1)), float(found.group(2))
    return PlaceAnswer(_place_name(found.group(3)), *checked_point(lat, lon))


def checked_point(lat: float, lon: float) -> tuple[float, float]:
    """Coordinates on Earth (refused otherwise; 0,0 is the sea off Africa, not a place)."""
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat == 0 and lon == 0):
        raise ReviewRefused("bad_point")
    return lat, lon


def _place_name(text: str) -> str:
    name = text.strip(" ,.;:")
    if not name or len(name) > MAX_PLACE_NAME_CHARS or not any(ch.isalpha() for ch in name):
        raise ReviewRefused("place_name", limit=MAX_PLACE_NAME_CHARS)
    return name


class CorrectionService:
    """Toll, place, merge and split, each one revision with who, when and why."""

    def __init__(
        self,
        storage: Storage,
        review: ReviewService,
        planner: AlertPlanner,
        catalog: CatalogService,
    ) -> None:
        self._storage = storage
        self._review = review
        self._planner = planner
        self._catalog = catalog

    async def _announce(
        self, stored: Incident, changes: dict[str, Any], *, note: str, toll_changed: bool = False
    ) -> Decision:
        """Queue the alerts and updates a stored revision calls for (the planner's rules)."""
        alerts, updates = await self._planner.queue_change(
            stored, note=note, changes=changes, toll_changed=toll_changed
        )
        return Decision(stored, alerts=alerts, corrections=updates)

    async def correct_toll(
        self, incident_id: int, answer: TollAnswer, reviewer: Reviewer
    ) -> Decision:
        """Set killed and injured as the reviewer's source gives them."""
        async with self._storage.transaction():
            incident = await self._active(incident_id)
            killed = _count(answer.killed, answer.source, incident.killed)
            injured = _count(answer.injured, answer.source, incident.injured)
            changes = {
                "killed": {"old": incident.killed.display(), "new": killed.display()},
                "injured": {"old": incident.injured.display(), "new": injured.display()},
            }
            note = f"toll corrected: {answer.killed} killed, {answer.injured} injured"
            stored = await self._review.revise(
                incident,
                {"killed": killed, "injured": injured},
                changes,
                reviewer,
                note=note,
                reason=answer.source,
            )
            decision = await self._announce(stored, changes, note=note, toll_changed=True)
            told = await self._review.resolve(incident_id, reviewer, "toll")
        return Decision(decision.incident, decision.alerts, decision.corrections, told)

    async def resolve_place(self, incident_id: int, answer: PlaceAnswer) -> tuple[Location, bool]:
        """The location an answer names, and whether the gazetteer lacked it (refused if none).

        A name alone must be a gazetteer place (the closest matches are offered otherwise);
        coordinates with a name are taken as given, in the incident's country.
        """
        incident = await self._review.incident(incident_id)
        country = incident.location.country
        if answer.lat is not None and answer.lon is not None:
            known = self._catalog.gazetteer.lookup(answer.name, country=country)
            return supplied_location(answer.name, answer.lat, answer.lon, country), not known
        resolution = self._catalog.resolve_place(answer.name, {country})
        matches = [m for m in resolution.matches if m.kind.value == "place"]
        entries = [e for e in (self._catalog.place_entry(m.key) for m in matches) if e is not None]
        in_country = [e for e in entries if e.country == country] or entries
        if not in_country:
            names = [s.label for s in resolution.suggestions][:5]
            if not names:
                raise ReviewRefused("unknown_place_only", name=answer.name)
            raise ReviewRefused("unknown_place", name=answer.name, suggestions=names)
        entry = in_country[0]
        location = Location(
            name=entry.name,
            place_key=entry.key,
            geonames_id=int(entry.key[3:]) if entry.key.startswith("gn:") else None,
            admin1=entry.admin1,
            admin1_code=entry.admin1_code,
            country=entry.country,
            lat=entry.lat,
            lon=entry.lon,
            geo_precision=GeoPrecision.POINT,
            timezone=entry.timezone,
        )
        return location, False

    async def correct_place(
        self, incident_id: int, location: Location, reviewer: Reviewer, *, unknown: bool = False
    ) -> Decision:
        """Move the incident to ``location``; a name the gazetteer lacked may be learned."""
        async with self._storage.transaction():
            incident = await self._active(incident_id)
            changes = {"location": {"old": incident.location.name, "new": location.name}}
            note = f"place corrected: {location.name}"
            stored = await self._review.revise(
                incident,
                {"location": location},
                changes,
                reviewer,
                note=note,
                reason=f"{incident.location.name} -> {location.name}",
            )
            decision = await self._announce(stored, changes, note=note)
            told = await self._review.resolve(incident_id, reviewer, "place")
        if unknown:  # after the correction is committed: learning rebuilds the place index
            await self._review.place_supplied(location, reviewer, incident_id=incident_id)
        return Decision(decision.incident, decision.alerts, decision.corrections, told)

    async def merge(self, absorbed_id: int, into_id: int, reviewer: Reviewer) -> Decision:
        """ "Same as #N": ``absorbed_id`` is hidden and its sources join ``into_id``."""
        if absorbed_id == into_id:
            raise ReviewRefused("merge_self", id=into_id)
        async with self._storage.transaction():
            absorbed = await self._active(absorbed_id)
            into = await self._active(into_id)
            known = {(s.report_id, s.url) for s in into.sources}
            added = [s for s in absorbed.sources if (s.report_id, s.url) not in known]
            await self._review.revise(
                absorbed,
                {"status": IncidentStatus.MERGED},
                {"status": {"old": "active", "new": "merged"}, "merged_into": into_id},
                reviewer,
                note=f"same as #{into_id}",
            )
            stored = await self._review.revise(
                into,
                {"sources": [*into.sources, *added]},
                {"merged": absorbed_id, "sources_added": len(added)},
                reviewer,
                note=f"#{absorbed_id} merged in",
            )
            await self._storage.review.link(
                IncidentLink(
                    absorbed_id=absorbed_id,
                    into_id=into_id,
                    linked_at=self._review.now(),
                    linked_by=reviewer.user_id,
                    added_sources=added,
                )
            )
            await self._storage.review.cancel_unsent(absorbed_id, f"merged into #{into_id}")
            told = await self._review.resolve(absorbed_id, reviewer, "merged")
        return Decision(stored, reporters_told=told)

    async def split(self, absorbed_id: int, reviewer: Reviewer) -> Decision:
        """Undo a merge: ``absorbed_id`` is shown again and takes its sources back."""
        async with self._storage.transaction():
            link = await self._storage.review.unlink(absorbed_id)
            if link is None:
                raise ReviewRefused("not_merged", id=absorbed_id)
            absorbed = await self._review.incident(absorbed_id)
            into = await self._review.incident(link.into_id)
            taken = {(s.report_id, s.url) for s in link.added_sources}
            await self._review.revise(
                into,
                {"sources": [s for s in into.sources if (s.report_id, s.url) not in taken]},
                {"split": absorbed_id, "sources_removed": len(taken)},
                reviewer,
                note=f"#{absorbed_id} split off",
            )
            stored = await self._review.revise(
                absorbed,
                {"status": IncidentStatus.ACTIVE},
                {"status": {"old": "merged", "new": "active"}, "split_from": link.into_id},
                reviewer,
                note=f"split from #{link.into_id}",
            )
            told = await self._review.resolve(absorbed_id, reviewer, "split")
        return Decision(stored, reporters_told=told)

    async def merged_into(self, incident_id: int) -> int | None:
        """The incident ``incident_id`` was merged into, if it was."""
        link = await self._storage.review.link_of(incident_id)
        return link.into_id if link is not None else None

    async def _active(self, incident_id: int) -> Incident:
        return await self._review.active(incident_id)


def _count(figure: int, source: str, before: CasualtyCount) -> CasualtyCount:
    """A reviewer's exact figure, with what the reports said kept as earlier claims."""
    claim = CasualtyClaim(min=figure, max=figure, status=CountStatus.EXACT, source=source)
    return CasualtyCount(
        min=figure,
        max=figure,
        status=CountStatus.EXACT,
        source=source,
        claims=[claim, *before.claims],
    )


def supplied_location(name: str, lat: float, lon: float, country: str) -> Location:
    """A place a reviewer gave by coordinates (its key from the name, inside the country)."""
    return Location(
        name=name,
        country=country,
        lat=lat,
        lon=lon,
        geo_precision=GeoPrecision.POINT,
    )
