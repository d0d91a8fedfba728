"""The composition root: the only module that builds concrete classes and wires them together.

``open_context`` opens storage and builds the services; ``build_application`` builds the PTB
Application with every handler, the outbox dispatcher and the jobs. ``start_application`` /
``stop_application`` run it the way ``run_polling`` does, for the CLI, the console and tests.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import InvalidToken
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    Defaults,
)
from telegram.request import BaseRequest, HTTPXRequest

from bot.config import Settings, SettingsError
from bot.extract.actors import ActorFileError, ActorRegistry
from bot.extract.gazetteer import Gazetteer
from bot.extract.pipeline import RulesExtractor, build_rules_extractor
from bot.heap import freeze_startup_heap
from bot.leader import Leadership
from bot.ports import Clock, Extractor, Metrics, NullMetrics, SystemClock
from bot.services import Services, build_services
from bot.services.delivery import ChatDelivery, DeliveryLimits, Dispatcher
from bot.services.feeds import FeedService
from bot.services.health import HealthService
from bot.services.imports import ImportService
from bot.services.instrumented import InstrumentedNotifier, TimedExtractor
from bot.services.learning import LearningService
from bot.services.live_learning import LearningExtractor
from bot.services.questions import QuestionService
from bot.services.visuals import VisualService
from handlers.jobs import (
    DIGEST_INTERVAL_SECONDS,
    DIGEST_JOB,
    FEED_POLL_JOB,
    REVIEW_EXPIRY_JOB,
    schedule_digests,
    schedule_feed_polling,
    schedule_heartbeat,
    schedule_review_expiry,
)
from handlers.menu import register_menus
from handlers.metrics import PrometheusMetrics, instrument
from handlers.notifier import TelegramNotifier
from handlers.polling import GuardedUpdatesRequest, UnauthorizedGuard, log_polling_error
from handlers.registry import HandlerInputs, register_all
from handlers.visuals import build_tiles
from handlers.web import SitrepHttpServer, Webhook, refuse_polling_over_webhook
from storage.base import Backend
from storage.factory import open_backend

logger = logging.getLogger(__name__)

AnyApplication = Application[Any, Any, Any, Any, Any, Any]
CONCURRENT_UPDATES = 16
# Telegram holds a long poll open up to 50 s: one request per 50 quiet seconds, not per second.
POLL_TIMEOUT_SECONDS = 50
NO_BOT_HELP = (
    "no bot token: set TELEGRAM_BOT_TOKEN (from @BotFather), "
    "or try `sitrep demo` to see Sitrep work in a console without Telegram"
)


@dataclass
class AppContext:
    """Everything a running Sitrep needs besides Telegram: storage, services, clock."""

    settings: Settings
    storage: Backend
    services: Services
    clock: Clock
    extractor: Extractor
    gazetteer: Gazetteer
    actors: ActorRegistry
    learning: LearningService
    feeds: FeedService | None = None
    metrics: Metrics = field(default_factory=NullMetrics)
    _closers: list[Any] = field(default_factory=list)

    def health(self) -> HealthService:
        """Readiness and outbox figures over this context's storage."""
        return HealthService(
            self.storage,
            self.storage.schema_version,
            self.storage.latest_schema_version,
            self.clock,
        )

    async def imports(self) -> ImportService:
        """Importing files (CSV, JSON, ACLED) with what admins taught (places, actors, aliases)."""
        from bot.ingest.files import gazetteer_locator

        await self.learning.refresh()
        return ImportService(
            self.storage,
            self.services.ingestion,
            self.clock,
            actors=self.learning.actors,
            locate=gazetteer_locator(self.learning.gazetteer),
            max_chars=self.settings.sitrep_max_input_chars,
        )

    async def close(self) -> None:
        """Close the fetcher and the database (releases the instance lock)."""
        for closer in self._closers:
            with contextlib.suppress(Exception):
                await closer()
        await self.storage.close()


