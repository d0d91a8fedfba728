"""Admin status: counts, outbox by status, last ingest and last error."""

from __future__ import annotations

from bot.domain import ExtractorHealth, Feed, Incident, Report, SubscriptionKind
from bot.domain.views import Target
from bot.services import Services
from bot.services.admin import AdminService
from storage.base import Storage
from tests.fakes import MutableClock
from tests.unit.services.conftest import add_chat


async def test_status_counts_everything(
    services: Services, storage: Storage, clock: MutableClock
) -> None:
    await add_chat(services, 1)
    await add_chat(services, 2, active=False)
    await services.subscriptions.subscribe(
        1, Target(kind=SubscriptionKind.ADMIN1, key="IQ-BA", label="Basra governorate")
    )
    await storage.feeds.add(Feed(url="https://example.org/feed.xml"))
    await services.admin.record_error("feed timed out")
    status = await services.admin.status()
    assert (status.chats, status.subscriptions, status.feeds) == (1, 1, 1)
    assert status.reports == status.incidents == 0
    assert status.queue_length == 0
    assert status.last_error == "feed timed out"
    assert status.last_error_at == clock.now()
    assert status.last_ingest_at is None


class _ModelExtractor:
    """An extractor that reports a language model paused after failures."""

    def __init__(self, health: ExtractorHealth | Exception) -> None:
        self._health = health

    async def extract(self, report: Report) -> list[Incident]:
        return []

    def health(self) -> ExtractorHealth:
        if isinstance(self._health, Exception):
            raise self._health
        return self._health


async def test_status_shows_rules_when_no_model(services: Services) -> None:
    status = await services.admin.status()
    assert status.extractor.mode == "rules"
    assert not status.extractor.model_down


async def test_status_says_when_the_rules_answer_alone(
    storage: Storage, clock: MutableClock
) -> None:
    down = ExtractorHealth(
        mode="both", model="local-7b", state="paused", last_outcome="timeout", rules_alone=4
    )
    status = await AdminService(storage, clock, _ModelExtractor(down)).status()
    assert status.extractor.model_down
    assert status.extractor.rules_alone == 4


async def test_a_confused_extractor_does_not_break_status(
    storage: Storage, clock: MutableClock
) -> None:
    status = await AdminService(storage, clock, _ModelExtractor(RuntimeError("x"))).status()
    assert status.extractor.mode == "rules"


class TestHeartbeat:
    async def test_no_heartbeat_until_the_bot_beats(
        self, services: Services, clock: MutableClock
    ) -> None:
        assert await services.admin.heartbeat_age() is None
        await services.admin.beat()
        clock.advance(seconds=40)
        age = await services.admin.heartbeat_age()
        assert age is not None
        assert age.total_seconds() == 40
