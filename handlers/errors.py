"""Floods and failures: the per-user rate limit before any work, the global error handler."""

from __future__ import annotations

import logging
import time
import traceback
from collections import deque
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import ApplicationHandlerStop, TypeHandler

from bot.services.errors import N_
from handlers.common import AnyApplication, Context, answer, quietly, send
from handlers.html import esc
from handlers.i18n import normalize_language, rtl, t
from handlers.redaction import redact

logger = logging.getLogger(__name__)

APOLOGY = N_(
    "Sorry, something went wrong on my side. The admins have been told; please try again."
)
_MAX_TRACKED_USERS = 10_000


class UserRateLimiter:
    """Per-user sliding window: a flooding user is told once, then ignored for a while."""

    def __init__(
        self, per_minute: int, *, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        """Allow ``per_minute`` updates per user per minute."""
        self._limit = per_minute
        self._now = monotonic
        self._seen: dict[int, deque[float]] = {}
        self._warned: set[int] = set()

    def check(self, user_id: int) -> str:
        """ "ok", "warn" (first refusal: tell the user) or "drop" (ignore silently)."""
        now = self._now()
        window = self._seen.setdefault(user_id, deque())
        while window and window[0] <= now - 60.0:
            window.popleft()
        if len(window) >= self._limit:
            if user_id in self._warned:
                return "drop"
            self._warned.add(user_id)
            return "warn"
        self._warned.discard(user_id)
        window.append(now)
        if len(self._seen) > _MAX_TRACKED_USERS:
            self._forget_idle(now)
        return "ok"

    def _forget_idle(self, now: float) -> None:
        """Drop users silent for a minute, so memory stays bounded."""
        for key in [k for k, v in self._seen.items() if not v or v[-1] <= now - 60.0]:
            del self._seen[key]
            self._warned.discard(key)


class FloodGuard:
    """Group -1: a user over the rate limit is told once, then ignored for a minute."""

    def __init__(self, rate: UserRateLimiter) -> None:
        """Limit with ``rate`` (tests swap it for a tighter one)."""
        self.rate = rate

    def register(self, application: AnyApplication) -> None:
        """Before every other handler."""
        application.add_handler(TypeHandler(Update, self.guard), group=-1)

    async def guard(self, update: Update, context: Context) -> None:
        """Let the update through, or stop it here (telling the user the first time)."""
        user = update.effective_user
        if user is None or update.my_chat_member is not None:
            return
        verdict = self.rate.check(user.id)
        if verdict == "ok":
            return
        if verdict == "warn":
            # The user's Telegram language: no database read for a flooding user.
            lang = normalize_language(user.language_code)
            if update.effective_message is not None:
                await send(
                    update,
                    t(
                        lang,
                        "You're sending messages faster than I can answer. "
                        "I'll ignore you for a minute; then carry on.",
                    ),
                    lang=lang,
                )
            if update.callback_query is not None:
                await answer(update.callback_query, t(lang, "Slow down a little, please."))
        elif update.callback_query is not None:
            await answer(update.callback_query)
        raise ApplicationHandlerStop


class ErrorReporter:
    """The global error handler: log, record, apologise, and send the admins the trace."""

    def __init__(
        self,
        record_error: Callable[[str], Coroutine[Any, Any, None]],
        admin_ids: frozenset[int],
    ) -> None:
        """``record_error`` keeps the last errors for /status."""
        self._record = record_error
        self._admin_ids = admin_ids

    def register(self, application: AnyApplication) -> None:
        """The application's error handler."""
        application.add_error_handler(self.on_error)

    async def on_error(self, update: object, context: Context) -> None:
        """Log, tell the admins, and give the user a short apology (never a traceback)."""
        error = context.error
        logger.error("unhandled error while handling an update", exc_info=error)
        summary = redact(f"{type(error).__name__}: {error}") if error else "unknown error"
        try:
            await self._record(summary[:500])
        except Exception:
            logger.exception("could not record the error")
        chat = update.effective_chat if isinstance(update, Update) else None
        if isinstance(update, Update):
            # The user's Telegram language: the database may be what just failed.
            user = update.effective_user
            lang = normalize_language(user.language_code if user else None)
            apology = t(lang, APOLOGY)
            if update.callback_query is not None:
                await quietly(update.callback_query.answer(apology[:190], show_alert=True))
            elif chat is not None:
                await quietly(context.bot.send_message(chat.id, rtl(lang, esc(apology))))
        if error is None:
            return
        trace = redact(
            "".join(traceback.format_exception(type(error), error, error.__traceback__))
        )
        text = f"<b>Sitrep error</b>\n<pre>{esc(trace[-3000:])}</pre>"
        for admin_id in sorted(self._admin_ids):
            if chat is not None and chat.id == admin_id:
                continue  # the admin already got the apology in this chat
            await quietly(context.bot.send_message(admin_id, text, parse_mode=ParseMode.HTML))
