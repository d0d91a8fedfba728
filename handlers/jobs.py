"""JobQueue jobs: the digest tick. Schedules live in the database; this only asks, every minute,
which digests are due (a digest missed while the bot was down is queued on the first tick)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.ext import Application, ContextTypes

from bot.services.digests import DigestService

logger = logging.getLogger(__name__)

DIGEST_JOB = "digests:tick"
DIGEST_INTERVAL_SECONDS = 60.0
HEARTBEAT_JOB = "heartbeat"
HEARTBEAT_INTERVAL_SECONDS = 30.0

AnyApplication = Application[Any, Any, Any, Any, Any, Any]
JobCallback = Callable[[ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]


def digest_tick(digests: DigestService, wake: Callable[[], None]) -> JobCallback:
    """A job that queues the due digests and wakes the dispatcher when it queued any."""

    async def tick(context: ContextTypes.DEFAULT_TYPE) -> None:
        try:
            queued = await digests.queue_due()
        except Exception:  # one failing tick must not kill the schedule
            logger.exception("digest tick failed")
            return
        if queued:
            logger.info("queued %d digests", queued)
            wake()

    return tick


def schedule_heartbeat(
    application: AnyApplication,
    beat: Callable[[], Coroutine[Any, Any, None]],
    interval: float = HEARTBEAT_INTERVAL_SECONDS,
) -> None:
    """Record a heartbeat every ``interval`` seconds (``sitrep health`` reads it)."""
    job_queue = application.job_queue
    if job_queue is None:
        msg = "python-telegram-bot was installed without the job-queue extra"
        raise RuntimeError(msg)

    async def heartbeat(context: ContextTypes.DEFAULT_TYPE) -> None:
        try:
            await beat()
        except Exception:  # a missed beat shows in `sitrep health`; the bot goes on
            logger.exception("could not record the heartbeat")

    job_queue.run_repeating(heartbeat, interval=interval, first=0.1, name=HEARTBEAT_JOB)


def schedule_digests(
    application: AnyApplication,
    digests: DigestService,
    wake: Callable[[], None],
    interval: float = DIGEST_INTERVAL_SECONDS,
) -> None:
    """Run the digest tick on PTB's JobQueue, the first one right after start-up."""
    job_queue = application.job_queue
    if job_queue is None:
        msg = "python-telegram-bot was installed without the job-queue extra"
        raise RuntimeError(msg)
    for job in job_queue.get_jobs_by_name(DIGEST_JOB):
        job.schedule_removal()
    job_queue.run_repeating(
        digest_tick(digests, wake), interval=interval, first=0.1, name=DIGEST_JOB
    )
