"""Metrics hooks as decorators of the ports: a Notifier and an Extractor that report to Metrics.

The composition root wraps the real adapters with these, so the delivery and ingestion services
stay unaware of metrics and nothing under ``bot.services`` imports a metrics library.
"""

from __future__ import annotations

import time

from bot.domain import ExtractorHealth, Incident, OutboxMessage, Report
from bot.ports import Clock, Extractor, Metrics, Notifier, ReportsHealth, SendResult, SendStatus


class InstrumentedNotifier:
    """A Notifier that counts every attempt by result (429s included) and the queueing delay."""

    def __init__(self, inner: Notifier, metrics: Metrics, clock: Clock) -> None:
        """Report what ``inner`` does to ``metrics``."""
        self._inner = inner
        self._metrics = metrics
        self._clock = clock

    async def send(self, message: OutboxMessage, reply_to_message_id: int | None) -> SendResult:
        """Send through the wrapped Notifier and record the outcome."""
        try:
            result = await self._inner.send(message, reply_to_message_id)
        except Exception:
            # A Notifier must not raise; the dispatcher treats it as transient, and so do we.
            self._metrics.send_finished(SendStatus.TRANSIENT)
            raise
        self._metrics.send_finished(result.status, result.retry_after)
        if result.status is SendStatus.SENT and message.created_at is not None:
            waited = (self._clock.now() - message.created_at).total_seconds()
            self._metrics.delivered_after(max(0.0, waited))
        return result


class TimedExtractor:
    """An Extractor that reports how long each extraction took (wall time)."""

    def __init__(self, inner: Extractor, metrics: Metrics) -> None:
        """Time ``inner``."""
        self._inner = inner
        self._metrics = metrics

    async def extract(self, report: Report) -> list[Incident]:
        """Extract with the wrapped Extractor and record the duration, failures included."""
        started = time.perf_counter()
        try:
            return await self._inner.extract(report)
        finally:
            self._metrics.extraction_timed(time.perf_counter() - started)

    def health(self) -> ExtractorHealth:
        """The wrapped extractor's health for /status (the rules' when it reports none)."""
        inner: object = self._inner
        return inner.health() if isinstance(inner, ReportsHealth) else ExtractorHealth()
