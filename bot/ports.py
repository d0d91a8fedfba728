"""Protocols for the edges the services need besides storage: Clock, Extractor, Notifier."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol, runtime_checkable

from bot.domain import ExtractorHealth, Incident, OutboxMessage, Report


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
    """Turns one report into incidents: the rules engine by default, a language model later."""

    async def extract(self, report: Report) -> list[Incident]:
        """Incidents the report describes (without ids or sources; the services add those)."""
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
