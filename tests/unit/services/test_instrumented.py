"""The metrics decorators of the Notifier and Extractor ports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import pytest

from bot.domain import Incident, OutboxKind, OutboxMessage, Report, TextPayload
from bot.ports import SendResult, SendStatus
from bot.services.instrumented import InstrumentedNotifier, TimedExtractor
from tests.fakes import FixedClock

NOW = dt.datetime(2026, 5, 1, 9, 0, tzinfo=dt.UTC)


class RecordingMetrics:
    """A Metrics port that remembers every call."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[object, ...]]] = []

    def update_received(self, kind: str) -> None:
        self.calls.append(("update", (kind,)))

    def command_handled(self, command: str, outcome: str, seconds: float) -> None:
        self.calls.append(("command", (command, outcome)))

    def send_finished(self, status: SendStatus, retry_after: float | None = None) -> None:
        self.calls.append(("send", (status, retry_after)))

    def delivered_after(self, seconds: float) -> None:
        self.calls.append(("delivered", (seconds,)))

    def extraction_timed(self, seconds: float) -> None:
        self.calls.append(("extraction", (seconds >= 0,)))

    def feed_polled(self, result: str, count: int = 1) -> None:
        self.calls.append(("feed", (result, count)))

    def feed_entries(self, result: str, count: int) -> None:
        self.calls.append(("entries", (result, count)))

    def outbox_observed(self, counts: Mapping[str, int], oldest_unsent_age: float) -> None:
        self.calls.append(("outbox", (dict(counts), oldest_unsent_age)))

    def webhook_request(self, result: str) -> None:
        self.calls.append(("webhook", (result,)))


class ScriptedNotifier:
    def __init__(self, *results: SendResult | Exception) -> None:
        self.results = list(results)

    async def send(self, message: OutboxMessage, reply_to_message_id: int | None) -> SendResult:
        result = self.results.pop(0)
        if isinstance(result, Exception):
            raise result
        return result


def message(created_at: dt.datetime | None) -> OutboxMessage:
    return OutboxMessage(
        chat_id=1,
        kind=OutboxKind.ALERT,
        idempotency_key="alert:1:1",
        payload=TextPayload(text="x"),
        next_attempt_at=NOW,
        created_at=created_at,
    )


class TestInstrumentedNotifier:
    async def test_records_each_result_and_the_delay_of_delivered_ones(self) -> None:
        metrics = RecordingMetrics()
        inner = ScriptedNotifier(
            SendResult(SendStatus.RETRY_AFTER, retry_after=4.0),
            SendResult(SendStatus.SENT, message_id=9),
        )
        notifier = InstrumentedNotifier(inner, metrics, FixedClock(NOW))
        queued = message(NOW - dt.timedelta(seconds=90))
        first = await notifier.send(queued, None)
        second = await notifier.send(queued, None)
        assert (first.status, second.message_id) == (SendStatus.RETRY_AFTER, 9)
        assert metrics.calls == [
            ("send", (SendStatus.RETRY_AFTER, 4.0)),
            ("send", (SendStatus.SENT, None)),
            ("delivered", (90.0,)),
        ]

    async def test_a_raising_notifier_counts_as_transient_and_still_raises(self) -> None:
        metrics = RecordingMetrics()
        notifier = InstrumentedNotifier(
            ScriptedNotifier(OSError("boom")), metrics, FixedClock(NOW)
        )
        with pytest.raises(OSError, match="boom"):
            await notifier.send(message(None), None)
        assert metrics.calls == [("send", (SendStatus.TRANSIENT, None))]


class _Extractor:
    def __init__(self, error: Exception | None = None) -> None:
        self.error = error

    async def extract(self, report: Report) -> list[Incident]:
        if self.error is not None:
            raise self.error
        return []


class TestTimedExtractor:
    async def test_times_successes_and_failures(self) -> None:
        metrics = RecordingMetrics()
        report = Report(content_hash="h" * 64, fetched_at=NOW, text="Nothing happened.")
        assert await TimedExtractor(_Extractor(), metrics).extract(report) == []
        with pytest.raises(ValueError, match="bad"):
            await TimedExtractor(_Extractor(ValueError("bad")), metrics).extract(report)
        assert metrics.calls == [("extraction", (True,)), ("extraction", (True,))]
