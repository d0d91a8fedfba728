"""A later report does not undo what a reviewer corrected, but a rising toll still counts."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.domain import Incident
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


@pytest.fixture
async def corrected(services: Services, extractor: ScriptedExtractor) -> int:
    """The id of a clash first reported with two killed, which a reviewer corrected to four
    killed and one injured."""
    first = await report(services, extractor, "R1", 0, killed=2)
    await services.corrections.correct_toll(first, TollAnswer(4, 1, "health ministry"), REVIEWER)
    return first


async def merged_later(
    services: Services, storage: Storage, extractor: ScriptedExtractor, corrected: int, killed: int
) -> Incident:
    """A report of the same clash three hours later giving ``killed``: the stored incident it
    was merged into (the corrected one)."""
    assert await report(services, extractor, "LATER", 3, killed=killed) == corrected
    stored = await storage.incidents.get(corrected)
    assert stored is not None
    return stored


class TestCorrectionsStick:
    async def test_a_lower_figure_later_leaves_the_reviewers_toll(
        self, services: Services, storage: Storage, extractor: ScriptedExtractor, corrected: int
    ) -> None:
        stored = await merged_later(services, storage, extractor, corrected, killed=2)
        assert len(stored.sources) == 2  # the report is still recorded as a source
        assert (stored.killed.min, stored.injured.min) == (4, 1)

    async def test_a_rising_toll_still_updates_a_corrected_one(
        self, services: Services, storage: Storage, extractor: ScriptedExtractor, corrected: int
    ) -> None:
        stored = await merged_later(services, storage, extractor, corrected, killed=6)
        assert stored.killed.min == 6
