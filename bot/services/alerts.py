"""Turn new and changed incidents into outbox alerts and updates for the chats that follow them.

Rules (the notifier in ``handlers`` renders the structured payloads; nothing here is HTML):

* Matching: a subscription matches an incident by place (the incident's own place key and, for a
  neighbourhood, its parent city's key; only for point/near precision), by governorate
  (``admin1_code``) or by faction (any actor id). Only active chats match. A chat's
  ``min_killed`` threshold compares with the conservative killed figure.
* One alert per chat and incident, key ``alert:<chat>:<incident_id>``: re-ingesting the same
  story never queues a second "new" alert (the outbox is idempotent on keys).
* A later change of the toll or of the details (actors, type, place, date) queues an update,
  key ``update:<chat>:<incident_id>:<revision>``, with ``reply_to_key`` = the alert's key so the
  notifier replies to the first alert. A new source alone is not worth a message.
* A chat that never got the alert (it subscribed later, or the toll has only now reached its
  ``min_killed``) gets a fresh alert carrying the change note instead: it has not heard of the
  incident, and a reply to nothing would confuse it. It never gets both.
* Only news wakes people up: an incident whose last day is more than ``max_age`` (14 days by
  default) before today gets no first alert (an archive import or an anniversary piece must not
  flood subscribers); updates to an alert a chat already has are still sent.
* Only trusted news alerts: a first alert needs the incident's confidence to reach
  ``min_confidence`` (the setting ``SITREP_ALERT_MIN_CONFIDENCE``). Below it the incident is
  stored and answered (marked unconfirmed), and alerts once a later report lifts it over the
  threshold; an unscored incident (an import) counts as trusted.
* Quiet hours: ``payload.disable_notification`` is set when the chat is in quiet hours at
  queue time; the dispatcher re-checks at send time with :func:`should_silence`.
* Alerts and updates are due at once (``next_attempt_at`` = now): the first alert to a chat
  leaves within the second. Bursts are grouped by the dispatcher, not by waiting here: what
  arrives for a chat while its earlier message is being sent, or before the chat's next send
  slot (Telegram allows one message per second per chat), goes out as one grouped message
  (one ``AlertPayload`` with several incidents). An update whose alert is not sent yet waits
  for it.

Everything here must run inside the caller's ``storage.transaction()`` (ingestion does that),
so an incident and its alerts are stored together or not at all.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any

from pydantic_core import to_jsonable_python

from bot.domain import (
    AlertPayload,
    Chat,
    Incident,
    IncidentStatus,
    OutboxKind,
    OutboxMessage,
    Subscription,
    UpdatePayload,
)
from bot.extract.trust import DEFAULT_ALERT_MIN_CONFIDENCE, confidence_of
from bot.ports import Clock
from bot.services.chats import in_quiet_hours
from bot.services.outbox import Outbox
from bot.services.queries import QueryService
from storage.base import Storage

DEFAULT_MAX_AGE = dt.timedelta(days=14)
DETAIL_FIELDS = frozenset(
    {"killed", "injured", "actors", "event_type", "sub_event_type", "location", "date"}
)


def alert_key(chat_id: int, incident_id: int) -> str:
    """Idempotency key of the first alert a chat gets about an incident."""
    return f"alert:{chat_id}:{incident_id}"


def update_key(chat_id: int, incident_id: int, revision: int) -> str:
    """Idempotency key of an update (one per revision)."""
    return f"update:{chat_id}:{incident_id}:{revision}"


def should_silence(chat: Chat, at: dt.datetime) -> bool:
    """True when a message to ``chat`` sent at ``at`` should arrive without sound."""
    return in_quiet_hours(chat, at)


def is_significant(changes: Mapping[str, Any], toll_changed: bool) -> bool:
    """True when a merge changed the toll or details users care about (not just a new source)."""
    return toll_changed or bool(DETAIL_FIELDS.intersection(changes))


def incident_payload(
    incident: Incident,
    *,
    note: str | None,
    matched: Iterable[str],
    silent: bool,
    changes: Mapping[str, Any] | None = None,
) -> UpdatePayload:
    """The payload of an update: the incident as it is now, the note, what changed."""
    return UpdatePayload(
        incident=incident,
        note=note,
        matched=sorted(set(matched)),
        disable_notification=silent,
        changes=to_jsonable_python(changes, fallback=str) if changes else None,
    )


class AlertPlanner:
    """Finds the chats an incident concerns and queues their alerts or updates."""

    def __init__(
        self,
        storage: Storage,
        queries: QueryService,
        clock: Clock,
        max_age: dt.timedelta = DEFAULT_MAX_AGE,
        *,
        min_confidence: float = DEFAULT_ALERT_MIN_CONFIDENCE,
        outbox: Outbox | None = None,
    ) -> None:
        self._storage = storage
        self._queries = queries
        self._clock = clock
        self._outbox = outbox or Outbox(storage)
        self._max_age = max_age
        self._min_confidence = min_confidence
        self._on_held: Callable[[Incident], Awaitable[None]] | None = None

    def hold_with(self, on_held: Callable[[Incident], Awaitable[None]]) -> None:
        """Hand each new incident held back as unconfirmed to ``on_held`` (the review queue)."""
        self._on_held = on_held

    def is_confirmed(self, incident: Incident) -> bool:
        """True when the incident is trusted enough for a first alert."""
        return confidence_of(incident) >= self._min_confidence

    def _newly_confirmed(self, incident: Incident, changes: Mapping[str, Any]) -> bool:
        change = changes.get("confidence")
        if not isinstance(change, Mapping) or not self.is_confirmed(incident):
            return False
        old = change.get("old")
        return isinstance(old, int | float) and old < self._min_confidence

    def is_news(self, incident: Incident, now: dt.datetime | None = None) -> bool:
        """True when the incident is recent enough for a first alert (not an archive story)."""
        today = (now or self._clock.now()).astimezone(dt.UTC).date()
        last_day = incident.date_end or incident.date
        # One spare day: "today" in Baghdad can be tomorrow in UTC and vice versa.
        return last_day >= today - self._max_age - dt.timedelta(days=1)

    async def subscriptions_for(self, incident: Incident) -> dict[int, list[Subscription]]:
        """Matching subscriptions of active chats, grouped by chat (threshold not applied)."""
        place_keys = self._queries.place_keys(incident)
        admin1 = [incident.location.admin1_code] if incident.location.admin1_code else []
        actors = sorted(incident.actor_ids)
        if not (place_keys or admin1 or actors):
            return {}
        found = await self._storage.subscriptions.matching(place_keys, admin1, actors)
        by_chat: dict[int, list[Subscription]] = defaultdict(list)
        for subscription in found:
            if self._matches(subscription, incident, place_keys):
                by_chat[subscription.chat_id].append(subscription)
        return dict(by_chat)

    @staticmethod
    def _matches(subscription: Subscription, incident: Incident, place_keys: list[str]) -> bool:
        # Re-check in memory: a backend may over-match (e.g. key collisions across kinds).
        kind = subscription.kind.value
        if kind == "place":
            return subscription.key in place_keys
        if kind == "admin1":
            return subscription.key == incident.location.admin1_code
        return subscription.key in incident.actor_ids

    @staticmethod
    def _passes(subscriptions: list[Subscription], incident: Incident) -> list[Subscription]:
        return [s for s in subscriptions if incident.killed.best >= s.min_killed]

    async def _chat(self, chat_id: int) -> Chat | None:
        chat = await self._storage.chats.get(chat_id)
        return chat if chat is not None and chat.active else None

    async def queue_new(
        self, incident: Incident, note: str | None = None, *, trusted: bool = False
    ) -> int:
        """Queue one alert per matching chat for a new incident; return how many were new.

        ``trusted``: a reviewer's decision stands in for the confidence gate. A retracted or
        merged-away incident never alerts.
        """
        if incident.id is None:
            msg = "incident must be stored (have an id) before alerting"
            raise ValueError(msg)
        now = self._clock.now()
        if incident.status is not IncidentStatus.ACTIVE or not self.is_news(incident, now):
            return 0
        if not trusted and not self.is_confirmed(incident):
            if self._on_held is not None:
                await self._on_held(incident)
            return 0
        queued = 0
        for chat_id, subscriptions in (await self.subscriptions_for(incident)).items():
            passing = self._passes(subscriptions, incident)
            chat = await self._chat(chat_id)
            if not passing or chat is None:
                continue
            queued += await self._enqueue_alert(chat, incident, passing, note, now)
        return queued

    async def queue_change(
        self,
        incident: Incident,
        *,
        note: str | None,
        changes: Mapping[str, Any],
        toll_changed: bool,
    ) -> tuple[int, int]:
        """Queue updates (or first alerts) for a changed incident; return (alerts, updates)."""
        if incident.id is None:
            msg = "incident must be stored (have an id) before alerting"
            raise ValueError(msg)
        if incident.status is not IncidentStatus.ACTIVE:
            return 0, 0
        confirmed_now = self._newly_confirmed(incident, changes)
        if not is_significant(changes, toll_changed) and not confirmed_now:
            return 0, 0
        now = self._clock.now()
        alerts = updates = 0
        for chat_id, subscriptions in (await self.subscriptions_for(incident)).items():
            chat = await self._chat(chat_id)
            if chat is None:
                continue
            first = alert_key(chat_id, incident.id)
            if await self._storage.outbox.get_by_key(first) is not None:
                if not is_significant(changes, toll_changed):
                    continue  # only the confidence rose: nothing new for this chat
                payload = incident_payload(
                    incident,
                    note=note,
                    matched=[s.label for s in subscriptions],
                    silent=should_silence(chat, now),
                    changes=changes,
                )
                _, created = await self._outbox.enqueue(
                    OutboxMessage(
                        chat_id=chat_id,
                        kind=OutboxKind.UPDATE,
                        idempotency_key=update_key(chat_id, incident.id, incident.revision),
                        payload=payload,
                        next_attempt_at=now,
                        reply_to_key=first,
                        incident_id=incident.id,
                    )
                )
                updates += int(created)
                continue
            passing = self._passes(subscriptions, incident)
            if passing and self.is_news(incident, now) and self.is_confirmed(incident):
                alerts += await self._enqueue_alert(chat, incident, passing, note, now)
        return alerts, updates

    async def _enqueue_alert(
        self,
        chat: Chat,
        incident: Incident,
        subscriptions: list[Subscription],
        note: str | None,
        now: dt.datetime,
    ) -> int:
        assert incident.id is not None
        _, created = await self._outbox.enqueue(
            OutboxMessage(
                chat_id=chat.id,
                kind=OutboxKind.ALERT,
                idempotency_key=alert_key(chat.id, incident.id),
                payload=AlertPayload(
                    incidents=[incident],
                    note=note,
                    matched=sorted({s.label for s in subscriptions}),
                    disable_notification=should_silence(chat, now),
                    # Only a reviewer's release lets an incident below the gate alert: say so.
                    unconfirmed_ids=[] if self.is_confirmed(incident) else [incident.id],
                ),
                next_attempt_at=now,
                incident_id=incident.id,
            )
        )
        return int(created)
