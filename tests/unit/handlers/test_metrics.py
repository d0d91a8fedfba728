"""The Prometheus adapter: what each hook records, and the command wrapper's outcomes."""

from __future__ import annotations

from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families
from telegram.ext import ApplicationBuilder, ApplicationHandlerStop, CommandHandler

from bot.ports import SendStatus
from bot.services.feeds import PollSummary
from handlers.jobs import record_poll
from handlers.metrics import PrometheusMetrics, instrument, note_user_error
from tests.fakebotapi import TOKEN


def value(metrics: PrometheusMetrics, name: str, **labels: str) -> float | None:
    return metrics.registry.get_sample_value(name, labels)


@pytest.fixture
def metrics() -> PrometheusMetrics:
    return PrometheusMetrics(process_metrics=False)


class TestHooks:
    def test_sends_by_result_and_429s_with_their_wait(self, metrics: PrometheusMetrics) -> None:
        metrics.send_finished(SendStatus.SENT)
        metrics.send_finished(SendStatus.SENT)
        metrics.send_finished(SendStatus.RETRY_AFTER, 3.0)
        metrics.send_finished(SendStatus.RETRY_AFTER, 2.0)
        metrics.send_finished(SendStatus.BLOCKED)
        assert value(metrics, "sitrep_sends_total", result="sent") == 2
        assert value(metrics, "sitrep_sends_total", result="retry_after") == 2
        assert value(metrics, "sitrep_sends_total", result="blocked") == 1
        assert value(metrics, "sitrep_sends_total", result="permanent") == 0  # pre-declared
        assert value(metrics, "sitrep_telegram_429_total") == 2
        assert value(metrics, "sitrep_telegram_retry_after_seconds_total") == 5

    def test_outbox_gauges_follow_the_latest_observation(self, metrics: PrometheusMetrics) -> None:
        metrics.outbox_observed({"pending": 7, "sending": 2, "sent": 90, "failed": 1}, 42.5)
        metrics.outbox_observed({"pending": 3}, 10.0)
        assert value(metrics, "sitrep_outbox_messages", status="pending") == 3
        assert value(metrics, "sitrep_outbox_messages", status="sending") == 0
        assert value(metrics, "sitrep_outbox_oldest_unsent_seconds") == 10

    def test_timings_land_in_histograms(self, metrics: PrometheusMetrics) -> None:
        metrics.extraction_timed(0.004)
        metrics.extraction_timed(0.2)
        metrics.delivered_after(1.5)
        assert value(metrics, "sitrep_extraction_duration_seconds_count") == 2
        assert value(metrics, "sitrep_extraction_duration_seconds_bucket", le="0.005") == 1
        assert value(metrics, "sitrep_delivery_delay_seconds_sum") == 1.5

    def test_feed_pass_is_counted_by_result(self, metrics: PrometheusMetrics) -> None:
        summary = PollSummary(
            feeds_polled=5, not_modified=2, failed=1, reports_new=4, duplicates=6, rejected=1
        )
        record_poll(metrics, summary)
        assert value(metrics, "sitrep_feed_polls_total", result="ok") == 2
        assert value(metrics, "sitrep_feed_polls_total", result="not_modified") == 2
        assert value(metrics, "sitrep_feed_polls_total", result="failed") == 1
        assert value(metrics, "sitrep_feed_entries_total", result="new") == 4
        assert value(metrics, "sitrep_feed_entries_total", result="duplicate") == 6
        assert value(metrics, "sitrep_feed_entries_total", result="rejected") == 1

    def test_exposition_is_valid_prometheus_text(self) -> None:
        metrics = PrometheusMetrics()  # with process_* and python_* collectors
        metrics.update_received("message")
        body, content_type = metrics.exposition()
        assert content_type.startswith("text/plain; version=")
        names = {family.name for family in text_string_to_metric_families(body.decode())}
        assert {"sitrep_updates", "sitrep_commands", "sitrep_outbox_messages"} <= names
        assert "python_info" in names

    def test_two_instances_in_one_process_do_not_clash(self) -> None:
        first, second = PrometheusMetrics(), PrometheusMetrics()
        first.update_received("message")
        assert value(second, "sitrep_updates_total", type="message") is None


async def _ok(update: Any, context: Any) -> None:
    return None


async def _user_error(update: Any, context: Any) -> None:
    note_user_error()


async def _boom(update: Any, context: Any) -> None:
    raise RuntimeError("handler bug")


async def _stop(update: Any, context: Any) -> None:
    raise ApplicationHandlerStop


class TestCommandWrapper:
    async def test_outcomes_by_command(self, metrics: PrometheusMetrics) -> None:
        application = ApplicationBuilder().token(TOKEN).updater(None).build()
        for name, callback in (("a", _ok), ("b", _user_error), ("c", _boom), ("d", _stop)):
            application.add_handler(CommandHandler(name, callback))
        instrument(application, metrics)
        wrapped: dict[str, Any] = {
            sorted(handler.commands)[0]: handler.callback
            for handler in application.handlers[0]
            if isinstance(handler, CommandHandler)
        }
        await wrapped["a"](None, None)
        await wrapped["b"](None, None)
        with pytest.raises(RuntimeError, match="handler bug"):
            await wrapped["c"](None, None)
        with pytest.raises(ApplicationHandlerStop):
            await wrapped["d"](None, None)
        assert value(metrics, "sitrep_commands_total", command="a", outcome="ok") == 1
        assert value(metrics, "sitrep_commands_total", command="b", outcome="user_error") == 1
        assert value(metrics, "sitrep_commands_total", command="c", outcome="error") == 1
        assert value(metrics, "sitrep_commands_total", command="d", outcome="ok") == 1
        assert value(metrics, "sitrep_command_duration_seconds_count", command="c") == 1

    def test_user_error_outside_a_command_is_ignored(self) -> None:
        note_user_error()  # no command being handled: nothing to mark, no error
