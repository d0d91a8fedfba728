"""Hostile input through the real handlers and services: nothing crashes, nothing leaks
(no raw markup, no tracebacks, no secrets), nothing stored is lost, other users unaffected.

The real application long-polls a fake Bot API on 127.0.0.1; feeds and pages come from a local
HTTP server (private fetching allowed for the test only).
"""

from __future__ import annotations

import datetime as dt
import gzip
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import AppContext
from bot.services.admin import META_LAST_ERROR
from storage.base import IncidentQuery
from tests.fakebotapi import SentMessage
from tests.fault.conftest import (
    ADMIN_ID,
    SECRET_TOKEN,
    FaultyBotAPI,
    app_settings,
    running_app,
)
from tests.httpserver import LocalHTTPServer

USER = 31_337
OTHER = 42_424
SEED_REPORT = (
    "BASRA, Iraq - Gunmen opened fire on a police checkpoint in Basra on Monday, killing "
    "three officers and wounding two, a police source said."
)
INJECTION = (
    '<b>bold</b><script>alert("x")</script><a href="javascript:evil()">x</a> & co '
    "*md* _md_ [md](javascript:evil()) `md`"
)
GROUP = -5_550_001


@pytest.fixture
async def app(api: FaultyBotAPI, tmp_path: Path) -> AsyncIterator[AppContext]:
    settings = app_settings(api, tmp_path / "hostile.sqlite3", SITREP_USER_RATE_PER_MINUTE=30)
    async with running_app(settings) as context:
        await context.services.ingestion.ingest_text(
            SEED_REPORT, published_at=dt.datetime.now(dt.UTC), origin="test"
        )
        yield context


async def ask(api: FaultyBotAPI, chat_id: int, text: str, timeout: float = 20) -> SentMessage:
    """Send ``text`` as ``chat_id`` and return the bot's next message there."""
    before = len(api.sent_to(chat_id))
    api.send_text(text, chat_id=chat_id)
    return await api.wait_reply(chat_id, before, timeout=timeout)


def assert_clean(message: SentMessage) -> None:
    """A reply fit for Telegram: short enough, no raw injected markup, nothing internal."""
    assert len(message.text.encode("utf-16-le")) // 2 <= 4096
    assert "<script" not in message.text
    assert 'href="javascript' not in message.text
    assert "Traceback" not in message.text
    assert SECRET_TOKEN.split(":")[1] not in message.text
    assert "\x00" not in message.text


async def assert_healthy(api: FaultyBotAPI, app: AppContext) -> None:
    """The bot still answers, the seeded incident is intact, no unhandled error was recorded."""
    reply = await ask(api, OTHER, "/latest")
    assert "Basra" in reply.text
    assert await app.storage.incidents.count() == 1
    assert await app.storage.integrity_check() == "ok"
    assert await app.storage.meta.get(META_LAST_ERROR) is None


