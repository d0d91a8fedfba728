"""Chats and their settings: timezone, daily digest time, quiet hours, language, reachability.

Times typed by users are local wall-clock times in the chat's timezone. Quiet hours may wrap
midnight (22:00-07:00). A chat that blocks or removes the bot is deactivated and its pending
messages fail at once, so the dispatcher never retries into a wall.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from bot.config import Settings
from bot.domain import Chat, ChatType
from bot.domain.views import ChatSettings
from bot.ports import Clock
from bot.services.catalog import CatalogService
from bot.services.errors import N_, UserError
from storage.base import Storage

DIGEST_TIME_USAGE = N_("Example: /digest_time 07:00 (your local time) or /digest_time off")
QUIET_USAGE = N_("Example: /quiet 22:00-07:00 or /quiet off")
LANGUAGE_USAGE = N_("Example: /language ar or /language en")
_OFF = {"off", "none", "stop", "disable", "disabled", "no", "0"}
_CLOCK = re.compile(r"^(\d{1,2})(?:[:.h](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}(?:[-_][a-z]{2,4})?$")


def parse_clock(text: str, *, usage: str = DIGEST_TIME_USAGE) -> dt.time:
    """Parse "07:00", "7:00", "7", "19.30", "7h30", "7am" or "7:30 pm"; UserError otherwise."""
    match = _CLOCK.match(text.strip().lower())
    if match is not None:
        hours, minutes = int(match.group(1)), int(match.group(2) or 0)
        meridiem = match.group(3)
        if meridiem is not None:
            if not 1 <= hours <= 12:
                hours = 99  # "13pm", "0am": not a time
            else:
                hours = hours % 12 + (12 if meridiem.startswith("p") else 0)
        if hours < 24 and minutes < 60:
            return dt.time(hours, minutes)
    raise UserError(
        "“{text}” is not a time of day (use HH:MM, 24-hour).",
        values={"text": text.strip()},
        usage=usage,
    )


def is_off(text: str) -> bool:
    """True when the user asked to switch something off."""
    return text.strip().lower() in _OFF


def in_quiet_hours(chat: Chat, at: dt.datetime) -> bool:
    """True when ``at`` falls in the chat's quiet hours (local time; may wrap midnight)."""
    if chat.quiet_start is None or chat.quiet_end is None or chat.quiet_start == chat.quiet_end:
        return False
    local = at.astimezone(ZoneInfo(chat.timezone)).time().replace(tzinfo=None)
    start, end = chat.quiet_start, chat.quiet_end
    if start < end:
        return start <= local < end
    return local >= start or local < end


def local_date(chat: Chat, at: dt.datetime) -> dt.date:
    """The chat's local calendar date at ``at``."""
    return at.astimezone(ZoneInfo(chat.timezone)).date()


def digest_moment(chat: Chat, day: dt.date) -> dt.datetime | None:
    """When the chat's digest for a local day is due, in UTC; None when digests are off."""
    if chat.digest_time is None:
        return None
    local = dt.datetime.combine(day, chat.digest_time, tzinfo=ZoneInfo(chat.timezone))
    return local.astimezone(dt.UTC)


def next_digest_at(chat: Chat, now: dt.datetime) -> dt.datetime | None:
    """When the next digest is due (``now`` if one is overdue); None when digests are off."""
    if chat.digest_time is None or not chat.active:
        return None
    today = local_date(chat, now)
    due_today = digest_moment(chat, today)
    assert due_today is not None  # digest_time is set
    sent_today = chat.last_digest_date is not None and chat.last_digest_date >= today
    if not sent_today:
        return max(due_today, now)
    return digest_moment(chat, today + dt.timedelta(days=1))


