"""Repository Protocols: what the services need from persistence, free of any SQL dialect.

A backend (SQLite today, PostgreSQL later) implements :class:`Storage`. Services receive a
``Storage`` and never import a concrete backend. Every method returns domain models.

Transactions: ``async with storage.transaction():`` groups calls into one atomic unit (an
incident and the alerts it causes are stored together or not at all). Calls made outside a
transaction block commit on their own.
"""

from __future__ import annotations

import builtins
import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path
from typing import NamedTuple, Protocol

from pydantic import BaseModel, ConfigDict, Field

from bot.domain import (
    ActorRef,
    Chat,
    EventType,
    Feed,
    Incident,
    IncidentRevision,
    OutboxMessage,
    Report,
    Subscription,
    SubscriptionKind,
)
from bot.domain.learning import ActorAliasRecord, LocalPlace
from storage.review_base import ReviewRepository as ReviewRepository  # noqa: PLC0414 - re-exported


class StorageError(Exception):
    """Base class of every storage failure the services may see."""


class NotFoundError(StorageError):
    """A row that was asked for does not exist."""


class InstanceLockedError(StorageError):
    """Another Sitrep process already holds the database's instance lock."""


class IncidentQuery(BaseModel):
    """Filters for incident lookups. All given filters must match (AND)."""

    model_config = ConfigDict(extra="forbid")

    place_key: str | None = None  # Location.key: "gn:99532"; matches point/near precision only
    # Any of these Location keys (point/near only): a city with its neighbourhoods' keys.
    place_keys: list[str] | None = Field(default=None, max_length=1000)
    admin1_code: str | None = None  # "IQ-BA": every incident in the governorate
    country: str | None = None
    actor_id: str | None = None
    event_type: EventType | None = None
    since: dt.date | None = None  # inclusive, on the incident's date
    until: dt.date | None = None  # inclusive
    updated_since: dt.datetime | None = None  # incidents created or changed since
    created_since: dt.datetime | None = None  # first stored at or after (inclusive)
    created_before: dt.datetime | None = None  # first stored before (exclusive)
    ids: list[int] | None = Field(default=None, max_length=10_000)  # only these incidents
    min_killed: int | None = None
    include_background: bool = True  # False drops references to earlier events
    include_hidden: bool = False  # True also finds retracted and merged-away incidents
    limit: int = Field(default=20, ge=1, le=10_000)
    offset: int = Field(default=0, ge=0)


@dataclass(frozen=True, slots=True)
class SearchPage:
    """One page of a full-text search and how many incidents the search finds (up to a cap)."""

    total: int
    items: list[Incident]


class IncidentBrief(NamedTuple):
    """What a digest needs to count, group and rank an incident without loading all of it.

    A named tuple (immutable, compared by value): a digest builds hundreds per read, and a
    frozen dataclass took four times as long to build."""

    id: int
    date: dt.date
    date_end: dt.date | None
    created_at: dt.datetime | None
    updated_at: dt.datetime | None
    place_key: str
    place_name: str
    admin1: str | None
    admin1_code: str | None
    event_type: EventType
    killed: int | None  # the conservative figure (``CasualtyCount.min``), None: not reported
    injured: int | None

    @classmethod
    def of(cls, incident: Incident) -> IncidentBrief:
        """The brief of a loaded incident."""
        return cls(
            id=incident.id or 0,
            date=incident.date,
            date_end=incident.date_end,
            created_at=incident.created_at,
            updated_at=incident.updated_at,
            place_key=incident.location.key,
            place_name=incident.location.name,
            admin1=incident.location.admin1,
            admin1_code=incident.location.admin1_code,
            event_type=incident.event_type,
            killed=incident.killed.min,
            injured=incident.injured.min,
        )


# Sorted in reverse: briefs newest first (by date, then id), as every brief read returns them.
BRIEF_NEWEST = attrgetter("date", "id")


class IncidentStats(BaseModel):
    """Counts over a set of incidents."""

    model_config = ConfigDict(extra="forbid")

    incidents: int = 0
    killed: int = 0  # sum of conservative figures
    injured: int = 0
    by_event_type: dict[str, int] = Field(default_factory=dict)
    # How many incidents gave a killed / injured figure (None: the backend does not say).
    # Unknown is never zero: a total over incidents without figures is "not reported".
    killed_reported: int | None = None
    injured_reported: int | None = None


# Picks the incidents to load from a read's briefs (one list per query) and totals.
ListedPicker = Callable[[list[list[IncidentBrief]], IncidentStats], Sequence[int]]


