"""Webhook mode end to end: real HTTP on 127.0.0.1, the real application, the fake Bot API.

Updates are posted the way Telegram posts them (JSON, secret header); the bot's replies arrive
at the fake Bot API. Also: the probes and the Prometheus exposition after some commands.
"""

from __future__ import annotations

import asyncio
import itertools
import socket
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr

from bot.app import (
    AppContext,
    build_application,
    http_server,
    open_context,
    run_bot,
    start_webhook,
    stop_application,
)
from bot.config import Settings, SettingsError
from handlers.metrics import PrometheusMetrics
from handlers.web import SECRET_HEADER, SitrepHttpServer
from storage.sqlite import SqliteStorage
from tests.e2e.conftest import FAST, OffsetClock
from tests.fakebotapi import FakeBotAPI, Fault

SECRET = "s3cret-Token_for-tests"
WEBHOOK_URL = "https://bot.example.invalid/telegram/updates"
USER = 4242


@pytest.fixture
def webhook_settings(settings: Settings) -> Settings:
    """The e2e settings plus a webhook on a free port of 127.0.0.1."""
    return settings.model_copy(
        update={
            "sitrep_webhook_url": WEBHOOK_URL,
            "sitrep_webhook_secret": SecretStr(SECRET),
            "sitrep_http_host": "127.0.0.1",
            "sitrep_http_port": 0,
        }
    )


@dataclass
class WebhookBot:
    """A bot serving a webhook, and a client to post to it."""

    app: Any
    context: AppContext
    server: SitrepHttpServer
    metrics: PrometheusMetrics
    http: httpx.AsyncClient

    async def post(self, update: dict[str, Any], secret: str | None = SECRET) -> httpx.Response:
        """POST one update to the webhook path, with ``secret`` in the header when given."""
        headers = {SECRET_HEADER: secret} if secret is not None else {}
        return await self.http.post("/telegram/updates", json=update, headers=headers)

    async def metric(self, name: str, **labels: str) -> float:
        """One sample's value from a real scrape of /metrics (0 when absent)."""
        response = await self.http.get("/metrics")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/plain")
        for family in text_string_to_metric_families(response.text):
            for sample in family.samples:
                if sample.name == name and all(
                    sample.labels.get(k) == v for k, v in labels.items()
                ):
                    return float(sample.value)
        return 0.0


@pytest.fixture
async def webhook_bot(webhook_settings: Settings, clock: OffsetClock) -> AsyncIterator[WebhookBot]:
    """The application in webhook mode with its HTTP server; stopped like `sitrep run` stops."""
    metrics = PrometheusMetrics(process_metrics=False)
    context = await open_context(webhook_settings, clock=clock, metrics=metrics)
    try:
        app = build_application(
            webhook_settings,
            context,
            limits=FAST,
            digest_interval=3600,
            feed_interval=3600,
            polling=False,
        )
        server = http_server(webhook_settings, context, metrics, app)
        try:
            await start_webhook(webhook_settings, app, server)
            base = f"http://127.0.0.1:{server.port}"
            async with httpx.AsyncClient(base_url=base, trust_env=False, timeout=30) as http:
                yield WebhookBot(app, context, server, metrics, http)
        finally:
            await server.drain()
            await stop_application(app)
            await server.stop()
    finally:
        await context.close()


_update_ids = itertools.count(1)


def command(api: FakeBotAPI, text: str, chat_id: int = USER) -> dict[str, Any]:
    """A command update as Telegram would post it (with a fresh update_id)."""
    return {"update_id": next(_update_ids), **api.message_update(text, chat_id=chat_id)}


