"""Feed admin handlers over a real PTB Bot with a recording fake request: escaping, buttons."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from types import SimpleNamespace
from typing import cast

import pytest
from telegram import Bot, Update
from telegram.ext import Application

from bot.domain import Feed, Report
from bot.domain.views import IngestOutcome
from bot.services.errors import UserError
from handlers.common import Context
from handlers.feeds import FeedCommands
from handlers.jobs import feed_poll_job, schedule_feed_polling
from handlers.render_admin import feed_list, ingest_message
from tests.fakerequest import BOT_USER, RecordingRequest
from tests.httpserver import LocalHTTPServer, running_server
from tests.integration.ingest.conftest import FeedWorld, build_world, scripted_incident
from tests.unit.ingest.samples import article_page, rss_feed

ADMIN = 111
STRANGER = 999


@pytest.fixture
async def bot() -> AsyncIterator[tuple[Bot, RecordingRequest]]:
    """A real PTB Bot whose requests never leave the process."""
    request = RecordingRequest()
    instance = Bot("123:TEST", request=request, get_updates_request=RecordingRequest())
    await instance.initialize()
    yield instance, request
    await instance.shutdown()


@pytest.fixture
def world(http_server: LocalHTTPServer) -> FeedWorld:
    """Feed service over in-memory storage (SQLite is covered by the integration tests)."""
    return build_world(http_server)


def commands(world: FeedWorld) -> FeedCommands:
    """The handlers with one admin."""
    return FeedCommands(world.feeds, is_admin=lambda user_id: user_id == ADMIN)


def message_update(bot: Bot, user_id: int, text: str) -> Update:
    """A private-chat message update."""
    data = {
        "update_id": 1,
        "message": {
            "message_id": 10,
            "date": 0,
            "chat": {"id": user_id, "type": "private"},
            "from": {"id": user_id, "is_bot": False, "first_name": "A"},
            "text": text,
        },
    }
    update = Update.de_json(data, bot)
    assert update is not None
    return update


def button_update(bot: Bot, user_id: int, data: str) -> Update:
    """A callback-query update from a button under one of the bot's messages."""
    payload = {
        "update_id": 2,
        "callback_query": {
            "id": "cb1",
            "chat_instance": "ci",
            "from": {"id": user_id, "is_bot": False, "first_name": "A"},
            "data": data,
            "message": {
                "message_id": 11,
                "date": 0,
                "chat": {"id": user_id, "type": "private"},
                "from": BOT_USER,
                "text": "Feeds",
            },
        },
    }
    update = Update.de_json(payload, bot)
    assert update is not None
    return update


def args(*values: str) -> Context:
    """A context carrying only command arguments."""
    return cast(Context, SimpleNamespace(args=list(values)))


HOSTILE_TITLE = b"<title>&lt;script&gt;alert(1)&lt;/script&gt; Wire &amp;lt;b&amp;gt; Co</title>"


def hostile_feed(server: LocalHTTPServer) -> str:
    """A feed whose title decodes to the text "Wire <b> Co" (the script itself is dropped)."""
    body = rss_feed(server.url("")).replace(
        b"<title>Tigris &lt;b&gt;Wire&lt;/b&gt;</title>", HOSTILE_TITLE
    )
    server.route("/rss", body=body, content_type="application/rss+xml")
    return server.url("/rss")


async def press_remove(world: FeedWorld, instance: Bot, user_id: int) -> None:
    """An admin adds a feed; ``user_id`` presses its Remove button."""
    feed = await world.feeds.add(hostile_feed(world.server), added_by=ADMIN)
    await commands(world).on_remove_button(
        button_update(instance, user_id, f"feed:rm:{feed.id}"), args()
    )


