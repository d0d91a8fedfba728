"""Use cases behind every transport (Telegram, the console, the CLI): the :class:`Services` bundle.

Handlers receive one ``Services`` built by the composition root with :func:`build_services`;
they parse arguments, call one service, and render the returned models.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.config import Settings
from bot.extract import merge as default_merge
from bot.ports import Clock, Extractor, PlaceLearner
from bot.services.admin import AdminService
from bot.services.alerts import DEFAULT_MAX_AGE, AlertPlanner
from bot.services.catalog import CatalogService
from bot.services.chats import ChatService
from bot.services.corrections import CorrectionService
from bot.services.digests import DigestService
from bot.services.errors import UserError
from bot.services.ingestion import IngestService, MatchFn, MergeFn
from bot.services.lookup import ActorLookup, PlaceLookup
from bot.services.outbox import Outbox
from bot.services.queries import QueryService
from bot.services.review import ReviewService
from bot.services.subscriptions import SubscriptionService
from storage.base import Storage

__all__ = [
    "AdminService",
    "AlertPlanner",
    "CatalogService",
    "ChatService",
    "DigestService",
    "IngestService",
    "QueryService",
    "Services",
    "SubscriptionService",
    "UserError",
    "build_services",
]


@dataclass(frozen=True)
class Services:
    """The bundle handlers and the CLI receive."""

    catalog: CatalogService
    queries: QueryService
    subscriptions: SubscriptionService
    chats: ChatService
    ingestion: IngestService
    digests: DigestService
    admin: AdminService
    alerts: AlertPlanner
    outbox: Outbox
    review: ReviewService
    corrections: CorrectionService


def build_services(  # noqa: PLR0917 - every service needs these six
    storage: Storage,
    extractor: Extractor,
    gazetteer: PlaceLookup,
    actors: ActorLookup,
    clock: Clock,
    settings: Settings,
    *,
    find_match: MatchFn | None = None,
    merge_incidents: MergeFn | None = None,
    alert_max_age: dt.timedelta = DEFAULT_MAX_AGE,
    place_learner: PlaceLearner | None = None,
) -> Services:
    """Wire the services around one storage, extractor, gazetteer, registry, clock and settings.

    ``find_match``/``merge_incidents`` default to ``bot.extract.merge``'s; ``alert_max_age`` is
    how old an incident may be and still get a first alert (see ``bot.services.alerts``);
    ``place_learner`` turns places reviewers supply into local places (none: not learned).
    """
    find_match = find_match or default_merge.find_match
    merge_incidents = merge_incidents or default_merge.merge_incidents
    catalog = CatalogService(gazetteer, actors, storage)
    queries = QueryService(storage, catalog, clock, settings)
    outbox = Outbox(storage)
    admin = AdminService(storage, clock, extractor, outbox)
    planner = AlertPlanner(
        storage,
        queries,
        clock,
        max_age=alert_max_age,
        min_confidence=settings.sitrep_alert_min_confidence,
        outbox=outbox,
    )
    review = ReviewService(
        storage, planner, clock, settings.sitrep_admin_ids, outbox, place_learner=place_learner
    )
    planner.hold_with(review.held)
    return Services(
        catalog=catalog,
        queries=queries,
        subscriptions=SubscriptionService(storage, catalog, clock),
        chats=ChatService(storage, catalog, clock, settings),
        ingestion=IngestService(
            storage,
            extractor,
            planner,
            admin=admin,
            clock=clock,
            settings=settings,
            find_match=find_match,
            merge_incidents=merge_incidents,
        ),
        digests=DigestService(storage, queries, clock, outbox),
        admin=admin,
        alerts=planner,
        outbox=outbox,
        review=review,
        corrections=CorrectionService(storage, review, planner, catalog),
    )