class TestSetup:
    async def test_registers_the_webhook_with_secret_and_never_polls(
        self, api: FakeBotAPI, webhook_bot: WebhookBot
    ) -> None:
        calls = api.calls_of("setWebhook")
        assert len(calls) == 1
        params = calls[0].params
        assert params["url"] == WEBHOOK_URL
        assert params["secret_token"] == SECRET
        assert "message" in params["allowed_updates"]
        assert "callback_query" in params["allowed_updates"]
        assert "my_chat_member" in params["allowed_updates"]
        assert str(params["max_connections"]) == "40"
        assert str(params.get("drop_pending_updates", "false")).lower() == "false"
        assert api.calls_of("getUpdates") == []
        assert api.calls_of("deleteWebhook") == []

    async def test_stopping_one_instance_leaves_the_webhook_in_place(
        self, api: FakeBotAPI, webhook_settings: Settings, clock: OffsetClock
    ) -> None:
        metrics = PrometheusMetrics(process_metrics=False)
        context = await open_context(webhook_settings, clock=clock, metrics=metrics)
        try:
            app = build_application(webhook_settings, context, limits=FAST, polling=False)
            server = http_server(webhook_settings, context, metrics, app)
            await start_webhook(webhook_settings, app, server)
            await server.drain()
            await stop_application(app)
            await server.stop()
        finally:
            await context.close()
        assert len(api.calls_of("setWebhook")) == 1
        assert api.calls_of("deleteWebhook") == []


class TestSecret:
    async def test_missing_or_wrong_secret_is_403_and_nothing_is_handled(
        self, api: FakeBotAPI, webhook_bot: WebhookBot
    ) -> None:
        missing = await webhook_bot.post(command(api, "/start"), secret=None)
        wrong = await webhook_bot.post(command(api, "/start"), secret=SECRET + "x")
        prefix = await webhook_bot.post(command(api, "/start"), secret=SECRET[:-1])
        assert [missing.status_code, wrong.status_code, prefix.status_code] == [403, 403, 403]
        assert SECRET not in missing.text + wrong.text + prefix.text
        assert api.sent_to(USER) == []
        assert await webhook_bot.metric("sitrep_webhook_requests_total", result="forbidden") == 3
        assert await webhook_bot.metric("sitrep_updates_total", type="message") == 0

    async def test_right_secret_gets_the_reply_before_the_acknowledgement(
        self, api: FakeBotAPI, webhook_bot: WebhookBot
    ) -> None:
        response = await webhook_bot.post(command(api, "/start"))
        assert response.status_code == 200
        # The 200 comes after the handlers ran: the reply is already at the Bot API.
        replies = api.sent_to(USER)
        assert len(replies) == 1
        assert "Sitrep" in replies[0].text

    async def test_only_post_on_the_exact_path(
        self, api: FakeBotAPI, webhook_bot: WebhookBot
    ) -> None:
        got = await webhook_bot.http.get("/telegram/updates")
        other = await webhook_bot.http.post(
            "/telegram/updates/x", json=command(api, "/start"), headers={SECRET_HEADER: SECRET}
        )
        assert got.status_code == 405
        assert other.status_code == 404
        assert api.sent_to(USER) == []


class TestSlowUpdates:
    async def test_a_slow_update_is_acknowledged_at_the_deadline_and_still_finished(
        self, api: FakeBotAPI, webhook_bot: WebhookBot
    ) -> None:
        webhook_bot.server.ack_deadline = 0.1
        api.faults.append(Fault("slow", method="sendMessage", chat_id=USER, delay=5.0))
        response = await webhook_bot.post(command(api, "/start"))
        assert response.status_code == 200
        assert api.sent_to(USER) == []  # acknowledged while the reply is still on its way
        reply = await api.wait_reply(USER, 0, timeout=60)
        assert "Sitrep" in reply.text

    async def test_stopping_waits_for_an_update_acknowledged_early(
        self, api: FakeBotAPI, webhook_bot: WebhookBot
    ) -> None:
        webhook_bot.server.ack_deadline = 0.1
        api.faults.append(Fault("slow", method="sendMessage", chat_id=USER, delay=3.0))
        assert (await webhook_bot.post(command(api, "/start"))).status_code == 200
        await webhook_bot.server.drain(timeout=60)
        assert len(api.sent_to(USER)) == 1


