"""``TelegramNotifier``: renders an outbox payload and sends it through the Bot API once."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable

from telegram import Bot, InlineKeyboardMarkup, LinkPreviewOptions, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from bot.domain import ChartPayload, DigestPayload, OutboxMessage, TextPayload
from bot.ports import SendResult, SendStatus
from handlers.charts import chart_caption, render_stats_chart, stats_chart_texts
from handlers.html import split_html
from handlers.i18n import rtl
from handlers.outbox_render import outbox_buttons, render_outbox
from handlers.redaction import redact

logger = logging.getLogger(__name__)

# Telegram's texts for a chat we can never reach again (el_monitorro's list, trimmed).
_UNREACHABLE = (
    "chat not found",
    "user not found",
    "bot was blocked",
    "bot was kicked",
    "user is deactivated",
    "have no rights to send",
    "not enough rights to send",
    "need administrator rights",
    "group chat was deactivated",
    "chat_write_forbidden",
    "topic_closed",
)
_MAX_PART_RETRIES = 3
_MAX_INLINE_WAIT = 30.0


def classify_error(exc: BaseException, secrets: tuple[str, ...] = ()) -> SendResult:
    """Map a PTB exception to a SendResult (the dispatcher decides what to do with it)."""
    text = redact(f"{type(exc).__name__}: {exc}", secrets)
    if isinstance(exc, RetryAfter):
        # The private timedelta avoids PTB's int-vs-timedelta deprecation warning.
        wait = getattr(exc, "_retry_after", None)
        seconds = wait.total_seconds() if isinstance(wait, dt.timedelta) else float(wait or 1)
        return SendResult(SendStatus.RETRY_AFTER, retry_after=float(seconds), error=text)
    if isinstance(exc, ChatMigrated):
        return SendResult(SendStatus.MIGRATED, new_chat_id=int(exc.new_chat_id), error=text)
    if isinstance(exc, Forbidden):
        return SendResult(SendStatus.BLOCKED, error=text)
    if isinstance(exc, BadRequest):
        lowered = str(exc).lower()
        if any(marker in lowered for marker in _UNREACHABLE):
            return SendResult(SendStatus.BLOCKED, error=text)
        return SendResult(SendStatus.PERMANENT, error=text)
    if isinstance(exc, InvalidToken):
        # A bad token is an operator problem: keep the message queued until it is fixed.
        return SendResult(SendStatus.TRANSIENT, error=text)
    if isinstance(exc, TimedOut | NetworkError):
        return SendResult(SendStatus.TRANSIENT, error=text)
    if isinstance(exc, TelegramError):
        return SendResult(SendStatus.PERMANENT, error=text)
    return SendResult(SendStatus.TRANSIENT, error=text)


class TelegramNotifier:
    """Implements ``bot.ports.Notifier`` over a PTB ``Bot``."""

    def __init__(
        self,
        bot: Bot,
        *,
        secrets: tuple[str, ...] = (),
        render: Callable[[OutboxMessage, str | None], str] = render_outbox,
        sleep: Callable[[float], Awaitable[None]] | None = None,
        buttons: Callable[[OutboxMessage, str | None], InlineKeyboardMarkup | None] = (
            outbox_buttons
        ),
        language_of: Callable[[int], Awaitable[str]] | None = None,
    ) -> None:
        """Send with ``bot``; ``secrets`` are redacted from every error text.

        ``language_of`` gives a chat's interface language (English when not given).
        """
        self._bot = bot
        self._secrets = secrets
        self._render = render
        self._buttons = buttons
        self._language_of = language_of
        self._sleep: Callable[[float], Awaitable[None]] = sleep or asyncio.sleep

    async def send(self, message: OutboxMessage, reply_to_message_id: int | None) -> SendResult:
        """Render and send; long texts go out in parts, the first replying to the alert."""
        lang = await self._language(message.chat_id)
        if isinstance(message.payload, ChartPayload):
            return await self._send_chart(message, message.payload, lang)
        try:
            text = self._render(message, lang)
        except Exception as exc:  # a payload we cannot render will never render
            logger.exception("cannot render outbox message %s", message.id)
            return SendResult(SendStatus.PERMANENT, error=redact(f"render failed: {exc}"))
        parts = split_html(text) or ["(empty message)"]
        payload = message.payload
        silent = payload.disable_notification
        no_preview = isinstance(payload, DigestPayload) or (
            isinstance(payload, TextPayload) and payload.disable_preview
        )
        sent: list[int] = []
        for index, part in enumerate(parts):
            reply = (
                ReplyParameters(message_id=reply_to_message_id, allow_sending_without_reply=True)
                if reply_to_message_id is not None and index == 0
                else None
            )
            outcome = await self._send_part(
                message,
                part,
                no_preview,
                later=bool(sent),
                reply=reply,
                silent=silent,
                markup=self._buttons(message, lang) if index == len(parts) - 1 else None,
            )
            if isinstance(outcome, SendResult):
                if not sent:
                    return outcome
                logger.warning(
                    "message %s: part %d/%d not sent: %s",
                    message.id,
                    index + 1,
                    len(parts),
                    outcome.error,
                )
                return SendResult(
                    SendStatus.SENT,
                    message_id=sent[0],
                    message_ids=tuple(sent),
                    error=f"only {len(sent)} of {len(parts)} parts sent: {outcome.error}",
                )
            sent.append(outcome)
        return SendResult(SendStatus.SENT, message_id=sent[0], message_ids=tuple(sent))

    async def _send_part(
        self,
        message: OutboxMessage,
        text: str,
        no_preview: bool,
        *,
        later: bool,
        reply: ReplyParameters | None,
        silent: bool,
        markup: InlineKeyboardMarkup | None = None,
    ) -> int | SendResult:
        """One part: its message id, or why it failed.

        A later part retries briefly in place: the first parts are already out, so retrying
        the whole message would duplicate them.
        """
        attempt = 0
        while True:
            try:
                result = await self._bot.send_message(
                    chat_id=message.chat_id,
                    text=text,
                    parse_mode=ParseMode.HTML,
                    disable_notification=silent,
                    link_preview_options=LinkPreviewOptions(is_disabled=no_preview),
                    reply_parameters=reply,
                    reply_markup=markup,
                )
            except TelegramError as exc:
                outcome = classify_error(exc, self._secrets)
                attempt += 1
                retryable = outcome.status in (SendStatus.RETRY_AFTER, SendStatus.TRANSIENT)
                if later and retryable and attempt <= _MAX_PART_RETRIES:
                    await self._sleep(min(outcome.retry_after or float(attempt), _MAX_INLINE_WAIT))
                    continue
                return outcome
            return int(result.message_id)

    async def _language(self, chat_id: int) -> str | None:
        """The chat's language; English when it cannot be read (sending matters more)."""
        if self._language_of is None:
            return None
        try:
            return await self._language_of(chat_id)
        except Exception:  # a storage hiccup must not stop an alert
            logger.warning("language of chat %s unknown; sending in English", chat_id)
            return None

    async def _send_chart(
        self, message: OutboxMessage, payload: ChartPayload, lang: str | None = None
    ) -> SendResult:
        """A chart payload (the week under a digest): drawn here, sent as a photo."""
        try:
            series = payload.chart
            texts = stats_chart_texts(series, lang)
            png = await asyncio.to_thread(render_stats_chart, series, texts)
            caption = rtl(lang, chart_caption(series, lang))
        except Exception as exc:  # a payload we cannot draw will never draw
            logger.exception("cannot draw outbox chart %s", message.id)
            return SendResult(SendStatus.PERMANENT, error=redact(f"chart failed: {exc}"))
        try:
            result = await self._bot.send_photo(
                chat_id=message.chat_id,
                photo=png,
                caption=caption,
                parse_mode=ParseMode.HTML,
                disable_notification=payload.disable_notification,
            )
        except TelegramError as exc:
            return classify_error(exc, self._secrets)
        return SendResult(
            SendStatus.SENT, message_id=result.message_id, message_ids=(result.message_id,)
        )