def _extractor(settings: Settings, rules: RulesExtractor, clock: Clock) -> Extractor:
    """The rules over the packaged gazetteer and the configured registry; with a language model
    beside them when ``SITREP_EXTRACTOR`` is ``llm`` or ``both``."""
    if settings.sitrep_extractor == "rules":
        return rules
    from bot.llm import build_reader
    from bot.llm.extractor import ModelExtractor

    # Never wait on the model until the ingest service's own limit cancels the rules' answer.
    deadline = min(
        settings.sitrep_llm_timeout_seconds, 0.8 * settings.sitrep_extract_time_limit_seconds
    )
    reader = build_reader(settings, clock)
    return ModelExtractor(rules, reader, settings.sitrep_extractor, deadline=deadline)


async def open_context(
    settings: Settings,
    *,
    clock: Clock | None = None,
    extractor: Extractor | None = None,
    lock: bool = True,
    metrics: Metrics | None = None,
    create: bool = True,
) -> AppContext:
    """Open the database (migrated, instance-locked) and build the services around it.

    With ``metrics``, extraction is timed and the application built later reports there.
    Commands pass ``create=False``: only ``sitrep db migrate`` (and the demo) make a new one.
    """
    chosen_clock = clock or SystemClock()
    storage = await open_backend(settings.database, create=create, now=chosen_clock.now)
    try:
        if lock:
            storage.acquire_instance_lock()
        gazetteer = Gazetteer.default()
        actors = _actor_registry(settings)
        # What admins taught (local places, actor aliases): loaded now, reloaded on change.
        learning = LearningService(storage, gazetteer, actors, chosen_clock)
        await learning.refresh(force=True)
        model_closer = None
        if extractor is None:
            rules = build_rules_extractor(learning.gazetteer, learning.actors)
            learning.on_change(rules.use)
            extractor = LearningExtractor(_extractor(settings, rules, chosen_clock), learning)
            model_closer = getattr(extractor.inner, "aclose", None)
        chosen_extractor: Extractor = extractor
        if metrics is not None:
            chosen_extractor = TimedExtractor(chosen_extractor, metrics)
        services = build_services(
            storage,
            chosen_extractor,
            learning.places,
            learning.live_actors,
            chosen_clock,
            settings,
            place_learner=learning,  # a reviewer's unknown place becomes a local place
        )
        context = AppContext(settings, storage, services, chosen_clock, chosen_extractor,
                             gazetteer, actors, learning)  # fmt: skip
        if model_closer is not None:
            context._closers.append(model_closer)
        if metrics is not None:
            context.metrics = metrics
        context.feeds = _feed_service(context)
        freeze_startup_heap()
        return context
    except BaseException:
        await storage.close()
        raise


def _actor_registry(settings: Settings) -> ActorRegistry:
    """The packaged registry, plus SITREP_ACTORS_FILE; a bad file is a one-line settings error."""
    if not settings.sitrep_actors_file:
        return ActorRegistry.default()
    try:
        return ActorRegistry.from_file(settings.sitrep_actors_file)
    except ActorFileError as exc:
        raise SettingsError(f"invalid settings: SITREP_ACTORS_FILE: {exc}") from None


def _feed_service(context: AppContext) -> FeedService | None:
    try:
        from bot.ingest.fetch import SafeFetcher
    except ImportError:  # ingestion extras missing: feeds stay off, everything else works
        logger.warning("feed fetching is unavailable")
        return None
    fetcher = SafeFetcher(context.settings)
    return FeedService(
        context.storage,
        context.services.ingestion,
        fetcher,
        context.clock,
        context.settings,
        outbox=context.services.outbox,
    )


