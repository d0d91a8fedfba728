"""The data behind pictures: incidents and killed per day/week/month, and incidents on a map.

Returns models (:class:`StatsSeries`, :class:`IncidentMap`); drawing them is the handlers' job.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from bot.domain import Incident
from bot.domain.views import Period, StatsResult, Target
from bot.domain.visuals import Bucket, IncidentMap, MapPoint, SeriesPoint, StatsSeries
from bot.services.queries import SCAN_LIMIT, QueryService
from storage.base import IncidentQuery, Storage

DAILY_UP_TO_DAYS = 31  # a month or less: one bar per day
WEEKLY_UP_TO_DAYS = 26 * 7  # half a year or less: one bar per week; longer: per month
ALL_INCIDENTS = "All incidents"
_COORD_DIGITS = 3  # incidents within ~100 m share one map point


def bucket_for(period: Period) -> Bucket:
    """Days for short periods, weeks up to half a year, months beyond."""
    days = (period.last_day - period.first_day).days + 1
    if days <= DAILY_UP_TO_DAYS:
        return Bucket.DAY
    if days <= WEEKLY_UP_TO_DAYS:
        return Bucket.WEEK
    return Bucket.MONTH


def _next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def bucket_starts(first: dt.date, last: dt.date, bucket: Bucket) -> list[dt.date]:
    """The first day of every bucket from ``first`` to ``last`` (weeks count from ``first``)."""
    starts: list[dt.date] = []
    day = first
    while day <= last:
        starts.append(day)
        if bucket is Bucket.DAY:
            day += dt.timedelta(days=1)
        elif bucket is Bucket.WEEK:
            day += dt.timedelta(days=7)
        else:
            day = _next_month(day)
    return starts


def bucketed(
    incidents: Sequence[Incident], first: dt.date, last: dt.date, bucket: Bucket
) -> list[SeriesPoint]:
    """Incidents and killed (conservative figures) per bucket; days outside are ignored."""
    starts = bucket_starts(first, last, bucket)
    points = [SeriesPoint(start=start) for start in starts]
    for incident in incidents:
        if not first <= incident.date <= last:
            continue
        index = _index_of(incident.date, starts)
        points[index].incidents += 1
        points[index].killed += incident.killed.best
    return points


def _index_of(day: dt.date, starts: list[dt.date]) -> int:
    """The bucket holding ``day`` (starts are sorted; ``day`` is on or after the first)."""
    low, high = 0, len(starts) - 1
    while low < high:
        middle = (low + high + 1) // 2
        if starts[middle] <= day:
            low = middle
        else:
            high = middle - 1
    return low


def map_points(incidents: Sequence[Incident]) -> list[MapPoint]:
    """One point per spot, killed summed; incidents without coordinates are left out."""
    spots: dict[tuple[float, float], MapPoint] = {}
    for incident in incidents:
        location = incident.location
        if location.lat is None or location.lon is None:
            continue
        spot = (round(location.lat, _COORD_DIGITS), round(location.lon, _COORD_DIGITS))
        point = spots.get(spot)
        if point is None:
            point = spots[spot] = MapPoint(
                lat=location.lat, lon=location.lon, name=location.name, incidents=0
            )
        point.incidents += 1
        point.killed += incident.killed.best
        if incident.id is not None:
            point.incident_ids.append(incident.id)
    # Biggest last, so they are drawn on top.
    return sorted(spots.values(), key=lambda p: (p.killed, p.incidents))


def series_of(
    title: str,
    period: Period,
    before: Period,
    current: Sequence[Incident],
    previous: Sequence[Incident],
) -> StatsSeries:
    """Bucket two periods' incidents; the previous period's n-th bucket under the current n-th."""
    bucket = bucket_for(period)
    current_points = bucketed(current, period.first_day, period.last_day, bucket)
    previous_points = bucketed(previous, before.first_day, before.last_day, bucket)
    previous_points = previous_points[-len(current_points) :]
    while len(previous_points) < len(current_points):
        previous_points.insert(0, SeriesPoint(start=before.first_day))
    return StatsSeries(
        title=title,
        bucket=bucket,
        period=period,
        previous_period=before,
        current=current_points,
        previous=previous_points,
        truncated=SCAN_LIMIT in (len(current), len(previous)),
    )


class VisualService:
    """Series for /stats charts and points for /map, from the same queries as the text."""

    def __init__(self, storage: Storage, queries: QueryService) -> None:
        self._storage = storage
        self._queries = queries

    def _query(self, target: Target | None, period: Period) -> IncidentQuery:
        query = IncidentQuery(
            since=period.first_day, until=period.last_day, limit=SCAN_LIMIT, offset=0
        )
        if target is None:
            return query
        return self._queries.narrow(query, target.kind, target.key)

    async def _incidents(self, target: Target | None, period: Period) -> list[Incident]:
        return await self._storage.incidents.query(self._query(target, period))

    async def stats_series(self, result: StatsResult) -> StatsSeries:
        """The series behind a /stats answer: its period and the one before, bucket by bucket."""
        current = await self._incidents(result.target, result.period)
        previous = await self._incidents(result.target, result.previous_period)
        title = result.target.label if result.target else ALL_INCIDENTS
        return series_of(title, result.period, result.previous_period, current, previous)

    async def incident_map(self, target: Target | None, period: Period) -> IncidentMap:
        """Where the target's incidents of the period happened."""
        incidents = await self._incidents(target, period)
        points = map_points(incidents)
        located = sum(point.incidents for point in points)
        return IncidentMap(
            title=target.label if target else ALL_INCIDENTS,
            period=period,
            points=points,
            total=len(incidents),
            unlocated=len(incidents) - located,
        )
