"""The demo reports: valid, oldest first, loaded once however often ``sitrep demo`` runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Settings
from bot.services import Services
from bot.services.alerts import alert_key, update_key
from bot.services.demo import demo_reports, load_demo
from bot.services.errors import UserError
from storage.base import Storage
from storage.sqlite import SqliteStorage
from tests.fakes import MutableClock
from tests.unit.services.conftest import engine_services


def test_the_packaged_file_has_eight_to_twelve_reports_oldest_first() -> None:
    reports = demo_reports()
    assert 8 <= len(reports) <= 12
    assert [r.published_at for r in reports] == sorted(r.published_at for r in reports)
    assert len({r.url for r in reports}) == len(reports)


def test_the_green_zone_follow_up_comes_after_the_first_report() -> None:
    titles = [r.title for r in demo_reports()]
    assert titles.index("Green Zone death toll rises to 30") > titles.index(
        "Deadly clashes in Baghdad's Green Zone"
    )


async def test_loading_twice_stores_each_report_once(services: Services, storage: Storage) -> None:
    first = await load_demo(services)
    second = await load_demo(services)
    assert not any(o.duplicate for o in first)
    assert all(o.duplicate for o in second)
    assert await storage.reports.count() == len(first)


def test_a_broken_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "reports.jsonl"
    path.write_text('{"url": "https://example.org/x", "text": "no date"}\n', encoding="utf-8")
    with pytest.raises(UserError, match="line 1"):
        demo_reports(path)


class TestWithTheRealEngine:
    """The demo through the rules extractor and real SQLite: what `sitrep demo` shows."""

    async def test_green_zone_alert_then_update_and_basra_factions(
        self, sqlite: SqliteStorage, clock: MutableClock, settings: Settings
    ) -> None:
        services = engine_services(sqlite, clock, settings)
        baghdad = services.catalog.resolve_place("Baghdad").unique
        assert baghdad is not None
        await services.chats.ensure_chat(1)
        await services.subscriptions.subscribe(1, baghdad)

        outcomes = await load_demo(services)
        by_title = {o.report.title: o for o in outcomes}
        first = by_title["Deadly clashes in Baghdad's Green Zone"]
        follow_up = by_title["Green Zone death toll rises to 30"]
        assert len(first.new_incidents) == 1
        green_zone = first.new_incidents[0]
        assert green_zone.id is not None
        assert green_zone.location.name == "Green Zone"
        assert follow_up.new_incidents == []
        assert [i.id for i in follow_up.updated_incidents] == [green_zone.id]
        assert follow_up.updates_queued == 1
        assert any("30" in note for note in follow_up.notes)
        update = await sqlite.outbox.get_by_key(
            update_key(1, green_zone.id, follow_up.updated_incidents[0].revision)
        )
        assert update is not None
        assert update.reply_to_key == alert_key(1, green_zone.id)

        basra = by_title["Rival militias clash in Basra"].new_incidents
        assert [i.location.name for i in basra] == ["Basra"]
        assert {"saraya-al-salam", "asaib-ahl-al-haq"} <= basra[0].actor_ids
        assert sum(len(o.new_incidents) for o in outcomes) >= 8

        again = await load_demo(services)
        assert all(o.duplicate for o in again)

    @pytest.mark.parametrize("name", ["Basra", "basrah", "البصرة"])
    async def test_city_basra_finds_the_fighting_in_central_basra(
        self, sqlite: SqliteStorage, clock: MutableClock, settings: Settings, name: str
    ) -> None:
        # The tour's headline query: "fought in central Basra" is the city, not the governorate.
        services = engine_services(sqlite, clock, settings)
        await load_demo(services)
        city = services.catalog.resolve_place(name).unique
        assert city is not None
        page = await services.queries.for_target(city)
        assert page.total >= 1
        assert all(incident.location.name == "Basra" for incident in page.items)
        assert page.items[0].location.geo_precision.value == "point"
