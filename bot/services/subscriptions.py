"""Subscribe chats to places, governorates and factions; deep-link payloads for share links.

Deep-link payloads (``https://t.me/<bot>?start=<payload>``) are at most 64 characters of
``[A-Za-z0-9_-]``: ``sub_place_<geonameid>`` (other place keys such as ``iq:green-zone`` become
``sub_place_iq__green-zone``), ``sub_admin1_IQ-BA``, ``sub_actor_<actor-id>``.
"""

from __future__ import annotations

import re

from bot.domain import Subscription, SubscriptionKind
from bot.domain.views import Target
from bot.ports import Clock
from bot.services.catalog import CatalogService
from bot.services.errors import N_, UserError
from storage.base import IncidentQuery, Storage

MAX_SUBSCRIPTIONS = 50  # per chat; more than this is a feed, not a watch list
MAX_MIN_KILLED = 100_000
PAYLOAD_MAX = 64
_PAYLOAD_SAFE = re.compile(r"^[A-Za-z0-9_-]+$")
_PAYLOAD = re.compile(r"^sub_(place|admin1|actor)_([A-Za-z0-9_-]+)$")
_MIN_KILLED = re.compile(r"(?:^|\s)min_?killed\s*[=:]?\s*(\S+)\s*$", re.IGNORECASE)
MIN_KILLED_USAGE = N_("Example: /subscribe Basra min_killed=3")


def payload_for(target: Target) -> str | None:
    """The deep-link payload that subscribes to ``target``; None when it cannot be encoded."""
    if target.kind is SubscriptionKind.PLACE:
        prefix, sep, rest = target.key.partition(":")
        if not sep or "__" in rest:
            return None
        # GeoNames ids stay short ("sub_place_99532"); other sources keep their prefix.
        value = rest if prefix == "gn" else f"{prefix}__{rest}"
        payload = f"sub_place_{value}"
    else:
        payload = f"sub_{target.kind.value}_{target.key}"
    if len(payload) > PAYLOAD_MAX or not _PAYLOAD_SAFE.match(payload):
        return None
    return payload


def parse_payload(payload: str) -> tuple[SubscriptionKind, str] | None:
    """Kind and key from a deep-link payload; None when it is not a subscription payload."""
    match = _PAYLOAD.match(payload.strip())
    if match is None or len(payload) > PAYLOAD_MAX:
        return None
    kind, value = SubscriptionKind(match.group(1)), match.group(2)
    if kind is SubscriptionKind.PLACE:
        if value.isdigit():
            return kind, f"gn:{value}"
        prefix, sep, rest = value.partition("__")
        return (kind, f"{prefix}:{rest}") if sep and prefix and rest else None
    return kind, value


def split_min_killed(text: str) -> tuple[str, int]:
    """Split "Basra min_killed=3" into ("Basra", 3); no threshold -> 0. UserError if malformed."""
    match = _MIN_KILLED.search(text)
    if match is None:
        return text.strip(), 0
    raw = match.group(1)
    if not raw.isdigit() or int(raw) > MAX_MIN_KILLED:
        raise UserError(
            "min_killed must be a whole number from 0 to {most}, not “{text}”.",
            values={"most": MAX_MIN_KILLED, "text": raw},
            usage=MIN_KILLED_USAGE,
        )
    return text[: match.start()].strip(), int(raw)


