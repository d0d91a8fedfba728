"""Resolve what users type into places, governorates and factions (with "did you mean").

Names are forgiving because the gazetteer and the actor registry are: any case,
transliterations (Basra, Basrah, al-Basra), Arabic script (البصرة), aliases (AAH, Asa'ib).
Several exact matches make a :class:`Resolution` ambiguous (the handler shows a keyboard);
none gives suggestions instead.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable, Sequence
from zoneinfo import ZoneInfo, available_timezones

from bot.domain import ActorRef, Location, SubscriptionKind
from bot.domain.views import Resolution, Target
from bot.services.errors import N_, UserError
from bot.services.lookup import ActorLookup, PlaceEntry, PlaceLookup, near_city
from storage.base import Storage

MAX_QUERY_CHARS = 100
# Countries whose first-level divisions are called governorates (muhafazat) in English.
GOVERNORATE_COUNTRIES = frozenset(
    {"IQ", "SY", "EG", "JO", "YE", "LB", "KW", "BH", "OM", "PS", "TN"}
)
LOCATION_CACHE_SIZE = 10_000
MAX_MATCHES = 8
SUGGESTIONS = 5
NAMESAKE = 100  # a governorate this many times bigger than every place of its name wins
DOMINANCE = 10  # a place this many times bigger than the next match with its name wins outright
TYPO_CHECK_BELOW = 200_000  # matches smaller than this may be a typo of a far bigger place
TIMEZONE_USAGE = N_("Use an IANA zone such as Asia/Baghdad or Europe/Berlin, or a city name.")
_ADMIN1_SUFFIX = re.compile(r"\s+(?:governorate|province|gov\.?|muhafazat)$", re.IGNORECASE)
_UTC_OFFSET = re.compile(r"^(?:utc|gmt)?([+-])(\d{1,2})(?::?(\d{2}))?$", re.IGNORECASE)
_CITY_SUFFIX = re.compile(r"\s+(?:city|town)$", re.IGNORECASE)


def _clean(text: str) -> str:
    return " ".join(text.split())[:MAX_QUERY_CHARS]


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if ch.isalnum())


def _one_typo_apart(typed: str, name: str) -> bool:
    """True when one letter is added, dropped, changed or two neighbours swapped."""
    a, b = _fold(typed), _fold(name)
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diffs) == 1:
            return True
        return (
            len(diffs) == 2
            and diffs[1] == diffs[0] + 1
            and (a[diffs[0]], a[diffs[1]]) == (b[diffs[1]], b[diffs[0]])
        )
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def admin1_word(country: str) -> str:
    """What a country calls its first-level divisions, for labels ("governorate" in Iraq)."""
    return "governorate" if country in GOVERNORATE_COUNTRIES else "province"


def place_target(entry: PlaceEntry, parent: PlaceEntry | None = None) -> Target:
    """The target for a gazetteer place or governorate entry."""
    word = admin1_word(entry.country)
    if entry.kind == "admin1":
        return Target(
            kind=SubscriptionKind.ADMIN1,
            key=entry.key,
            label=f"{entry.name} {word}",
            detail=f"{word}, {entry.country}",
        )
    if parent is not None:
        detail = f"in {parent.name}"
    elif entry.admin1 and entry.country in GOVERNORATE_COUNTRIES:
        detail = f"{entry.admin1} {word}"
    elif entry.admin1:
        detail = f"{entry.admin1}, {entry.country}"
    else:
        detail = entry.country
    return Target(kind=SubscriptionKind.PLACE, key=entry.key, label=entry.name, detail=detail)


def actor_target(actor: ActorRef) -> Target:
    """The target for a faction."""
    return Target(
        kind=SubscriptionKind.ACTOR, key=actor.id, label=actor.name, detail=actor.type.label
    )


def _dedupe(targets: Iterable[Target]) -> list[Target]:
    seen: set[tuple[SubscriptionKind, str]] = set()
    unique: list[Target] = []
    for target in targets:
        marker = (target.kind, target.key)
        if marker not in seen:
            seen.add(marker)
            unique.append(target)
    return unique


class CatalogService:
    """Turns free text into :class:`Target` s using the gazetteer and the actor registry."""

    def __init__(
        self, gazetteer: PlaceLookup, actors: ActorLookup, storage: Storage | None = None
    ) -> None:
        self._gazetteer = gazetteer
        self._base_actors = actors
        self._actors = actors
        self._storage = storage
        self._extra_marker: tuple[tuple[str, tuple[str, ...]], ...] = ()
        self._location_cache: dict[tuple[str, str, str | None, str], PlaceEntry | None] = {}

    @property
    def gazetteer(self) -> PlaceLookup:
        """The gazetteer in use."""
        return self._gazetteer

    async def actor_registry(self) -> ActorLookup:
        """The packaged registry with the actors admins stored at run time on top."""
        if self._storage is None:
            return self._actors
        extra = await self._storage.actors.all()
        marker = tuple((actor.id, tuple(aliases)) for actor, aliases in extra)
        if marker != self._extra_marker:
            # Rebuilding is cheap but not free; only do it when an admin changed something.
            self._actors = self._base_actors.with_extra(extra) if extra else self._base_actors
            self._extra_marker = marker
        return self._actors

    # -- places -----------------------------------------------------------------------------

    def _parent(self, entry: PlaceEntry) -> PlaceEntry | None:
        return self._gazetteer.get(entry.parent_key) if entry.parent_key else None

    def city_of(self, entry: PlaceEntry) -> PlaceEntry | None:
        """The city a place is part of: its listed parent, when it lies in or next to it."""
        parent = self._parent(entry)
        return parent if parent is not None and near_city(entry, parent) else None

    def neighbourhoods(self, city: PlaceEntry) -> list[PlaceEntry]:
        """The places listed under a city that lie in or next to it."""
        return [child for child in self._gazetteer.children(city.key) if near_city(child, city)]

    def _place_matches(self, text: str) -> list[PlaceEntry]:
        found = self._gazetteer.lookup(text)
        entries = [e for e in found if e.kind == "place"]
        biggest_admin1 = max((e.population for e in found if e.kind == "admin1"), default=0)
        if entries and all(e.population * NAMESAKE < biggest_admin1 for e in entries):
            # "Anbar" is the governorate, not a Turkish hamlet called Ambar.
            return []
        if len(entries) > 1:
            top, second = entries[0], entries[1]
            # "Basra" the city of a million beats a hamlet called Basra: no keyboard needed.
            if top.population > 0 and top.population >= DOMINANCE * max(second.population, 1):
                entries = [top]
        return self._with_likely_typo(text, entries[:MAX_MATCHES])

    def _with_likely_typo(self, text: str, entries: list[PlaceEntry]) -> list[PlaceEntry]:
        """Small namesakes only: offer the far bigger place the user probably misspelt too.

        "Basar" is a town in Togo, but whoever types it almost surely meant Basra.
        """
        biggest = max((e.population for e in entries), default=0)
        if not entries or biggest >= TYPO_CHECK_BELOW:
            return entries
        keys = {e.key for e in entries}
        bigger = [
            e
            for e in self._gazetteer.suggest(text, limit=SUGGESTIONS)
            if e.kind == "place"
            and e.key not in keys
            and e.population >= DOMINANCE * biggest
            and _one_typo_apart(text, e.name)
        ]
        return [*bigger[:1], *entries][:MAX_MATCHES]

    def _admin1_matches(self, text: str) -> list[PlaceEntry]:
        return [e for e in self._gazetteer.lookup(text) if e.kind == "admin1"][:MAX_MATCHES]

    def _place_suggestions(
        self, text: str, kinds: Sequence[str], countries: Collection[str] = ()
    ) -> list[Target]:
        """ "Did you mean" places; only those in ``countries`` when any of them is close."""
        found = [
            entry
            for entry in self._gazetteer.suggest(text, limit=SUGGESTIONS * 3)
            if entry.kind in kinds
        ]
        near = [entry for entry in found if entry.country in countries]
        return [place_target(entry, self._parent(entry)) for entry in (near or found)][
            :SUGGESTIONS
        ]

    def resolve_place(self, text: str, countries: Collection[str] = ()) -> Resolution:
        """A city, town or neighbourhood; a governorate of that name is offered as suggestion.

        ``countries`` are the user's recent countries: a typo is matched there first
        ("Basrq" is Basra, not Kulp in Turkey).
        """
        query = _CITY_SUFFIX.sub("", _clean(text))
        if not query:
            return Resolution(query=query)
        matches = [place_target(e, self._parent(e)) for e in self._place_matches(query)]
        if matches:
            return Resolution(query=query, matches=matches)
        suggestions = [place_target(e) for e in self._admin1_matches(query)]
        suggestions += self._place_suggestions(query, ("place", "admin1"), countries)
        return Resolution(query=query, suggestions=_dedupe(suggestions)[:SUGGESTIONS])

    def resolve_governorate(self, text: str) -> Resolution:
        """A governorate by name, or the governorate of a named city."""
        query = _ADMIN1_SUFFIX.sub("", _clean(text))
        if not query:
            return Resolution(query=query)
        matches = [place_target(e) for e in self._admin1_matches(query)]
        if not matches:
            # "/province Sadr City" -> Baghdad governorate: what the user plainly meant.
            for entry in self._place_matches(query):
                if entry.admin1_code and (parent := self._gazetteer.get(entry.admin1_code)):
                    matches.append(place_target(parent))
        if matches:
            return Resolution(query=query, matches=_dedupe(matches))
        return Resolution(query=query, suggestions=self._place_suggestions(query, ("admin1",)))

    # -- factions ---------------------------------------------------------------------------

    async def resolve_actor(self, text: str) -> Resolution:
        """A faction by canonical name or alias."""
        query = _clean(text)
        if not query:
            return Resolution(query=query)
        registry = await self.actor_registry()
        matches = [actor_target(actor) for actor in registry.lookup(query)][:MAX_MATCHES]
        if matches:
            return Resolution(query=query, matches=_dedupe(matches))
        suggestions = [actor_target(a) for a in registry.suggest(query, limit=SUGGESTIONS)]
        return Resolution(query=query, suggestions=_dedupe(suggestions))

    # -- anything ---------------------------------------------------------------------------

    async def resolve_any(self, text: str) -> Resolution:
        """A place, a governorate or a faction (for /subscribe and /stats)."""
        query = _clean(text)
        if not query:
            return Resolution(query=query)
        if _ADMIN1_SUFFIX.search(query):
            return self.resolve_governorate(query)
        places = self.resolve_place(query)
        governorates = Resolution(
            query=query, matches=[place_target(e) for e in self._admin1_matches(query)]
        )
        actors = await self.resolve_actor(query)
        matches = _dedupe([*places.matches, *governorates.matches, *actors.matches])
        if matches:
            return Resolution(query=query, matches=matches[:MAX_MATCHES])
        suggestions = _dedupe([*places.suggestions, *actors.suggestions])
        return Resolution(query=query, suggestions=suggestions[: SUGGESTIONS + 2])

    async def target_for(self, kind: SubscriptionKind, key: str) -> Target | None:
        """Rebuild a target from its kind and key (callback data, deep links); None if unknown."""
        if kind is SubscriptionKind.ACTOR:
            actor = (await self.actor_registry()).get(key)
            return actor_target(actor) if actor else None
        entry = self._gazetteer.get(key)
        if entry is None:
            return None
        expected = "admin1" if kind is SubscriptionKind.ADMIN1 else "place"
        if entry.kind != expected:
            return None
        return place_target(entry, self._parent(entry))

    def place_entry(self, key: str) -> PlaceEntry | None:
        """The gazetteer entry for a place key, if known."""
        return self._gazetteer.get(key)

    def entry_for_location(self, location: Location) -> PlaceEntry | None:
        """The gazetteer place an incident's location is, by key or by name in its governorate.

        A location without a GeoNames id (``iq:green-zone`` in the gazetteer) has a folded-name
        ``Location.key``; finding its entry by name lets a neighbourhood count for its city.
        """
        marker = (location.key, location.name, location.admin1_code, location.country)
        if marker in self._location_cache:
            return self._location_cache[marker]
        entry = self._gazetteer.get(location.key)
        if entry is None and location.geonames_id is None:
            for candidate in self._gazetteer.lookup(location.name, country=location.country):
                if candidate.kind == "place" and (
                    location.admin1_code is None or candidate.admin1_code == location.admin1_code
                ):
                    entry = candidate
                    break
        if len(self._location_cache) > LOCATION_CACHE_SIZE:
            self._location_cache.clear()  # bounded; a miss only costs one lookup
        self._location_cache[marker] = entry
        return entry

    # -- timezones --------------------------------------------------------------------------

    def timezone_for(self, text: str) -> str:
        """An IANA zone name from an IANA name (any case) or a city name; UserError otherwise."""
        query = _clean(text)
        if not query:
            raise UserError("Tell me a timezone.", usage=TIMEZONE_USAGE)
        canonical = _iana_names().get(query.lower().replace(" ", "_"))
        if canonical is not None:
            return canonical
        if offset := _UTC_OFFSET.match(query.replace(" ", "")):
            return _offset_zone(offset.group(1), int(offset.group(2)), offset.group(3))
        for entry in self._place_matches(query) or self._admin1_matches(query):
            if entry.timezone:
                ZoneInfo(entry.timezone)  # data sanity: raises if the gazetteer is broken
                return entry.timezone
        suggestions = [
            place_target(entry)
            for entry in self._gazetteer.suggest(query, limit=SUGGESTIONS)
            if entry.timezone
        ]
        raise UserError(
            "I don't know the timezone “{text}”.",
            values={"text": query},
            suggestions=suggestions,
            usage=TIMEZONE_USAGE,
        )


_IANA: dict[str, str] = {}


def _offset_zone(sign: str, hours: int, minutes: str | None) -> str:
    """ "UTC+3" -> "Etc/GMT-3" (POSIX zone names count the other way round)."""
    if (minutes and int(minutes)) or hours > (14 if sign == "+" else 12):
        raise UserError(
            "There is no fixed zone for {zone}; give a city instead, e.g. /timezone Tehran.",
            values={"zone": f"UTC{sign}{hours}:{minutes or '00'}"},
            usage=TIMEZONE_USAGE,
        )
    if hours == 0:
        return "UTC"
    return f"Etc/GMT{'-' if sign == '+' else '+'}{hours}"


def _iana_names() -> dict[str, str]:
    """Lower-case IANA names -> canonical spelling (built once; the tz database is static)."""
    if not _IANA:
        _IANA.update({name.lower(): name for name in available_timezones()})
        _IANA.setdefault("utc", "UTC")
    return _IANA
