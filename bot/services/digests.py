"""Daily digests: compose a chat's summary and queue each chat's digest exactly once a day.

Window: a digest for a local day covers the incidents created or updated in the 24 hours up to
the chat's digest time on that day (or up to now, for an on-demand /digest) whose events fall in
that period (their last day is no earlier than the window's first local day). Incidents reported
in the window about older events (an archive import, a story about last year) are listed apart
as late reports and never counted as the day's. The change "against the day before" compares
with incidents first reported in the 24 hours before that.

Listing: every incident is counted (totals, per governorate and city), but each city lists only
its ``MAX_LISTED_PER_CITY`` most severe ("… and N more"), and a digest ``MAX_LISTED`` in all:
a busy day stays a readable message, and only the listed incidents are loaded.

Scope: the chat's subscriptions (places with their neighbourhoods, governorates, factions). The
``min_killed`` threshold of a subscription limits push alerts only; the digest is the complete
picture of the chat's areas. A chat without subscriptions gets no scheduled digest (it never
asked about anywhere), but an on-demand /digest shows every incident (``scope == "all"``).

Exactly once: :meth:`DigestService.queue_due` queues the digest with key
``digest:<chat>:<local date>`` and records ``last_digest_date`` in the same transaction. A digest
missed while the bot was down is queued on the first call after start-up (its time has passed
and today's date is not recorded yet) and never again that day, whatever the number of
restarts or concurrent calls.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.domain import (
    ChartPayload,
    Chat,
    DigestPayload,
    EventType,
    Incident,
    OutboxKind,
    OutboxMessage,
    Subscription,
)
from bot.domain.views import Digest, DigestCity, DigestGroup, Period
from bot.domain.visuals import StatsSeries
from bot.ports import Clock
from bot.services.chats import digest_moment, in_quiet_hours, local_date, next_digest_at
from bot.services.errors import UserError
from bot.services.outbox import Outbox
from bot.services.periods import parse_period, previous_period
from bot.services.queries import SCAN_LIMIT, QueryService
from bot.services.visuals import series_of
from storage.base import BRIEF_NEWEST, IncidentBrief, IncidentQuery, IncidentStats, Storage

logger = logging.getLogger(__name__)

DAY = dt.timedelta(days=1)
MAX_LATE_LISTED = 5  # an archive import may bring thousands: the digest names a few
UNKNOWN_GOVERNORATE = "Unknown governorate"
_EVENT_WEIGHT = {
    EventType.BATTLES: 5,
    EventType.EXPLOSIONS: 5,
    EventType.VIOLENCE_AGAINST_CIVILIANS: 4,
    EventType.RIOTS: 3,
    EventType.PROTESTS: 2,
    EventType.STRATEGIC_DEVELOPMENTS: 1,
}


def digest_key(chat_id: int, day: dt.date) -> str:
    """Idempotency key of a chat's digest for one local day."""
    return f"digest:{chat_id}:{day.isoformat()}"


def digest_chart_key(chat_id: int, day: dt.date) -> str:
    """Idempotency key of the week's chart that follows a chat's digest."""
    return f"digest-chart:{chat_id}:{day.isoformat()}"


YOUR_AREAS = "Your areas"


MAX_LISTED_PER_CITY = 5  # a city lists its most severe incidents, "… and N more" for the rest
MAX_LISTED = 25  # and a digest at most this many in all (a busy day is a message or two)


def severity_key(brief: IncidentBrief) -> tuple[int, int, int, dt.date, int]:
    """Sort key, most severe first when sorted in reverse: killed, injured, event type, date."""
    return (
        brief.killed or 0,
        brief.injured or 0,
        _EVENT_WEIGHT.get(brief.event_type, 0),
        brief.date,
        brief.id,
    )


def _in_window(incident: IncidentBrief, since: dt.datetime, until: dt.datetime) -> bool:
    created, updated = incident.created_at, incident.updated_at
    if created is None and updated is None:
        return True  # a backend without timestamps: trust its updated_since filter
    return (created is not None and since <= created <= until) or (
        updated is not None and since <= updated <= until
    )


def _ranked(briefs: list[IncidentBrief]) -> dict[int, tuple[int, int, int, dt.date, int]]:
    """Each brief's :func:`severity_key` by id, computed once."""
    return {b.id: severity_key(b) for b in briefs}


@dataclass
class _City:
    name: str
    key: str
    briefs: list[IncidentBrief]  # most severe first
    killed: int
    injured: int


