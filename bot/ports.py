"""Protocols for the edges the services need besides storage: Clock, Extractor, Notifier...

... and Metrics, the hooks every boundary reports to (an adapter exports them).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol, runtime_checkable

from bot.domain import ExtractorHealth, Incident, OutboxMessage, Report
from bot.domain.learning import LocalPlace


class Clock(Protocol):
    """Where services get the time from (tests use a controllable one)."""

    def now(self) -> dt.datetime:
        """The current time, timezone-aware (UTC)."""
        ...


class SystemClock:
    """The real clock."""

    def now(self) -> dt.datetime:
        """The current UTC time."""
        return dt.datetime.now(dt.UTC)


class Extractor(Protocol):
    """Turns one report into incidents: the rules pipeline by default, a language model later.

    ``bot.extract.pipeline.build_rules_extractor()`` builds the default. An implementation
    must not block the event loop (the rules read in a worker thread) and should stop soon
    when its task is cancelled: the ingest service cancels it after
    ``SITREP_EXTRACT_TIME_LIMIT_SECONDS``. A new extractor produces
    ``bot.extract.drafts.IncidentDraft`` objects and turns them into incidents with the
    shared ``bot.extract.finisher.Finisher``, so its output is checked like the rules'.
    """

    async def extract(self, report: Report) -> list[Incident]:
        """Incidents the report describes (without ids or sources; the services add those)."""
        ...


class PlaceLearner(Protocol):
    """Learns a place an admin gave for a name the gazetteer lacked (``bot.services.learning``).

    Later extraction finds it like any gazetteer place, inside its country only. Country and
    governorate are inferred from the coordinates when not given; a name that is empty, huge or
    markup, or coordinates on no plausible land, are refused and nothing is stored.
    """

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
    ) -> LocalPlace:
        """Store and start using a local place; ``LearningError`` explains a refusal."""
        ...


@runtime_checkable
class ReportsHealth(Protocol):
    """An extractor that can say how it is doing (the language-model one); shown by /status."""

    def health(self) -> ExtractorHealth:
        """Its state now (never raises, never blocks)."""
        ...


class SendStatus(StrEnum):
    """What happened to one attempt to deliver a message."""

    SENT = "sent"
    RETRY_AFTER = "retry_after"  # flood control: wait ``retry_after`` seconds
    TRANSIENT = "transient"  # network error, timeout, 5xx: back off and retry
    BLOCKED = "blocked"  # forbidden / kicked / chat not found: deactivate the chat
    MIGRATED = "migrated"  # group became a supergroup: follow ``new_chat_id``
    PERMANENT = "permanent"  # bad request that will never succeed


@dataclass(frozen=True, slots=True)
class SendResult:
    """The outcome of one delivery attempt."""

    status: SendStatus
    message_id: int | None = None  # the first Telegram message id when SENT
    message_ids: tuple[int, ...] = field(default_factory=tuple)  # all parts of a split message
    retry_after: float | None = None
    new_chat_id: int | None = None
    error: str | None = None


class Notifier(Protocol):
    """Delivers one outbox message to its chat (Telegram, the console, a test recorder)."""

    async def send(self, message: OutboxMessage, reply_to_message_id: int | None) -> SendResult:
        """Try once to deliver; never raise for delivery failures, report them in the result."""
        ...


class Metrics(Protocol):
    """Counters and timings the application reports; an adapter exports them (Prometheus).

    Every method is cheap, synchronous and never raises, so a hook may sit on any hot path.
    Label values come from small fixed sets (update kinds, command names, send statuses).
    Each method's body is the default an explicit subclass inherits: ignore the event.
    """

    def update_received(self, kind: str) -> None:
        """One Telegram update of ``kind`` (message, callback_query, ...) reached the handlers."""
        return

    def command_handled(self, command: str, outcome: str, seconds: float) -> None:
        """A command finished: ``outcome`` is ok, user_error or error."""
        return

    def send_finished(self, status: SendStatus, retry_after: float | None = None) -> None:
        """One delivery attempt through the Notifier ended with ``status``."""
        return

    def delivered_after(self, seconds: float) -> None:
        """A queued message reached Telegram ``seconds`` after it was queued."""
        return

    def extraction_timed(self, seconds: float) -> None:
        """Extracting incidents from one report took ``seconds``."""
        return

    def feed_polled(self, result: str, count: int = 1) -> None:
        """Feed polls ended with ``result``: ok, not_modified or failed."""
        return

    def feed_entries(self, result: str, count: int) -> None:
        """Feed entries ended as ``result``: new, duplicate or rejected."""
        return

    def outbox_observed(self, counts: Mapping[str, int], oldest_unsent_age: float) -> None:
        """The outbox holds ``counts`` rows per status; the oldest unsent one is that old (s)."""
        return

    def webhook_request(self, result: str) -> None:
        """One request reached the webhook: ok, forbidden, bad_request or unavailable."""
        return


class NullMetrics(Metrics):
    """Metrics that go nowhere (the console, the CLI, tests that do not look)."""
