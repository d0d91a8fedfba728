"""Queries: latest, per target (with neighbourhoods), detail, stats against the previous
period, search, pagination."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.domain import GeoPrecision, SubEventType
from bot.services import Services
from bot.services.errors import UserError
from bot.services.queries import sanitize_search
from storage.base import Storage
from tests.fakes import AAH, BAGHDAD, BAGHDAD_GOV, FakeActorRegistry, MutableClock
from tests.unit.services.conftest import actor, make_incident

NOW = dt.datetime(2022, 9, 2, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
async def seeded(storage: Storage, clock: MutableClock, actors: FakeActorRegistry) -> Storage:
    """Incidents in and around Baghdad over two weeks, plus one in Basra."""
    clock.set(NOW)
    aah = actor(actors, "asaib-ahl-al-haq")
    for place, day, killed, precision, who in (
        ("Green Zone", dt.date(2022, 8, 29), 30, GeoPrecision.POINT, [aah]),
        ("Sadr City", dt.date(2022, 8, 30), 2, GeoPrecision.POINT, []),
        ("Baghdad", dt.date(2022, 8, 31), 1, GeoPrecision.NEAR, []),
        ("Baghdad", dt.date(2022, 9, 1), 5, GeoPrecision.ADMIN1, []),
        ("Baghdad", dt.date(2022, 8, 22), 3, GeoPrecision.POINT, []),
        ("Basra", dt.date(2022, 9, 1), 4, GeoPrecision.POINT, [aah]),
    ):
        await storage.incidents.add(
            make_incident(
                place,
                day=day,
                killed=killed,
                precision=precision,
                actors=who,
                summary=f"Clashes in {place} on {day.isoformat()}",
            )
        )
    return storage


class TestForTarget:
    async def test_a_city_includes_neighbourhoods_but_not_governorate_level_events(
        self, services: Services, seeded: Storage
    ) -> None:
        page = await services.queries.for_target(BAGHDAD, services.queries.parse_period("7d"))
        assert [i.location.name for i in page.items] == ["Baghdad", "Sadr City", "Green Zone"]
        assert page.total == 3

    async def test_a_governorate_includes_everything_in_it(
        self, services: Services, seeded: Storage
    ) -> None:
        page = await services.queries.for_target(
            BAGHDAD_GOV, services.queries.parse_period("7d"), page_size=10
        )
        assert page.total == 4

    async def test_no_period_means_any_time(self, services: Services, seeded: Storage) -> None:
        page = await services.queries.for_target(BAGHDAD, None, page_size=10)
        assert page.total == 4

    async def test_a_faction(self, services: Services, seeded: Storage) -> None:
        page = await services.queries.for_target(AAH, services.queries.parse_period("2w"))
        assert [i.location.name for i in page.items] == ["Basra", "Green Zone"]

    async def test_pagination(self, services: Services, seeded: Storage) -> None:
        first = await services.queries.for_target(BAGHDAD_GOV, None, page=1, page_size=2)
        second = await services.queries.for_target(BAGHDAD_GOV, None, page=2, page_size=2)
        beyond = await services.queries.for_target(BAGHDAD_GOV, None, page=9, page_size=2)
        assert (first.page, first.pages, first.total) == (1, 3, 5)
        assert first.has_next
        assert not first.has_previous
        assert {i.id for i in first.items}.isdisjoint({i.id for i in second.items})
        assert beyond.page == 3
        assert not beyond.has_next

    async def test_latest(self, services: Services, seeded: Storage) -> None:
        page = await services.queries.latest(2)
        assert page.total == 6
        assert page.pages == 3
        assert [i.date for i in page.items] == [dt.date(2022, 9, 1), dt.date(2022, 9, 1)]


class TestDetail:
    async def test_unknown_incident_is_a_user_error(self, services: Services) -> None:
        with pytest.raises(UserError, match="#99"):
            await services.queries.incident(99)

    async def test_detail(self, services: Services, seeded: Storage) -> None:
        detail = await services.queries.incident(1)
        assert detail.incident.location.name == "Green Zone"
        assert detail.revisions == []


class TestStats:
    async def test_compares_with_the_previous_period(
        self, services: Services, seeded: Storage
    ) -> None:
        stats = await services.queries.stats(BAGHDAD_GOV, services.queries.parse_period("7d"))
        assert (stats.current.incidents, stats.current.killed) == (4, 38)
        assert (stats.previous.incidents, stats.previous.killed) == (1, 3)
        assert stats.change == 3
        assert stats.killed_change == 35
        assert stats.previous_period.until == stats.period.since

    async def test_place_stats_follow_place_semantics(
        self, services: Services, seeded: Storage
    ) -> None:
        stats = await services.queries.stats(BAGHDAD, services.queries.parse_period("7d"))
        assert stats.current.incidents == 3
        assert stats.current.by_event_type == {"Battles": 3}

    async def test_everything_by_default(self, services: Services, seeded: Storage) -> None:
        stats = await services.queries.stats()
        assert stats.current.incidents == 5
        assert stats.target is None


class TestStatsWithoutAPeriod:
    """A bare /stats must say something useful even when the last week was quiet."""

    async def test_a_busy_week_is_not_widened(self, services: Services, seeded: Storage) -> None:
        stats = await services.queries.stats()
        assert stats.period.label == "last 7 days"
        assert stats.widened_from is None

    async def test_a_quiet_week_widens_to_the_last_month(
        self, services: Services, seeded: Storage, clock: MutableClock
    ) -> None:
        clock.set(NOW + dt.timedelta(days=20))
        stats = await services.queries.stats()
        assert stats.widened_from == "last 7 days"
        assert stats.period.label == "last 30 days"
        assert stats.current.incidents == 5  # 22 August is more than 30 days back

    async def test_old_records_widen_to_everything_since_the_first(
        self, services: Services, seeded: Storage, clock: MutableClock
    ) -> None:
        clock.set(NOW + dt.timedelta(days=3 * 365))
        stats = await services.queries.stats()
        assert stats.period.label == "since 2022-08-22"
        assert stats.current.incidents == 6
        assert stats.current.killed == 45
        faction = await services.queries.stats(AAH)
        assert faction.period.label == "since 2022-08-29"
        assert faction.current.incidents == 2
        place = await services.queries.stats(BAGHDAD)
        assert place.period.label == "since 2022-08-22"
        assert place.current.incidents == 4

    async def test_nothing_at_all_stays_at_seven_days(
        self, services: Services, storage: Storage
    ) -> None:
        stats = await services.queries.stats(AAH)
        assert stats.period.label == "last 7 days"
        assert stats.current.incidents == 0
        assert stats.widened_from is None

    async def test_an_explicit_period_is_never_widened(
        self, services: Services, seeded: Storage, clock: MutableClock
    ) -> None:
        clock.set(NOW + dt.timedelta(days=20))
        stats = await services.queries.stats(None, services.queries.parse_period("7d"))
        assert stats.current.incidents == 0
        assert stats.widened_from is None


class TestSearch:
    async def test_finds_words(self, services: Services, seeded: Storage) -> None:
        page = await services.queries.search("clashes basra")
        assert [i.location.name for i in page.items] == ["Basra"]
        assert page.query == "clashes basra"

    async def test_pages_count_and_a_page_past_the_end_shows_the_last(
        self, services: Services, seeded: Storage
    ) -> None:
        first = await services.queries.search("clashes", page=1, page_size=4)
        last = await services.queries.search("clashes", page=2, page_size=4)
        beyond = await services.queries.search("clashes", page=9, page_size=4)
        assert (first.total, first.pages, len(first.items)) == (6, 2, 4)
        assert (last.page, len(last.items)) == (2, 2)
        assert (beyond.page, beyond.pages, beyond.total) == (2, 2, 6)
        assert [i.id for i in beyond.items] == [i.id for i in last.items]
        seen = [i.id for i in first.items + last.items]
        assert len(set(seen)) == 6

    async def test_prefix_search(self, services: Services, seeded: Storage) -> None:
        page = await services.queries.search("Bas*")
        assert [i.location.name for i in page.items] == ["Basra"]
        assert page.query == "Bas*"

    async def test_quoted_phrase_keeps_word_order(
        self, services: Services, seeded: Storage
    ) -> None:
        found = await services.queries.search('"clashes in Sadr City"')
        assert [i.location.name for i in found.items] == ["Sadr City"]
        reordered = await services.queries.search('"Sadr clashes"', page_size=10)
        assert reordered.total == 0
        loose = await services.queries.search("Sadr clashes", page_size=10)
        assert loose.total == 1

    async def test_phrase_with_a_prefix_at_its_end(
        self, services: Services, seeded: Storage
    ) -> None:
        page = await services.queries.search('"clashes in Bas"*')
        assert [i.location.name for i in page.items] == ["Basra"]

    @pytest.mark.parametrize(
        ("raw", "clean"),
        [
            ('"drone" Sinjar*', "drone Sinjar*"),
            ("Bas*, Mosul.", "Bas* Mosul"),
            ('"car bomb" Sinjar', '"car bomb" Sinjar'),
            ("البصرة; DROP TABLE", "البصرة DROP TABLE"),
            ('"unclosed phrase', '"unclosed phrase"'),
            ("killed or injured", "killed injured"),
            ('"killed or injured"', '"killed or injured"'),
        ],
    )
    def test_sanitised(self, raw: str, clean: str) -> None:
        assert sanitize_search(raw) == clean

    @pytest.mark.parametrize(
        ("words", "named"),
        [
            ("Basra OR Mosul", "OR"),
            ("Basra AND Mosul", "AND"),
            ("Basra NOT Mosul", "NOT"),
            ("NEAR(Basra Mosul)", "NEAR"),
            ("Basra -Mosul", "-Mosul"),
            ("*asra", "*asra"),
            ("Ba*ra", "Ba*ra"),
            ("B*", "B*"),
        ],
    )
    async def test_unsupported_syntax_says_what_works(
        self, services: Services, seeded: Storage, words: str, named: str
    ) -> None:
        with pytest.raises(UserError) as info:
            await services.queries.search(words)
        message = info.value.message
        assert named in message
        assert "Bas*" in message
        assert '"car bomb"' in message

    @pytest.mark.parametrize("words", ["", "***", '""', "  "])
    async def test_nothing_to_search_is_a_user_error(self, services: Services, words: str) -> None:
        with pytest.raises(UserError):
            await services.queries.search(words)

    async def test_other_event_types_count_separately(
        self, services: Services, storage: Storage, clock: MutableClock
    ) -> None:
        clock.set(NOW)
        await storage.incidents.add(
            make_incident(
                "Nasiriyah", day=dt.date(2022, 9, 1), event=SubEventType.PEACEFUL_PROTEST
            )
        )
        stats = await services.queries.stats(None, services.queries.parse_period("24h"))
        assert stats.current.by_event_type == {"Protests": 1}


class TestCityBounds:
    async def test_a_city_includes_its_neighbourhoods_but_not_distant_towns(
        self, services: Services, storage: Storage
    ) -> None:
        for place in ("Kirkuk", "Daquq", "Green Zone"):
            await storage.incidents.add(make_incident(place, killed=1))
        kirkuk = services.catalog.resolve_place("Kirkuk").unique
        baghdad = services.catalog.resolve_place("Baghdad").unique
        assert kirkuk is not None
        assert baghdad is not None
        in_kirkuk = await services.queries.for_target(kirkuk)
        assert [i.location.name for i in in_kirkuk.items] == ["Kirkuk"]
        in_baghdad = await services.queries.for_target(baghdad)
        assert [i.location.name for i in in_baghdad.items] == ["Green Zone"]


class TestUnknownTotals:
    async def test_stats_count_how_many_incidents_gave_each_figure(
        self, services: Services, storage: Storage
    ) -> None:
        await storage.incidents.add(make_incident("Basra", killed=2))
        await storage.incidents.add(make_incident("Baghdad", killed=1, injured=4))
        await storage.incidents.add(make_incident("Kirkuk"))
        result = await services.queries.stats(
            period=services.queries.parse_period("since 2020-01-01")
        )
        assert (result.current.killed, result.current.killed_reported) == (3, 2)
        assert (result.current.injured, result.current.injured_reported) == (4, 1)