class TestRendering:
    def test_feed_list_escapes_titles_urls_and_errors(self) -> None:
        feed = Feed(
            id=3,
            url="https://x.example/rss?a=1&b=<2>",
            title="<script>alert(1)</script>",
            failures=2,
            last_error="<b>boom</b>",
        )
        text = feed_list([feed])
        assert "<script>" not in text
        assert "&lt;script&gt;" in text
        assert "&amp;b=&lt;2&gt;" in text
        assert "&lt;b&gt;boom" in text

    def test_outcome_escapes_report_and_incident_text(self) -> None:
        report = Report(
            id=5,
            content_hash="h",
            title="<script>alert(1)</script>",
            outlet="<i>Wire</i>",
            fetched_at=dt.datetime(2026, 3, 2, tzinfo=dt.UTC),
            text="body",
        )
        incident = scripted_incident("<b>Tikrit</b>")
        text = ingest_message(
            IngestOutcome(report=report, new_incidents=[incident], notes=["toll <rose>"])
        )
        assert "<script>" not in text
        assert "<i>Wire" not in text
        assert "<b>Tikrit" not in text
        assert "<rose>" not in text
        assert "&lt;script&gt;" in text
        assert "&lt;b&gt;Tikrit" in text

    def test_a_report_without_a_publication_time_says_when_it_was_received(self) -> None:
        received = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
        undated = Report(id=6, content_hash="u", fetched_at=received, text="body")
        outcome = IngestOutcome(report=undated, new_incidents=[scripted_incident("Tikrit")])
        english = ingest_message(outcome)
        assert "read from the time the report was received (2 Mar 2026 09:30 UTC)" in english
        arabic = ingest_message(outcome, "ar")
        assert "وقت استلام التقرير" in arabic
        assert "آذار" in arabic  # the month in Arabic
        dated = undated.model_copy(update={"published_at": received})
        assert "received" not in ingest_message(IngestOutcome(report=dated))

    def test_a_report_dated_by_its_link_says_so(self) -> None:
        fetched = dt.datetime(2026, 3, 9, tzinfo=dt.UTC)
        undated = Report(id=7, content_hash="l", fetched_at=fetched, text="body")
        outcome = IngestOutcome(
            report=undated, link_day=dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)
        )
        english = ingest_message(outcome)
        assert "the date in the report's link (2 Mar 2026)" in english
        assert "received" not in english
        assert "آذار" in ingest_message(outcome, "ar")

    def test_empty_list_explains_how_to_add(self) -> None:
        assert "/feed_add" in feed_list([])


class TestCommands:
    async def test_non_admin_refused(
        self, world: FeedWorld, bot: tuple[Bot, RecordingRequest]
    ) -> None:
        instance, request = bot
        await commands(world).cmd_feed_add(
            message_update(instance, STRANGER, "/feed_add x"), args(hostile_feed(world.server))
        )
        (sent,) = request.sent("sendMessage")
        assert "Only Sitrep's admins" in sent["text"]
        assert await world.feeds.list() == []

    async def test_add_then_list_with_escaped_title_and_remove_buttons(
        self, world: FeedWorld, bot: tuple[Bot, RecordingRequest]
    ) -> None:
        instance, request = bot
        handlers = commands(world)
        url = hostile_feed(world.server)
        await handlers.cmd_feed_add(message_update(instance, ADMIN, "/feed_add"), args(url))
        await handlers.cmd_feeds(message_update(instance, ADMIN, "/feeds"), args())
        added, listed = request.sent("sendMessage")
        assert "Added feed" in added["text"]
        for sent in (added, listed):
            assert "<script>" not in sent["text"]
            assert "alert(1)" not in sent["text"]
            assert "<b> Co" not in sent["text"]
            assert "Wire &lt;b&gt; Co" in sent["text"]
            assert sent["parse_mode"] == "HTML"
        buttons = listed["reply_markup"]["inline_keyboard"]
        assert buttons[0][0]["callback_data"] == "feed:rm:1"

    async def test_bad_url_gives_escaped_error(
        self, world: FeedWorld, bot: tuple[Bot, RecordingRequest]
    ) -> None:
        instance, request = bot
        await commands(world).cmd_feed_add(
            message_update(instance, ADMIN, "/feed_add"), args("gopher://<x>/")
        )
        (sent,) = request.sent("sendMessage")
        assert "http" in sent["text"]
        assert "<x>" not in sent["text"]

    async def test_remove_button(
        self, world: FeedWorld, bot: tuple[Bot, RecordingRequest]
    ) -> None:
        instance, request = bot
        await press_remove(world, instance, ADMIN)
        assert await world.feeds.list() == []
        (answer,) = request.sent("answerCallbackQuery")
        assert answer["text"] == "Removed."
        (edited,) = request.sent("editMessageText")
        assert "No feeds yet" in edited["text"]

    async def test_remove_button_refused_for_non_admin(
        self, world: FeedWorld, bot: tuple[Bot, RecordingRequest]
    ) -> None:
        instance, request = bot
        await press_remove(world, instance, STRANGER)
        assert len(await world.feeds.list()) == 1
        assert request.sent("answerCallbackQuery")[0]["show_alert"] is True

    async def test_remove_by_number(
        self, world: FeedWorld, bot: tuple[Bot, RecordingRequest]
    ) -> None:
        instance, request = bot
        feed = await world.feeds.add(hostile_feed(world.server), added_by=ADMIN)
        handlers = commands(world)
        await handlers.cmd_feed_remove(message_update(instance, ADMIN, "/x"), args(str(feed.id)))
        await handlers.cmd_feed_remove(message_update(instance, ADMIN, "/x"), args(str(feed.id)))
        first, second = request.sent("sendMessage")
        assert first["text"] == f"Removed feed {feed.id}."
        assert second["text"] == f"There is no feed {feed.id}."


