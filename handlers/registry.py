"""The one place that builds every feature's handlers and adds them to the application.

Order matters in PTB: in a group only the first matching handler runs. The flood guard goes in
group -1 (before everything), plain-language questions before an admin's paste-to-ingest, and
the catch-alls for unknown commands and buttons last.
"""

from __future__ import annotations

from dataclasses import dataclass

from telegram.ext import MessageHandler, filters

from bot.config import Settings
from bot.services import Services
from bot.services.feeds import FeedService
from bot.services.learning import LearningService
from bot.services.questions import QuestionService
from bot.services.visuals import VisualService
from handlers.admin import AdminHandlers
from handlers.common import AnyApplication, Toolkit
from handlers.errors import ErrorReporter, FloodGuard, UserRateLimiter
from handlers.feeds import FeedCommands, register_feed_handlers
from handlers.learning import LearningHandlers
from handlers.lookups import LookupHandlers
from handlers.maps import TileCache
from handlers.membership import MembershipHandlers
from handlers.menu import MenuHandlers
from handlers.questions import QuestionHandlers
from handlers.review import ReviewHandlers
from handlers.settings import SettingsHandlers
from handlers.subscriptions import SubscriptionHandlers
from handlers.visuals import VisualHandlers


@dataclass(frozen=True)
class HandlerInputs:
    """What the handlers are built from (the composition root provides each)."""

    services: Services
    settings: Settings
    admin_ids: frozenset[int]
    visuals: VisualService
    tiles: TileCache
    questions: QuestionService
    feeds: FeedService | None = None
    learning: LearningService | None = None  # /place_add, /actor_alias ... (admins)
    flood_guard: bool = True  # off in the console: one local user running scripts


@dataclass(frozen=True)
class Features:
    """Every feature's handlers, as registered."""

    kit: Toolkit
    lookups: LookupHandlers
    subscriptions: SubscriptionHandlers
    settings: SettingsHandlers
    menu: MenuHandlers
    admin: AdminHandlers
    membership: MembershipHandlers
    visuals: VisualHandlers
    questions: QuestionHandlers
    feeds: FeedCommands | None
    learning: LearningHandlers | None
    errors: ErrorReporter
    review: ReviewHandlers
    guard: FloodGuard | None


def build_features(inputs: HandlerInputs) -> Features:
    """Build each feature's handlers over one shared toolkit."""
    settings, admins = inputs.settings, inputs.admin_ids
    kit = Toolkit(inputs.services, settings, admins)
    visuals = VisualHandlers(kit, inputs.visuals, inputs.tiles, settings)
    lookups = LookupHandlers(kit, visuals)
    subscriptions = SubscriptionHandlers(kit)
    chat_settings = SettingsHandlers(kit, subscriptions)
    feeds = FeedCommands(inputs.feeds, admins.__contains__, kit.language) if inputs.feeds else None
    admin = AdminHandlers(kit, feeds.ingest_url if feeds else None)
    guard = (
        FloodGuard(UserRateLimiter(settings.sitrep_user_rate_per_minute))
        if inputs.flood_guard
        else None
    )
    return Features(
        kit=kit,
        lookups=lookups,
        subscriptions=subscriptions,
        settings=chat_settings,
        menu=MenuHandlers(kit, lookups, subscriptions, chat_settings),
        admin=admin,
        membership=MembershipHandlers(kit),
        visuals=visuals,
        questions=QuestionHandlers(kit, inputs.questions, lookups, admin, visuals),
        feeds=feeds,
        learning=LearningHandlers(kit, inputs.learning) if inputs.learning else None,
        errors=ErrorReporter(inputs.services.admin.record_error, admins),
        review=ReviewHandlers(kit),
        guard=guard,
    )


def register_all(application: AnyApplication, inputs: HandlerInputs) -> Features:
    """Build every feature's handlers and add them to ``application`` in the right order."""
    features = build_features(inputs)
    if features.guard is not None:
        features.guard.register(application)
    for feature in (
        features.review,  # first: a reply to a reviewer's question is an answer, not a query
        features.menu,
        features.lookups,
        features.subscriptions,
        features.settings,
        features.admin,
        features.membership,
        features.visuals,
        features.questions,
    ):
        feature.register(application)
    # Private text that is no question: an admin's pasted or forwarded report.
    application.add_handler(
        MessageHandler(
            filters.UpdateType.MESSAGE
            & filters.ChatType.PRIVATE
            & ~filters.COMMAND
            & (filters.TEXT | filters.CAPTION),
            features.kit.safe(features.admin.on_private_text),
        )
    )
    if features.feeds is not None:
        register_feed_handlers(application, features.feeds)
    if features.learning is not None:
        features.learning.register(application)
    features.errors.register(application)
    # Last: the catch-alls for unknown commands and buttons, after every module's handlers.
    features.menu.register_fallbacks(application)
    return features
