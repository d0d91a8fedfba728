"""JobQueue jobs: the digest tick, the heartbeat, the feed poll and the review expiry.

Schedules live in the database; the digest tick only asks, every minute, which digests are due
(a digest missed while the bot was down is queued on the first tick)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.ext import Application, ContextTypes

from bot.ports import Metrics
from bot.services.digests import DigestService
from bot.services.feeds import FeedService, PollSummary
from bot.services.review import ReviewService

logger = logging.getLogger(__name__)

DIGEST_JOB = "digests:tick"
DIGEST_INTERVAL_SECONDS = 60.0
HEARTBEAT_JOB = "heartbeat"
HEARTBEAT_INTERVAL_SECONDS = 30.0
FEED_POLL_JOB = "feeds:poll"
FEED_POLL_INTERVAL_SECONDS = 60.0
REVIEW_EXPIRY_JOB = "review:expire"
REVIEW_EXPIRY_INTERVAL_SECONDS = 300.0

AnyApplication = Application[Any, Any, Any, Any, Any, Any]
JobCallback = Callable[[ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]


def _job_queue(application: AnyApplication) -> Any:
    """The application's JobQueue (PTB installed without its extra has none)."""
    if application.job_queue is None:
        msg = "python-telegram-bot was installed without the job-queue extra"
        raise RuntimeError(msg)
    return application.job_queue


def _run_alone(
    application: AnyApplication, tick: JobCallback, name: str, *, interval: float, first: float
) -> None:
    """Run ``tick`` every ``interval`` seconds as the only job called ``name`` (duties started
    again replace the job instead of adding a second one)."""
    job_queue = _job_queue(application)
    for job in job_queue.get_jobs_by_name(name):
        job.schedule_removal()
    job_queue.run_repeating(tick, interval=interval, first=first, name=name)


def counting_tick(
    name: str, work: Callable[[], Coroutine[Any, Any, int]], done: str
) -> JobCallback:
    """A job that runs ``work`` and logs ``done`` (with the count) when it did anything; one
    failing tick is logged and the schedule goes on."""

    async def tick(context: ContextTypes.DEFAULT_TYPE) -> None:
        try:
            count = await work()
        except Exception:  # one failing tick must not kill the schedule
            logger.exception("%s tick failed", name)
            return
        if count:
            logger.info(done, count)

    return tick


def digest_tick(digests: DigestService) -> JobCallback:
    """A job that queues the due digests (queuing wakes delivery by itself)."""

    async def work() -> int:  # looked up at each tick, like any attribute of the service
        return await digests.queue_due()

    return counting_tick("digest", work, "queued %d digests")


def review_expiry_tick(review: ReviewService) -> JobCallback:
    """A job that expires overdue review items (and releases their alerts if allowed)."""

    async def work() -> int:
        return await review.expire_overdue()

    return counting_tick("review expiry", work, "%d review item(s) waited too long and expired")


def schedule_heartbeat(
    application: AnyApplication,
    beat: Callable[[], Coroutine[Any, Any, None]],
    interval: float = HEARTBEAT_INTERVAL_SECONDS,
) -> None:
    """Record a heartbeat every ``interval`` seconds (``sitrep health`` reads it)."""
    job_queue = _job_queue(application)

    async def heartbeat(context: ContextTypes.DEFAULT_TYPE) -> None:
        try:
            await beat()
        except Exception:  # a missed beat shows in `sitrep health`; the bot goes on
            logger.exception("could not record the heartbeat")

    job_queue.run_repeating(heartbeat, interval=interval, first=0.1, name=HEARTBEAT_JOB)


def schedule_digests(
    application: AnyApplication,
    digests: DigestService,
    interval: float = DIGEST_INTERVAL_SECONDS,
) -> None:
    """Run the digest tick on PTB's JobQueue, the first one right after start-up."""
    _run_alone(application, digest_tick(digests), DIGEST_JOB, interval=interval, first=0.1)


def poll_summary_line(summary: PollSummary) -> str:
    """A one-line log text for a polling pass (plain text)."""
    return (
        f"polled {summary.feeds_polled} feed(s): {summary.reports_new} new, "
        f"{summary.duplicates} seen, {summary.not_modified} unchanged, {summary.failed} failed"
    )


def record_poll(metrics: Metrics, summary: PollSummary) -> None:
    """Count one pass's feed polls and entries by result."""
    ok = summary.feeds_polled - summary.not_modified - summary.failed
    metrics.feed_polled("ok", ok)
    metrics.feed_polled("not_modified", summary.not_modified)
    metrics.feed_polled("failed", summary.failed)
    metrics.feed_entries("new", summary.reports_new)
    metrics.feed_entries("duplicate", summary.duplicates)
    metrics.feed_entries("rejected", summary.rejected)


def feed_poll_job(feeds: FeedService, metrics: Metrics | None = None) -> JobCallback:
    """A job that polls the due feeds (errors are logged, never raised)."""

    async def poll(context: ContextTypes.DEFAULT_TYPE) -> None:
        try:
            summary = await feeds.poll_due()
        except Exception:
            logger.exception("feed polling failed")
            return
        if metrics is not None:
            record_poll(metrics, summary)
        if summary.feeds_polled:
            logger.info(poll_summary_line(summary))

    return poll


def schedule_feed_polling(
    application: AnyApplication,
    feeds: FeedService,
    interval: float = FEED_POLL_INTERVAL_SECONDS,
    metrics: Metrics | None = None,
) -> None:
    """Poll due feeds every ``interval`` seconds on PTB's JobQueue (job ``feeds:poll``)."""
    _job_queue(application).run_repeating(
        feed_poll_job(feeds, metrics), interval=interval, first=10, name=FEED_POLL_JOB
    )


def schedule_review_expiry(
    application: AnyApplication,
    review: ReviewService,
    interval: float = REVIEW_EXPIRY_INTERVAL_SECONDS,
) -> None:
    """Run the expiry tick on PTB's JobQueue (the leader only, like the digest tick)."""
    _run_alone(
        application,
        review_expiry_tick(review),
        REVIEW_EXPIRY_JOB,
        interval=interval,
        first=interval,
    )