class ReportRepository(Protocol):
    """Ingested reports; a report is stored once per URL and once per content hash."""

    async def add(self, report: Report) -> tuple[Report, bool]:
        """Store a report; return the stored row and whether it is new (False = duplicate)."""
        ...

    async def get(self, report_id: int) -> Report | None:
        """One report by id."""
        ...

    async def find_duplicate(self, url: str | None, content_hash: str) -> Report | None:
        """The stored report with this URL or this content hash, if any."""
        ...

    async def search(self, text: str, limit: int = 20) -> list[Report]:
        """Full-text search over report titles and text."""
        ...

    async def count(self) -> int:
        """How many reports are stored."""
        ...

    async def latest(self, limit: int = 1) -> list[Report]:
        """The most recently ingested reports."""
        ...


class IncidentRepository(Protocol):
    """Incidents with their actors, sources and revisions."""

    async def add(self, incident: Incident) -> Incident:
        """Insert a new incident (with actors and sources); return it with id and timestamps."""
        ...

    async def update(
        self, incident: Incident, revision: IncidentRevision | None = None
    ) -> Incident:
        """Replace a stored incident's fields, actors and sources; record the revision if given."""
        ...

    async def get(self, incident_id: int) -> Incident | None:
        """One incident by id."""
        ...

    async def query(self, query: IncidentQuery) -> list[Incident]:
        """Incidents matching the filters, newest (by date, then id) first."""
        ...

    async def count(self, query: IncidentQuery | None = None) -> int:
        """How many incidents match (all of them when query is None)."""
        ...

    async def stats(self, query: IncidentQuery) -> IncidentStats:
        """Totals over the incidents matching the filters (limit/offset ignored)."""
        ...

    async def ids(self, query: IncidentQuery) -> list[int]:
        """Ids of the incidents matching the filters, newest first (no models are loaded)."""
        ...

    async def briefs(self, query: IncidentQuery) -> list[IncidentBrief]:
        """The matching incidents as :class:`IncidentBrief` rows, newest first (no models)."""
        ...

    async def briefs_each(self, queries: Sequence[IncidentQuery]) -> list[list[IncidentBrief]]:
        """``briefs(query)`` for each of ``queries``, in their order, read together (a digest's
        subscriptions in one statement rather than one read each)."""
        ...

    async def briefs_and_totals(
        self, queries: Sequence[IncidentQuery], counted: Sequence[IncidentQuery], limit: int
    ) -> tuple[list[list[IncidentBrief]], IncidentStats]:
        """``briefs_each(queries)``, and the totals (incidents, and the sums of their killed and
        injured figures, unknown as 0; ``by_event_type`` left empty) of the first ``limit``
        distinct incidents ``counted`` find, taken query by query, each newest first (date,
        then id): what the union of ``briefs_each(counted)`` cut at ``limit`` adds up to,
        without reading those briefs. Read together (a digest's window and the day before)."""
        ...

    async def briefs_and_listed(
        self,
        queries: Sequence[IncidentQuery],
        counted: Sequence[IncidentQuery],
        limit: int,
        listed: ListedPicker,
    ) -> tuple[list[list[IncidentBrief]], IncidentStats, list[Incident]]:
        """``briefs_and_totals(queries, counted, limit)``, then the incidents whose ids
        ``listed`` picks from those briefs and totals, loaded as ``query(ids=...)`` loads them
        (newest first), in one read: a digest's whole look at the archive. ``listed`` is a
        plain function (no I/O); a backend may call it in its database thread."""
        ...

    async def merge_candidates(
        self, country: str, date_from: dt.date, date_to: dt.date, limit: int = 200
    ) -> list[Incident]:
        """Incidents in a country dated within a window: the block for cross-report merging."""
        ...

    async def search(self, text: str, limit: int = 20, offset: int = 0) -> list[Incident]:
        """Full-text search over incident summaries, evidence and their reports' text."""
        ...

    async def search_count(self, text: str, limit: int = 200) -> int:
        """How many incidents ``search`` finds for the text, counted up to ``limit``."""
        ...

    async def search_page(
        self, text: str, limit: int = 20, offset: int = 0, count_limit: int = 200
    ) -> SearchPage:
        """``search(text, limit, offset)`` and ``search_count(text, count_limit)`` in one read
        (the matches are found once)."""
        ...

    async def revisions(self, incident_id: int) -> list[IncidentRevision]:
        """The revision history of an incident, oldest first."""
        ...


