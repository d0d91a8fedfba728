"""The Metrics port for Prometheus, and the hooks that feed it from PTB's handler registry.

:class:`PrometheusMetrics` keeps its own ``CollectorRegistry`` (not the process-wide default), so
several applications in one process (tests) never clash. :func:`instrument` counts every update
and wraps every registered ``CommandHandler`` so each command is counted by name and outcome
without touching the command modules; a handler that turns a ``UserError`` into a polite reply
calls :func:`note_user_error` so the outcome says so.

With several instances, each exports its own counters (sum them); the outbox gauges describe the
shared database and are the same on every instance (take the max).
"""

from __future__ import annotations

import contextvars
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    generate_latest,
)
from telegram import Update
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CommandHandler,
    ContextTypes,
    TypeHandler,
)

from bot.ports import Metrics, SendStatus

AnyApplication = Application[Any, Any, Any, Any, Any, Any]
Context = ContextTypes.DEFAULT_TYPE

# Handler group for the update counter: before the flood guard (-1), so throttled updates count.
COUNT_GROUP = -100
_OUTBOX_STATUSES = ("pending", "sending", "sent", "failed")
_COMMAND_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
_DELAY_BUCKETS = (0.5, 1, 2, 5, 10, 30, 60, 120, 300, 900, 3600)
_EXTRACTION_BUCKETS = (0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5)
_UPDATE_KINDS = (
    "message",
    "edited_message",
    "channel_post",
    "edited_channel_post",
    "callback_query",
    "my_chat_member",
    "chat_member",
    "inline_query",
)


@dataclass(slots=True)
class _Outcome:
    value: str = "ok"


_current: contextvars.ContextVar[_Outcome | None] = contextvars.ContextVar(
    "sitrep_command_outcome", default=None
)


def note_user_error() -> None:
    """Mark the command being handled as answered with a user error (bad input, not found)."""
    outcome = _current.get()
    if outcome is not None:
        outcome.value = "user_error"


def update_kind(update: object) -> str:
    """The update's type as a metric label (one of a fixed set, else "other")."""
    if isinstance(update, Update):
        for kind in _UPDATE_KINDS:
            if getattr(update, kind, None) is not None:
                return kind
    return "other"