@dataclass
class _Group:
    governorate: str
    admin1_code: str | None
    cities: list[_City]
    briefs: list[IncidentBrief]
    killed: int
    injured: int
    reported: tuple[int, int]  # how many gave a killed and an injured figure


def _grouped(briefs: list[IncidentBrief]) -> list[_Group]:
    """Group by governorate, then city; most severe groups, cities and incidents first."""
    rank = _ranked(briefs)
    by_admin1: dict[str, dict[str, list[IncidentBrief]]] = defaultdict(lambda: defaultdict(list))
    for brief in briefs:
        by_admin1[brief.admin1 or UNKNOWN_GOVERNORATE][brief.place_key].append(brief)
    groups: list[_Group] = []
    for governorate, by_city in by_admin1.items():
        cities = []
        members: list[IncidentBrief] = []
        for key, city_briefs in by_city.items():
            members += city_briefs
            ordered = sorted(city_briefs, key=lambda b: rank[b.id], reverse=True)
            killed = sum(b.killed or 0 for b in ordered)
            injured = sum(b.injured or 0 for b in ordered)
            cities.append(_City(ordered[0].place_name, key, ordered, killed, injured))
        cities.sort(key=lambda c: (c.killed, c.injured, rank[c.briefs[0].id]), reverse=True)
        killed, injured = sum(c.killed for c in cities), sum(c.injured for c in cities)
        code, reported = members[0].admin1_code, _reported(members)
        groups.append(_Group(governorate, code, cities, members, killed, injured, reported))
    groups.sort(
        key=lambda g: (g.killed, g.injured, len(g.briefs), rank[g.cities[0].briefs[0].id]),
        reverse=True,
    )
    return groups


def _listed_ids(groups: list[_Group]) -> list[int]:
    """The incidents a digest lists: each city's most severe, in display order, up to caps."""
    listed: list[int] = []
    for group in groups:
        for city in group.cities:
            room = min(MAX_LISTED_PER_CITY, MAX_LISTED - len(listed))
            listed.extend(b.id for b in city.briefs[: max(room, 0)])
    return listed


def _reported(briefs: list[IncidentBrief]) -> tuple[int, int]:
    """How many incidents gave a killed and an injured figure."""
    return (
        len([b for b in briefs if b.killed is not None]),
        len([b for b in briefs if b.injured is not None]),
    )


def _digest_groups(groups: list[_Group], loaded: dict[int, Incident]) -> list[DigestGroup]:
    """The digest's groups, each city listing the loaded (most severe) incidents."""
    result = []
    for group in groups:
        cities = []
        for city in group.cities:
            # Only a city's first few are ever listed (``_listed_ids``).
            firsts = city.briefs[:MAX_LISTED_PER_CITY]
            listed = [loaded[b.id] for b in firsts if b.id in loaded]
            cities.append(
                DigestCity(
                    name=city.name,
                    place_key=city.key,
                    incidents=listed,
                    killed=city.killed,
                    injured=city.injured,
                    more=len(city.briefs) - len(listed),
                )
            )
        killed_reported, injured_reported = group.reported
        result.append(
            DigestGroup(
                governorate=group.governorate,
                admin1_code=group.admin1_code,
                total=len(group.briefs),
                killed=group.killed,
                injured=group.injured,
                killed_reported=killed_reported,
                injured_reported=injured_reported,
                cities=cities,
            )
        )
    return result


def _union(parts: list[list[IncidentBrief]]) -> list[IncidentBrief]:
    """The briefs any subscription's query found, each once, in the order found (at most
    SCAN_LIMIT: the same incidents as the union of their ids)."""
    found: dict[int, IncidentBrief] = {}
    for briefs in parts:
        for brief in briefs:
            found.setdefault(brief.id, brief)
    return list(found.values())[:SCAN_LIMIT]


def _window_end(chat: Chat, day: dt.date, now: dt.datetime) -> dt.datetime:
    """Where a day's digest window ends: now for today, else its digest time or midnight."""
    if day >= local_date(chat, now):
        return now
    end_of_day = dt.datetime.combine(day + DAY, dt.time(0, 0), tzinfo=ZoneInfo(chat.timezone))
    return min(now, digest_moment(chat, day) or end_of_day)


