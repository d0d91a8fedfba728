"""Readiness for orchestrators and the outbox figures behind the metrics.

``/healthz`` only needs the event loop to answer; ``/readyz`` asks this service: is the database
reachable through the storage Protocols, and is its schema the one this code was built for?
Both checks have a deadline, so a hung database makes an instance unready instead of hanging
the probe.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bot.ports import Clock, Metrics
from storage.base import Storage

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 3.0  # seconds; orchestrators usually give a probe 1-10 s


@dataclass(frozen=True, slots=True)
class Readiness:
    """The answer to "may this instance take traffic?" and, when not, why."""

    ready: bool
    reason: str
    schema_version: int | None
    expected_version: int


@dataclass(frozen=True, slots=True)
class OutboxSnapshot:
    """Rows per status and the age (seconds) of the oldest message not yet delivered."""

    counts: dict[str, int] = field(default_factory=dict)
    oldest_unsent_age: float = 0.0


class HealthService:
    """Answers readiness probes and measures the outbox, through the storage Protocols only."""

    def __init__(
        self,
        storage: Storage,
        schema_version: Callable[[], Awaitable[int]],
        expected_version: int,
        clock: Clock,
        *,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        """``schema_version`` reads the database's version; ``expected_version`` is this code's."""
        self._storage = storage
        self._schema_version = schema_version
        self.expected_version = expected_version
        self._clock = clock
        self._timeout = timeout

    async def readiness(self) -> Readiness:
        """Ready when the database answers in time and its schema is the expected one."""
        expected = self.expected_version
        try:
            version = await asyncio.wait_for(self._probe(), self._timeout)
        except TimeoutError:
            reason = f"database did not answer within {self._timeout:g} s"
            return Readiness(False, reason, None, expected)
        except Exception as exc:
            logger.warning("readiness: database unreachable: %s", type(exc).__name__)
            reason = f"database unreachable ({type(exc).__name__})"
            return Readiness(False, reason, None, expected)
        if version < expected:
            reason = (
                f"database schema {version} is behind this Sitrep's {expected}: "
                "run `sitrep db migrate`"
            )
            return Readiness(False, reason, version, expected)
        if version > expected:
            reason = (
                f"database schema {version} is newer than this Sitrep's {expected}: "
                "upgrade this instance"
            )
            return Readiness(False, reason, version, expected)
        return Readiness(True, "ok", version, expected)

    async def _probe(self) -> int:
        version = await self._schema_version()
        await self._storage.outbox.counts()  # a real read through a repository
        return version

    async def outbox_snapshot(self) -> OutboxSnapshot:
        """Rows per status and how long the oldest unsent message has waited."""
        counts, oldest = await asyncio.wait_for(
            asyncio.gather(self._storage.outbox.counts(), self._storage.outbox.oldest_unsent()),
            self._timeout,
        )
        age = 0.0
        if oldest is not None:
            age = max(0.0, (self._clock.now() - oldest).total_seconds())
        return OutboxSnapshot(dict(counts), age)

    async def observe_outbox(self, metrics: Metrics) -> None:
        """Hand the current outbox figures to ``metrics`` (before a scrape); never raises."""
        try:
            snapshot = await self.outbox_snapshot()
        except Exception as exc:  # a scrape must still answer with the other metrics
            logger.warning("could not measure the outbox: %s", type(exc).__name__)
            return
        metrics.outbox_observed(snapshot.counts, snapshot.oldest_unsent_age)
