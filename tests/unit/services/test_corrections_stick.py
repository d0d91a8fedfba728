"""A later report does not undo what a reviewer corrected, but a rising toll still counts."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.services import Services
from bot.services.corrections import TollAnswer
from bot.services.review import Reviewer
from storage.base import Storage
from tests.fakes import ScriptedExtractor
from tests.unit.services.conftest import BuildServices, make_incident, make_settings

ADMIN = 77
REVIEWER = Reviewer(ADMIN, "Huda")
DAY = dt.date(2022, 8, 30)
PUBLISHED = dt.datetime(2022, 8, 30, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def services(build: BuildServices) -> Services:
    """The services with the real matcher and merge (conftest's ``services`` uses simple ones,
    and these tests are about how a merge treats a corrected toll)."""
    return build(make_settings(SITREP_ADMIN_IDS=str(ADMIN)), real_merge=True)


async def report(
    services: Services, extractor: ScriptedExtractor, marker: str, hours: int, killed: int
) -> int:
    """A report published ``hours`` after the first, telling the same clash in Baghdad; the
    id of the incident it was stored in."""
    extractor.script(marker, [make_incident("Baghdad", day=DAY, killed=killed)])
    outcome = await services.ingestion.ingest_text(
        f"{marker}: a clash in Baghdad", published_at=PUBLISHED + dt.timedelta(hours=hours)
    )
    [incident] = [*outcome.new_incidents, *outcome.updated_incidents]
    assert incident.id is not None
    return incident.id


class TestCorrectionsStick:
    async def test_a_lower_figure_later_leaves_the_reviewers_toll(
        self, services: Services, storage: Storage, extractor: ScriptedExtractor
    ) -> None:
        first = await report(services, extractor, "R1", 0, killed=2)
        await services.corrections.correct_toll(
            first, TollAnswer(4, 1, "health ministry"), REVIEWER
        )

        assert await report(services, extractor, "R2", 1, killed=2) == first
        stored = await storage.incidents.get(first)
        assert stored is not None
        assert len(stored.sources) == 2  # the report is still recorded as a source
        assert (stored.killed.min, stored.injured.min) == (4, 1)

    async def test_a_rising_toll_still_updates_a_corrected_one(
        self, services: Services, storage: Storage, extractor: ScriptedExtractor
    ) -> None:
        first = await report(services, extractor, "R1", 0, killed=2)
        await services.corrections.correct_toll(
            first, TollAnswer(4, 1, "health ministry"), REVIEWER
        )

        assert await report(services, extractor, "R3", 3, killed=6) == first
        stored = await storage.incidents.get(first)
        assert stored is not None
        assert stored.killed.min == 6