class TestBadInput:
    @pytest.mark.parametrize("body", [b"not json", b"[1, 2]", b'{"message": "no"}', b"{}"])
    async def test_a_body_that_is_no_update_is_400(
        self, api: FakeBotAPI, webhook_bot: WebhookBot, body: bytes
    ) -> None:
        response = await webhook_bot.http.post(
            "/telegram/updates",
            content=body,
            headers={SECRET_HEADER: SECRET, "Content-Type": "application/json"},
        )
        assert response.status_code == 400
        assert "not a Telegram update" in response.text
        assert await webhook_bot.metric("sitrep_webhook_requests_total", result="bad_request") == 1

    async def test_an_oversized_body_is_refused(
        self, api: FakeBotAPI, webhook_bot: WebhookBot
    ) -> None:
        body = b'{"update_id": 1, "pad": "' + b"x" * 1_100_000 + b'"}'
        try:
            response = await webhook_bot.http.post(
                "/telegram/updates", content=body, headers={SECRET_HEADER: SECRET}
            )
        except httpx.HTTPError:
            pass  # the server may close the connection instead of answering
        else:
            assert response.status_code >= 400
        # The server is still fine afterwards.
        ok = await webhook_bot.post(command(api, "/help"))
        assert ok.status_code == 200


class TestProbesAndMetrics:
    async def test_health_and_ready(self, webhook_bot: WebhookBot) -> None:
        health = await webhook_bot.http.get("/healthz")
        ready = await webhook_bot.http.get("/readyz")
        assert health.status_code == 200
        assert health.json() == {"status": "ok"}
        assert ready.status_code == 200
        body = ready.json()
        assert body["ready"] is True
        assert body["schema_version"] == body["expected_schema_version"] >= 1

    async def test_draining_instance_is_unready_and_sends_updates_elsewhere(
        self, api: FakeBotAPI, webhook_bot: WebhookBot
    ) -> None:
        await webhook_bot.server.drain()
        ready = await webhook_bot.http.get("/readyz")
        refused = await webhook_bot.post(command(api, "/start"))
        assert ready.status_code == 503
        assert ready.json()["reason"] == "shutting down"
        assert refused.status_code == 503  # Telegram retries, the proxy picks another instance
        assert api.sent_to(USER) == []
        assert (await webhook_bot.http.get("/healthz")).status_code == 200

    async def test_commands_updates_and_outbox_are_counted(
        self, api: FakeBotAPI, webhook_bot: WebhookBot
    ) -> None:
        for text in ("/start", "/help", "/city Basra", "/city", "/incident"):
            response = await webhook_bot.post(command(api, text))
            assert response.status_code == 200
        button = api.sent_to(USER)[0]
        press = {
            "update_id": next(_update_ids),
            "callback_query": {
                "id": "1",
                "from": {"id": USER, "is_bot": False, "first_name": "T"},
                "chat_instance": "1",
                "data": "nothing:here",
                "message": {
                    "message_id": button.message_id,
                    "date": int(time.time()),
                    "chat": {"id": USER, "type": "private", "first_name": "T"},
                    "text": button.text,
                },
            },
        }
        assert (await webhook_bot.post(press)).status_code == 200

        metric = webhook_bot.metric
        assert await metric("sitrep_updates_total", type="message") == 5
        assert await metric("sitrep_updates_total", type="callback_query") == 1
        assert await metric("sitrep_commands_total", command="start", outcome="ok") == 1
        assert await metric("sitrep_commands_total", command="help", outcome="ok") == 1
        assert await metric("sitrep_commands_total", command="city", outcome="ok") == 1
        assert await metric("sitrep_commands_total", command="city", outcome="user_error") == 1
        assert await metric("sitrep_commands_total", command="incident", outcome="user_error") == 1
        assert await metric("sitrep_command_duration_seconds_count", command="city") == 2
        assert await metric("sitrep_webhook_requests_total", result="ok") == 6
        # The outbox gauges are measured at scrape time, every status present.
        for status in ("pending", "sending", "sent", "failed"):
            assert await metric("sitrep_outbox_messages", status=status) >= 0
        assert await metric("sitrep_outbox_oldest_unsent_seconds") == 0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
async def migrated(settings: Settings) -> None:
    """``run_bot`` opens an existing database only: make it as ``sitrep db migrate`` does."""
    storage = await SqliteStorage.open(settings.database_path, create=True)
    await storage.close()