@dataclass
class Runtime:
    """What a built application runs outside PTB: delivery, scheduled work, leadership.

    Only the leader sends and runs scheduled work (bot/leader.py); on SQLite that is always
    this process, on PostgreSQL one of the instances sharing the database.
    """

    application: AnyApplication
    context: AppContext
    dispatcher: Dispatcher | ChatDelivery
    console: bool  # the console delivers its own chat only, whoever leads
    digest_interval: float
    feed_interval: float
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None
    leadership: Leadership | None = None
    closing: asyncio.Event = field(default_factory=asyncio.Event)
    leader_task: asyncio.Task[None] | None = None

    async def lead_or_follow(self) -> None:
        """post_init: beat, and take the duties now or when this instance becomes leader."""
        if self.console:
            await self.start_duties()
            return
        # Every instance beats (its own liveness, read by `sitrep health`), leader or not.
        schedule_heartbeat(self.application, self.context.services.admin.beat)
        self.leadership = Leadership(self.context.storage, self.start_duties, self.stop_duties)
        self.closing.clear()
        await self.leadership.check()
        if self.context.storage.shared:
            self.leader_task = asyncio.create_task(self.leadership.run(self.closing))

    async def start_duties(self) -> None:
        """Deliver the outbox and, outside the console, run the digest tick and feed poll."""
        await self.dispatcher.recover()
        self.stop.clear()
        self.task = asyncio.create_task(self.dispatcher.run_forever(self.stop))
        if self.console:
            return
        app, context = self.application, self.context
        # A digest missed while the bot was down goes out on the first tick, once.
        schedule_digests(app, context.services.digests, self.digest_interval)
        schedule_review_expiry(app, context.services.review)
        if context.feeds is not None:
            schedule_feed_polling(app, context.feeds, self.feed_interval, metrics=context.metrics)

    async def stop_duties(self) -> None:
        """Hand the duties over: scheduled jobs removed, the sends in flight finished."""
        job_queue = self.application.job_queue
        if job_queue is not None:
            for name in (DIGEST_JOB, FEED_POLL_JOB, REVIEW_EXPIRY_JOB):
                for job in job_queue.get_jobs_by_name(name):
                    job.schedule_removal()
        self.stop.set()
        if self.task is not None:
            try:
                await asyncio.wait_for(self.task, timeout=60)
            except TimeoutError:
                logger.error("dispatcher did not stop in time; unsent rows recover on start-up")
            self.task = None

    async def post_stop(self, app: AnyApplication) -> None:
        """Stop leading (or just stop the duties): unsent rows recover on the next start."""
        self.closing.set()
        if self.leader_task is not None:
            await self.leader_task
            self.leader_task = None
        if self.leadership is not None:
            await self.leadership.resign()
        else:
            await self.stop_duties()


def _builder(
    settings: Settings,
    context: AppContext,
    bot_token: str,
    *,
    request: BaseRequest | None,
    get_updates_request: BaseRequest | None,
    console: bool,
    on_token_revoked: Callable[[], None] | None,
    polling: bool,
    rate_limiter: bool,
) -> tuple[Any, UnauthorizedGuard | None]:
    """PTB's builder with our defaults; outside the console, getUpdates is guarded for 401s."""
    # Opt in to PTB's timedelta durations (RetryAfter.retry_after); our code handles both.
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    builder = (
        ApplicationBuilder()
        .token(bot_token)
        .base_url(settings.telegram_api_base_url)
        .defaults(Defaults(parse_mode=ParseMode.HTML, tzinfo=ZoneInfo(settings.sitrep_timezone)))
        # A slow /ingest of a web page must not make everyone else wait for their answers.
        .concurrent_updates(CONCURRENT_UPDATES)
    )
    if request is not None:
        builder = builder.request(request)
    guard: UnauthorizedGuard | None = None
    if not console:
        guard = UnauthorizedGuard(
            settings.sitrep_admin_ids, context.services.admin.record_error, on_token_revoked
        )
        polling_request = get_updates_request or HTTPXRequest(connection_pool_size=1)
        builder = builder.get_updates_request(GuardedUpdatesRequest(polling_request, guard))
    elif get_updates_request is not None:
        builder = builder.get_updates_request(get_updates_request)
    if not polling:
        builder = builder.updater(None)
    if rate_limiter:
        # Replies to commands: absorb an occasional 429; the outbox has its own pacing.
        limited: Any = builder.rate_limiter(AIORateLimiter(max_retries=2))
        builder = limited
    return builder, guard


