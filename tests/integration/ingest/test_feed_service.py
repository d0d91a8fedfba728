"""FeedService end to end over a local HTTP server: add, poll, 304s, back-off, duplicates."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.domain import Chat, ChatType, OutboxKind, Subscription, SubscriptionKind, TextPayload
from bot.services.errors import UserError
from bot.services.feeds import MAX_BACKOFF, FeedService, backoff_delay
from tests.httpserver import LocalHTTPServer
from tests.integration.ingest.conftest import ADMINS, FeedWorld, build_world
from tests.unit.ingest.samples import article_page, atom_feed, rss_feed


def serve_feed(world: FeedWorld, path: str = "/rss", etag: str | None = '"v1"') -> str:
    """Serve the RSS sample (links pointing at the local server) and return its URL."""
    base = world.server.url("")
    world.server.route(path, body=rss_feed(base), content_type="application/rss+xml", etag=etag)
    return world.server.url(path)


class TestAdd:
    async def test_add_reads_title_and_is_idempotent(self, world: FeedWorld) -> None:
        url = serve_feed(world)
        feed = await world.feeds.add(url, added_by=111)
        assert feed.id is not None
        assert feed.title == "Tigris Wire"
        assert feed.added_by == 111
        again, created = await world.feeds.add_feed(url, added_by=222)
        assert not created
        assert again.id == feed.id
        assert len(world.server.requests_for("/rss")) == 1
        assert [f.id for f in await world.feeds.list()] == [feed.id]

    async def test_site_page_announcing_its_feed(self, world: FeedWorld) -> None:
        feed_url = serve_feed(world, "/feeds/main.xml")
        world.server.route(
            "/home",
            body=b'<html><head><link rel="alternate" type="application/rss+xml" '
            b'href="/feeds/main.xml"><link rel="alternate" type="application/rss+xml" '
            b'href="javascript:alert(1)"></head><body>Home</body></html>',
        )
        feed = await world.feeds.add(world.server.url("/home"), added_by=None)
        assert feed.url == feed_url
        assert feed.title == "Tigris Wire"
        again, created = await world.feeds.add_feed(world.server.url("/home"), None)
        assert not created
        assert again.id == feed.id

    async def test_page_that_is_not_a_feed_refused(self, world: FeedWorld) -> None:
        world.server.route("/page", body=b"<html><body><p>Just a page</p></body></html>")
        with pytest.raises(UserError, match="does not give a feed"):
            await world.feeds.add(world.server.url("/page"), added_by=None)
        assert await world.feeds.list() == []

    @pytest.mark.parametrize(
        "url", ["file:///etc/passwd", "gopher://example.com/", "javascript:alert(1)", ""]
    )
    async def test_non_http_refused(self, world: FeedWorld, url: str) -> None:
        with pytest.raises(UserError):
            await world.feeds.add(url, added_by=None)

    async def test_private_address_refused_when_private_fetch_off(
        self, http_server: LocalHTTPServer
    ) -> None:
        world = build_world(http_server, strict=True)
        with pytest.raises(UserError, match="not allowed"):
            await world.feeds.add("http://10.0.0.1/rss", added_by=None)
        with pytest.raises(UserError, match="not allowed"):
            await world.feeds.add("http://169.254.169.254/latest/", added_by=None)

    async def test_interval_per_feed(self, world: FeedWorld) -> None:
        with pytest.raises(UserError, match="between 1 and 1440"):
            await world.feeds.add_feed(serve_feed(world), None, interval_minutes=0)
        feed, _ = await world.feeds.add_feed(serve_feed(world), None, interval_minutes=45)
        assert feed.interval_minutes == 45
        await world.feeds.poll_due()
        stored = await world.feeds.get(feed.id or 0)
        assert stored is not None
        assert stored.next_poll_at == world.clock.now() + dt.timedelta(minutes=45)

    async def test_remove(self, world: FeedWorld) -> None:
        feed = await world.feeds.add(serve_feed(world), added_by=None)
        assert feed.id is not None
        assert await world.feeds.remove(feed.id)
        assert not await world.feeds.remove(feed.id)
        assert await world.feeds.list() == []


def many_linked_entries(base: str, count: int) -> bytes:
    """An RSS feed whose entries each link an article page on the local server."""
    items = "".join(
        f"<item><title>Report {n}</title><link>{base}/news/{n}</link>"
        f"<description>Police said a checkpoint near Kirkuk came under fire in the night, "
        f"the {n}th such report this month; nobody was hurt.</description></item>"
        for n in range(count)
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Slow Wire</title>'
        f"<link>{base}/</link>{items}</channel></rss>"
    ).encode()


class TestPollDeadline:
    async def test_one_deadline_per_poll_and_the_message_names_it(
        self, http_server: LocalHTTPServer
    ) -> None:
        # Every article page drips for longer than the fetch timeout (0.4 s); a poll has three
        # fetch timeouts in all (1.2 s). Later entries keep their feed text instead of waiting.
        world = build_world(http_server, SITREP_FETCH_TIMEOUT_SECONDS=0.4)
        base = world.server.url("")
        world.server.route(
            "/rss", body=many_linked_entries(base, 6), content_type="application/rss+xml"
        )
        for n in range(6):
            world.server.route(f"/news/{n}", body=article_page() * 4, drip=0.1, pieces=8)
        await world.feeds.add(world.server.url("/rss"), added_by=None)
        summary = await world.feeds.poll_due()
        assert summary.reports_new + summary.rejected == 6  # every entry still handled
        article_requests = [r for r in world.server.requests if r.path.startswith("/news/")]
        assert len(article_requests) < 6
        assert any("1.2 seconds" in error for error in summary.errors), summary.errors


class TestPolling:
    async def test_first_poll_ingests_entries(self, world: FeedWorld) -> None:
        await world.feeds.add(serve_feed(world), added_by=None)
        world.server.route("/news/patrol-bomb", status=404, body=b"gone")
        summary = await world.feeds.poll_due()
        assert summary.feeds_polled == 1
        assert summary.entries_seen == 3
        assert summary.reports_new == 3
        assert summary.incidents_new == 1  # the Tikrit entry (scripted extractor)
        reports = await world.storage.reports.latest(10)
        links = {report.url for report in reports}
        assert world.server.url("/news/patrol-bomb") in links
        assert not any(link and link.startswith(("javascript", "data")) for link in links)
        assert {report.outlet for report in reports} == {"Tigris Wire"}
        assert all("<" not in (report.title or "") for report in reports)

    async def test_second_poll_is_conditional_and_adds_nothing(self, world: FeedWorld) -> None:
        await world.feeds.add(serve_feed(world), added_by=None)
        await world.feeds.poll_due()
        before = await world.storage.reports.count()
        world.clock.advance(minutes=16)
        summary = await world.feeds.poll_due()
        assert summary.feeds_polled == 1
        assert summary.not_modified == 1
        assert summary.reports_new == 0
        assert await world.storage.reports.count() == before
        last = world.server.requests_for("/rss")[-1]
        assert last.headers["if-none-match"] == '"v1"'

    async def test_feed_not_due_is_not_polled(self, world: FeedWorld) -> None:
        await world.feeds.add(serve_feed(world), added_by=None)
        await world.feeds.poll_due()
        world.clock.advance(minutes=5)
        summary = await world.feeds.poll_due()
        assert summary.feeds_polled == 0

    async def test_changed_feed_without_validators_gives_duplicates_only(
        self, world: FeedWorld
    ) -> None:
        await world.feeds.add(serve_feed(world, etag=None), added_by=None)
        await world.feeds.poll_due()
        world.clock.advance(minutes=16)
        summary = await world.feeds.poll_due()
        assert summary.entries_seen == 3
        assert summary.reports_new == 0
        assert summary.duplicates == 3
        assert summary.alerts_queued == 0

    async def test_same_article_in_two_feeds_under_two_urls_stored_once(
        self, world: FeedWorld
    ) -> None:
        await world.feeds.add(serve_feed(world, "/rss"), added_by=None)
        other = rss_feed(world.server.url("/mirror")).replace(b"Tigris", b"Mirror")
        world.server.route("/mirror.xml", body=other, content_type="application/xml")
        await world.feeds.add(world.server.url("/mirror.xml"), added_by=None)
        summary = await world.feeds.poll_due()
        assert summary.feeds_polled == 2
        # The mirror carries the same three stories under its own links: all duplicates.
        assert summary.reports_new == 3
        assert summary.duplicates == 3
        assert await world.storage.reports.count() == 3
        assert await world.storage.incidents.count() == 1

    async def test_alerts_queued_once_across_polls_and_mirrors(self, world: FeedWorld) -> None:
        chat_id = 5001
        await world.storage.chats.upsert(Chat(id=chat_id, type=ChatType.PRIVATE))
        await world.storage.subscriptions.add(
            Subscription(
                chat_id=chat_id, kind=SubscriptionKind.ADMIN1, key="IQ-SD", label="Salahuddin"
            )
        )
        await world.feeds.add(serve_feed(world, etag=None), added_by=None)
        first = await world.feeds.poll_due()
        assert first.alerts_queued == 1
        world.clock.advance(minutes=16)
        second = await world.feeds.poll_due()
        assert second.alerts_queued == 0
        world.server.route("/copy", body=article_page())
        world.server.route("/copy2", body=article_page())
        await world.feeds.ingest_url(world.server.url("/copy"))
        again = await world.feeds.ingest_url(world.server.url("/copy2"))
        assert again.duplicate
        counts = await world.storage.outbox.counts()
        # The feed entry and the page are two reports of one event: one alert in total.
        assert sum(counts.values()) == 1
        assert await world.storage.incidents.count() == 1

    async def test_full_article_text_fetched_for_entries(self, world: FeedWorld) -> None:
        await world.feeds.add(serve_feed(world), added_by=None)
        world.server.route("/news/patrol-bomb", body=article_page())
        await world.feeds.poll_due()
        report = await world.storage.reports.find_duplicate(
            world.server.url("/news/patrol-bomb"), "-"
        )
        assert report is not None
        assert "engineers searched the area" in report.text
        assert report.title == "Roadside bomb hits army patrol near Tikrit"

    async def test_article_fetches_to_one_host_are_spaced(self, world: FeedWorld) -> None:
        waits: list[float] = []

        async def record(seconds: float) -> None:
            waits.append(seconds)

        feeds = FeedService(
            world.storage,
            world.services.ingestion,
            world.fetcher,
            world.clock,
            world.settings,
            host_gap_seconds=60,
            sleep=record,
        )
        body = rss_feed(world.server.url("")).replace(
            b"javascript:alert(document.cookie)", world.server.url("/news/two").encode()
        )
        body = body.replace(b"data:text/html,hello", world.server.url("/news/three").encode())
        world.server.route("/rss", body=body, content_type="application/rss+xml")
        await feeds.add(world.server.url("/rss"), added_by=None)
        await feeds.poll_due()
        article_requests = [r for r in world.server.requests if r.path.startswith("/news/")]
        assert len(article_requests) == 3
        assert len(waits) == 2  # the first page at once, the next two after a pause
        assert all(0 < wait <= 60 for wait in waits)

    async def test_atom_feed(self, world: FeedWorld) -> None:
        world.server.route(
            "/atom", body=atom_feed(world.server.url("")), content_type="application/atom+xml"
        )
        feed = await world.feeds.add(world.server.url("/atom"), added_by=None)
        assert feed.title == "Euphrates Monitor"
        summary = await world.feeds.poll_due()
        assert summary.reports_new == 1


class TestFailures:
    async def test_failing_feed_backs_off_and_notifies_admins_once(self, world: FeedWorld) -> None:
        url = serve_feed(world)
        feed = await world.feeds.add(url, added_by=None)
        assert feed.id is not None
        world.server.route("/rss", status=503, body=b"down", content_type="text/plain")
        delays = []
        for _ in range(5):
            summary = await world.feeds.poll_due()
            assert summary.failed == 1
            stored = await world.feeds.get(feed.id)
            assert stored is not None
            assert stored.next_poll_at is not None
            delays.append(stored.next_poll_at - world.clock.now())
            world.clock.set(stored.next_poll_at)
        interval = dt.timedelta(minutes=feed.interval_minutes)
        assert delays == [interval * 2, interval * 4, interval * 8, interval * 16, interval * 32]
        stored = await world.feeds.get(feed.id)
        assert stored is not None
        assert stored.failures == 5
        assert stored.last_error is not None
        assert "503" in stored.last_error
        notices = [
            await world.storage.outbox.get_by_key(key)
            for key in await _feedfail_keys(world, feed.id)
        ]
        assert sorted(message.chat_id for message in notices if message) == sorted(ADMINS)
        assert all(message and message.kind is OutboxKind.NOTICE for message in notices)
        first = notices[0].payload if notices[0] else None
        text = first.text if isinstance(first, TextPayload) else ""
        assert "failed 3 times" in text
        # Failures 4 and 5 queued nothing more: one notice per admin for the whole streak.
        counts = await world.storage.outbox.counts()
        assert counts["pending"] == sum(counts.values()) == len(ADMINS)

    async def test_recovery_resets_failures(self, world: FeedWorld) -> None:
        feed = await world.feeds.add(serve_feed(world), added_by=None)
        assert feed.id is not None
        world.server.route("/rss", status=500, body=b"oops", content_type="text/plain")
        await world.feeds.poll_due()
        serve_feed(world)
        world.clock.advance(hours=1)
        summary = await world.feeds.poll_due()
        assert summary.failed == 0
        stored = await world.feeds.get(feed.id)
        assert stored is not None
        assert stored.failures == 0
        assert stored.last_error is None

    async def test_garbage_feed_counts_as_failure(self, world: FeedWorld) -> None:
        feed = await world.feeds.add(serve_feed(world), added_by=None)
        world.server.route("/rss", body=b"\xff\xfe garbage", content_type="application/xml")
        summary = await world.feeds.poll_due()
        assert summary.failed == 1
        assert feed.id is not None

    async def test_entry_failing_unexpectedly_is_retried_next_pass(self, world: FeedWorld) -> None:
        feed = await world.feeds.add(serve_feed(world), added_by=None)
        world.extractor.fail_with = RuntimeError("extractor bug")
        summary = await world.feeds.poll_due()
        assert summary.rejected == 3
        assert summary.failed == 0
        assert feed.id is not None
        stored = await world.feeds.get(feed.id)
        assert stored is not None
        assert stored.etag is None  # validators not kept: the next pass re-reads everything
        world.extractor.fail_with = None
        world.clock.advance(minutes=16)
        again = await world.feeds.poll_due()
        assert again.reports_new == 3
        assert "if-none-match" not in world.server.requests_for("/rss")[-1].headers

    def test_backoff_is_capped(self) -> None:
        assert backoff_delay(15, 0) == dt.timedelta(minutes=15)
        assert backoff_delay(15, 3) == dt.timedelta(minutes=120)
        assert backoff_delay(15, 40) == MAX_BACKOFF


async def _feedfail_keys(world: FeedWorld, feed_id: int) -> list[str]:
    since = await world.storage.meta.get(f"feedfail:{feed_id}:since")
    assert since is not None
    return [f"feedfail:{feed_id}:{since}:{admin}" for admin in ADMINS]


class TestIngestUrl:
    async def test_page_ingested_once(self, world: FeedWorld) -> None:
        world.server.route("/story", body=article_page())
        outcome = await world.feeds.ingest_url(world.server.url("/story"))
        assert not outcome.duplicate
        assert outcome.report.title == "Two killed as bomb hits patrol near Tikrit"
        assert outcome.report.outlet == "Tigris Wire"
        assert outcome.report.origin == "web"
        assert len(outcome.new_incidents) == 1
        again = await world.feeds.ingest_url(world.server.url("/story"))
        assert again.duplicate
        assert len(world.server.requests_for("/story")) == 1

    async def test_same_article_under_another_url_is_a_duplicate(self, world: FeedWorld) -> None:
        world.server.route("/story", body=article_page())
        world.server.route("/amp/story", body=article_page())
        await world.feeds.ingest_url(world.server.url("/story"))
        again = await world.feeds.ingest_url(world.server.url("/amp/story"))
        assert again.duplicate
        assert await world.storage.incidents.count() == 1

    async def test_errors_are_user_errors(self, world: FeedWorld) -> None:
        world.server.route("/empty", body=b"<html><body></body></html>")
        with pytest.raises(UserError, match="article"):
            await world.feeds.ingest_url(world.server.url("/empty"))
        with pytest.raises(UserError, match="404"):
            await world.feeds.ingest_url(world.server.url("/missing"))
        with pytest.raises(UserError, match="http"):
            await world.feeds.ingest_url("ftp://example.com/x")

    async def test_redirect_to_loopback_refused(self, http_server: LocalHTTPServer) -> None:
        world = build_world(http_server, strict=True)
        http_server.route("/jump", status=302, headers={"Location": "http://127.0.0.1/admin"})
        with pytest.raises(UserError, match="not allowed"):
            await world.feeds.ingest_url(http_server.url("/jump"))
