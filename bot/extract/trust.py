"""Whether an incident would alert a subscriber: the report's news, recent, and trusted enough.

One rule, shared by the alert planner (which gates first alerts with it), ``sitrep extract
--json`` (the ``alert`` key) and ``sitrep eval`` (alert precision and recall).
"""

from __future__ import annotations

import datetime as dt

from bot.domain.models import Incident

__all__ = [
    "ALERT_MAX_AGE",
    "DEFAULT_ALERT_MIN_CONFIDENCE",
    "confidence_of",
    "is_recent",
    "would_alert",
]

# Chosen from the precision/recall curve of `sitrep eval --curve` on the dev and dev2 sets: the
# top of the precision plateau (87.2%) keeping alert recall at 83.3%; docs/extract-json.md,
# "The default threshold". The setting SITREP_ALERT_MIN_CONFIDENCE overrides it.
DEFAULT_ALERT_MIN_CONFIDENCE = 0.65
ALERT_MAX_AGE = dt.timedelta(days=14)


def confidence_of(incident: Incident) -> float:
    """The incident's confidence; an unscored incident (an import, an old row) counts as 1."""
    return 1.0 if incident.confidence is None else incident.confidence


def is_recent(
    incident: Incident, reference: dt.date | None, max_age: dt.timedelta = ALERT_MAX_AGE
) -> bool:
    """True when the incident's last day is within ``max_age`` before ``reference`` (the
    publication day); an unknown reference cannot make an incident old."""
    if reference is None:
        return True
    return (incident.date_end or incident.date) >= reference - max_age


def would_alert(
    incident: Incident,
    reference: dt.date | None,
    threshold: float = DEFAULT_ALERT_MIN_CONFIDENCE,
) -> bool:
    """Not background, dated within 14 days before ``reference``, confidence >= ``threshold``."""
    return (
        not incident.is_background
        and is_recent(incident, reference)
        and confidence_of(incident) >= threshold
    )