def build_application(
    settings: Settings,
    context: AppContext,
    *,
    token: str | None = None,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
    limits: DeliveryLimits | None = None,
    digest_interval: float = DIGEST_INTERVAL_SECONDS,
    feed_interval: float = 60.0,
    extra_admins: frozenset[int] = frozenset(),
    rate_limiter: bool = True,
    console_chat: int | None = None,
    polling: bool = True,
    on_token_revoked: Callable[[], None] | None = None,
) -> AnyApplication:
    """The PTB Application: handlers, command menu, dispatcher task, digest and feed jobs.

    With ``console_chat`` (the console), only that chat's messages are delivered and no
    digests are scheduled or feeds polled: the database may be the real bot's. Without an
    Updater when ``polling=False`` (webhooks). A 401 from ``getUpdates`` is retried and
    reported to the admins; ``on_token_revoked`` runs once ``getMe`` confirms it.
    """
    bot_token = token or settings.token
    if not bot_token:
        raise SettingsError(NO_BOT_HELP)
    builder, guard = _builder(
        settings,
        context,
        bot_token,
        request=request,
        get_updates_request=get_updates_request,
        console=console_chat is not None,
        on_token_revoked=on_token_revoked,
        polling=polling,
        rate_limiter=rate_limiter,
    )
    application: AnyApplication = builder.build()
    if guard is not None:
        guard.bot = application.bot
    dispatcher = _dispatcher(application, context, bot_token, limits, console_chat)
    console = console_chat is not None
    runtime = Runtime(application, context, dispatcher, console, digest_interval, feed_interval)
    # Every message the services queue (alerts, digests, notices) wakes this dispatcher.
    context.services.outbox.wake_with(dispatcher.wake)
    admins = settings.sitrep_admin_ids | extra_admins
    inputs = _handler_inputs(settings, context, admins, console=console)
    register_all(application, inputs)
    instrument(application, context.metrics)  # after every registration: wraps the commands

    async def post_init(app: AnyApplication) -> None:
        await register_menus(app.bot, settings.sitrep_admin_ids)
        await runtime.lead_or_follow()

    application.post_init = post_init
    application.post_stop = runtime.post_stop
    return application


def _dispatcher(
    application: AnyApplication,
    context: AppContext,
    bot_token: str,
    limits: DeliveryLimits | None,
    console_chat: int | None,
) -> Dispatcher | ChatDelivery:
    """Delivery through this application's bot: every chat, or only the console's."""
    notifier = InstrumentedNotifier(
        TelegramNotifier(
            application.bot,
            secrets=(bot_token,),
            language_of=context.services.chats.language_of,
        ),
        context.metrics,
        context.clock,
    )
    if console_chat is not None:
        return ChatDelivery(context.storage, notifier, context.clock, console_chat)
    return Dispatcher(context.storage, notifier, context.clock, limits=limits)


def _handler_inputs(
    settings: Settings, context: AppContext, admins: frozenset[int], *, console: bool
) -> HandlerInputs:
    """What the handlers are built from: the context's services plus the visual pieces."""
    return HandlerInputs(
        services=context.services,
        settings=settings,
        admin_ids=admins,
        visuals=VisualService(context.storage, context.services.queries),
        tiles=build_tiles(settings),
        questions=QuestionService(
            context.services.catalog, context.clock, settings.sitrep_timezone
        ),
        feeds=context.feeds,
        learning=context.learning,
        flood_guard=not console,
    )


def allowed_updates(application: AnyApplication) -> list[str]:
    """The update types the registered handlers act on (Telegram sends only those)."""
    wanted = {Update.MESSAGE}  # commands, private text, group migrations
    for group in application.handlers.values():
        for handler in group:
            if isinstance(handler, CallbackQueryHandler):
                wanted.add(Update.CALLBACK_QUERY)
            elif isinstance(handler, ChatMemberHandler):
                if handler.chat_member_types != ChatMemberHandler.CHAT_MEMBER:
                    wanted.add(Update.MY_CHAT_MEMBER)
                if handler.chat_member_types != ChatMemberHandler.MY_CHAT_MEMBER:
                    wanted.add(Update.CHAT_MEMBER)
    return sorted(wanted)


async def start_application(application: AnyApplication, *, polling: bool = True) -> None:
    """Start like ``run_polling`` does: initialize, post_init, polling, start."""
    await application.initialize()
    if application.post_init is not None:
        await application.post_init(application)
    if polling and application.updater is not None:
        # A stop cancels the open long poll, so a long timeout never delays shutdown.
        await application.updater.start_polling(
            allowed_updates=allowed_updates(application),
            timeout=POLL_TIMEOUT_SECONDS,
            error_callback=log_polling_error,
        )
    await application.start()