class PrometheusMetrics:
    """The Metrics port, exported in Prometheus' text format by :meth:`exposition`."""

    def __init__(self, *, process_metrics: bool = True) -> None:
        """Create every metric in a fresh registry (plus process_* and python_* when asked)."""
        self.registry = registry = CollectorRegistry(auto_describe=True)
        if process_metrics:
            ProcessCollector(registry=registry)
            PlatformCollector(registry=registry)
        counter, gauge, histogram = self._counter, self._gauge, self._histogram
        self._updates = counter(
            "sitrep_updates", "Telegram updates that reached the handlers", "type"
        )
        self._commands = counter(
            "sitrep_commands", "Commands handled, by name and outcome", "command", "outcome"
        )
        self._command_seconds = histogram(
            "sitrep_command_duration_seconds",
            "Time to handle one command",
            _COMMAND_BUCKETS,
            "command",
        )
        self._sends = counter("sitrep_sends", "Delivery attempts to Telegram, by result", "result")
        self._flood = counter(
            "sitrep_telegram_429", "Flood-control answers (HTTP 429) from Telegram"
        )
        self._flood_wait = counter(
            "sitrep_telegram_retry_after_seconds", "Seconds Telegram asked the bot to wait"
        )
        self._delivery_delay = histogram(
            "sitrep_delivery_delay_seconds",
            "From queueing a message to Telegram accepting it",
            _DELAY_BUCKETS,
        )
        self._outbox = gauge(
            "sitrep_outbox_messages", "Outbox rows by status (shared database)", "status"
        )
        self._outbox_age = gauge(
            "sitrep_outbox_oldest_unsent_seconds",
            "Age of the oldest message not yet delivered (0 when none)",
        )
        self._extraction = histogram(
            "sitrep_extraction_duration_seconds",
            "Time to extract incidents from one report",
            _EXTRACTION_BUCKETS,
        )
        self._feed_polls = counter("sitrep_feed_polls", "Feed polls, by result", "result")
        self._feed_entries = counter(
            "sitrep_feed_entries", "Feed entries seen, by result", "result"
        )
        self._webhook = counter(
            "sitrep_webhook_requests", "Requests to the webhook, by result", "result"
        )
        for status in _OUTBOX_STATUSES:
            self._outbox.labels(status=status).set(0)
        for status in SendStatus:
            self._sends.labels(result=status.value)

    def _counter(self, name: str, doc: str, *labels: str) -> Counter:
        return Counter(name, doc, labels, registry=self.registry)

    def _gauge(self, name: str, doc: str, *labels: str) -> Gauge:
        return Gauge(name, doc, labels, registry=self.registry)

    def _histogram(
        self, name: str, doc: str, buckets: tuple[float, ...], *labels: str
    ) -> Histogram:
        return Histogram(name, doc, labels, buckets=buckets, registry=self.registry)

    def update_received(self, kind: str) -> None:
        """Count one update."""
        self._updates.labels(type=kind).inc()

    def command_handled(self, command: str, outcome: str, seconds: float) -> None:
        """Count one command and time it."""
        self._commands.labels(command=command, outcome=outcome).inc()
        self._command_seconds.labels(command=command).observe(seconds)

    def send_finished(self, status: SendStatus, retry_after: float | None = None) -> None:
        """Count one delivery attempt; a 429 also counts its wait."""
        self._sends.labels(result=status.value).inc()
        if status is SendStatus.RETRY_AFTER:
            self._flood.inc()
            if retry_after is not None and retry_after > 0:
                self._flood_wait.inc(retry_after)

    def delivered_after(self, seconds: float) -> None:
        """Observe one queueing delay."""
        self._delivery_delay.observe(seconds)

    def extraction_timed(self, seconds: float) -> None:
        """Observe one extraction."""
        self._extraction.observe(seconds)

    def feed_polled(self, result: str, count: int = 1) -> None:
        """Count feed polls."""
        if count > 0:
            self._feed_polls.labels(result=result).inc(count)

    def feed_entries(self, result: str, count: int) -> None:
        """Count feed entries."""
        if count > 0:
            self._feed_entries.labels(result=result).inc(count)

    def outbox_observed(self, counts: Mapping[str, int], oldest_unsent_age: float) -> None:
        """Set the outbox gauges."""
        for status in (*_OUTBOX_STATUSES, *counts):
            self._outbox.labels(status=status).set(counts.get(status, 0))
        self._outbox_age.set(oldest_unsent_age)

    def webhook_request(self, result: str) -> None:
        """Count one webhook request."""
        self._webhook.labels(result=result).inc()

    def exposition(self) -> tuple[bytes, str]:
        """(body, content type) of the current values in Prometheus' text format."""
        return generate_latest(self.registry), CONTENT_TYPE_LATEST


def instrument(application: AnyApplication, metrics: Metrics) -> None:
    """Count updates and wrap every registered CommandHandler; call after all registration."""

    async def count(update: object, context: Context) -> None:
        metrics.update_received(update_kind(update))

    application.add_handler(TypeHandler(object, count), group=COUNT_GROUP)
    for handlers in application.handlers.values():
        for handler in handlers:
            if isinstance(handler, CommandHandler) and handler.commands:
                name = sorted(handler.commands)[0]
                handler.callback = _metered(name, handler.callback, metrics)


def _metered(name: str, callback: Any, metrics: Metrics) -> Any:
    """``callback`` counted as command ``name``: ok, user_error or error (re-raised)."""

    async def wrapped(update: Any, context: Any) -> Any:
        outcome = _Outcome()
        token = _current.set(outcome)
        started = time.perf_counter()
        try:
            return await callback(update, context)
        except ApplicationHandlerStop:
            raise
        except Exception:
            outcome.value = "error"
            raise
        finally:
            _current.reset(token)
            metrics.command_handled(name, outcome.value, time.perf_counter() - started)

    wrapped.__name__ = getattr(callback, "__name__", name)
    return wrapped