class _Window:
    """A digest window's briefs, sorted out when they are read: the period's incidents
    (``current``) grouped and ranked, and late reports of older events (``late``, newest
    first); :meth:`listed` picks the incidents to load (a plain function: the storage may call
    it in its database thread)."""

    def __init__(self, since: dt.datetime, until: dt.datetime, first_day: dt.date) -> None:
        self.since, self.until, self.first_day = since, until, first_day
        self.current: list[IncidentBrief] = []
        self.late: list[IncidentBrief] = []
        self.groups: list[_Group] = []
        self.late_ids: list[int] = []

    def listed(self, found: list[list[IncidentBrief]], _totals: IncidentStats) -> list[int]:
        """Sort the window's briefs out; return the ids the digest lists, late reports last."""
        briefs = sorted(_union(found), key=BRIEF_NEWEST, reverse=True)
        since, until, first_day = self.since, self.until, self.first_day
        reported = [b for b in briefs if _in_window(b, since, until)]
        self.current = [b for b in reported if (b.date_end or b.date) >= first_day]
        self.late = sorted(
            (b for b in reported if (b.date_end or b.date) < first_day),
            key=lambda b: (b.date_end or b.date, b.id),
            reverse=True,
        )
        self.groups = _grouped(self.current)
        self.late_ids = [b.id for b in self.late[:MAX_LATE_LISTED]]
        return [*_listed_ids(self.groups), *self.late_ids]


