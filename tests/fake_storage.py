"""An in-memory ``storage.base.Storage`` for service tests: every repository, with rollback."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from bot.domain import (
    ActorRef,
    Chat,
    Feed,
    Incident,
    IncidentRevision,
    OutboxMessage,
    OutboxStatus,
    Report,
    Subscription,
    SubscriptionKind,
)
from bot.domain.learning import ActorAliasRecord, LocalPlace
from bot.domain.search import parse_search
from bot.services.queries import totals_of
from storage.base import (
    DuplicatePlaceError,
    IncidentBrief,
    IncidentQuery,
    IncidentStats,
    ListedPicker,
    SearchPage,
    Storage,
    SubscriptionRepository,
)
from storage.columns import CHAT_SETTINGS
from storage.local_places import place_name_key
from storage.shared.listed import briefs_then_listed
from tests.fakes_review import InMemoryReview, ReviewState

# -- storage (services helper): an in-memory Storage with rollback ---------------------------


class _Repo:
    def __init__(self, state: _State) -> None:
        self._s = state


@dataclass
class _State:
    reports: dict[int, Report] = field(default_factory=dict)
    incidents: dict[int, Incident] = field(default_factory=dict)
    revisions: list[IncidentRevision] = field(default_factory=list)
    actors: dict[str, tuple[ActorRef, list[str]]] = field(default_factory=dict)
    chats: dict[int, Chat] = field(default_factory=dict)
    subscriptions: dict[int, Subscription] = field(default_factory=dict)
    feeds: dict[int, Feed] = field(default_factory=dict)
    outbox: dict[int, OutboxMessage] = field(default_factory=dict)
    meta: dict[str, str] = field(default_factory=dict)
    places: list[LocalPlace] = field(default_factory=list)
    alias_records: list[ActorAliasRecord] = field(default_factory=list)
    review: ReviewState = field(default_factory=ReviewState)
    next_id: int = 1

    def new_id(self) -> int:
        value = self.next_id
        self.next_id += 1
        return value


class _Reports(_Repo):
    async def add(self, report: Report) -> tuple[Report, bool]:
        existing = await self.find_duplicate(report.url, report.content_hash)
        if existing is not None:
            return existing, False
        stored = report.model_copy(update={"id": self._s.new_id()})
        self._s.reports[stored.id or 0] = stored
        return stored, True

    async def get(self, report_id: int) -> Report | None:
        return self._s.reports.get(report_id)

    async def find_duplicate(self, url: str | None, content_hash: str) -> Report | None:
        for report in self._s.reports.values():
            if (url and report.url == url) or report.content_hash == content_hash:
                return report
        return None

    async def search(self, text: str, limit: int = 20) -> list[Report]:
        query = parse_search(text, strict=False)
        hits = [r for r in self._s.reports.values() if query and query.matches(r.text)]
        return hits[:limit]

    async def count(self) -> int:
        return len(self._s.reports)

    async def latest(self, limit: int = 1) -> list[Report]:
        return sorted(self._s.reports.values(), key=lambda r: r.id or 0, reverse=True)[:limit]


def _matches(incident: Incident, q: IncidentQuery) -> bool:
    loc = incident.location
    if q.place_key is not None and (loc.key != q.place_key or loc.geo_precision.rank > 1):
        return False
    if q.place_keys is not None and (loc.key not in q.place_keys or loc.geo_precision.rank > 1):
        return False
    if q.admin1_code is not None and loc.admin1_code != q.admin1_code:
        return False
    if q.country is not None and loc.country != q.country:
        return False
    if q.actor_id is not None and q.actor_id not in incident.actor_ids:
        return False
    if q.event_type is not None and incident.event_type is not q.event_type:
        return False
    if q.since is not None and (incident.date_end or incident.date) < q.since:
        return False
    if q.until is not None and incident.date > q.until:
        return False
    if q.updated_since is not None:
        stamp = incident.updated_at or incident.created_at
        if stamp is None or stamp < q.updated_since:
            return False
    if q.ids is not None and incident.id not in q.ids:
        return False
    created = incident.created_at or incident.updated_at
    if q.created_since is not None and (created is None or created < q.created_since):
        return False
    if q.created_before is not None and (created is None or created >= q.created_before):
        return False
    if not q.include_hidden and incident.status.value != "active":
        return False
    if not q.include_background and incident.is_background:
        return False
    return not (q.min_killed is not None and incident.killed.best < q.min_killed)


class _Incidents(_Repo):
    def _sorted(self, items: list[Incident]) -> list[Incident]:
        return sorted(items, key=lambda i: (i.date, i.id or 0), reverse=True)

    async def add(self, incident: Incident) -> Incident:
        stored = incident.model_copy(update={"id": self._s.new_id()}, deep=True)
        self._s.incidents[stored.id or 0] = stored
        return stored

    async def update(
        self, incident: Incident, revision: IncidentRevision | None = None
    ) -> Incident:
        assert incident.id is not None
        assert incident.id in self._s.incidents
        self._s.incidents[incident.id] = incident.model_copy(deep=True)
        if revision is not None:
            self._s.revisions.append(revision)
        return incident

    async def get(self, incident_id: int) -> Incident | None:
        return self._s.incidents.get(incident_id)

    async def query(self, query: IncidentQuery) -> list[Incident]:
        hits = self._sorted([i for i in self._s.incidents.values() if _matches(i, query)])
        return hits[query.offset : query.offset + query.limit]

    async def count(self, query: IncidentQuery | None = None) -> int:
        if query is None:
            return len(self._s.incidents)
        return sum(1 for i in self._s.incidents.values() if _matches(i, query))

    async def stats(self, query: IncidentQuery) -> IncidentStats:
        # The backends' totals are, by contract, the service's totals of the same incidents.
        matching = [i for i in self._s.incidents.values() if _matches(i, query)]
        return IncidentStats(**totals_of(matching).model_dump())

    async def ids(self, query: IncidentQuery) -> list[int]:
        return [incident.id or 0 for incident in await self.query(query)]

    async def briefs(self, query: IncidentQuery) -> list[IncidentBrief]:
        return [IncidentBrief.of(incident) for incident in await self.query(query)]

    async def briefs_each(self, queries: Sequence[IncidentQuery]) -> list[list[IncidentBrief]]:
        return [await self.briefs(query) for query in queries]

    async def briefs_and_totals(
        self, queries: Sequence[IncidentQuery], counted: Sequence[IncidentQuery], limit: int
    ) -> tuple[list[list[IncidentBrief]], IncidentStats]:
        first: dict[int, IncidentBrief] = {}
        for query in counted:
            for brief in await self.briefs(query):
                first.setdefault(brief.id, brief)
        taken = list(first.values())[:limit]
        totals = IncidentStats(
            incidents=len(taken),
            killed=sum(b.killed or 0 for b in taken),
            injured=sum(b.injured or 0 for b in taken),
        )
        return await self.briefs_each(queries), totals

    async def briefs_and_listed(
        self,
        queries: Sequence[IncidentQuery],
        counted: Sequence[IncidentQuery],
        limit: int,
        listed: ListedPicker,
    ) -> tuple[list[list[IncidentBrief]], IncidentStats, list[Incident]]:
        return await briefs_then_listed(self, queries, counted, limit, listed)

    async def merge_candidates(
        self, country: str, date_from: dt.date, date_to: dt.date, limit: int = 200
    ) -> list[Incident]:
        hits = [
            i
            for i in self._s.incidents.values()
            if i.location.country == country
            and date_from <= i.date <= date_to
            and i.status.value != "merged"
        ]
        return self._sorted(hits)[:limit]

    async def search(self, text: str, limit: int = 20, offset: int = 0) -> list[Incident]:
        query = parse_search(text, strict=False)
        hits = [
            i
            for i in self._s.incidents.values()
            if query
            and i.status.value == "active"
            and query.matches(i.summary + "\n" + "\n".join(i.evidence))
        ]
        return self._sorted(hits)[offset : offset + limit]

    async def search_count(self, text: str, limit: int = 200) -> int:
        return len(await self.search(text, limit=limit))

    async def search_page(
        self, text: str, limit: int = 20, offset: int = 0, count_limit: int = 200
    ) -> SearchPage:
        return SearchPage(
            total=await self.search_count(text, limit=count_limit),
            items=await self.search(text, limit=limit, offset=offset),
        )

    async def revisions(self, incident_id: int) -> list[IncidentRevision]:
        return [r for r in self._s.revisions if r.incident_id == incident_id]


class _Actors(_Repo):
    async def upsert(self, actor: ActorRef, aliases: Sequence[str]) -> None:
        self._s.actors[actor.id] = (actor, list(aliases))

    async def remove(self, actor_id: str) -> bool:
        return self._s.actors.pop(actor_id, None) is not None

    async def all(self) -> list[tuple[ActorRef, list[str]]]:
        return list(self._s.actors.values())


class _Chats(_Repo):
    async def upsert(self, chat: Chat) -> Chat:
        existing = self._s.chats.get(chat.id)
        if existing is None:
            self._s.chats[chat.id] = chat.model_copy()
        else:
            self._s.chats[chat.id] = existing.model_copy(
                update={"type": chat.type, "title": chat.title}
            )
        return self._s.chats[chat.id].model_copy()

    async def get(self, chat_id: int) -> Chat | None:
        chat = self._s.chats.get(chat_id)
        return chat.model_copy() if chat is not None else None

    async def with_subscriptions(self, chat_id: int) -> tuple[Chat, list[Subscription]] | None:
        chat = await self.get(chat_id)
        if chat is None:
            return None
        subscriptions = [s for s in self._s.subscriptions.values() if s.chat_id == chat_id]
        return chat, sorted(subscriptions, key=lambda s: s.id or 0)

    async def save_settings(self, chat: Chat) -> None:
        existing = self._s.chats[chat.id]
        self._s.chats[chat.id] = existing.model_copy(
            update={name: getattr(chat, name) for name in CHAT_SETTINGS}
        )

    async def set_active(self, chat_id: int, active: bool) -> None:
        if chat_id in self._s.chats:
            self._s.chats[chat_id] = self._s.chats[chat_id].model_copy(update={"active": active})

    async def migrate(self, old_id: int, new_id: int) -> None:
        chat = self._s.chats.pop(old_id, None)
        if chat is not None:
            self._s.chats[new_id] = chat.model_copy(update={"id": new_id})
        for sid, sub in list(self._s.subscriptions.items()):
            if sub.chat_id == old_id:
                self._s.subscriptions[sid] = sub.model_copy(update={"chat_id": new_id})
        for mid, msg in list(self._s.outbox.items()):
            if msg.chat_id == old_id and msg.status is OutboxStatus.PENDING:
                self._s.outbox[mid] = msg.model_copy(update={"chat_id": new_id})

    async def with_digest(self) -> list[Chat]:
        return [
            c.model_copy()
            for c in self._s.chats.values()
            if c.active and c.digest_time is not None
        ]

    async def count(self, active_only: bool = True) -> int:
        return sum(1 for c in self._s.chats.values() if c.active or not active_only)


class _Subscriptions(_Repo, SubscriptionRepository):
    async def add(self, subscription: Subscription) -> tuple[Subscription, bool]:
        for existing in self._s.subscriptions.values():
            if (existing.chat_id, existing.kind, existing.key) == (
                subscription.chat_id,
                subscription.kind,
                subscription.key,
            ):
                return existing, False
        stored = subscription.model_copy(update={"id": self._s.new_id()})
        self._s.subscriptions[stored.id or 0] = stored
        return stored, True

    async def remove(self, chat_id: int, subscription_id: int) -> bool:
        sub = self._s.subscriptions.get(subscription_id)
        if sub is None or sub.chat_id != chat_id:
            return False
        del self._s.subscriptions[subscription_id]
        return True

    async def remove_all(self, chat_id: int) -> int:
        ids = [i for i, s in self._s.subscriptions.items() if s.chat_id == chat_id]
        for i in ids:
            del self._s.subscriptions[i]
        return len(ids)

    async def for_chat(self, chat_id: int) -> list[Subscription]:
        return [s for s in self._s.subscriptions.values() if s.chat_id == chat_id]

    async def _matching(self, wanted: Mapping[SubscriptionKind, list[str]]) -> list[Subscription]:
        return [
            s
            for s in self._s.subscriptions.values()
            if s.key in wanted.get(s.kind, ())
            and (chat := self._s.chats.get(s.chat_id)) is not None
            and chat.active
        ]

    async def count(self) -> int:
        return len(self._s.subscriptions)


class _Feeds(_Repo):
    async def add(self, feed: Feed) -> tuple[Feed, bool]:
        for existing in self._s.feeds.values():
            if existing.url == feed.url:
                return existing, False
        stored = feed.model_copy(update={"id": self._s.new_id()})
        self._s.feeds[stored.id or 0] = stored
        return stored, True

    async def remove(self, feed_id: int) -> bool:
        return self._s.feeds.pop(feed_id, None) is not None

    async def get(self, feed_id: int) -> Feed | None:
        return self._s.feeds.get(feed_id)

    async def due(self, now: dt.datetime) -> list[Feed]:
        return [
            f
            for f in self._s.feeds.values()
            if f.active and (f.next_poll_at is None or f.next_poll_at <= now)
        ]

    async def save(self, feed: Feed) -> None:
        if feed.id is not None:
            self._s.feeds[feed.id] = feed

    # Last in the class: inside the body, the name ``list`` shadows the builtin afterwards.
    async def list(self) -> list[Feed]:
        return [*self._s.feeds.values()]


class _Outbox(_Repo):
    async def enqueue(self, message: OutboxMessage) -> tuple[OutboxMessage, bool]:
        existing = await self.get_by_key(message.idempotency_key)
        if existing is not None:
            return existing, False
        stored = message.model_copy(update={"id": self._s.new_id()}, deep=True)
        self._s.outbox[stored.id or 0] = stored
        return stored, True

    async def claim_due(self, now: dt.datetime, limit: int = 100) -> list[OutboxMessage]:
        due = sorted(
            (
                m
                for m in self._s.outbox.values()
                if m.status is OutboxStatus.PENDING and m.next_attempt_at <= now
            ),
            key=lambda m: (m.next_attempt_at, m.id or 0),
        )[:limit]
        claimed = []
        for message in due:
            updated = message.model_copy(
                update={"status": OutboxStatus.SENDING, "attempts": message.attempts + 1}
            )
            self._s.outbox[message.id or 0] = updated
            claimed.append(updated)
        return claimed

    def _set(self, message_id: int, **changes: Any) -> None:
        self._s.outbox[message_id] = self._s.outbox[message_id].model_copy(update=changes)

    async def mark_sent(
        self, message_id: int, telegram_message_id: int | None, at: dt.datetime
    ) -> None:
        self._set(
            message_id,
            status=OutboxStatus.SENT,
            sent_message_id=telegram_message_id,
            sent_at=at,
        )

    async def mark_retry(self, message_id: int, next_attempt_at: dt.datetime, error: str) -> None:
        self._set(
            message_id,
            status=OutboxStatus.PENDING,
            next_attempt_at=next_attempt_at,
            last_error=error,
        )

    async def mark_failed(self, message_id: int, error: str) -> None:
        self._set(message_id, status=OutboxStatus.FAILED, last_error=error)

    async def get_by_key(self, idempotency_key: str) -> OutboxMessage | None:
        return next(
            (m for m in self._s.outbox.values() if m.idempotency_key == idempotency_key), None
        )

    async def recover_stale(self, older_than: dt.datetime) -> int:
        stale = [m for m in self._s.outbox.values() if m.status is OutboxStatus.SENDING]
        for message in stale:
            self._set(message.id or 0, status=OutboxStatus.PENDING)
        return len(stale)

    async def fail_pending_for_chat(self, chat_id: int, error: str) -> int:
        pending = [
            m
            for m in self._s.outbox.values()
            if m.chat_id == chat_id and m.status is OutboxStatus.PENDING
        ]
        for message in pending:
            self._set(message.id or 0, status=OutboxStatus.FAILED, last_error=error)
        return len(pending)

    async def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {status.value: 0 for status in OutboxStatus}
        for message in self._s.outbox.values():
            counts[message.status.value] = counts.get(message.status.value, 0) + 1
        return counts

    async def oldest_unsent(self) -> dt.datetime | None:
        unsent = [
            message.created_at
            for message in self._s.outbox.values()
            if message.status in (OutboxStatus.PENDING, OutboxStatus.SENDING)
            and message.created_at is not None
        ]
        return min(unsent, default=None)


class _Meta(_Repo):
    async def get(self, key: str) -> str | None:
        return self._s.meta.get(key)

    async def set(self, key: str, value: str) -> None:
        self._s.meta[key] = value


class InMemoryStorage(Storage):
    """A whole ``storage.base.Storage`` in memory; a failing transaction rolls everything back."""

    def __init__(self) -> None:
        self._state = _State()
        self._depth = 0
        self.now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)
        self._bind()

    def _bind(self) -> None:
        self.reports = _Reports(self._state)
        self.incidents = _Incidents(self._state)
        self.actors = _Actors(self._state)
        self.learning = _Learning(self._state)
        self.chats = _Chats(self._state)
        self.subscriptions = _Subscriptions(self._state)
        self.feeds = _Feeds(self._state)
        self.outbox = _Outbox(self._state)
        self.meta = _Meta(self._state)
        self.review = InMemoryReview(self._state)

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[None]:
        if self._depth:
            yield
            return
        snapshot = copy.deepcopy(self._state)
        self._depth += 1
        try:
            yield
        except BaseException:
            # Restore in place: repositories keep their reference to the same state object.
            self._state.__dict__.update(snapshot.__dict__)
            raise
        finally:
            self._depth -= 1

    def transaction(self) -> Any:
        """Group calls; an exception inside restores the state from before the block."""
        return self._transaction()

    async def close(self) -> None:
        """Nothing to release."""


# -- learning (services helper): local places and alias records in memory ----------------------


class _Learning(_Repo):
    async def add_place(self, place: LocalPlace) -> LocalPlace:
        key = (place.country, place_name_key(place.name))
        if any((p.country, place_name_key(p.name)) == key for p in self._s.places):
            raise DuplicatePlaceError(
                f"{place.name!r} is already a local place in {place.country}"
            )
        stored = place.model_copy(
            update={"id": self._s.new_id(), "added_at": place.added_at or dt.datetime.now(dt.UTC)}
        )
        self._s.places.append(stored)
        return stored

    async def places(self) -> list[LocalPlace]:
        return list(self._s.places)

    async def remove_place(self, place_id: int) -> bool:
        before = len(self._s.places)
        self._s.places[:] = [p for p in self._s.places if p.id != place_id]
        return len(self._s.places) < before

    async def add_actor_alias(self, actor: ActorRef, record: ActorAliasRecord) -> bool:
        stored, aliases = self._s.actors.setdefault(actor.id, (actor, []))
        if record.alias in aliases:
            return False
        aliases.append(record.alias)
        self._s.alias_records.append(
            record.model_copy(
                update={
                    "actor_name": stored.name,
                    "added_at": record.added_at or dt.datetime.now(dt.UTC),
                }
            )
        )
        return True

    async def alias_records(self) -> list[ActorAliasRecord]:
        return list(self._s.alias_records)

    async def remove_actor_alias(self, actor_id: str, alias: str) -> bool:
        stored = self._s.actors.get(actor_id)
        if stored is None or alias not in stored[1]:
            return False
        stored[1].remove(alias)
        self._s.alias_records[:] = [
            r for r in self._s.alias_records if (r.actor_id, r.alias) != (actor_id, alias)
        ]
        return True

    async def manual_revisions(self) -> list[IncidentRevision]:
        return [r for r in self._s.revisions if r.report_id is None]