@pytest.mark.slow
class TestHostileMessages:
    async def test_megabyte_messages(self, api: FaultyBotAPI, app: AppContext) -> None:
        huge = "Basra " * 180_000  # ~1 MB
        for text in (huge, "/city " + huge, "/search " + huge, "/subscribe " + huge):
            assert_clean(await ask(api, USER, text))
        # An admin pasting a 1 MB "report" is told it is too long; nothing is stored.
        reply = await ask(api, ADMIN_ID, huge)
        assert_clean(reply)
        assert "too long" in reply.text
        assert await app.storage.reports.count() == 1
        await assert_healthy(api, app)

    async def test_control_characters_and_markup_injection(
        self, api: FaultyBotAPI, app: AppContext
    ) -> None:
        nasty = [
            "/city Bas\x00ra\x07\x1b[31m\u202e",
            f"/city {INJECTION}",
            f"/faction {INJECTION}",
            f"/subscribe {INJECTION}",
            f"/search {INJECTION}",
            "/timezone <i>Asia/Baghdad</i>",
            "/digest_time 25:99<b>",
            f"/incident 1{INJECTION}",
        ]
        for text in nasty:
            reply = await ask(api, USER, text)
            assert_clean(reply)
        # Injected text that is echoed back comes back escaped.
        echoed = [m.text for m in api.sent_to(USER) if "bold" in m.text]
        assert all("&lt;b&gt;" in text or "<b>bold</b>" not in text for text in echoed)
        # A group whose title and sender name are markup.
        for text in ("/start", "/settings", "/subscribe Basra", "/subscriptions"):
            before = len(api.sent_to(GROUP))
            update = api.message_update(text, chat_id=GROUP, user_id=USER, chat_type="group")
            update["message"]["chat"]["title"] = INJECTION
            update["message"]["from"]["first_name"] = INJECTION
            update["message"]["from"]["username"] = "x<script>"
            api.push_update(update)
            assert_clean(await api.wait_reply(GROUP, before))
        # An admin ingesting a report full of markup: stored as text, shown escaped.
        reply = await ask(api, ADMIN_ID, f"/ingest {INJECTION} " + SEED_REPORT.lower())
        assert_clean(reply)
        assert await app.storage.meta.get(META_LAST_ERROR) is None

    async def test_sql_metacharacters(self, api: FaultyBotAPI, app: AppContext) -> None:
        for text in (
            "/search '; DROP TABLE incidents; --",
            '/search " OR 1=1 --',
            "/search NEAR(basra police) OR *",
            "/city Basra' OR '1'='1",
            "/faction %' UNION SELECT * FROM chats --",
            "/latest 1; DELETE FROM reports",
            "/incident 1 OR 1=1",
        ):
            assert_clean(await ask(api, USER, text))
        await assert_healthy(api, app)
        incidents = await app.storage.incidents.query(IncidentQuery(limit=10))
        assert len(incidents) == 1

    async def test_ten_thousand_commands_from_one_user(
        self, api: FaultyBotAPI, app: AppContext
    ) -> None:
        flood = 10_000
        for _ in range(flood):
            api.send_text("/latest", chat_id=USER)
        await api.wait_idle(timeout=120)
        others = [await ask(api, OTHER, "/help", timeout=30) for _ in range(3)]
        for reply in others:
            assert "/latest" in reply.text
        # The flooder got at most a minute's allowance plus one warning; nobody else was slowed.
        to_flooder = api.sent_to(USER)
        assert 1 <= len(to_flooder) <= 30 + 1
        assert any("faster than I can answer" in m.text for m in to_flooder)
        await assert_healthy(api, app)


@pytest.mark.slow
class TestHostileSources:
    async def test_feed_with_markup_titles_and_invalid_utf8(
        self, api: FaultyBotAPI, app: AppContext, http_server: LocalHTTPServer
    ) -> None:
        item = (
            "<item><title>Blast &lt;script&gt;alert(1)&lt;/script&gt; in Basra \xff\xfe</title>"
            "<link>https://news.example/a</link><description>Gunmen attacked a checkpoint in "
            "Basra on Monday \xc3\x28 killing two police officers.</description></item>"
        )
        body = (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            '<title>Evil &lt;b&gt;Feed&lt;/b&gt; &lt;a href="javascript:x()"&gt;</title>'
            f"<link>https://news.example/</link>{item}</channel></rss>"
        ).encode("latin-1")
        http_server.route("/feed.xml", body=body, content_type="application/rss+xml")
        reply = await ask(api, ADMIN_ID, f"/feed_add {http_server.url('/feed.xml')}")
        assert_clean(reply)
        listing = await ask(api, ADMIN_ID, "/feeds")
        assert_clean(listing)
        assert "<b>Feed</b>" not in listing.text
        assert "Feed" in listing.text
        await assert_healthy(api, app)

    async def test_zip_bomb_page_is_refused(
        self, api: FaultyBotAPI, app: AppContext, http_server: LocalHTTPServer
    ) -> None:
        bomb = gzip.compress(b"<p>" + b"A" * 200_000_000 + b"</p>", compresslevel=9)
        assert len(bomb) < 1_000_000
        http_server.route("/bomb", body=bomb, headers={"Content-Encoding": "gzip"})
        started = time.monotonic()
        reply = await ask(api, ADMIN_ID, f"/ingest {http_server.url('/bomb')}", timeout=30)
        assert_clean(reply)
        assert "larger than" in reply.text
        assert time.monotonic() - started < 30
        assert await app.storage.reports.count() == 1
        await assert_healthy(api, app)
