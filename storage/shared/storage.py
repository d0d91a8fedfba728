"""What both SQL storages share: the repositories that are the same SQL, and ``async with``."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from storage.base import (
    ActorRepository,
    FeedRepository,
    MetaRepository,
    ReviewRepository,
    Storage,
    SubscriptionRepository,
)
from storage.dialect import Dialect, Op, T
from storage.shared.actors import SqlActorRepository
from storage.shared.feeds import SqlFeedRepository
from storage.shared.meta import SqlMetaRepository
from storage.shared.review import SqlReviewRepository
from storage.shared.subscriptions import SqlSubscriptionRepository


class SqlStorageBase(Storage):
    """Base of the SQL storages (a ``storage.base.Storage``, its members typed there)."""

    def _add_shared_repositories(self, dialect: Dialect) -> None:
        """The repositories whose SQL is the same on every backend, in ``dialect``."""
        self.actors: ActorRepository = SqlActorRepository(self, dialect)
        self.subscriptions: SubscriptionRepository = SqlSubscriptionRepository(self, dialect)
        self.feeds: FeedRepository = SqlFeedRepository(self, dialect)
        self.meta: MetaRepository = SqlMetaRepository(self, dialect)
        self.review: ReviewRepository = SqlReviewRepository(self, dialect)

    async def _run(self, op: Op[T], *, write: bool) -> T:
        """Run ``op`` atomically: inside the caller's transaction, or in a new one."""
        raise NotImplementedError

    async def _run_single(self, op: Op[T], *, write: bool = False) -> T:
        """Run one statement (atomic by itself)."""
        raise NotImplementedError

    async def __aenter__(self) -> Self:
        """``async with await Storage.open(...) as storage:`` closes on exit."""
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Close the storage."""
        await self.close()