class SubscriptionService:
    """What each chat follows."""

    def __init__(self, storage: Storage, catalog: CatalogService, clock: Clock) -> None:
        self._storage = storage
        self._catalog = catalog
        self._clock = clock

    async def subscribe(
        self, chat_id: int, target: Target, min_killed: int = 0
    ) -> tuple[Subscription, bool]:
        """Follow a target (idempotent); return the subscription and whether it is new.

        Subscribing again with another ``min_killed`` keeps the existing row (use unsubscribe
        first to change the threshold).
        """
        if min_killed < 0 or min_killed > MAX_MIN_KILLED:
            raise UserError(
                "min_killed must be from 0 to {most}.",
                values={"most": MAX_MIN_KILLED},
                usage=MIN_KILLED_USAGE,
            )
        existing = await self._storage.subscriptions.for_chat(chat_id)
        for subscription in existing:
            if subscription.kind is target.kind and subscription.key == target.key:
                return subscription, False
        if len(existing) >= MAX_SUBSCRIPTIONS:
            raise UserError(
                "This chat already follows {most} things; remove some first.",
                values={"most": MAX_SUBSCRIPTIONS},
                usage=N_("See /subscriptions"),
            )
        return await self._storage.subscriptions.add(
            Subscription(
                chat_id=chat_id,
                kind=target.kind,
                key=target.key,
                label=target.label,
                min_killed=min_killed,
                created_at=self._clock.now(),
            )
        )

    async def subscribe_payload(self, chat_id: int, payload: str) -> tuple[Subscription, bool]:
        """Subscribe from a /start deep-link payload; UserError when it is unknown."""
        target = await self.target_from_payload(payload)
        if target is None:
            raise UserError("That link does not point to anything I know.", usage=N_("Try /help"))
        return await self.subscribe(chat_id, target)

    async def target_from_payload(self, payload: str) -> Target | None:
        """The target a deep-link payload names, if it exists in the catalogue."""
        parsed = parse_payload(payload)
        if parsed is None:
            return None
        return await self._catalog.target_for(*parsed)

    def payload_for(self, target: Target) -> str | None:
        """The deep-link payload for a target (see :func:`payload_for`)."""
        return payload_for(target)

    async def unsubscribe(self, chat_id: int, subscription_id: int) -> bool:
        """Stop one subscription of this chat; False when it was not there."""
        return await self._storage.subscriptions.remove(chat_id, subscription_id)

    async def unsubscribe_target(self, chat_id: int, target: Target) -> bool:
        """Stop following a target; False when the chat did not follow it."""
        for subscription in await self._storage.subscriptions.for_chat(chat_id):
            if (
                subscription.kind is target.kind
                and subscription.key == target.key
                and subscription.id is not None
            ):
                return await self._storage.subscriptions.remove(chat_id, subscription.id)
        return False

    async def unsubscribe_all(self, chat_id: int) -> int:
        """Stop every subscription of a chat; return how many there were."""
        return await self._storage.subscriptions.remove_all(chat_id)

    async def recent_places(self, limit: int = 6) -> list[Target]:
        """Places of the most recent incidents, most recent first (the no-argument keyboard)."""
        limit = max(1, min(limit, 20))
        incidents = await self._storage.incidents.query(IncidentQuery(limit=limit * 10))
        targets: list[Target] = []
        seen: set[str] = set()
        for incident in incidents:
            entry = self._catalog.entry_for_location(incident.location)
            if entry is None or entry.key in seen:
                continue
            seen.add(entry.key)
            target = await self._catalog.target_for(SubscriptionKind.PLACE, entry.key)
            if target is None:
                continue
            targets.append(target)
            if len(targets) >= limit:
                break
        return targets

    async def recent_countries(self, chat_id: int) -> set[str]:
        """Countries the chat is about: its subscriptions' and those of the latest incidents."""
        countries: set[str] = set()
        for subscription in await self._storage.subscriptions.for_chat(chat_id):
            if subscription.kind is SubscriptionKind.ACTOR:
                continue
            entry = self._catalog.place_entry(subscription.key)
            if entry is not None:
                countries.add(entry.country)
        for incident in await self._storage.incidents.query(IncidentQuery(limit=20)):
            if incident.location.country:
                countries.add(incident.location.country)
        return countries

    # Defined last: inside the class body, the name ``list`` shadows the builtin afterwards.
    async def list(self, chat_id: int) -> list[Subscription]:
        """A chat's subscriptions, oldest first."""
        return await self._storage.subscriptions.for_chat(chat_id)