class ActorRepository(Protocol):
    """Actors added by admins at run time, on top of the packaged registry."""

    async def upsert(self, actor: ActorRef, aliases: Sequence[str]) -> None:
        """Add or replace an actor and its aliases."""
        ...

    async def remove(self, actor_id: str) -> bool:
        """Delete an admin-added actor; True if it existed."""
        ...

    async def all(self) -> list[tuple[ActorRef, list[str]]]:
        """Every admin-added actor with its aliases."""
        ...


class DuplicatePlaceError(StorageError):
    """A local place of that name already exists in that country."""


class LearningRepository(Protocol):
    """What admins taught: local places, actor aliases with who added them, and the incident
    revisions people made (the corrections)."""

    async def add_place(self, place: LocalPlace) -> LocalPlace:
        """Store a new local place; DuplicatePlaceError if its name is taken in its country."""
        ...

    async def places(self) -> builtins.list[LocalPlace]:
        """Every local place, oldest first."""
        ...

    async def remove_place(self, place_id: int) -> bool:
        """Delete a local place; True if it existed."""
        ...

    async def add_actor_alias(self, actor: ActorRef, record: ActorAliasRecord) -> bool:
        """Add an alias to an actor (stored first if it is not yet); False if it was known."""
        ...

    async def alias_records(self) -> builtins.list[ActorAliasRecord]:
        """Every admin-added alias with who and when, oldest first."""
        ...

    async def remove_actor_alias(self, actor_id: str, alias: str) -> bool:
        """Forget a stored alias of an actor; True if it existed."""
        ...

    async def manual_revisions(self) -> builtins.list[IncidentRevision]:
        """The incident revisions no report caused (people's corrections), oldest first."""
        ...


class ChatRepository(Protocol):
    """Chats and their settings."""

    async def upsert(self, chat: Chat) -> Chat:
        """Insert a chat or update its type/title (settings are kept); return the stored row."""
        ...

    async def get(self, chat_id: int) -> Chat | None:
        """One chat by id."""
        ...

    async def with_subscriptions(self, chat_id: int) -> tuple[Chat, list[Subscription]] | None:
        """A chat and its subscriptions (oldest first) in one read; None for an unknown chat."""
        ...

    async def save_settings(self, chat: Chat) -> None:
        """Write a chat's timezone, digest time, quiet hours, language and last digest date."""
        ...

    async def set_active(self, chat_id: int, active: bool) -> None:
        """Mark a chat reachable or not (blocked, kicked)."""
        ...

    async def migrate(self, old_id: int, new_id: int) -> None:
        """Move a chat, its subscriptions and pending messages to a new id (supergroup upgrade)."""
        ...

    async def with_digest(self) -> list[Chat]:
        """Active chats that have a digest time set."""
        ...

    async def count(self, active_only: bool = True) -> int:
        """How many chats there are."""
        ...


class SubscriptionRepository(Protocol):
    """What each chat follows."""

    async def add(self, subscription: Subscription) -> tuple[Subscription, bool]:
        """Subscribe (idempotent per chat, kind and key); return the row and whether it is new."""
        ...

    async def remove(self, chat_id: int, subscription_id: int) -> bool:
        """Remove one subscription of a chat; True if it existed."""
        ...

    async def remove_all(self, chat_id: int) -> int:
        """Remove every subscription of a chat; return how many."""
        ...

    async def for_chat(self, chat_id: int) -> list[Subscription]:
        """A chat's subscriptions, oldest first."""
        ...

    async def matching(
        self,
        place_keys: Sequence[str],
        admin1_codes: Sequence[str],
        actor_ids: Sequence[str],
    ) -> list[Subscription]:
        """Subscriptions of active chats matching any of the places, governorates or actors.

        Written here once: an implementation that subclasses this Protocol gives
        :meth:`_matching` the keys wanted of each kind.
        """
        wanted = {
            kind: sorted(set(keys))
            for kind, keys in (
                (SubscriptionKind.PLACE, place_keys),
                (SubscriptionKind.ADMIN1, admin1_codes),
                (SubscriptionKind.ACTOR, actor_ids),
            )
            if keys
        }
        return await self._matching(wanted) if wanted else []

    async def _matching(self, wanted: Mapping[SubscriptionKind, list[str]]) -> list[Subscription]:
        """Subscriptions of active chats whose key is among those wanted of its kind (each list
        sorted, unique and not empty), by chat and then oldest first."""
        ...

    async def count(self) -> int:
        """How many subscriptions there are."""
        ...


