"""Learning from corrections: places and actor aliases admins teach, used without a restart.

``LearningService`` is the ``bot.ports.PlaceLearner``. It checks what an admin supplies (a
name that is empty, huge or markup, coordinates on no plausible land, a country the point is
not in: each refused with a reason, nothing stored), stores it, and rebuilds the extractor's
gazetteer and actor registry. Every change bumps a version in the meta table, so another
process sharing the database (PostgreSQL) picks the change up before its next extraction
(``LearningExtractor``), and a restart loads everything again.
"""

from __future__ import annotations

import asyncio
import logging
import math
import re
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from bot.domain import ActorRef, ActorType
from bot.domain.learning import ActorAliasRecord, LocalPlace
from bot.extract.actors import ActorRegistry
from bot.extract.gazetteer import Gazetteer
from bot.extract.local_places import (
    BIG_NAMESAKE_POPULATION,
    LocalGazetteer,
    LocalName,
    Nearby,
    PlaceLocator,
    distance_km,
)
from bot.extract.normalize import match_key
from bot.ports import Clock
from bot.services.errors import N_, UserError
from bot.services.live_learning import LiveActors, LivePlaces
from bot.services.lookup import PlaceEntry
from storage.base import DuplicatePlaceError, Storage

logger = logging.getLogger(__name__)

VERSION_KEY = "learning.version"
MAX_NAME_CHARS = 80
MAX_NOTE_CHARS = 300
# A point with no gazetteer town this close is at sea or in empty land nobody reports from.
LAND_RADIUS_KM = 150.0
# A gazetteer place of the same name this close is the place itself: nothing to learn.
SAME_PLACE_KM = 25.0
# Shorter aliases must be acronyms in capitals; a town this big is never a faction's alias.
MIN_ALIAS_LETTERS = 3
PLACE_ALIAS_POPULATION = 5_000
_MARKUP = re.compile(r"[<>]|&#?\w+;|https?:|www\.|`|\]\(", re.IGNORECASE)
_SLUG = re.compile(r"[^a-z0-9]+")

UNKNOWN_COUNTRY = N_(
    "I don't know the country {country}; use its two-letter code, such as IQ or SY."
)

Apply = Callable[[Gazetteer, ActorRegistry], None]


class LearningError(UserError):
    """A refusal: a reason code, and the English ``template`` (marked with ``N_``) with its
    ``values``, so a handler can say it in the chat's language (``UserError``'s convention)."""

    def __init__(self, code: str, template: str, **values: object) -> None:
        super().__init__(template, values=values)
        self.code = code


def clean_name(text: str) -> str:
    """A place name or alias as stored: one line, single spaces; LearningError if unusable."""
    cleaned = " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())
    cleaned = cleaned.strip("\"'“”«»")
    if not cleaned:
        raise LearningError("empty", N_("The name is empty."))
    if len(cleaned) > MAX_NAME_CHARS:
        raise LearningError(
            "too_long",
            N_("That name is too long ({length} characters; at most {limit})."),
            length=len(cleaned),
            limit=MAX_NAME_CHARS,
        )
    if _MARKUP.search(cleaned):
        raise LearningError("markup", N_("A name cannot contain HTML, links or markup."))
    if not any(ch.isalpha() for ch in cleaned) or not match_key(cleaned):
        raise LearningError("no_letters", N_("A name needs letters."))
    return cleaned


def check_coordinates(lat: float, lon: float) -> None:
    """LearningError unless ``lat``/``lon`` are finite degrees in range."""
    if not (math.isfinite(lat) and math.isfinite(lon)) or abs(lat) > 90 or abs(lon) > 180:
        raise LearningError(
            "bad_coordinates",
            N_(
                "Coordinates are latitude,longitude in degrees: latitude from -90 to 90, "
                "longitude from -180 to 180."
            ),
        )


def _places_key(places: Sequence[LocalPlace]) -> tuple[tuple[Any, ...], ...]:
    return tuple((p.id, p.name, tuple(p.aliases), p.lat, p.lon, p.country) for p in places)