class ChatService:
    """Creates chats and changes their settings."""

    def __init__(
        self, storage: Storage, catalog: CatalogService, clock: Clock, settings: Settings
    ) -> None:
        self._storage = storage
        self._catalog = catalog
        self._clock = clock
        self._settings = settings

    def _default_digest_time(self) -> dt.time:
        return parse_clock(self._settings.sitrep_default_digest_time)

    async def ensure_chat(
        self,
        chat_id: int,
        chat_type: ChatType = ChatType.PRIVATE,
        title: str | None = None,
        *,
        reactivate: bool = True,
        language: str | None = None,
    ) -> Chat:
        """The stored chat, created with default settings on first contact.

        ``language`` is the interface language a new chat starts with (a private chat: the
        user's Telegram language); an existing chat keeps the one it has.

        A message from a chat proves it can be reached again, so an inactive chat is
        reactivated unless ``reactivate`` is False.
        """
        existing = await self._storage.chats.get(chat_id)
        if existing is not None:
            if existing.type is not chat_type or (title is not None and existing.title != title):
                existing = await self._storage.chats.upsert(
                    existing.model_copy(
                        update={"type": chat_type, "title": title or existing.title}
                    )
                )
            if reactivate and not existing.active:
                await self._storage.chats.set_active(chat_id, True)
                existing = existing.model_copy(update={"active": True})
            return existing
        now = self._clock.now()
        chat = Chat(
            id=chat_id,
            type=chat_type,
            title=title,
            timezone=self._settings.sitrep_timezone,
            digest_time=self._default_digest_time(),
            created_at=now,
            language=language or "en",
        )
        chat.last_digest_date = self._skip_today_if_passed(chat, now)
        stored = await self._storage.chats.upsert(chat)
        # upsert keeps settings of an existing row; write them for a brand-new one too.
        await self._storage.chats.save_settings(chat)
        return stored.model_copy(
            update={
                "timezone": chat.timezone,
                "digest_time": chat.digest_time,
                "last_digest_date": chat.last_digest_date,
                "language": chat.language,
            }
        )

    def _skip_today_if_passed(self, chat: Chat, now: dt.datetime) -> dt.date | None:
        """A newly set digest time already past today starts tomorrow (no surprise digest)."""
        moment = digest_moment(chat, local_date(chat, now))
        if moment is not None and moment <= now:
            today = local_date(chat, now)
            if chat.last_digest_date is None or chat.last_digest_date < today:
                return today
        return chat.last_digest_date

    async def get(self, chat_id: int) -> Chat:
        """The chat (created with defaults when unknown)."""
        chat = await self._storage.chats.get(chat_id)
        return chat if chat is not None else await self.ensure_chat(chat_id)

    async def _save(self, chat: Chat) -> Chat:
        await self._storage.chats.save_settings(chat)
        return chat

    async def set_timezone(self, chat_id: int, text: str) -> Chat:
        """Set the timezone from an IANA name or a city name."""
        zone = self._catalog.timezone_for(text)
        chat = await self.get(chat_id)
        chat.timezone = zone
        return await self._save(chat)

    async def set_digest_time(self, chat_id: int, text: str) -> Chat:
        """Set the local digest time ("HH:MM") or switch digests off ("off")."""
        chat = await self.get(chat_id)
        if is_off(text):
            chat.digest_time = None
            return await self._save(chat)
        chat.digest_time = parse_clock(text, usage=DIGEST_TIME_USAGE)
        chat.last_digest_date = self._skip_today_if_passed(chat, self._clock.now())
        return await self._save(chat)

    async def set_digest_chart(self, chat_id: int, text: str) -> Chat:
        """Follow the daily digest with the week's chart ("on") or not ("off")."""
        chat = await self.get(chat_id)
        choice = text.strip().lower()
        if choice not in ("on", "off", "yes", "no"):
            raise UserError(
                "“{text}” is neither on nor off.",
                values={"text": text.strip()},
                usage=N_("Example: /digest_chart on"),
            )
        chat.digest_chart = choice in ("on", "yes")
        return await self._save(chat)

    async def set_quiet(self, chat_id: int, text: str) -> Chat:
        """Set quiet hours ("22:00-07:00") or switch them off ("off")."""
        chat = await self.get(chat_id)
        if is_off(text):
            chat.quiet_start = chat.quiet_end = None
            return await self._save(chat)
        start_text, sep, end_text = text.replace("–", "-").replace(" to ", "-").partition("-")
        if not sep:
            raise UserError(
                "“{text}” is not a time range.", values={"text": text.strip()}, usage=QUIET_USAGE
            )
        start = parse_clock(start_text, usage=QUIET_USAGE)
        end = parse_clock(end_text, usage=QUIET_USAGE)
        if start == end:
            raise UserError(
                "Quiet hours must start and end at different times.", usage=QUIET_USAGE
            )
        chat.quiet_start, chat.quiet_end = start, end
        return await self._save(chat)

    async def set_language(self, chat_id: int, code: str) -> Chat:
        """Set the chat's language code ("en", "ar")."""
        cleaned = code.strip().lower()
        if not _LANGUAGE.match(cleaned):
            raise UserError(
                "“{text}” is not a language code.",
                values={"text": code.strip()},
                usage=LANGUAGE_USAGE,
            )
        chat = await self.get(chat_id)
        chat.language = cleaned
        return await self._save(chat)

    async def language_of(self, chat_id: int) -> str:
        """The chat's interface language ("en" for a chat never seen)."""
        chat = await self._storage.chats.get(chat_id)
        return chat.language if chat is not None else "en"

    async def settings(self, chat_id: int) -> ChatSettings:
        """The chat's settings, subscriptions, next digest time and whether it is quiet now."""
        chat = await self.get(chat_id)
        now = self._clock.now()
        subscriptions = await self._storage.subscriptions.for_chat(chat_id)
        return ChatSettings(
            chat=chat,
            subscriptions=subscriptions,
            # A chat without subscriptions gets no scheduled digest: promise no time.
            next_digest_at=next_digest_at(chat, now) if subscriptions else None,
            quiet_now=in_quiet_hours(chat, now),
            digest_needs_subscriptions=chat.digest_time is not None and not subscriptions,
        )

    async def deactivate(self, chat_id: int, reason: str = "chat unreachable") -> int:
        """Stop sending to a chat (blocked, kicked); fail its pending messages; return how many."""
        async with self._storage.transaction():
            await self._storage.chats.set_active(chat_id, False)
            return await self._storage.outbox.fail_pending_for_chat(chat_id, reason)

    async def reactivate(self, chat_id: int) -> None:
        """The chat can be reached again (unblocked, re-added)."""
        await self._storage.chats.set_active(chat_id, True)

    async def migrate(self, old_id: int, new_id: int) -> None:
        """A group became a supergroup: keep its settings and subscriptions under the new id."""
        await self._storage.chats.migrate(old_id, new_id)

    def is_quiet(self, chat: Chat, at: dt.datetime | None = None) -> bool:
        """True when ``at`` (default: now) is in the chat's quiet hours."""
        return in_quiet_hours(chat, at or self._clock.now())

    async def is_quiet_now(self, chat_id: int) -> bool:
        """Quiet-hours check by chat id at the current time (for the dispatcher at send time)."""
        chat = await self._storage.chats.get(chat_id)
        return chat is not None and in_quiet_hours(chat, self._clock.now())
