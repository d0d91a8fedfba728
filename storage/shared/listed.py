"""A digest's read of the archive made of a backend's existing reads (briefs, then incidents)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.domain import Incident
from storage.base import (
    IncidentBrief,
    IncidentQuery,
    IncidentRepository,
    IncidentStats,
    ListedPicker,
)


async def briefs_then_listed(
    incidents: IncidentRepository,
    queries: Sequence[IncidentQuery],
    counted: Sequence[IncidentQuery],
    limit: int,
    listed: ListedPicker,
) -> tuple[list[list[IncidentBrief]], IncidentStats, list[Incident]]:
    """``IncidentRepository.briefs_and_listed`` as two reads: ``briefs_and_totals``, then
    ``query`` of the ids ``listed`` picks (none when it picks nothing)."""
    found, totals = await incidents.briefs_and_totals(queries, counted, limit)
    ids = list(listed(found, totals))
    loaded = await incidents.query(IncidentQuery(ids=ids, limit=len(ids))) if ids else []
    return found, totals, loaded