class LearningService:
    """Local places and actor aliases: checked, stored, and put to use at once."""

    def __init__(
        self,
        storage: Storage,
        gazetteer: Gazetteer,
        actors: ActorRegistry,
        clock: Clock,
        apply: Apply | None = None,
    ) -> None:
        """``apply`` hands a rebuilt gazetteer and registry to the extractor."""
        self._storage = storage
        self._base_gazetteer = (
            gazetteer.base if isinstance(gazetteer, LocalGazetteer) else gazetteer
        )
        self._base_actors = actors
        self._clock = clock
        self._apply: list[Apply] = [apply] if apply is not None else []
        self._gazetteer: Gazetteer = self._base_gazetteer
        self._actors = actors
        self._locator = PlaceLocator(self._base_gazetteer)
        self._version: str | None = None
        self._loaded: tuple[tuple[Any, ...], ...] = ()
        self._loaded_actors: tuple[tuple[str, tuple[str, ...]], ...] = ()
        self._lock = asyncio.Lock()
        self.places = LivePlaces(self)
        self.live_actors = LiveActors(self)

    # ------------------------------------------------------------------ state
    @property
    def gazetteer(self) -> Gazetteer:
        """The packaged gazetteer with the learned places."""
        return self._gazetteer

    @property
    def actors(self) -> ActorRegistry:
        """The packaged registry with the stored actors and aliases."""
        return self._actors

    def on_change(self, apply: Apply) -> None:
        """Call ``apply`` with the new gazetteer and registry whenever they change."""
        self._apply.append(apply)

    async def refresh(self, *, force: bool = False) -> bool:
        """Reload what was learned if it changed (here or in another process); True if it did."""
        version = await self._storage.meta.get(VERSION_KEY)
        if not force and version == self._version:
            return False
        async with self._lock:
            if not force and version == self._version:
                return False
            places = await self._storage.learning.places()
            extra = await self._storage.actors.all()
            changed = await self._rebuild(places, extra)
            self._version = version
        return changed

    async def _rebuild(
        self, places: Sequence[LocalPlace], extra: Sequence[tuple[ActorRef, Sequence[str]]]
    ) -> bool:
        places_key = _places_key(places)
        actors_key = tuple((actor.id, tuple(aliases)) for actor, aliases in extra)
        if places_key == self._loaded and actors_key == self._loaded_actors:
            return False
        gazetteer, actors = self._gazetteer, self._actors
        if places_key != self._loaded:
            names = [_local_name(place) for place in places if place.id is not None]
            gazetteer = self._base_gazetteer
            if names:
                gazetteer = await asyncio.to_thread(LocalGazetteer, self._base_gazetteer, names)
        if actors_key != self._loaded_actors:
            # Rebuilding the registry takes a second on a busy machine: never on the loop.
            actors = self._base_actors
            if extra:
                actors = await asyncio.to_thread(self._base_actors.with_extra, extra)
        self._gazetteer, self._actors = gazetteer, actors
        self._loaded, self._loaded_actors = places_key, actors_key
        for apply in self._apply:
            apply(gazetteer, actors)
        logger.info("using %d learned place(s) and %d stored actor(s)", len(places), len(extra))
        return True

    async def changed(self) -> None:
        """Record a change for every process, and use it here at once."""
        await self._storage.meta.set(VERSION_KEY, uuid.uuid4().hex)
        await self.refresh()

    # ------------------------------------------------------------------ places
    async def learn_place(
        self,
        name: str,
        lat: float,
        lon: float,
        *,
        country: str | None,
        admin1: str | None,
        added_by: int,
        incident_id: int | None,
        aliases: Sequence[str] = (),
        note: str = "",
    ) -> LocalPlace:
        """Check, store and start using a local place (see ``bot.ports.PlaceLearner``)."""
        place = await self.check_place(
            name, lat, lon, country=country, admin1=admin1, aliases=aliases
        )
        place = place.model_copy(
            update={
                "added_by": added_by,
                "added_at": self._clock.now(),
                "incident_id": incident_id,
                "note": " ".join(note.split())[:MAX_NOTE_CHARS],
            }
        )
        stored = await self.store_place(place)
        await self.changed()
        return stored

    async def store_place(self, place: LocalPlace) -> LocalPlace:
        """Store a checked place (not used until ``changed``); LearningError if a duplicate."""
        try:
            return await self._storage.learning.add_place(place)
        except DuplicatePlaceError:
            raise LearningError(
                "duplicate_place",
                N_("{name} is already a local place in {country}."),
                name=place.name,
                country=place.country,
            ) from None

    async def check_place(
        self,
        name: str,
        lat: float,
        lon: float,
        *,
        country: str | None = None,
        admin1: str | None = None,
        aliases: Sequence[str] = (),
    ) -> LocalPlace:
        """The place as it would be stored (country and governorate filled in); LearningError
        when the name or the point is unusable. Stores nothing."""
        cleaned = clean_name(name)
        others = list(dict.fromkeys(clean_name(a) for a in aliases if a.strip()))
        others = [a for a in others if match_key(a) != match_key(cleaned)][:20]
        for candidate in (cleaned, *others):
            self._refuse_common(candidate)
            if owners := self._actors.lookup(candidate):
                raise LearningError(
                    "actor_name",
                    N_("{name} is a name of {actor}, not a place."),
                    name=candidate,
                    actor=owners[0].name,
                )
        check_coordinates(lat, lon)
        nearby = await asyncio.to_thread(
            self._locator.nearest, lat, lon, within_km=LAND_RADIUS_KM, limit=12
        )
        if not nearby:
            raise LearningError(
                "not_on_land",
                N_(
                    "No known town lies within {km} km of {lat},{lon}: is that point on land? "
                    "Latitude comes first."
                ),
                km=int(LAND_RADIUS_KM),
                lat=round(lat, 5),
                lon=round(lon, 5),
            )
        code = self._country(country, nearby, lat, lon)
        region_name, region_code = self._admin1(admin1, code, nearby)
        for candidate in (cleaned, *others):
            self._refuse_known(candidate, code, lat, lon)
        return LocalPlace(
            name=cleaned,
            aliases=others,
            lat=round(lat, 6),
            lon=round(lon, 6),
            country=code,
            admin1=region_name,
            admin1_code=region_code,
        )

    def _country(self, given: str | None, nearby: Sequence[Nearby], lat: float, lon: float) -> str:
        if not given:
            return nearby[0].entry.country
        code = given.strip().upper()
        if self._locator.country_entry(code) is None:
            raise LearningError(
                "unknown_country",
                UNKNOWN_COUNTRY,
                country=given.strip()[:10],
            )
        if all(n.entry.country != code for n in nearby):
            raise LearningError(
                "wrong_country",
                N_("{lat},{lon} is not in or near {country}: the nearest towns are in {nearest}."),
                lat=round(lat, 5),
                lon=round(lon, 5),
                country=code,
                nearest=", ".join(dict.fromkeys(n.entry.country for n in nearby[:3])),
            )
        return code

    def _admin1(
        self, given: str | None, country: str, nearby: Sequence[Nearby]
    ) -> tuple[str | None, str | None]:
        if given:
            found = self._locator.admin1_entries(" ".join(given.split())[:MAX_NAME_CHARS], country)
            if not found:
                raise LearningError(
                    "unknown_admin1",
                    N_("I don't know a governorate or province called {admin1} in {country}."),
                    admin1=given.strip()[:MAX_NAME_CHARS],
                    country=country,
                )
            return found[0].name, found[0].key
        for near in nearby:
            if near.entry.country == country and near.entry.admin1_code:
                return near.entry.admin1, near.entry.admin1_code
        return None, None

    def _refuse_common(self, name: str) -> None:
        if self._locator.is_common_word(name):
            raise LearningError(
                "too_common",
                N_("{name} is a common word; running text uses it for other things."),
                name=name,
            )

    def _refuse_known(self, name: str, country: str, lat: float, lon: float) -> None:
        """LearningError when the gazetteer already has this name at this point, or a big
        town of this name in the country (a learned namesake would never be found)."""
        for entry in self._base_gazetteer.lookup(name, country=country):
            if entry.country != country:
                continue
            if entry.kind == "place" and entry.population >= BIG_NAMESAKE_POPULATION:
                raise LearningError(
                    "namesake",
                    N_("{name} is already {where}; give the other place a longer name."),
                    name=name,
                    where=", ".join(x for x in (entry.name, entry.admin1, entry.country) if x),
                )
            if entry.kind == "country" or (
                entry.kind == "place" and self._locator_km(entry, lat, lon) <= SAME_PLACE_KM
            ):
                raise LearningError(
                    "known_place",
                    N_("{name} is already in the gazetteer ({where}); nothing to learn."),
                    name=name,
                    where=", ".join(x for x in (entry.name, entry.admin1, entry.country) if x),
                )

    @staticmethod
    def _locator_km(entry: PlaceEntry, lat: float, lon: float) -> float:
        if entry.lat is None or entry.lon is None:
            return math.inf
        return distance_km(lat, lon, entry.lat, entry.lon)

    async def nearest_town(self, place: LocalPlace) -> tuple[str, float] | None:
        """The packaged gazetteer's town nearest a place and how far it is (km), to show the
        admin where the point fell."""
        nearby = await asyncio.to_thread(
            self._locator.nearest, place.lat, place.lon, within_km=LAND_RADIUS_KM, limit=1
        )
        return (nearby[0].entry.name, nearby[0].km) if nearby else None

    async def remove_place(self, place_id: int) -> bool:
        """Forget a local place; True if it existed."""
        removed = await self._storage.learning.remove_place(place_id)
        if removed:
            await self.changed()
        return removed

    async def local_places(self) -> list[LocalPlace]:
        """Every local place, oldest first."""
        return await self._storage.learning.places()

    # ------------------------------------------------------------------ actors
    async def resolve_actor(self, query: str) -> ActorRef:
        """One actor by registry id, name or alias; LearningError when none or several."""
        await self.refresh()
        text = " ".join(query.split())[:MAX_NAME_CHARS]
        if not text:
            raise LearningError("empty", N_("The name is empty."))
        registry = self._actors
        exact = registry.get(text)
        if exact is not None:
            return exact
        found = registry.lookup(text)
        if len(found) == 1:
            return found[0]
        if found:
            raise LearningError(
                "ambiguous_actor",
                N_("{actor} could mean several factions ({ids}); give the id instead."),
                actor=text,
                ids=", ".join(a.id for a in found[:5]),
            )
        close = ", ".join(a.name for a in registry.suggest(text, limit=3))
        raise LearningError(
            "unknown_actor",
            N_("I don't know the faction {actor}. Close names: {close}."),
            actor=text,
            close=close or "-",
        )

    async def add_actor_alias(
        self, alias: str, actor_query: str, *, added_by: int | None, note: str = ""
    ) -> tuple[ActorRef, str]:
        """Teach another name for an actor; the extractor, /faction and imports use it."""
        cleaned = clean_name(alias)
        self._check_alias(cleaned)
        actor = await self.resolve_actor(actor_query)
        owners = self._actors.lookup(cleaned)
        if any(owner.id == actor.id for owner in owners) or match_key(cleaned) == match_key(
            actor.name
        ):
            raise _alias_known(cleaned, actor)
        if owners:
            raise LearningError(
                "alias_taken",
                N_("{alias} already names another faction: {other}."),
                alias=cleaned,
                other=owners[0].name,
            )
        record = self._alias_record(
            actor, cleaned, added_by, note=" ".join(note.split())[:MAX_NOTE_CHARS]
        )
        if not await self._storage.learning.add_actor_alias(actor, record):
            raise _alias_known(cleaned, actor)
        await self.changed()
        return actor, cleaned

    def _alias_record(
        self, actor: ActorRef, alias: str, added_by: int | None, *, note: str
    ) -> ActorAliasRecord:
        """The row that says ``alias`` names ``actor``: who added it, when and why."""
        return ActorAliasRecord(
            actor_id=actor.id,
            actor_name=actor.name,
            alias=alias,
            added_by=added_by,
            added_at=self._clock.now(),
            note=note,
        )

    async def remove_actor_alias(self, alias: str) -> list[ActorRef]:
        """Forget an alias admins added (the registry's own names are data, not removable);
        the actors it named, or LearningError when no admin added it."""
        key = match_key(" ".join(alias.split()).strip("\"'“”«»"))
        removed: list[ActorRef] = []
        for actor, aliases in await self._storage.actors.all():
            for stored in [a for a in aliases if key and match_key(a) == key]:
                if await self._storage.learning.remove_actor_alias(actor.id, stored):
                    removed.append(actor)
        if not removed:
            raise LearningError(
                "not_taught",
                N_("No admin added the name {alias}; names from the registry file stay."),
                alias=" ".join(alias.split())[:MAX_NAME_CHARS],
            )
        await self.changed()
        return removed

    def _check_alias(self, alias: str) -> None:
        """LearningError for an alias that would find an actor where there is none."""
        self._refuse_common(alias)
        letters = [ch for ch in alias if ch.isalpha()]
        if len(letters) < MIN_ALIAS_LETTERS and not alias.isupper():
            raise LearningError(
                "too_short",
                N_("A name this short must be an acronym in capitals, such as KH."),
            )
        for entry in self._base_gazetteer.lookup(alias):
            place_like = entry.kind != "place" or entry.population >= PLACE_ALIAS_POPULATION
            if place_like and match_key(entry.name) == match_key(alias):
                raise LearningError(
                    "place_name",
                    N_("{alias} is a place ({where}); it cannot name a faction."),
                    alias=alias,
                    where=", ".join(x for x in (entry.name, entry.country) if x),
                )

    async def add_actor(
        self, name: str, actor_type: str, country: str | None, *, added_by: int
    ) -> ActorRef:
        """A new actor the registry lacks (its name is its first alias)."""
        cleaned = clean_name(name)
        self._check_alias(cleaned)
        try:
            kind = ActorType(actor_type.strip().lower())
        except ValueError:
            raise LearningError(
                "bad_actor_type",
                N_("Unknown actor type {type}; use one of: {types}."),
                type=actor_type.strip()[:40],
                types=", ".join(t.value for t in ActorType),
            ) from None
        code = country.strip().upper() if country else None
        if code is not None and self._locator.country_entry(code) is None:
            raise LearningError(
                "unknown_country",
                UNKNOWN_COUNTRY,
                country=country.strip()[:10] if country else "",
            )
        await self.refresh()
        taken = self._actors.lookup(cleaned)
        if taken:
            raise LearningError(
                "actor_exists",
                N_("{name} already exists: {actor}."),
                name=cleaned,
                actor=taken[0].id,
            )
        slug = _SLUG.sub("-", match_key(cleaned).lower()).strip("-")[:40] or uuid.uuid4().hex[:8]
        actor = ActorRef(id=f"local-{slug}", name=cleaned, type=kind, country=code)
        if self._actors.get(actor.id) is not None:
            actor = actor.model_copy(update={"id": f"{actor.id}-{uuid.uuid4().hex[:4]}"})
        record = self._alias_record(actor, cleaned, added_by, note="new actor")
        await self._storage.learning.add_actor_alias(actor, record)
        await self.changed()
        return actor


def _alias_known(alias: str, actor: ActorRef) -> LearningError:
    """The refusal of an alias that already names ``actor``."""
    return LearningError(
        "alias_known", N_("{alias} already names {actor}."), alias=alias, actor=actor.name
    )


def _local_name(place: LocalPlace) -> LocalName:
    return LocalName(
        key=place.key,
        name=place.name,
        aliases=tuple(place.aliases),
        lat=place.lat,
        lon=place.lon,
        country=place.country,
        admin1=place.admin1,
        admin1_code=place.admin1_code,
    )