@pytest.mark.usefixtures("migrated")
class TestRunBot:
    """``run_bot`` itself (what `sitrep run` calls), in both modes, with the probes served."""

    async def _serve(self, settings: Settings, stop: asyncio.Event) -> asyncio.Task[None]:
        task = asyncio.create_task(run_bot(settings, stop))
        port = settings.sitrep_http_port
        deadline = time.monotonic() + 60
        async with httpx.AsyncClient(trust_env=False, timeout=5) as http:
            while True:
                assert not task.done(), task.exception() if task.done() else None
                try:
                    if (await http.get(f"http://127.0.0.1:{port}/readyz")).status_code == 200:
                        return task
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, "the HTTP server never became ready"
                await asyncio.sleep(0.05)

    async def test_polling_with_an_http_port_serves_probes_and_metrics(
        self, api: FakeBotAPI, settings: Settings
    ) -> None:
        port = _free_port()
        polling = settings.model_copy(update={"sitrep_http_port": port})
        stop = asyncio.Event()
        task = await self._serve(polling, stop)
        try:
            before = len(api.sent_to(USER))
            api.send_text("/help", chat_id=USER)
            await api.wait_reply(USER, before)
            base = f"http://127.0.0.1:{port}"
            async with httpx.AsyncClient(base_url=base, trust_env=False, timeout=30) as http:
                assert (await http.get("/healthz")).status_code == 200
                # The command is counted when its handler returns, which may be just after
                # the reply arrived: wait for the count instead of assuming that order.
                counted = 'sitrep_commands_total{command="help",outcome="ok"} 1.0'
                deadline = time.monotonic() + 30
                page = (await http.get("/metrics")).text
                while counted not in page and time.monotonic() < deadline:
                    await asyncio.sleep(0.05)
                    page = (await http.get("/metrics")).text
                webhook = await http.post("/", json={"update_id": 1})
        finally:
            stop.set()
            await asyncio.wait_for(task, 60)
        assert counted in page
        assert webhook.status_code == 404  # no webhook route while polling
        assert api.calls_of("getUpdates")
        assert api.calls_of("setWebhook") == []

    async def test_webhook_mode_end_to_end_through_run_bot(
        self, api: FakeBotAPI, webhook_settings: Settings
    ) -> None:
        port = _free_port()
        configured = webhook_settings.model_copy(update={"sitrep_http_port": port})
        stop = asyncio.Event()
        task = await self._serve(configured, stop)
        try:
            base = f"http://127.0.0.1:{port}"
            async with httpx.AsyncClient(base_url=base, trust_env=False, timeout=30) as http:
                answer = await http.post(
                    "/telegram/updates",
                    json=command(api, "/start"),
                    headers={SECRET_HEADER: SECRET},
                )
            assert answer.status_code == 200
            assert len(api.sent_to(USER)) == 1
        finally:
            stop.set()
            await asyncio.wait_for(task, 60)
        assert api.calls_of("getUpdates") == []
        assert api.calls_of("deleteWebhook") == []
        assert len(api.calls_of("setWebhook")) == 1


@pytest.mark.usefixtures("migrated")
class TestPollingNeverDeletesAServedWebhook:
    async def test_polling_refuses_to_start_while_a_webhook_is_set(
        self, api: FakeBotAPI, settings: Settings
    ) -> None:
        api.webhook = {"url": WEBHOOK_URL}
        with pytest.raises(SettingsError, match="sitrep webhook delete") as info:
            await run_bot(settings, asyncio.Event())
        assert WEBHOOK_URL in str(info.value)
        assert api.calls_of("deleteWebhook") == []
        assert api.calls_of("getUpdates") == []
        assert api.messages == []

    async def test_polling_starts_once_the_webhook_is_gone(
        self, api: FakeBotAPI, settings: Settings
    ) -> None:
        api.webhook = None
        stop = asyncio.Event()
        task = asyncio.create_task(run_bot(settings, stop))
        try:
            await api.wait_for(lambda: bool(api.calls_of("getUpdates")), 60, "polling")
        finally:
            stop.set()
            await asyncio.wait_for(task, 60)
        assert len(api.calls_of("getWebhookInfo")) == 1
