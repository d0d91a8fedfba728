"""A per-day spending limit for the model (requests, and tokens when the server reports them),
and a circuit breaker that leaves a failing endpoint alone for a while.

The budget counts per UTC day and is kept in a small JSON file, so a restart does not reset
it. The breaker opens after ``threshold`` failures in a row and lets one trial request through
once ``cooldown`` seconds have passed; a success closes it.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from collections.abc import Callable
from pathlib import Path

from bot.ports import Clock

__all__ = ["CircuitBreaker", "DailyBudget"]

logger = logging.getLogger(__name__)


class DailyBudget:
    """At most ``max_requests`` requests (0: none) and ``max_tokens`` tokens (0: any) a day."""

    def __init__(
        self, clock: Clock, max_requests: int, max_tokens: int = 0, path: Path | None = None
    ) -> None:
        """Count against ``clock``'s UTC day; persist in ``path`` when given."""
        self._clock = clock
        self.max_requests = max_requests
        self.max_tokens = max_tokens
        self._path = path
        self._day = clock.now().astimezone(dt.UTC).date()
        self.requests = 0
        self.tokens = 0
        self._load()

    def _roll(self) -> None:
        today = self._clock.now().astimezone(dt.UTC).date()
        if today != self._day:
            self._day, self.requests, self.tokens = today, 0, 0

    def remaining_requests(self) -> int:
        """Requests still allowed today."""
        self._roll()
        return max(0, self.max_requests - self.requests)

    def exhausted(self) -> bool:
        """Whether no request may be made today."""
        self._roll()
        over_tokens = self.max_tokens > 0 and self.tokens >= self.max_tokens
        return self.requests >= self.max_requests or over_tokens

    def charge(self, requests: int, tokens: int) -> None:
        """Record what was spent (requests made and tokens reported)."""
        self._roll()
        self.requests += requests
        self.tokens += tokens
        self._save()

    def _load(self) -> None:
        if self._path is None:
            return
        try:
            data = json.loads(self._path.read_text(encoding="utf-8"))
            if dt.date.fromisoformat(data["day"]) == self._day:
                self.requests, self.tokens = int(data["requests"]), int(data["tokens"])
        except FileNotFoundError:
            return
        except (OSError, ValueError, KeyError, TypeError) as exc:
            logger.warning("ignoring an unreadable model budget file: %s", exc)

    def _save(self) -> None:
        if self._path is None:
            return
        record = {"day": self._day.isoformat(), "requests": self.requests, "tokens": self.tokens}
        try:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self._path.with_suffix(".tmp")
            tmp.write_text(json.dumps(record), encoding="utf-8")
            tmp.replace(self._path)
        except OSError as exc:
            logger.warning("could not save the model budget: %s", exc)


class CircuitBreaker:
    """Closed, open (refuse at once) or half-open (one trial request) over a monotonic clock."""

    def __init__(
        self,
        threshold: int = 3,
        cooldown: float = 300.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        """Open after ``threshold`` failures in a row, for ``cooldown`` seconds."""
        self.threshold = max(1, threshold)
        self.cooldown = cooldown
        self._now = monotonic
        self.failures = 0
        self._open_until: float | None = None
        self._trial = False

    @property
    def state(self) -> str:
        """``closed``, ``open`` or ``half-open``."""
        if self._open_until is None:
            return "closed"
        return "open" if self._now() < self._open_until else "half-open"

    def seconds_open(self) -> float:
        """How long until a trial request is allowed (0 when closed or half-open)."""
        if self._open_until is None:
            return 0.0
        return max(0.0, self._open_until - self._now())

    def allow(self) -> bool:
        """Whether a request may go out now (in half-open, only one at a time)."""
        state = self.state
        if state == "closed":
            return True
        if state == "open" or self._trial:
            return False
        self._trial = True
        return True

    def success(self) -> None:
        """A usable reply: close."""
        self.failures = 0
        self._open_until = None
        self._trial = False

    def abandon(self) -> None:
        """A request that ended with neither answer nor failure (cancelled): free the trial."""
        self._trial = False

    def failure(self, retry_after: float | None = None) -> None:
        """A failed request: open after enough of them (at least ``retry_after`` seconds)."""
        self.failures += 1
        self._trial = False
        if self.failures >= self.threshold or self._open_until is not None:
            wait = max(self.cooldown, retry_after or 0.0)
            self._open_until = self._now() + wait
