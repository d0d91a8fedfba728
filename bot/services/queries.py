"""Read-side use cases: latest incidents, incidents for a place/governorate/faction, one
incident's full record, statistics against the previous period, and full-text search.

Place semantics: asking for a city includes its neighbourhoods (an incident in the Green Zone
is in Baghdad) but never incidents only located to the governorate (ACLED practice: a
governorate-centroid event is not "in the city"). Governorates match every incident in them;
factions match incidents naming that actor.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from zoneinfo import ZoneInfo

from bot.config import Settings
from bot.domain import GeoPrecision, Incident, Location, SubscriptionKind
from bot.domain.search import MAX_SEARCH_TERMS, SearchSyntaxError, parse_search
from bot.domain.views import IncidentDetail, IncidentPage, Period, StatsResult, Target, Totals
from bot.ports import Clock
from bot.services.catalog import CatalogService
from bot.services.errors import N_, UserError
from bot.services.periods import MAX_DAYS, parse_period, previous_period
from storage.base import IncidentQuery, IncidentStats, Storage

DEFAULT_PAGE_SIZE = 5
MAX_PAGE_SIZE = 50
MAX_LATEST = 50
SCAN_LIMIT = 10_000  # the most incidents one filtered query pulls into memory
SEARCH_LIMIT = 200  # search results kept for paging; nobody pages past 40 screens
MAX_SEARCH_WORDS = MAX_SEARCH_TERMS
SEARCH_USAGE = N_('Examples: /search drone Sinjar, /search Bas*, /search "car bomb"')
WIDER_PERIODS = ("30d", "1y")  # tried in turn when a bare /stats finds a quiet week
_POINTLIKE = (GeoPrecision.POINT, GeoPrecision.NEAR)
_PLACE_KEYS_CACHE_SIZE = 4096


def sanitize_search(text: str) -> str:
    """The canonical search text (words, ``prefix*``, ``"phrases"``); UserError on operators."""
    try:
        return str(parse_search(text))
    except SearchSyntaxError as exc:
        raise UserError(str(exc), usage=SEARCH_USAGE) from None


def totals_of(incidents: Iterable[Incident]) -> Totals:
    """Counts, conservative killed and injured, and a per-event-type breakdown."""
    totals = Totals(killed_reported=0, injured_reported=0)
    for incident in incidents:
        totals.incidents += 1
        totals.killed += incident.killed.best
        totals.injured += incident.injured.best
        totals.killed_reported = (totals.killed_reported or 0) + incident.killed.known
        totals.injured_reported = (totals.injured_reported or 0) + incident.injured.known
        name = incident.event_type.value
        totals.by_event_type[name] = totals.by_event_type.get(name, 0) + 1
    return totals


def _totals_from(stats: IncidentStats) -> Totals:
    return Totals(
        incidents=stats.incidents,
        killed=stats.killed,
        injured=stats.injured,
        by_event_type=dict(stats.by_event_type),
        killed_reported=stats.killed_reported,
        injured_reported=stats.injured_reported,
    )


def _clamp_page_size(page_size: int) -> int:
    return max(1, min(page_size, MAX_PAGE_SIZE))


def paginate(
    items: Sequence[Incident], page: int, page_size: int, **extra: object
) -> IncidentPage:
    """Cut one page out of a full list; out-of-range pages snap to the nearest real page."""
    size = _clamp_page_size(page_size)
    pages = IncidentPage.pages_for(len(items), size)
    current = max(1, min(page, pages))
    start = (current - 1) * size
    return IncidentPage.model_validate(
        {
            "items": list(items[start : start + size]),
            "page": current,
            "pages": pages,
            "total": len(items),
            "page_size": size,
            **extra,
        }
    )


class QueryService:
    """Answers the questions users ask about incidents."""

    def __init__(
        self, storage: Storage, catalog: CatalogService, clock: Clock, settings: Settings
    ) -> None:
        self._storage = storage
        self._catalog = catalog
        self._clock = clock
        self._settings = settings
        self._place_keys_cache: dict[str, list[str]] = {}

    def parse_period(self, text: str | None, timezone: str | None = None) -> Period:
        """Parse a user's period relative to now, in the chat's timezone (default: settings')."""
        return parse_period(text, self._clock.now(), ZoneInfo(timezone or self._tz_name))

    @property
    def _tz_name(self) -> str:
        return self._settings.sitrep_timezone

    @property
    def _min_confidence(self) -> float:
        return self._settings.sitrep_alert_min_confidence

    async def latest(self, n: int = DEFAULT_PAGE_SIZE, page: int = 1) -> IncidentPage:
        """The newest incidents (by incident date, then id), ``n`` per page."""
        return await self._page(IncidentQuery(), page, max(1, min(n, MAX_LATEST)))

    async def for_target(
        self,
        target: Target,
        period: Period | None = None,
        page: int = 1,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> IncidentPage:
        """Incidents for a place, governorate or faction within a period (None = any time)."""
        query = IncidentQuery()
        if period is not None:
            query.since, query.until = period.first_day, period.last_day
        self.narrow(query, target.kind, target.key)
        return await self._page(query, page, _clamp_page_size(page_size), target, period)

    def narrow(self, query: IncidentQuery, kind: SubscriptionKind, key: str) -> IncidentQuery:
        """``query`` limited to one place (with its neighbourhoods), governorate or faction."""
        if kind is SubscriptionKind.PLACE:
            query.place_keys = self.place_query_keys(key)
        elif kind is SubscriptionKind.ADMIN1:
            query.admin1_code = key
        else:
            query.actor_id = key
        return query

    async def _page(
        self,
        query: IncidentQuery,
        page: int,
        size: int,
        target: Target | None = None,
        period: Period | None = None,
    ) -> IncidentPage:
        """One page of ``query``'s incidents, paged in the database (only that page is loaded)."""
        total = await self._storage.incidents.count(query)
        pages = IncidentPage.pages_for(total, size)
        current = max(1, min(page, pages))
        query.limit, query.offset = size, (current - 1) * size
        return IncidentPage(
            items=await self._storage.incidents.query(query),
            page=current,
            pages=pages,
            total=total,
            page_size=size,
            target=target,
            period=period,
            min_confidence=self._min_confidence,
        )

    async def incidents_for(
        self,
        target: Target,
        period: Period | None = None,
        *,
        base: IncidentQuery | None = None,
    ) -> list[Incident]:
        """Every incident for a target (newest first), optionally narrowed by ``base`` filters."""
        query = (base or IncidentQuery()).model_copy()
        query.limit, query.offset = SCAN_LIMIT, 0
        if period is not None:
            query.since, query.until = period.first_day, period.last_day
        return await self._storage.incidents.query(self.narrow(query, target.kind, target.key))

    def place_query_keys(self, place_key: str) -> list[str]:
        """The location keys that count for a place: its own and its neighbourhoods'.

        Each gazetteer entry is matched by its key and by the name-based key a location stored
        without a gazetteer key or GeoNames id gets (``Location``'s fallback), so the database
        can select a city with its neighbourhoods from the place index.
        """
        cached = self._place_keys_cache.get(place_key)
        if cached is not None:
            return list(cached)
        keys = [place_key]
        entry = self._catalog.place_entry(place_key)
        if entry is not None:
            for member in [entry, *self._catalog.neighbourhoods(entry)]:
                fallback = Location(
                    name=member.name,
                    admin1=member.admin1,
                    admin1_code=member.admin1_code,
                    country=member.country,
                ).key
                keys += [key for key in (member.key, fallback) if key not in keys]
        if len(self._place_keys_cache) > _PLACE_KEYS_CACHE_SIZE:
            self._place_keys_cache.clear()  # bounded; a miss only costs a few lookups
        self._place_keys_cache[place_key] = keys
        return list(keys)

    def in_place(self, incident: Incident, place_key: str) -> bool:
        """True when the incident is located at the place or in one of its neighbourhoods."""
        return place_key in self.place_keys(incident)

    def place_keys(self, incident: Incident) -> list[str]:
        """The place keys an incident counts for: its own and its city's (point-like), when it
        lies in or next to that city."""
        location = incident.location
        if location.geo_precision not in _POINTLIKE:
            return []
        keys = [location.key]
        entry = self._catalog.entry_for_location(location)
        if entry is not None:
            city = self._catalog.city_of(entry)
            city_key = city.key if city is not None else None
            keys += [key for key in (entry.key, city_key) if key and key not in keys]
        return keys

    async def incident(self, incident_id: int) -> IncidentDetail:
        """One incident with all its sources and its revision history."""
        incident = await self._storage.incidents.get(incident_id)
        if incident is None:
            raise UserError(
                "There is no incident #{number}.",
                values={"number": incident_id},
                usage=N_("Example: /incident 12"),
            )
        revisions = await self._storage.incidents.revisions(incident_id)
        return IncidentDetail(
            incident=incident, revisions=revisions, min_confidence=self._min_confidence
        )

    async def stats(
        self,
        target: Target | None = None,
        period: Period | None = None,
        *,
        timezone: str | None = None,
    ) -> StatsResult:
        """Totals for a target (None = everything) and the previous period of the same length.

        Without a period: the last 7 days, or, when they were quiet, the last 30 days, the last
        year, or everything since the target's first incident, whichever first has any.
        """
        tz = ZoneInfo(timezone or self._tz_name)
        now = self._clock.now()
        current_period = period or parse_period(None, now, tz)
        current = await self._totals(target, current_period)
        widened_from = None
        if period is None and current.incidents == 0:
            wider = await self._wider_period(target, now, tz)
            if wider is not None:
                widened_from = current_period.label
                current_period = wider
                current = await self._totals(target, current_period)
        before = previous_period(current_period, tz)
        previous = await self._totals(target, before)
        return StatsResult(
            current=current,
            previous=previous,
            period=current_period,
            previous_period=before,
            target=target,
            widened_from=widened_from,
        )

    async def _wider_period(
        self, target: Target | None, now: dt.datetime, tz: ZoneInfo
    ) -> Period | None:
        """The shortest of 30 days or a year that has any, else since the first incident."""
        span = await self._incident_span(target)
        if span is None:
            return None
        first, last = span
        for text in WIDER_PERIODS:
            wider = parse_period(text, now, tz)
            if wider.first_day <= last:
                return wider
        start = max(first, now.astimezone(tz).date() - dt.timedelta(days=MAX_DAYS))
        return parse_period(f"since {start.isoformat()}", now, tz)

    async def _incident_span(self, target: Target | None) -> tuple[dt.date, dt.date] | None:
        """The dates of the target's oldest and newest incidents (None when it has none)."""
        query = IncidentQuery()
        if target is not None:
            self.narrow(query, target.kind, target.key)
        total = await self._storage.incidents.count(query)
        if total == 0:
            return None
        # Newest first: the first row is the newest, the last row the oldest.
        query.limit, query.offset = 1, 0
        newest = await self._storage.incidents.query(query)
        query.offset = total - 1
        oldest = await self._storage.incidents.query(query)
        if not newest or not oldest:
            return None
        return oldest[0].date, newest[0].date

    async def _totals(self, target: Target | None, period: Period) -> Totals:
        query = IncidentQuery(since=period.first_day, until=period.last_day)
        if target is not None:
            self.narrow(query, target.kind, target.key)
        return _totals_from(await self._storage.incidents.stats(query))

    async def search(
        self, words: str, page: int = 1, page_size: int = DEFAULT_PAGE_SIZE
    ) -> IncidentPage:
        """Full-text search over incidents and their reports (words, prefix*, "phrases")."""
        query = sanitize_search(words)
        if not query:
            raise UserError("Tell me what to search for.", usage=SEARCH_USAGE)
        # The page asked for and the number of matches (up to SEARCH_LIMIT), in one read; a
        # page past the end is read again as the last page.
        size = _clamp_page_size(page_size)
        incidents = self._storage.incidents
        wanted = min(max(page, 1), IncidentPage.pages_for(SEARCH_LIMIT, size))
        found = await incidents.search_page(
            query, limit=size, offset=(wanted - 1) * size, count_limit=SEARCH_LIMIT
        )
        total = found.total
        pages = IncidentPage.pages_for(total, size)
        current = min(wanted, pages)
        offset = (current - 1) * size
        if current != wanted and total > offset:
            found = await incidents.search_page(
                query, limit=size, offset=offset, count_limit=SEARCH_LIMIT
            )
        items = found.items[: max(total - offset, 0)]
        return IncidentPage(
            items=items,
            page=current,
            pages=pages,
            total=total,
            page_size=size,
            query=query,
            min_confidence=self._min_confidence,
        )
