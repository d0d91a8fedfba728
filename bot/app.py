"""The composition root: the only module that builds concrete classes and wires them together.

``open_context`` opens storage and builds the services; ``build_application`` builds the PTB
Application with every handler, the outbox dispatcher and the jobs. ``start_application`` /
``stop_application`` run it the way ``run_polling`` does, for the CLI, the console and tests.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
import os
from dataclasses import dataclass, field
from typing import Any, cast
from zoneinfo import ZoneInfo

from telegram import BotCommandScopeChat, Update
from telegram.constants import ParseMode
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, Defaults
from telegram.request import BaseRequest

from bot.config import Settings, SettingsError
from bot.extract.actors import ActorRegistry
from bot.extract.gazetteer import Gazetteer
from bot.leader import Leadership
from bot.ports import Clock, Extractor, SystemClock
from bot.services import Services, build_services
from bot.services.delivery import ChatDelivery, DeliveryLimits, Dispatcher
from bot.services.feeds import FeedService
from handlers.commands import BotHandlers, bot_commands
from handlers.feeds import (
    POLL_JOB_NAME,
    FeedCommands,
    register_feed_handlers,
    schedule_feed_polling,
)
from handlers.jobs import DIGEST_INTERVAL_SECONDS, DIGEST_JOB, schedule_digests
from handlers.notifier import TelegramNotifier
from storage.base import Backend
from storage.factory import open_backend

logger = logging.getLogger(__name__)

AnyApplication = Application[Any, Any, Any, Any, Any, Any]
CONCURRENT_UPDATES = 16
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
    feeds: FeedService | None = None
    _closers: list[Any] = field(default_factory=list)

    async def close(self) -> None:
        """Close the fetcher and the database (releases the instance lock)."""
        for closer in self._closers:
            with contextlib.suppress(Exception):
                await closer()
        await self.storage.close()


def _extractor(gazetteer: Gazetteer, actors: ActorRegistry) -> Extractor:
    """The rules extractor over the packaged gazetteer and registry."""
    engine_module = importlib.import_module("bot.extract.engine")
    engine = engine_module.RulesEngine(gazetteer, actors)
    return cast(Extractor, engine_module.RulesExtractor(engine))


async def open_context(
    settings: Settings,
    *,
    clock: Clock | None = None,
    extractor: Extractor | None = None,
    lock: bool = True,
) -> AppContext:
    """Open the database (migrated, instance-locked) and build the services around it."""
    storage = await open_backend(settings.database)
    try:
        if lock:
            storage.acquire_instance_lock()
        gazetteer = Gazetteer.default()
        actors = (
            ActorRegistry.from_file(settings.sitrep_actors_file)
            if settings.sitrep_actors_file
            else ActorRegistry.default()
        )
        chosen_clock = clock or SystemClock()
        chosen_extractor = extractor or _extractor(gazetteer, actors)
        services = build_services(
            storage, chosen_extractor, gazetteer, actors, chosen_clock, settings
        )
        context = AppContext(settings, storage, services, chosen_clock, chosen_extractor)
        context.feeds = _feed_service(context)
        return context
    except BaseException:
        await storage.close()
        raise


def _feed_service(context: AppContext) -> FeedService | None:
    try:
        from bot.ingest.fetch import SafeFetcher
    except ImportError:  # ingestion extras missing: feeds stay off, everything else works
        logger.warning("feed fetching is unavailable")
        return None
    fetcher = SafeFetcher(context.settings)
    return FeedService(
        context.storage, context.services.ingestion, fetcher, context.clock, context.settings
    )


@dataclass
class Runtime:
    """The parts of a built application that live outside PTB: dispatcher and its task."""

    dispatcher: Dispatcher | ChatDelivery
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None
    leadership: Leadership | None = None
    closing: asyncio.Event = field(default_factory=asyncio.Event)
    leader_task: asyncio.Task[None] | None = None


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
) -> AnyApplication:
    """The PTB Application: handlers, command menu, dispatcher task, digest and feed jobs.

    With ``console_chat`` (the console), only that chat's messages are delivered and no
    digests are scheduled or feeds polled: the database may be the real bot's, whose
    outbox rows belong to Telegram users.
    """
    bot_token = token or settings.token
    if not bot_token:
        raise SettingsError(NO_BOT_HELP)
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
    if get_updates_request is not None:
        builder = builder.get_updates_request(get_updates_request)
    if rate_limiter:
        # Replies to commands: absorb an occasional 429; the outbox has its own pacing.
        limited: Any = builder.rate_limiter(AIORateLimiter(max_retries=2))
        builder = limited
    application: AnyApplication = builder.build()

    notifier = TelegramNotifier(application.bot, secrets=(bot_token,))
    dispatcher: Dispatcher | ChatDelivery = (
        ChatDelivery(context.storage, notifier, context.clock, console_chat)
        if console_chat is not None
        else Dispatcher(context.storage, notifier, context.clock, limits=limits)
    )
    runtime = Runtime(dispatcher)
    admins = settings.sitrep_admin_ids | extra_admins

    feed_commands = (
        FeedCommands(context.feeds, lambda user_id: user_id in admins) if context.feeds else None
    )
    handlers = BotHandlers(
        context.services,
        settings,
        ingest_url=feed_commands.ingest_url if feed_commands else None,
        on_queued=dispatcher.wake,
        admin_ids=admins,
        flood_guard=console_chat is None,
    )
    handlers.register(application)
    if feed_commands is not None:
        register_feed_handlers(application, feed_commands)
    # Last: the catch-alls for unknown commands and buttons, after every module's handlers.
    handlers.register_fallbacks(application)

    async def post_init(app: AnyApplication) -> None:
        try:
            await app.bot.set_my_commands(bot_commands())
        except Exception:  # the menu is a nicety; never block start-up on it
            logger.warning("could not register the command menu", exc_info=True)
        for admin_id in sorted(settings.sitrep_admin_ids):
            try:
                await app.bot.set_my_commands(
                    bot_commands(admin=True), scope=BotCommandScopeChat(admin_id)
                )
            except Exception:  # an admin who never opened the bot: "chat not found"
                logger.info("admin %s has no chat with the bot yet; default menu", admin_id)
        if console_chat is not None:  # the console delivers its own chat only, whoever leads
            await start_duties()
            return
        # Only the leader sends and runs scheduled work (bot/leader.py); on SQLite that is
        # always this process, on PostgreSQL one of the instances sharing the database.
        runtime.leadership = Leadership(context.storage, start_duties, stop_duties)
        runtime.closing.clear()
        await runtime.leadership.check()
        if context.storage.shared:
            runtime.leader_task = asyncio.create_task(runtime.leadership.run(runtime.closing))

    async def start_duties() -> None:
        await dispatcher.recover()
        runtime.stop.clear()
        runtime.task = asyncio.create_task(dispatcher.run_forever(runtime.stop))
        if console_chat is not None:
            return
        # A digest missed while the bot was down goes out on the first tick, once.
        schedule_digests(application, context.services.digests, dispatcher.wake, digest_interval)
        if context.feeds is not None:
            schedule_feed_polling(application, context.feeds, feed_interval)

    async def stop_duties() -> None:
        if application.job_queue is not None:
            for name in (DIGEST_JOB, POLL_JOB_NAME):
                for job in application.job_queue.get_jobs_by_name(name):
                    job.schedule_removal()
        runtime.stop.set()
        if runtime.task is not None:
            try:
                await asyncio.wait_for(runtime.task, timeout=60)
            except TimeoutError:
                logger.error("dispatcher did not stop in time; unsent rows recover on start-up")
            runtime.task = None

    async def post_stop(app: AnyApplication) -> None:
        runtime.closing.set()
        if runtime.leader_task is not None:
            await runtime.leader_task
            runtime.leader_task = None
        if runtime.leadership is not None:
            await runtime.leadership.resign()
        else:
            await stop_duties()

    application.post_init = post_init
    application.post_stop = post_stop
    return application


async def start_application(application: AnyApplication, *, polling: bool = True) -> None:
    """Start like ``run_polling`` does: initialize, post_init, polling, start."""
    await application.initialize()
    if application.post_init is not None:
        await application.post_init(application)
    if polling and application.updater is not None:
        await application.updater.start_polling(
            allowed_updates=Update.ALL_TYPES, poll_interval=0.0, timeout=1
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


async def run_bot(settings: Settings, stop: asyncio.Event | None = None) -> None:
    """``sitrep run``: long polling until SIGINT/SIGTERM (or ``stop``)."""
    if not settings.token:
        raise SettingsError(NO_BOT_HELP)
    context = await open_context(settings)
    try:
        application = build_application(settings, context)
        stop_event = stop or asyncio.Event()
        loop = asyncio.get_running_loop()
        import signal

        for signum in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(signum, stop_event.set)
        await start_application(application)
        logger.info(
            "Sitrep is running as @%s (long polling); press Ctrl+C to stop",
            application.bot.username,
        )
        try:
            await stop_event.wait()
        finally:
            await stop_application(application)
    finally:
        await context.close()