class TestIngestUrl:
    async def test_page_title_escaped_in_reply(
        self, world: FeedWorld, bot: tuple[Bot, RecordingRequest]
    ) -> None:
        instance, request = bot
        world.server.route("/story", body=article_page("Blast &amp;amp; fire near Tikrit"))
        await commands(world).ingest_url(
            message_update(instance, ADMIN, "/ingest"), args(), world.server.url("/story")
        )
        (sent,) = request.sent("sendMessage")
        assert "Blast &amp; fire near Tikrit" in sent["text"]
        assert "New incidents: 1" in sent["text"]
        assert "Tikrit" in sent["text"]

    async def test_outcome_rendering_duplicate(self, world: FeedWorld) -> None:
        world.server.route("/story", body=article_page())
        await world.feeds.ingest_url(world.server.url("/story"))
        again = await world.feeds.ingest_url(world.server.url("/story"))
        assert ingest_message(again).startswith("Already have this report")


class TestUsageAndButtons:
    async def test_add_without_url_shows_usage(
        self, world: FeedWorld, bot: tuple[Bot, RecordingRequest]
    ) -> None:
        instance, request = bot
        await commands(world).cmd_feed_add(message_update(instance, ADMIN, "/feed_add"), args())
        assert request.sent("sendMessage")[0]["text"].startswith("Usage: /feed_add")

    async def test_remove_without_number_offers_buttons(
        self, world: FeedWorld, bot: tuple[Bot, RecordingRequest]
    ) -> None:
        instance, request = bot
        feed = await world.feeds.add(hostile_feed(world.server), added_by=ADMIN)
        handlers = commands(world)
        await handlers.cmd_feed_remove(message_update(instance, ADMIN, "/feed_remove"), args())
        await handlers.cmd_feed_remove(message_update(instance, ADMIN, "/x"), args("three"))
        offer, usage = request.sent("sendMessage")
        assert offer["text"] == "Which feed should I remove?"
        button = offer["reply_markup"]["inline_keyboard"][0][0]
        assert button["callback_data"] == f"feed:rm:{feed.id}"
        assert usage["text"].startswith("Usage: /feed_remove")

    async def test_ingest_url_refused_for_non_admin(
        self, world: FeedWorld, bot: tuple[Bot, RecordingRequest]
    ) -> None:
        instance, request = bot
        world.server.route("/story", body=article_page())
        await commands(world).ingest_url(
            message_update(instance, STRANGER, "/ingest"), args(), world.server.url("/story")
        )
        assert "Only Sitrep's admins" in request.sent("sendMessage")[0]["text"]
        assert world.server.requests_for("/story") == []

    async def test_ingest_url_error_is_escaped(
        self, world: FeedWorld, bot: tuple[Bot, RecordingRequest]
    ) -> None:
        instance, request = bot
        await commands(world).ingest_url(
            message_update(instance, ADMIN, "/ingest"), args(), "ftp://<b>x</b>/"
        )
        text = request.sent("sendMessage")[0]["text"]
        assert "http" in text
        assert "<b>x" not in text


class TestPollJob:
    async def test_job_polls_due_feeds(
        self, world: FeedWorld, bot: tuple[Bot, RecordingRequest]
    ) -> None:
        await world.feeds.add(hostile_feed(world.server), added_by=ADMIN)
        job = feed_poll_job(world.feeds)
        await job(args())
        assert await world.storage.reports.count() == 3

    async def test_scheduled_on_the_job_queue(self, bot: tuple[Bot, RecordingRequest]) -> None:
        instance, _ = bot
        with running_server() as server:
            world = build_world(server)
            application = Application.builder().bot(instance).build()
            schedule_feed_polling(application, world.feeds, interval=60)
            assert application.job_queue is not None
            (job,) = application.job_queue.get_jobs_by_name("feeds:poll")
            assert job.name == "feeds:poll"


class TestRefusalsNameTheSetting:
    @pytest.mark.parametrize(
        "url",
        ["http://10.1.2.3/rss", "http://192.168.1.20/feed.xml", "https://news.example:8443/rss"],
    )
    async def test_private_or_odd_port_feed_says_how_to_allow_it(
        self, http_server: LocalHTTPServer, bot: tuple[Bot, RecordingRequest], url: str
    ) -> None:
        world = build_world(http_server, SITREP_ALLOW_PRIVATE_FETCH=False)
        instance, request = bot
        await commands(world).cmd_feed_add(message_update(instance, ADMIN, "/feed_add"), args(url))
        (sent,) = request.sent("sendMessage")
        assert "SITREP_ALLOW_PRIVATE_FETCH" in sent["text"]

    async def test_private_page_for_ingest_says_how_to_allow_it(
        self, http_server: LocalHTTPServer
    ) -> None:
        world = build_world(http_server, SITREP_ALLOW_PRIVATE_FETCH=False)
        with pytest.raises(UserError, match="SITREP_ALLOW_PRIVATE_FETCH"):
            await world.feeds.ingest_url("http://10.0.0.8/story")
