"""The review queue's scheduled work: close what waited longer than the settings allow."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.ext import ContextTypes

from bot.services.review import ReviewService
from handlers.common import AnyApplication

logger = logging.getLogger(__name__)

REVIEW_EXPIRY_JOB = "review:expire"
REVIEW_EXPIRY_INTERVAL_SECONDS = 300.0

JobCallback = Callable[[ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]


def review_expiry_tick(review: ReviewService) -> JobCallback:
    """A job that expires overdue review items (and releases their alerts if allowed)."""

    async def tick(context: ContextTypes.DEFAULT_TYPE) -> None:
        try:
            expired = await review.expire_overdue()
        except Exception:  # one failing tick must not kill the schedule
            logger.exception("review expiry tick failed")
            return
        if expired:
            logger.info("%d review item(s) waited too long and expired", expired)

    return tick


def schedule_review_expiry(
    application: AnyApplication,
    review: ReviewService,
    interval: float = REVIEW_EXPIRY_INTERVAL_SECONDS,
) -> None:
    """Run the expiry tick on PTB's JobQueue (the leader only, like the digest tick)."""
    job_queue = application.job_queue
    if job_queue is None:
        return
    for job in job_queue.get_jobs_by_name(REVIEW_EXPIRY_JOB):
        job.schedule_removal()
    job_queue.run_repeating(
        review_expiry_tick(review), interval=interval, first=interval, name=REVIEW_EXPIRY_JOB
    )