async def stop_application(application: AnyApplication) -> None:
    """Stop like ``run_polling`` does: polling, application, post_stop, shutdown."""
    if application.updater is not None and application.updater.running:
        await application.updater.stop()
    if application.running:
        await application.stop()
    if application.post_stop is not None:
        await application.post_stop(application)
    await application.shutdown()
    if application.post_shutdown is not None:
        await application.post_shutdown(application)


def _stop_on_signals(stop: asyncio.Event) -> None:
    """SIGINT and SIGTERM set ``stop`` (where the platform allows signal handlers)."""
    import signal

    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stop.set)


def http_server(
    settings: Settings,
    context: AppContext,
    metrics: PrometheusMetrics,
    application: AnyApplication | None = None,
) -> SitrepHttpServer:
    """The HTTP server: probes and metrics, plus the webhook when ``application`` is given."""
    webhook = None
    if application is not None:
        path, secret = settings.webhook_path, settings.webhook_secret
        if path is None or secret is None:
            raise SettingsError("webhook mode needs SITREP_WEBHOOK_URL and SITREP_WEBHOOK_SECRET")
        webhook = Webhook(path, secret, application)
    return SitrepHttpServer(context.health(), metrics, metrics.exposition, webhook=webhook)


async def start_webhook(
    settings: Settings, application: AnyApplication, server: SitrepHttpServer
) -> None:
    """Listen, start the application without polling, then point Telegram at the webhook.

    Every instance calls ``setWebhook`` with the same URL, secret and update types: harmless
    repetition, and whichever instance starts last keeps the settings current. No instance
    ever deletes the webhook on shutdown: the others are still serving it (switch back to
    polling by unsetting SITREP_WEBHOOK_URL: polling starts with ``deleteWebhook``).
    """
    assert settings.sitrep_webhook_url is not None  # checked by the caller
    # Listen first: a busy port fails before anything is asked of Telegram. Until the
    # application runs, /readyz says "starting" and updates get 503 (Telegram retries).
    await server.start(settings.sitrep_http_host, settings.http_port or 0)
    await start_application(application, polling=False)
    server.mark_started()
    await application.bot.set_webhook(
        settings.sitrep_webhook_url,
        secret_token=settings.webhook_secret,
        allowed_updates=allowed_updates(application),
        max_connections=settings.sitrep_webhook_max_connections,
        drop_pending_updates=False,
    )


async def run_bot(settings: Settings, stop: asyncio.Event | None = None) -> None:
    """``sitrep run``: long polling (or a webhook) until SIGINT/SIGTERM (or ``stop``).

    With ``SITREP_WEBHOOK_URL`` updates arrive by webhook; the HTTP server also answers
    /healthz, /readyz and /metrics, which polling serves too when ``SITREP_HTTP_PORT`` is set.
    """
    if not settings.token:
        raise SettingsError(NO_BOT_HELP)
    metrics = PrometheusMetrics()
    context = await open_context(settings, metrics=metrics, create=False)
    try:
        webhook = settings.sitrep_webhook_url is not None
        stop_event = stop or asyncio.Event()
        revoked = asyncio.Event()

        def token_revoked() -> None:
            revoked.set()
            stop_event.set()

        application = build_application(
            settings, context, polling=not webhook, on_token_revoked=token_revoked
        )
        _stop_on_signals(stop_event)
        server: SitrepHttpServer | None = None
        if webhook or settings.http_port is not None:
            server = http_server(settings, context, metrics, application if webhook else None)
        try:
            if server is not None and webhook:
                await start_webhook(settings, application, server)
            else:
                if server is not None:
                    await server.start(settings.sitrep_http_host, settings.http_port or 0)
                await refuse_polling_over_webhook(settings)
                await start_application(application)
                if server is not None:
                    server.mark_started()
            mode = f"webhook {settings.webhook_path}" if webhook else "long polling"
            logger.info(
                "Sitrep is running as @%s (%s); press Ctrl+C to stop",
                application.bot.username,
                mode,
            )
            await stop_event.wait()
        finally:
            if server is not None:
                await server.drain()
            await stop_application(application)
            if server is not None:
                await server.stop()
        if revoked.is_set():
            raise InvalidToken("Telegram refused the bot token repeatedly; it was revoked")
    finally:
        await context.close()
