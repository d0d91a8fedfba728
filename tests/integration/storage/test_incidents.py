"""Incidents: round trip, updates with revisions, queries, stats, merge blocks, search."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pytest

from bot.domain import (
    DatePrecision,
    EventType,
    Incident,
    IncidentRevision,
    Location,
    SourceRef,
    SubEventType,
)
from storage.base import Backend, IncidentQuery, NotFoundError, StorageError
from storage.sqlite import SqliteStorage
from storage.sqlite import incidents as sqlite_incidents

from .conftest import (
    AAH,
    BAGHDAD,
    BASRA_CITY,
    BASRA_GOVERNORATE,
    ISF,
    T0,
    ZUBAIR_NEAR,
    make_incident,
    make_report,
)

D = dt.date(2026, 3, 1)


class TestAddAndGet:
    """Stored incidents come back as they went in, with id and UTC timestamps."""

    async def test_round_trip(self, storage: SqliteStorage) -> None:
        report, _ = await storage.reports.add(make_report(1))
        incident = make_incident(
            actors=[ISF, AAH],
            sources=[
                SourceRef(report_id=report.id, url=report.url, outlet="Example", published_at=T0),
                SourceRef(url="https://other.example/2", title="Second source"),
            ],
        )
        incident.date_precision = DatePrecision.WEEK
        incident.date_end = D + dt.timedelta(days=2)
        incident.time_of_day = "night"
        incident.injured.min, incident.injured.max = 3, 5
        stored = await storage.incidents.add(incident)
        assert stored.id is not None
        assert stored.created_at is not None
        assert stored.created_at.tzinfo is dt.UTC
        assert stored.updated_at == stored.created_at
        expected = incident.model_copy(
            update={
                "id": stored.id,
                "created_at": stored.created_at,
                "updated_at": stored.updated_at,
            }
        )
        assert stored == expected
        assert await storage.incidents.get(stored.id) == stored
        assert [a.id for a in stored.actors] == [ISF.id, AAH.id]

    async def test_confidence_and_reasons_round_trip(self, storage: SqliteStorage) -> None:
        scored = make_incident()
        scored.confidence = 0.42
        scored.confidence_reasons = ["place: only the admin1 is known", "date: only the week"]
        stored = await storage.incidents.add(scored)
        assert stored.id is not None
        fetched = await storage.incidents.get(stored.id)
        assert fetched is not None
        assert fetched.confidence == 0.42
        assert fetched.confidence_reasons == scored.confidence_reasons
        unscored = await storage.incidents.add(make_incident())
        assert unscored.confidence is None
        assert unscored.confidence_reasons == []

    async def test_get_unknown_is_none(self, storage: SqliteStorage) -> None:
        assert await storage.incidents.get(999) is None

    async def test_unicode_place_and_summary_round_trip(self, storage: SqliteStorage) -> None:
        place = Location(name="البصرة", admin1="البصرة", country="IQ", admin1_code="IQ-BA")
        stored = await storage.incidents.add(
            make_incident(location=place, summary="انفجار عبوة ناسفة قرب سوق شعبي")
        )
        assert stored.id is not None
        fetched = await storage.incidents.get(stored.id)
        assert fetched is not None
        assert fetched.location.name == "البصرة"
        assert fetched.summary == "انفجار عبوة ناسفة قرب سوق شعبي"
        assert fetched.location.key == place.key

    async def test_source_pointing_at_missing_report_is_refused(
        self, storage: SqliteStorage
    ) -> None:
        with pytest.raises(StorageError, match=r"(?i)foreign key"):
            await storage.incidents.add(make_incident(sources=[SourceRef(report_id=404)]))
        assert await storage.incidents.count() == 0


class TestUpdate:
    """Updates replace fields, actors and sources and record revisions."""

    async def test_update_replaces_and_records_revision(self, storage: SqliteStorage) -> None:
        stored = await storage.incidents.add(make_incident(actors=[AAH], killed=2))
        assert stored.id is not None
        changed = stored.model_copy(deep=True)
        changed.killed.min = changed.killed.max = 5
        changed.actors = [ISF]
        changed.sources = [SourceRef(url="https://late.example/1")]
        changed.date = D + dt.timedelta(days=1)
        changed.revision = 2
        revision = IncidentRevision(
            incident_id=stored.id,
            revision=2,
            changed_at=T0,
            changes={"killed": {"old": 2, "new": 5}},
            note="death toll rose from 2 to 5 (الشرطة)",
        )
        updated = await storage.incidents.update(changed, revision)
        assert updated.killed.min == 5
        assert updated.actors == [ISF]
        assert [s.url for s in updated.sources] == ["https://late.example/1"]
        assert updated.revision == 2
        assert updated.created_at == stored.created_at
        assert updated.updated_at is not None
        assert stored.updated_at is not None
        assert updated.updated_at > stored.updated_at
        assert await storage.incidents.revisions(stored.id) == [revision]
        # The actor index follows the new date and the new actor list.
        by_isf = await storage.incidents.query(IncidentQuery(actor_id=ISF.id, since=changed.date))
        assert [i.id for i in by_isf] == [stored.id]
        assert await storage.incidents.query(IncidentQuery(actor_id=AAH.id)) == []

    async def test_caller_supplied_updated_at_is_kept(self, storage: SqliteStorage) -> None:
        stored = await storage.incidents.add(make_incident())
        later = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
        updated = await storage.incidents.update(stored.model_copy(update={"updated_at": later}))
        assert updated.updated_at == later

    async def test_revisions_are_oldest_first(self, storage: SqliteStorage) -> None:
        stored = await storage.incidents.add(make_incident())
        assert stored.id is not None
        for number in (3, 2):
            rev = IncidentRevision(incident_id=stored.id, revision=number, changed_at=T0)
            await storage.incidents.update(stored, rev)
        assert [r.revision for r in await storage.incidents.revisions(stored.id)] == [2, 3]

    async def test_update_unknown_incident(self, storage: SqliteStorage) -> None:
        with pytest.raises(NotFoundError):
            await storage.incidents.update(make_incident().model_copy(update={"id": 77}))
        with pytest.raises(NotFoundError):
            await storage.incidents.update(make_incident())


class TestChildrenOnEveryRead:
    """Every way of reading incidents gives each one its own actors and sources, complete and
    in the order they were stored (not in the order of an index on them)."""

    async def test_actors_and_sources_in_stored_order(self, storage: SqliteStorage) -> None:
        # Actor ids sort the other way round from their positions; the sources hold an
        # apostrophe, a quote, a backslash and Arabic text.
        militia = AAH.model_copy(update={"id": "zz-militia", "name": 'The "Z" militia'})
        report, _ = await storage.reports.add(make_report(1))
        sources = [
            SourceRef(url="https://z.example/2", outlet="Zed's", title="Back\\slash"),
            SourceRef(report_id=report.id, url=report.url, published_at=T0),
            SourceRef(url="https://a.example/1", title="خبر عاجل"),
        ]
        first = await storage.incidents.add(
            make_incident(actors=[militia, ISF, AAH], sources=sources, summary="Convoy hit.")
        )
        second = await storage.incidents.add(
            make_incident(date=D - dt.timedelta(days=1), actors=[ISF], summary="Convoy shot.")
        )
        assert first.id is not None
        assert second.id is not None
        reads: dict[str, Sequence[Incident | None]] = {
            "get": [await storage.incidents.get(first.id), await storage.incidents.get(second.id)],
            "query": await storage.incidents.query(IncidentQuery(limit=10)),
            "ids": await storage.incidents.query(IncidentQuery(ids=[second.id, first.id])),
            "search": await storage.incidents.search("convoy"),
            "page": (await storage.incidents.search_page("convoy", limit=5)).items,
            "merge": await storage.incidents.merge_candidates("IQ", D - dt.timedelta(days=3), D),
        }
        for name, found in reads.items():
            assert [i.id if i else None for i in found] == [first.id, second.id], name
            one, two = found
            assert one is not None
            assert two is not None
            assert [a.id for a in one.actors] == ["zz-militia", ISF.id, AAH.id], name
            assert one.actors[0].name == 'The "Z" militia', name
            assert one.sources == first.sources, name
            assert [s.url for s in one.sources] == [s.url for s in sources], name
            assert [a.id for a in two.actors] == [ISF.id], name
            assert two.sources == [], name


class TestPlaceSemantics:
    """place_key matches point/near incidents only; admin1_code matches the whole governorate."""

    async def test_place_vs_governorate(self, storage: SqliteStorage) -> None:
        city = await storage.incidents.add(make_incident(location=BASRA_CITY))
        wide = await storage.incidents.add(make_incident(location=BASRA_GOVERNORATE))
        near = await storage.incidents.add(make_incident(location=ZUBAIR_NEAR))
        await storage.incidents.add(make_incident(location=BAGHDAD))
        in_city = await storage.incidents.query(IncidentQuery(place_key=BASRA_CITY.key))
        assert [i.id for i in in_city] == [city.id]
        near_zubair = await storage.incidents.query(IncidentQuery(place_key=ZUBAIR_NEAR.key))
        assert [i.id for i in near_zubair] == [near.id]
        in_gov = await storage.incidents.query(IncidentQuery(admin1_code="IQ-BA"))
        assert {i.id for i in in_gov} == {city.id, wide.id, near.id}
        assert await storage.incidents.count(IncidentQuery(place_key=BASRA_CITY.key)) == 1
        assert await storage.incidents.count(IncidentQuery(admin1_code="IQ-BA")) == 3

    async def test_gazetteer_keys_round_trip(self, storage: SqliteStorage) -> None:
        green_zone = Location(
            name="Green Zone",
            place_key="iq:green-zone",
            admin1="Baghdad",
            admin1_code="IQ-BG",
            country="IQ",
        )
        stored = await storage.incidents.add(make_incident(location=green_zone))
        assert stored.location.key == "iq:green-zone"
        found = await storage.incidents.query(IncidentQuery(place_key="iq:green-zone"))
        assert [i.id for i in found] == [stored.id]


class TestQuery:
    """Filters combine with AND; results are newest first (date, then id)."""

    async def test_order_limit_offset(self, storage: SqliteStorage) -> None:
        ids = []
        for day in (3, 1, 3, 2):
            stored = await storage.incidents.add(make_incident(date=D.replace(day=day)))
            ids.append(stored.id)
        everything = await storage.incidents.query(IncidentQuery())
        assert [i.id for i in everything] == [ids[2], ids[0], ids[3], ids[1]]
        page = await storage.incidents.query(IncidentQuery(limit=2, offset=1))
        assert [i.id for i in page] == [ids[0], ids[3]]

    async def test_filters(self, storage: SqliteStorage) -> None:
        a = await storage.incidents.add(make_incident(actors=[AAH], killed=10))
        b = await storage.incidents.add(
            make_incident(
                date=D - dt.timedelta(days=10),
                actors=[AAH, ISF],
                killed=None,
                event_type=EventType.BATTLES,
                sub_event_type=SubEventType.ARMED_CLASH,
            )
        )
        c = await storage.incidents.add(make_incident(location=BAGHDAD, is_background=True))

        async def ids(**filters: object) -> list[int | None]:
            query = IncidentQuery.model_validate(filters)
            return [i.id for i in await storage.incidents.query(query)]

        assert await ids(actor_id=AAH.id) == [a.id, b.id]
        assert await ids(actor_id=AAH.id, since=D - dt.timedelta(days=3)) == [a.id]
        assert await ids(actor_id=ISF.id, until=D) == [b.id]
        assert await ids(event_type=EventType.BATTLES) == [b.id]
        assert await ids(min_killed=5) == [a.id]
        assert await ids(country="IQ", admin1_code="IQ-BG") == [c.id]
        assert await ids(since=D, until=D) == [c.id, a.id]
        assert await ids(include_background=False) == [a.id, b.id]
        assert await ids(country="SY") == []

    async def test_updated_since(self, storage: SqliteStorage) -> None:
        old = await storage.incidents.add(
            make_incident().model_copy(update={"created_at": T0 - dt.timedelta(days=5)})
        )
        new = await storage.incidents.add(make_incident().model_copy(update={"created_at": T0}))
        recent = await storage.incidents.query(IncidentQuery(updated_since=T0))
        assert [i.id for i in recent] == [new.id]
        touched = await storage.incidents.update(old)  # stamped with the wall clock
        assert touched.updated_at is not None
        assert {i.id for i in await storage.incidents.query(IncidentQuery(updated_since=T0))} == {
            old.id,
            new.id,
        }


class TestStats:
    """Totals use the conservative (minimum) figures."""

    async def test_stats(self, storage: SqliteStorage) -> None:
        first = make_incident(killed=3)
        first.killed.max = 7
        first.injured.min = 4
        await storage.incidents.add(first)
        await storage.incidents.add(make_incident(killed=None))
        await storage.incidents.add(
            make_incident(
                killed=1, event_type=EventType.BATTLES, sub_event_type=SubEventType.ARMED_CLASH
            )
        )
        await storage.incidents.add(make_incident(location=BAGHDAD, killed=100))
        stats = await storage.incidents.stats(IncidentQuery(admin1_code="IQ-BA", limit=1))
        assert stats.incidents == 3
        assert stats.killed == 4
        assert stats.injured == 4
        assert stats.by_event_type == {
            EventType.EXPLOSIONS.value: 2,
            EventType.BATTLES.value: 1,
        }
        # How many incidents gave a figure: unknown is not zero.
        assert (stats.killed_reported, stats.injured_reported) == (2, 1)
        empty = await storage.incidents.stats(IncidentQuery(country="SY"))
        assert (empty.incidents, empty.killed, empty.by_event_type) == (0, 0, {})
        assert (empty.killed_reported, empty.injured_reported) == (0, 0)


class TestMergeCandidates:
    """The merge block: same country, date or span overlapping the window."""

    async def test_window(self, storage: SqliteStorage) -> None:
        inside = await storage.incidents.add(make_incident(date=D))
        span = make_incident(date=D - dt.timedelta(days=10))
        span.date_end = D - dt.timedelta(days=1)
        spanning = await storage.incidents.add(span)
        await storage.incidents.add(make_incident(date=D - dt.timedelta(days=10)))
        ended = make_incident(date=D - dt.timedelta(days=20))
        ended.date_end = D - dt.timedelta(days=3)  # ends the day before the window opens
        await storage.incidents.add(ended)
        await storage.incidents.add(
            make_incident(location=Location(name="Aleppo", country="SY"), date=D)
        )
        found = await storage.incidents.merge_candidates(
            "IQ", D - dt.timedelta(days=2), D + dt.timedelta(days=2)
        )
        assert [i.id for i in found] == [inside.id, spanning.id]
        assert len(await storage.incidents.merge_candidates("IQ", D, D, limit=1)) == 1


class TestSearch:
    """FTS over summaries, evidence and the text of the incident's reports."""

    async def test_summary_evidence_and_report_text(self, storage: SqliteStorage) -> None:
        report, _ = await storage.reports.add(make_report(1, text="Witnesses saw a white pickup."))
        by_summary = await storage.incidents.add(make_incident(summary="Mortar fire on a base."))
        incident = make_incident(
            summary="Attack on a checkpoint.", sources=[SourceRef(report_id=report.id)]
        )
        incident.evidence = ["Gunmen opened fire at the checkpoint gate."]
        by_report = await storage.incidents.add(incident)
        assert [i.id for i in await storage.incidents.search("mortar")] == [by_summary.id]
        assert [i.id for i in await storage.incidents.search("gunmen")] == [by_report.id]
        assert [i.id for i in await storage.incidents.search("pickup")] == [by_report.id]
        assert await storage.incidents.search("nothing-like-this") == []

    async def test_search_follows_updates(self, storage: SqliteStorage) -> None:
        stored = await storage.incidents.add(make_incident(summary="Rocket attack."))
        await storage.incidents.update(
            stored.model_copy(update={"summary": "Drone attack.", "evidence": []})
        )
        assert await storage.incidents.search("rocket") == []
        assert [i.id for i in await storage.incidents.search("drone")] == [stored.id]

    async def test_newest_first_with_paging(self, storage: SqliteStorage) -> None:
        ids = [
            (
                await storage.incidents.add(
                    make_incident(date=D.replace(day=d), summary="IED blast")
                )
            ).id
            for d in (1, 3, 2)
        ]
        hits = await storage.incidents.search("ied", limit=2, offset=1)
        assert [i.id for i in hits] == [ids[2], ids[0]]

    @pytest.mark.sqlite_only
    async def test_rebuild_search_index(self, storage: SqliteStorage) -> None:
        report, _ = await storage.reports.add(make_report(1, text="A tanker truck exploded."))
        stored = await storage.incidents.add(make_incident(summary="Mortar fire on a base."))
        await storage._conn.execute(
            "INSERT INTO incidents_fts (incidents_fts) VALUES ('delete-all')"
        )
        await storage._conn.execute("INSERT INTO reports_fts (reports_fts) VALUES ('delete-all')")
        assert await storage.incidents.search("mortar") == []
        assert await storage.rebuild_search_index() == 2
        assert [i.id for i in await storage.incidents.search("mortar")] == [stored.id]
        assert [r.id for r in await storage.reports.search("tanker")] == [report.id]

    @pytest.mark.sqlite_only
    async def test_common_words_sort_the_most_recent_matches(
        self, storage: SqliteStorage, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(sqlite_incidents, "SEARCH_CANDIDATES", 3)
        days = (5, 1, 2, 9, 3)
        ids = [
            (await storage.incidents.add(make_incident(date=D.replace(day=d), summary="clash"))).id
            for d in days
        ]
        # The three stored last (days 2, 9, 3), newest date first.
        hits = await storage.incidents.search("clash", limit=3)
        assert [i.id for i in hits] == [ids[3], ids[4], ids[2]]
        # Paging past the cap widens it.
        assert len(await storage.incidents.search("clash", limit=2, offset=3)) == 2

    async def test_prefixes_and_phrases(self, storage: Backend) -> None:
        basra = await storage.incidents.add(
            make_incident(summary="A car bomb hit a Basra market.")
        )
        baghdad = await storage.incidents.add(
            make_incident(summary="A bomb was found under a car in Baghdad.")
        )
        base = await storage.incidents.add(make_incident(summary="Rockets hit the base."))
        assert {i.id for i in await storage.incidents.search("Bas*")} == {basra.id, base.id}
        assert [i.id for i in await storage.incidents.search('"car bomb"')] == [basra.id]
        assert [i.id for i in await storage.incidents.search('"car bomb" Bag*')] == []
        assert {i.id for i in await storage.incidents.search("car bomb")} == {basra.id, baghdad.id}
        assert await storage.incidents.search_count("Bas*") == 2
        assert await storage.incidents.search_count('"car bomb"') == 1

    async def test_phrases_need_their_words_together_and_in_order(self, storage: Backend) -> None:
        apart = await storage.incidents.add(
            make_incident(summary="A market was shut after a bombing nearby.")
        )
        together = await storage.incidents.add(
            make_incident(summary="The market bombing killed four traders.")
        )
        reversed_ = await storage.incidents.add(
            make_incident(summary="After the bombing, market stalls stayed closed.")
        )
        spaced = await storage.incidents.add(
            make_incident(summary="Police said the blast in a market was small.")
        )
        assert [i.id for i in await storage.incidents.search('"market bombing"')] == [together.id]
        # Unquoted, each word anywhere.
        assert {i.id for i in await storage.incidents.search("market bombing")} == {
            apart.id,
            together.id,
            reversed_.id,
        }
        # Three words, and a stop word inside: still together and in order.
        assert [i.id for i in await storage.incidents.search('"blast in a market"')] == [spaced.id]
        assert [i.id for i in await storage.incidents.search('"bombing killed four"')] == [
            together.id
        ]
        assert await storage.incidents.search('"bombing four killed"') == []
        assert await storage.incidents.search_count('"market bombing"') == 1
        assert await storage.incidents.search_count('"blast in a market"') == 1

    async def test_arabic_search(self, storage: SqliteStorage) -> None:
        stored = await storage.incidents.add(make_incident(summary="انفجار في سوق البصرة"))
        assert [i.id for i in await storage.incidents.search("البصرة")] == [stored.id]
        assert [i.id for i in await storage.incidents.search("بصرة سوق")] == [stored.id]

    @pytest.mark.parametrize(
        "text", ['"', "*", "AND", "NEAR(", "AND(", "'; DROP TABLE incidents; --", "a OR", "-"]
    )
    async def test_hostile_queries(self, storage: SqliteStorage, text: str) -> None:
        await storage.incidents.add(make_incident(summary="and near drop table"))
        assert isinstance(await storage.incidents.search(text), list)
        assert await storage.incidents.count() == 1
