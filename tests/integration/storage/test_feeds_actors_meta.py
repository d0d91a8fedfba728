"""Feeds (unique per URL, due times), admin-added actors, and the meta key-value store."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.domain import ActorRef, ActorType, Feed
from storage.base import NotFoundError
from storage.sqlite import SqliteStorage

from .conftest import AAH, T0

HOUR = dt.timedelta(hours=1)


class TestFeeds:
    """Feeds."""

    async def test_add_is_idempotent_per_url(self, storage: SqliteStorage) -> None:
        first, new = await storage.feeds.add(Feed(url="https://a.example/rss", added_by=5))
        again, new_again = await storage.feeds.add(Feed(url="https://a.example/rss", title="x"))
        assert (new, new_again) == (True, False)
        assert again == first
        assert first.added_by == 5
        assert [f.url for f in await storage.feeds.list()] == ["https://a.example/rss"]

    async def test_due_and_save(self, storage: SqliteStorage) -> None:
        never, _ = await storage.feeds.add(Feed(url="https://never.example"))
        soon, _ = await storage.feeds.add(Feed(url="https://soon.example", next_poll_at=T0))
        await storage.feeds.add(Feed(url="https://later.example", next_poll_at=T0 + HOUR))
        await storage.feeds.add(Feed(url="https://off.example", active=False))
        assert [f.id for f in await storage.feeds.due(T0)] == [never.id, soon.id]
        soon.etag = '"abc"'
        soon.last_modified = "Sun, 01 Mar 2026 12:00:00 GMT"
        soon.last_polled_at = T0
        soon.next_poll_at = T0 + 2 * HOUR
        soon.failures = 2
        soon.last_error = "HTTP 503"
        soon.title = "عنوان"
        await storage.feeds.save(soon)
        assert soon.id is not None
        assert await storage.feeds.get(soon.id) == soon
        assert [f.id for f in await storage.feeds.due(T0 + HOUR)] == [never.id, 3]

    async def test_remove_and_missing(self, storage: SqliteStorage) -> None:
        feed, _ = await storage.feeds.add(Feed(url="https://a.example"))
        assert feed.id is not None
        assert await storage.feeds.remove(feed.id) is True
        assert await storage.feeds.remove(feed.id) is False
        assert await storage.feeds.get(feed.id) is None
        with pytest.raises(NotFoundError):
            await storage.feeds.save(feed)
        with pytest.raises(NotFoundError):
            await storage.feeds.save(Feed(url="https://no-id.example"))


class TestActors:
    """Admin-added actors with aliases."""

    async def test_upsert_replaces_aliases(self, storage: SqliteStorage) -> None:
        await storage.actors.upsert(AAH, ["AAH", "عصائب أهل الحق"])
        renamed = AAH.model_copy(update={"name": "Asa'ib Ahl al-Haq"})
        await storage.actors.upsert(renamed, ["Asaib", "AAH", "AAH"])
        other = ActorRef(id="zz", name="Zed", type=ActorType.REBEL_GROUP)
        await storage.actors.upsert(other, [])
        assert await storage.actors.all() == [(renamed, ["Asaib", "AAH"]), (other, [])]

    async def test_remove(self, storage: SqliteStorage) -> None:
        await storage.actors.upsert(AAH, ["AAH"])
        assert await storage.actors.remove(AAH.id) is True
        assert await storage.actors.remove(AAH.id) is False
        assert await storage.actors.all() == []


class TestMeta:
    """Key-value state."""

    async def test_get_set(self, storage: SqliteStorage) -> None:
        assert await storage.meta.get("last_ingest") is None
        await storage.meta.set("last_ingest", "2026-03-01T12:00:00+00:00")
        await storage.meta.set("last_ingest", "later")
        assert await storage.meta.get("last_ingest") == "later"
