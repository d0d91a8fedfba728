"""Statement text built from column names, in either backend's placeholder style.

Where the two backends' SQL differs only in its placeholders (``?`` in SQLite, ``$1`` in
PostgreSQL), the repositories build it here from the column names and a :data:`Mark`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from bot.domain import Incident
from storage.columns import Encoders
from storage.mapping import ACTOR_ROW_COLUMNS, SOURCE_ROW_COLUMNS, actor_rows, source_rows

# A placeholder for a statement parameter, given its 1-based position and its column.
Mark = Callable[[int, str], str]


def insert_sql(table: str, columns: Iterable[str], mark: Mark) -> str:
    """``INSERT INTO table (columns) VALUES (placeholders)`` in the backend's placeholder style."""
    names = list(columns)
    marks = ", ".join(mark(position, name) for position, name in enumerate(names, 1))
    return f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks})"


def assignments_sql(columns: Iterable[str], mark: Mark) -> str:
    """``a = placeholder, b = placeholder`` for an UPDATE, numbered from 1."""
    return ", ".join(f"{name} = {mark(i, name)}" for i, name in enumerate(columns, 1))


def qmark(_position: int, _name: str) -> str:
    """SQLite's positional placeholder."""
    return "?"


def qnumber(position: int, _name: str) -> str:
    """SQLite's numbered placeholder (one parameter may stand in several places)."""
    return f"?{position}"


def named(_position: int, name: str) -> str:
    """SQLite's named placeholder (parameters passed as a mapping by column)."""
    return f":{name}"


def dollar(position: int, _name: str) -> str:
    """PostgreSQL's numbered placeholder."""
    return f"${position}"


# An incident revision written again replaces the stored one; format with the INSERT text.
REVISION_UPSERT_SQL = (
    "{} ON CONFLICT (incident_id, revision) DO UPDATE SET "
    "changed_at = excluded.changed_at, report_id = excluded.report_id, "
    "changes = excluded.changes, note = excluded.note, changed_by = excluded.changed_by, "
    "changed_by_name = excluded.changed_by_name, reason = excluded.reason"
)


def incident_children_writes(
    incident_id: int, incident: Incident, enc: Encoders, mark: Mark
) -> list[tuple[str, list[tuple[Any, ...]]]]:
    """The statements (each with its rows, for ``executemany``) storing an incident's actors
    and sources; the caller has removed the old ones."""
    actors = f"{insert_sql('incident_actors', ACTOR_ROW_COLUMNS, mark)} ON CONFLICT DO NOTHING"
    return [
        (actors, actor_rows(incident_id, incident, enc)),
        (
            insert_sql("incident_sources", SOURCE_ROW_COLUMNS, mark),
            source_rows(incident_id, incident, enc),
        ),
    ]


# The columns of a counted query's part (``totals_row_sql``), selected from ``i`` as aliased.
TOTALS_PART_COLUMNS = "i.id, i.date, i.killed_min, i.injured_min"


def totals_row_sql(parts: Iterable[str], position: int, limit: str, padding: int) -> str:
    """One row of totals over the first ``limit`` distinct incidents that ``parts`` find, for
    a UNION ALL of brief rows: ``position`` (the part number), the count where the id goes,
    ``padding`` NULLs, then the sums of the killed and injured figures (unknown as 0).

    Each part is a SELECT of :data:`TOTALS_PART_COLUMNS` (a query's own ORDER BY and LIMIT).
    Incidents are taken in part order, each part newest first (date, then id), an incident
    several parts find counting once, at its first place: what the union of the parts'
    briefs, cut at ``limit``, would count. Both backends run the same text.
    """
    ranked = " UNION ALL ".join(
        f"SELECT CAST({n} AS BIGINT) * 1000000000"
        " + row_number() OVER (ORDER BY p.date DESC, p.id DESC) AS r, p.id,"
        " COALESCE(p.killed_min, 0) AS k, COALESCE(p.injured_min, 0) AS j"
        f" FROM ({sql}) AS p"
        for n, sql in enumerate(parts)
    )
    firsts = (
        f"SELECT u.id, u.k, u.j, MIN(u.r) AS first_at FROM ({ranked}) AS u"
        f" GROUP BY u.id, u.k, u.j ORDER BY first_at LIMIT {limit}"
    )
    nulls = ", NULL" * padding
    return (
        f"SELECT {position} AS part, COUNT(*){nulls}, COALESCE(SUM(f.k), 0),"
        f" COALESCE(SUM(f.j), 0) FROM ({firsts}) AS f"
    )
