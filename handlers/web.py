"""Sitrep's own small HTTP server (tornado): the Telegram webhook, /healthz, /readyz, /metrics.

Designed to sit behind a reverse proxy that terminates TLS and forwards only the webhook path;
the probes and metrics are for the orchestrator and Prometheus on the private network.

The webhook answers 200 only after the update has been handled (the handlers' replies are sent
or queued in the outbox). Telegram keeps one update per chat in flight and retries anything
that is not acknowledged, so an instance that dies mid-update loses nothing: Telegram sends the
update again, to whichever instance the proxy picks. Every request must carry the secret token in
``X-Telegram-Bot-Api-Secret-Token`` (compared in constant time), else 403.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import re
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from telegram import Update
from telegram.ext import Application
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets
from tornado.web import Application as TornadoApplication
from tornado.web import RequestHandler

from bot.config import Settings, SettingsError
from bot.ports import Metrics
from bot.services.health import HealthService, Readiness

logger = logging.getLogger(__name__)

AnyApplication = Application[Any, Any, Any, Any, Any, Any]
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name
# Telegram's updates are a few kB; anything far larger is not from Telegram.
MAX_BODY_BYTES = 1_000_000
DRAIN_TIMEOUT = 30.0  # seconds the server waits for updates in progress when it stops
# Telegram does not document how long it waits for a webhook answer; stay well inside any
# plausible limit, so a slow update (an /ingest of a slow page) is never delivered twice.
ACK_DEADLINE = 25.0


class HttpServerError(OSError):
    """The HTTP server cannot start (address in use, not allowed); the message says which."""


@dataclass
class Webhook:
    """Where updates come in: the path, the secret and the application that handles them."""

    path: str
    secret: str
    application: AnyApplication


class _Base(RequestHandler):
    """Plain-text/JSON answers, no tornado error pages, no server banner."""

    def set_default_headers(self) -> None:
        """No caching of probe answers by anything in between."""
        self.clear_header("Server")
        self.set_header("Cache-Control", "no-store")

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """A short JSON error instead of tornado's HTML page (never a traceback)."""
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"error": self._reason}))

    def _json(self, status: int, body: dict[str, Any]) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(body))


class HealthHandler(_Base):
    """``GET /healthz``: the process is alive (its event loop answers)."""

    def get(self) -> None:
        """Always 200 while the loop runs."""
        self._json(200, {"status": "ok"})


class ReadyHandler(_Base):
    """``GET /readyz``: started, not shutting down, database reachable, schema current."""

    def initialize(self, server: SitrepHttpServer) -> None:
        """Bind to the server (its life-cycle state and health service)."""
        self.server = server

    async def get(self) -> None:
        """200 with the schema version when ready, else 503 with the reason."""
        health = self.server.health
        if self.server.draining or not self.server.started:
            reason = "shutting down" if self.server.draining else "starting"
            readiness = Readiness(False, reason, None, health.expected_version)
        else:
            readiness = await health.readiness()
        body = {
            "ready": readiness.ready,
            "reason": readiness.reason,
            "schema_version": readiness.schema_version,
            "expected_schema_version": readiness.expected_version,
        }
        self._json(200 if readiness.ready else 503, body)


class MetricsHandler(_Base):
    """``GET /metrics``: Prometheus text format, with fresh outbox gauges."""

    def initialize(
        self, exposition: Callable[[], tuple[bytes, str]], refresh: Callable[[], Awaitable[None]]
    ) -> None:
        """Bind to the exporter and the hook that measures the outbox before each scrape."""
        self.exposition = exposition
        self.refresh = refresh

    async def get(self) -> None:
        """The current metrics."""
        await self.refresh()
        body, content_type = self.exposition()
        self.set_header("Content-Type", content_type)
        self.finish(body)


class WebhookHandler(_Base):
    """``POST <webhook path>``: one Telegram update, acknowledged once it has been handled."""

    def initialize(self, webhook: Webhook, server: SitrepHttpServer, metrics: Metrics) -> None:
        """Bind to the webhook, the server (for draining) and the metrics."""
        self.webhook = webhook
        self.server = server
        self.metrics = metrics

    def check_xsrf_cookie(self) -> None:
        """Telegram sends no cookies; the secret token is the authentication."""

    async def post(self) -> None:
        """Check the secret, parse the update, handle it, then answer 200."""
        given = self.request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.webhook.secret.encode()):
            self.metrics.webhook_request("forbidden")
            # remote_ip is the client as the proxy reports it (xheaders), never a header's text.
            logger.info(
                "webhook request without the right secret token from %s", self.request.remote_ip
            )
            self._json(403, {"error": "forbidden"})
            return
        application = self.webhook.application
        if self.server.draining or not application.running:
            # Telegram retries; the proxy can send the retry to another instance.
            self.metrics.webhook_request("unavailable")
            self.set_header("Retry-After", "1")
            state = "shutting down" if self.server.draining else "starting"
            self._json(503, {"error": state})
            return
        try:
            data = json.loads(self.request.body)
            if not isinstance(data, dict):
                raise TypeError("an update is a JSON object")
            update = Update.de_json(data, application.bot)
        except Exception as exc:  # any malformed body: PTB raises several kinds
            self.metrics.webhook_request("bad_request")
            logger.warning("webhook body is not a Telegram update: %s", type(exc).__name__)
            self._json(400, {"error": "not a Telegram update"})
            return
        handling = self.server.handle(update)
        try:
            # Handler errors go to the application's error handler, never up to here: a
            # poison update is acknowledged, not retried by Telegram for a day.
            await asyncio.wait_for(asyncio.shield(handling), self.server.ack_deadline)
        except TimeoutError:
            # Past this, Telegram may give up on the request and send the update again:
            # acknowledge now and let the handling finish (a stop still waits for it).
            logger.warning(
                "update %s still in progress after %.0f s; acknowledged to avoid a resend",
                update.update_id,
                self.server.ack_deadline,
            )
        self.metrics.webhook_request("ok")
        self._json(200, {"ok": True})


