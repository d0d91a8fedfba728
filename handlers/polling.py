"""Long polling that survives a passing 401 from ``getUpdates``.

PTB treats any 401 as a revoked token and ends the polling loop for good, while the process
keeps running deaf. Telegram (or a proxy in front of a self-hosted Bot API server) can answer
401 for a moment, so :class:`UnauthorizedGuard` turns a 401 from ``getUpdates`` into a network
error, which PTB's loop retries with back-off (1 s growing to 30 s), and tells the admins once.
Each refusal is checked with ``getMe`` over the ordinary request: only when ``getMe`` refuses
the token ``REVOKED_AFTER`` times in a row is the token taken as revoked and the bot stopped.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable, Collection
from typing import Any

from telegram import Bot
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.request import BaseRequest, RequestData

logger = logging.getLogger(__name__)

REVOKED_AFTER = 3  # getMe refusals in a row that mean the token is really gone
FIRST_NOTICE = (
    "⚠️ Telegram refused to deliver updates (getUpdates: 401 Unauthorized). "
    "I keep retrying with back-off and stop only if Telegram refuses the token itself."
)
RECOVERED = "✅ Telegram delivers updates again after {count} refused attempts."
REVOKED = (
    "Telegram refused the bot token {count} times in a row (getMe: 401 Unauthorized); "
    "it was probably revoked. Stopping: get a new token from @BotFather."
)


class PollingUnauthorized(NetworkError):
    """``getUpdates`` answered 401; as a NetworkError PTB's polling loop retries it."""


def log_polling_error(exc: TelegramError) -> None:
    """PTB's polling error callback: one line per failed poll (PTB retries with back-off)."""
    if isinstance(exc, PollingUnauthorized):
        logger.warning("%s", exc)
    else:
        logger.warning("polling for updates failed, retrying: %s", exc)


class UnauthorizedGuard:
    """Counts refused polls, confirms them with ``getMe``, tells admins, stops when revoked."""

    def __init__(
        self,
        admin_ids: Collection[int],
        record_error: Callable[[str], Awaitable[None]],
        on_revoked: Callable[[], None] | None = None,
        *,
        revoked_after: int = REVOKED_AFTER,
    ) -> None:
        """``record_error`` stores a line for /status; ``on_revoked`` stops the bot."""
        self.admin_ids = tuple(sorted(admin_ids))
        self.bot: Bot | None = None  # set once the application is built
        self.revoked = False
        self.failures = 0
        self.refusals = 0
        self._record_error = record_error
        self._on_revoked = on_revoked
        self._revoked_after = revoked_after

    async def unauthorized(self) -> None:
        """One ``getUpdates`` answered 401."""
        self.failures += 1
        if self.failures == 1:
            logger.warning("getUpdates answered 401 Unauthorized; retrying with back-off")
            await self._tell_admins(FIRST_NOTICE)
            with contextlib.suppress(Exception):
                await self._record_error("getUpdates answered 401 Unauthorized (retrying)")
        self.refusals = self.refusals + 1 if await self._token_refused() else 0
        if self.refusals >= self._revoked_after and not self.revoked:
            self.revoked = True
            message = REVOKED.format(count=self.refusals)
            logger.error("%s", message)
            with contextlib.suppress(Exception):
                await self._record_error(message)
            await self._tell_admins(message)
            if self._on_revoked is not None:
                self._on_revoked()

    async def succeeded(self) -> None:
        """A ``getUpdates`` went through: any outage is over."""
        if self.failures:
            logger.info("getUpdates works again after %d refused attempts", self.failures)
            await self._tell_admins(RECOVERED.format(count=self.failures))
            self.failures = 0
            self.refusals = 0

    async def _token_refused(self) -> bool:
        if self.bot is None:
            return False
        try:
            await self.bot.get_me()
        except InvalidToken:
            return True
        except TelegramError:
            return False  # the network, not the token
        return False

    async def _tell_admins(self, text: str) -> None:
        if self.bot is None:
            return
        for admin_id in self.admin_ids:
            try:
                await self.bot.send_message(admin_id, text, parse_mode=None)
            except Exception:  # an admin without a chat, or the token already gone
                logger.info("could not tell admin %s about the polling problem", admin_id)


class GuardedUpdatesRequest(BaseRequest):
    """A request for ``getUpdates`` that reports 401s to the guard instead of ending polling."""

    def __init__(self, inner: BaseRequest, guard: UnauthorizedGuard) -> None:
        """Wrap the request PTB would use for ``getUpdates``."""
        self._inner = inner
        self._guard = guard

    @property
    def read_timeout(self) -> float | None:
        """The wrapped request's default read timeout."""
        return self._inner.read_timeout

    async def initialize(self) -> None:
        """Initialise the wrapped request."""
        await self._inner.initialize()

    async def shutdown(self) -> None:
        """Shut the wrapped request down."""
        await self._inner.shutdown()

    async def do_request(  # noqa: PLR0917 - BaseRequest's signature
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Send through the wrapped request; a 401 for ``getUpdates`` becomes retryable."""
        code, payload = await self._inner.do_request(
            url,
            method,
            request_data=request_data,
            read_timeout=read_timeout,
            write_timeout=write_timeout,
            connect_timeout=connect_timeout,
            pool_timeout=pool_timeout,
        )
        if url.endswith("/getUpdates"):
            if code == 401:
                await self._guard.unauthorized()
                msg = "getUpdates answered 401 Unauthorized; retrying with back-off"
                raise PollingUnauthorized(msg)
            if 200 <= code < 300:
                await self._guard.succeeded()
        return code, payload