class FeedRepository(Protocol):
    """RSS/Atom feeds to poll."""

    async def add(self, feed: Feed) -> tuple[Feed, bool]:
        """Add a feed (idempotent per URL); return the row and whether it is new."""
        ...

    async def remove(self, feed_id: int) -> bool:
        """Delete a feed; True if it existed."""
        ...

    async def get(self, feed_id: int) -> Feed | None:
        """One feed by id."""
        ...

    async def list(self) -> list[Feed]:
        """Every feed."""
        ...

    async def due(self, now: dt.datetime) -> builtins.list[Feed]:
        """Active feeds whose next poll time has come."""
        ...

    async def save(self, feed: Feed) -> None:
        """Write a feed's polling state (etag, last-modified, times, failures, error)."""
        ...


class OutboxRepository(Protocol):
    """The delivery outbox: one row per message to send, delivered exactly once."""

    async def enqueue(self, message: OutboxMessage) -> tuple[OutboxMessage, bool]:
        """Queue a message (idempotent on its key); return the row and whether it is new."""
        ...

    async def claim_due(self, now: dt.datetime, limit: int = 100) -> list[OutboxMessage]:
        """Mark up to ``limit`` due pending messages as sending and return them, oldest first."""
        ...

    async def mark_sent(
        self, message_id: int, telegram_message_id: int | None, at: dt.datetime
    ) -> None:
        """Record a successful send."""
        ...

    async def mark_retry(self, message_id: int, next_attempt_at: dt.datetime, error: str) -> None:
        """Put a message back to pending for a later attempt."""
        ...

    async def mark_failed(self, message_id: int, error: str) -> None:
        """Give up on a message."""
        ...

    async def get_by_key(self, idempotency_key: str) -> OutboxMessage | None:
        """One message by its idempotency key."""
        ...

    async def recover_stale(self, older_than: dt.datetime) -> int:
        """Return 'sending' messages claimed before ``older_than`` to pending (crash recovery)."""
        ...

    async def fail_pending_for_chat(self, chat_id: int, error: str) -> int:
        """Fail every pending message of a chat that can no longer be reached."""
        ...

    async def counts(self) -> dict[str, int]:
        """How many messages are in each status."""
        ...

    async def oldest_unsent(self) -> dt.datetime | None:
        """When the oldest message still pending or sending was queued (None: all delivered)."""
        ...


class MetaRepository(Protocol):
    """Small key-value state: last ingest time, last error, scheduler marks."""

    async def get(self, key: str) -> str | None:
        """A value, or None."""
        ...

    async def set(self, key: str, value: str) -> None:
        """Write a value."""
        ...


class Storage(Protocol):
    """A whole backend: repositories plus transactions and lifecycle."""

    reports: ReportRepository
    incidents: IncidentRepository
    actors: ActorRepository
    learning: LearningRepository
    chats: ChatRepository
    subscriptions: SubscriptionRepository
    feeds: FeedRepository
    outbox: OutboxRepository
    meta: MetaRepository
    review: ReviewRepository
    # When rows without their own time are stamped (created_at, meta and actor times).
    now: Callable[[], dt.datetime]

    def transaction(self) -> AbstractAsyncContextManager[None]:
        """Group the calls made inside the block into one atomic transaction."""
        ...

    async def close(self) -> None:
        """Release connections and locks."""
        ...


class Backend(Storage, Protocol):
    """A concrete backend as the composition root and the CLI see it: storage plus upkeep.

    ``shared`` says whether several Sitrep processes may use the database at once (PostgreSQL)
    or one process owns it through an instance lock (SQLite). With a shared database only the
    leader (:meth:`try_lead`) sends the outbox and runs scheduled work.
    """

    kind: str  # "sqlite" or "postgresql"
    shared: bool

    @property
    def location(self) -> str:
        """Where the data lives, safe to print (no password)."""
        ...

    def acquire_instance_lock(self) -> None:
        """Refuse a second process on a database that cannot be shared."""
        ...

    async def try_lead(self) -> bool:
        """Become (or stay) the one process that sends and runs scheduled work."""
        ...

    async def release_leadership(self) -> None:
        """Stop leading, so another process can take over."""
        ...

    async def migrate(self) -> builtins.list[int]:
        """Apply pending migrations; return the versions applied now."""
        ...

    async def schema_version(self) -> int:
        """The newest migration applied."""
        ...

    @property
    def latest_schema_version(self) -> int:
        """The newest migration this Sitrep ships for this backend (readiness compares)."""
        ...

    async def integrity_check(self) -> str:
        """ "ok" when healthy, else the problems found."""
        ...

    async def backup(self, destination: Path) -> None:
        """Write a consistent copy of the database to ``destination``."""
        ...

    async def rebuild_search_index(self) -> int:
        """Re-index every report and incident for search; return how many rows."""
        ...