class _InFlight:
    """Counts updates being handled, so a stop can wait for them."""

    def __init__(self) -> None:
        self.count = 0
        self.idle = asyncio.Event()
        self.idle.set()

    def enter(self) -> None:
        self.count += 1
        self.idle.clear()

    def leave(self) -> None:
        self.count -= 1
        if self.count == 0:
            self.idle.set()


class SitrepHttpServer:
    """The HTTP server: probes and metrics always, the webhook when one is configured."""

    def __init__(
        self,
        health: HealthService,
        metrics: Metrics,
        exposition: Callable[[], tuple[bytes, str]],
        *,
        webhook: Webhook | None = None,
        ack_deadline: float = ACK_DEADLINE,
    ) -> None:
        """Route /healthz, /readyz, /metrics and, with ``webhook``, its path.

        ``ack_deadline``: seconds an update may take before the webhook acknowledges it anyway.
        """
        self.health = health
        self.webhook = webhook
        self.ack_deadline = ack_deadline
        self._tasks: set[asyncio.Task[None]] = set()
        self.started = False  # set by mark_started once the bot handles updates
        self.draining = False
        self._in_flight = _InFlight()
        self._server: HTTPServer | None = None
        self._sockets: list[socket.socket] = []

        async def refresh() -> None:
            await health.observe_outbox(metrics)

        routes: list[Any] = [
            (r"/healthz", HealthHandler),
            (r"/readyz", ReadyHandler, {"server": self}),
            (r"/metrics", MetricsHandler, {"exposition": exposition, "refresh": refresh}),
        ]
        if webhook is not None:
            params = {"webhook": webhook, "server": self, "metrics": metrics}
            routes.append((_exact(webhook.path), WebhookHandler, params))
        self._app = TornadoApplication(routes, compress_response=False, log_function=_log_request)

    def handle(self, update: Update) -> asyncio.Task[None]:
        """Handle one update in its own task, counted until it finishes (drain waits for it)."""
        assert self.webhook is not None
        application = self.webhook.application

        async def run() -> None:
            try:
                await application.update_processor.process_update(
                    update, application.process_update(update)
                )
            finally:
                self._in_flight.leave()

        # Counted now, not when the task first runs: a drain starting in between waits for it.
        self._in_flight.enter()
        task = asyncio.ensure_future(run())
        self._tasks.add(task)  # keep a reference until it is done
        task.add_done_callback(self._finished)
        return task

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            # Seen here too when it fails after the acknowledgement (nobody awaits it then).
            logger.error("handling a webhook update failed", exc_info=task.exception())

    @property
    def port(self) -> int:
        """The port actually bound (useful with port 0)."""
        if not self._sockets:
            raise RuntimeError("the HTTP server is not listening")
        return int(self._sockets[0].getsockname()[1])

    async def start(self, host: str, port: int) -> None:
        """Listen on ``host:port`` (port 0 picks a free one)."""
        try:
            self._sockets = bind_sockets(port, host)
        except OSError as exc:
            msg = f"cannot listen on {host}:{port}: {exc.strerror or exc}"
            raise HttpServerError(msg) from None
        # xheaders: take the client address from the proxy's X-Forwarded-For / X-Real-Ip.
        self._server = HTTPServer(self._app, xheaders=True, max_body_size=MAX_BODY_BYTES)
        self._server.add_sockets(self._sockets)
        logger.info("HTTP server listening on %s:%d", host, self.port)

    def mark_started(self) -> None:
        """The application is running: /readyz may say ready from now on."""
        self.started = True

    async def drain(self, timeout: float = DRAIN_TIMEOUT) -> None:
        """Become unready, refuse new updates (503) and wait for those being handled."""
        self.draining = True
        try:
            await asyncio.wait_for(self._in_flight.idle.wait(), timeout)
        except TimeoutError:
            logger.warning("%d updates still in progress at shutdown", self._in_flight.count)

    async def stop(self) -> None:
        """Stop listening and close every connection (safe to call twice)."""
        if self._server is None:
            return
        self._server.stop()
        await self._server.close_all_connections()
        self._server = None
        self._sockets = []


def _log_request(handler: RequestHandler) -> None:
    """One access line: DEBUG for success (probes every few seconds), louder for failures."""
    status = handler.get_status()
    level = logging.DEBUG if status < 400 else logging.INFO if status < 500 else logging.WARNING
    request = handler.request
    logger.log(
        level,
        "%d %s %s %.1f ms",
        status,
        request.method,
        request.path,  # never the query string or headers
        1000.0 * request.request_time(),
    )


def _exact(path: str) -> str:
    """A tornado route pattern matching exactly ``path``."""
    return re.escape(path) + "$"


async def refuse_polling_over_webhook(settings: Settings) -> None:
    """Raise SettingsError if Telegram has a webhook set: starting to poll would delete it.

    PTB's polling begins with ``deleteWebhook``. Run with the production token by mistake, one
    polling process would cut off every instance serving the webhook.
    """
    from telegram import Bot

    async with Bot(settings.token or "", base_url=settings.telegram_api_base_url) as bot:
        info = await bot.get_webhook_info()
    if info.url:
        msg = (
            f"Telegram has a webhook set for this bot ({info.url}); polling would delete it and "
            "cut off the instances serving it. Set SITREP_WEBHOOK_URL to serve the webhook, or "
            "run `sitrep webhook delete` first to switch this bot to polling"
        )
        raise SettingsError(msg)