class DigestService:
    """Composes digests and queues the scheduled ones."""

    def __init__(
        self,
        storage: Storage,
        queries: QueryService,
        clock: Clock,
        outbox: Outbox | None = None,
    ) -> None:
        self._storage = storage
        self._queries = queries
        self._clock = clock
        self._outbox = outbox or Outbox(storage)
        self._lock = asyncio.Lock()

    def _scoped(
        self, subscriptions: list[Subscription], base: IncidentQuery
    ) -> list[IncidentQuery]:
        """One query per subscription (one for everything without any), narrowed by ``base``."""
        if not subscriptions:
            return [base]
        return [
            self._queries.narrow(base.model_copy(), subscription.kind, subscription.key)
            for subscription in subscriptions
        ]

    async def _matching_ids(
        self, subscriptions: list[Subscription], base: IncidentQuery
    ) -> list[int]:
        """Ids of the incidents any subscription matches, each once (at most SCAN_LIMIT)."""
        found: dict[int, None] = {}
        for query in self._scoped(subscriptions, base):
            found.update(dict.fromkeys(await self._storage.incidents.ids(query)))
        return list(found)[:SCAN_LIMIT]

    async def compose(
        self,
        chat_id: int,
        local_day: dt.date | None = None,
        *,
        until: dt.datetime | None = None,
    ) -> Digest:
        """The digest of a chat for a local day (default: today, up to now)."""
        found = await self._storage.chats.with_subscriptions(chat_id)
        if found is None:
            raise UserError("I don't know this chat yet; send /start first.")
        chat, subscriptions = found
        now = self._clock.now()
        day = local_day or local_date(chat, now)
        until = until or _window_end(chat, day, now)
        since = until - DAY
        first_day = since.astimezone(ZoneInfo(chat.timezone)).date()
        window = _Window(since, until, first_day)
        _, previous, incidents = await self._storage.incidents.briefs_and_listed(
            *self._window_queries(subscriptions, since, first_day), SCAN_LIMIT, window.listed
        )
        loaded = {incident.id: incident for incident in incidents if incident.id is not None}
        groups = window.groups  # every incident of the period, once
        return Digest(
            chat_id=chat_id,
            local_date=day,
            timezone=chat.timezone,
            window_start=since.astimezone(dt.UTC),
            window_end=until.astimezone(dt.UTC),
            scope="subscriptions" if subscriptions else "all",
            areas=[s.label for s in subscriptions],
            total=len(window.current),
            killed=sum(g.killed for g in groups),
            injured=sum(g.injured for g in groups),
            killed_reported=sum(g.reported[0] for g in groups),
            injured_reported=sum(g.reported[1] for g in groups),
            groups=_digest_groups(groups, loaded),
            previous_total=previous.incidents,
            previous_killed=previous.killed,
            previous_injured=previous.injured,
            late=[loaded[i] for i in window.late_ids if i in loaded],
            late_total=len(window.late),
        )

    def _window_queries(
        self, subscriptions: list[Subscription], since: dt.datetime, first_day: dt.date
    ) -> tuple[list[IncidentQuery], list[IncidentQuery]]:
        """Every subscription's query of the window, and of the day before (to compare with).

        Both windows are short ranges of the updated_at index, whatever the archive's size;
        all of them are read in one statement (``briefs_and_listed``): the window's briefs,
        the day before's totals only (summed in SQL). The day's incidents are counted, grouped
        and ranked from their briefs (:class:`_Window`); only those listed are loaded.
        """
        window = self._scoped(
            subscriptions,
            IncidentQuery(updated_since=since, include_background=False, limit=SCAN_LIMIT),
        )
        before = self._scoped(
            subscriptions,
            IncidentQuery(
                updated_since=since - DAY,
                created_since=since - DAY,
                created_before=since,
                since=first_day - DAY,  # the day before's events, not its archive imports
                include_background=False,
                limit=SCAN_LIMIT,
            ),
        )
        return window, before

    async def _incidents_in(
        self, subscriptions: list[Subscription], period: Period
    ) -> list[Incident]:
        ids = await self._matching_ids(
            subscriptions,
            IncidentQuery(
                since=period.first_day,
                until=period.last_day,
                include_background=False,
                limit=SCAN_LIMIT,
            ),
        )
        if not ids:
            return []
        return await self._storage.incidents.query(IncidentQuery(ids=ids, limit=len(ids)))

    async def week_series(
        self, chat: Chat, subscriptions: list[Subscription], until: dt.datetime
    ) -> StatsSeries:
        """The chat's areas over the 7 days up to ``until``, by day, against the week before."""
        zone = ZoneInfo(chat.timezone)
        week = parse_period("7d", until, zone)
        before = previous_period(week, zone)
        labels = [s.label for s in subscriptions]
        title = ", ".join(labels) if 0 < len(labels) <= 2 else YOUR_AREAS
        return series_of(
            title,
            week,
            before,
            await self._incidents_in(subscriptions, week),
            await self._incidents_in(subscriptions, before),
        )

    def next_run(self, chat: Chat, now: dt.datetime | None = None) -> dt.datetime | None:
        """When the chat's next digest is due (now if overdue); None when digests are off."""
        return next_digest_at(chat, now or self._clock.now())

    async def queue_due(self, now: dt.datetime | None = None) -> int:
        """Queue every digest whose local time has passed today and is not queued yet."""
        moment = now or self._clock.now()
        queued = 0
        async with self._lock:  # a start-up catch-up and the repeating job may overlap
            for chat in await self._storage.chats.with_digest():
                try:
                    queued += await self._queue_for(chat, moment)
                except Exception:  # one broken chat must not stop everyone's digest
                    logger.exception("could not queue the digest of chat %s", chat.id)
        return queued

    async def _queue_for(self, chat: Chat, now: dt.datetime) -> int:
        if not chat.active or chat.digest_time is None:
            return 0
        today = local_date(chat, now)
        due = digest_moment(chat, today)
        if due is None or due > now:
            return 0
        if chat.last_digest_date is not None and chat.last_digest_date >= today:
            return 0
        if not await self._storage.subscriptions.for_chat(chat.id):
            return 0
        digest = await self.compose(chat.id, today, until=due)
        subscriptions = await self._storage.subscriptions.for_chat(chat.id)
        chart = await self.week_series(chat, subscriptions, due) if chat.digest_chart else None
        async with self._storage.transaction():
            fresh = await self._storage.chats.get(chat.id)
            if fresh is None or (
                fresh.last_digest_date is not None and fresh.last_digest_date >= today
            ):
                return 0
            _, created = await self._outbox.enqueue(
                OutboxMessage(
                    chat_id=chat.id,
                    kind=OutboxKind.DIGEST,
                    idempotency_key=digest_key(chat.id, today),
                    payload=DigestPayload(
                        digest=digest, disable_notification=in_quiet_hours(fresh, now)
                    ),
                    next_attempt_at=now,
                )
            )
            if chart is not None and created and fresh.digest_chart and not chart.empty:
                await self._outbox.enqueue(
                    OutboxMessage(
                        chat_id=chat.id,
                        kind=OutboxKind.DIGEST,
                        idempotency_key=digest_chart_key(chat.id, today),
                        # The picture under the digest never rings a second time.
                        payload=ChartPayload(chart=chart, disable_notification=True),
                        next_attempt_at=now,
                    )
                )
            fresh.last_digest_date = today
            await self._storage.chats.save_settings(fresh)
        return int(created)
