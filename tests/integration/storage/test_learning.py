"""Local places, admin-added aliases with who, and people's revisions, on every backend."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.domain import IncidentRevision
from bot.domain.learning import ActorAliasRecord, LocalPlace
from storage.base import Backend, DuplicatePlaceError

from .conftest import AAH, T0, make_incident, make_report, reopen

QASRAWI = LocalPlace(
    name="Tell Qasrawi",
    aliases=["Qasrawi Hill", "تل قصراوي"],
    lat=36.21,
    lon=42.95,
    country="IQ",
    admin1="Nineveh",
    admin1_code="IQ-NI",
    added_by=900,
    added_at=T0,
    incident_id=None,
    note="wrong place on #4",
)


def alias(text: str, by: int | None = 900, at: dt.datetime = T0) -> ActorAliasRecord:
    return ActorAliasRecord(
        actor_id=AAH.id, actor_name=AAH.name, alias=text, added_by=by, added_at=at, note="chat"
    )


class TestLocalPlaces:
    async def test_round_trip_with_id(self, storage: Backend) -> None:
        stored = await storage.learning.add_place(QASRAWI)
        assert stored.id is not None
        assert stored.model_copy(update={"id": None}) == QASRAWI
        assert await storage.learning.places() == [stored]

    @pytest.mark.sqlite_only
    async def test_survives_a_restart(self, storage: Backend) -> None:
        stored = await storage.learning.add_place(QASRAWI)
        again = await reopen(storage)
        try:
            assert await again.learning.places() == [stored]
        finally:
            await again.close()

    async def test_one_name_per_country(self, storage: Backend) -> None:
        await storage.learning.add_place(QASRAWI)
        with pytest.raises(DuplicatePlaceError):
            await storage.learning.add_place(QASRAWI.model_copy(update={"name": "TELL  qasrawi"}))
        elsewhere = await storage.learning.add_place(QASRAWI.model_copy(update={"country": "SY"}))
        assert [p.country for p in await storage.learning.places()] == ["IQ", elsewhere.country]

    async def test_stamped_when_no_time_is_given(self, storage: Backend) -> None:
        stored = await storage.learning.add_place(QASRAWI.model_copy(update={"added_at": None}))
        assert stored.added_at is not None
        assert (await storage.learning.places())[0].added_at == stored.added_at

    async def test_remove(self, storage: Backend) -> None:
        stored = await storage.learning.add_place(QASRAWI)
        assert stored.id is not None
        assert await storage.learning.remove_place(stored.id) is True
        assert await storage.learning.remove_place(stored.id) is False
        assert await storage.learning.places() == []


class TestActorAliases:
    async def test_alias_of_an_unstored_actor_stores_the_actor(self, storage: Backend) -> None:
        assert await storage.learning.add_actor_alias(AAH, alias("Khazali's men")) is True
        assert await storage.actors.all() == [(AAH, ["Khazali's men"])]
        assert await storage.learning.alias_records() == [alias("Khazali's men")]

    async def test_aliases_keep_their_order_and_a_repeat_is_refused(
        self, storage: Backend
    ) -> None:
        later = T0 + dt.timedelta(hours=1)
        assert await storage.learning.add_actor_alias(AAH, alias("First Name"))
        assert await storage.learning.add_actor_alias(AAH, alias("Second Name", 901, later))
        assert await storage.learning.add_actor_alias(AAH, alias("First Name")) is False
        assert await storage.actors.all() == [(AAH, ["First Name", "Second Name"])]
        records = await storage.learning.alias_records()
        assert [(r.alias, r.added_by) for r in records] == [
            ("First Name", 900),
            ("Second Name", 901),
        ]

    async def test_remove_one_alias(self, storage: Backend) -> None:
        await storage.learning.add_actor_alias(AAH, alias("First Name"))
        await storage.learning.add_actor_alias(AAH, alias("Second Name"))
        assert await storage.learning.remove_actor_alias(AAH.id, "First Name") is True
        assert await storage.learning.remove_actor_alias(AAH.id, "First Name") is False
        assert await storage.actors.all() == [(AAH, ["Second Name"])]
        assert [r.alias for r in await storage.learning.alias_records()] == ["Second Name"]

    async def test_aliases_written_by_upsert_have_no_record(self, storage: Backend) -> None:
        await storage.actors.upsert(AAH, ["AAH"])
        assert await storage.learning.alias_records() == []


class TestManualRevisions:
    async def test_only_revisions_without_a_report(self, storage: Backend) -> None:
        report, _ = await storage.reports.add(make_report())
        incident = await storage.incidents.add(make_incident())
        assert incident.id is not None
        by_report = IncidentRevision(
            incident_id=incident.id, revision=2, changed_at=T0, report_id=report.id,
            changes={"killed": {"old": "2", "new": "4"}}, note="toll rose",
        )  # fmt: skip
        by_person = IncidentRevision(
            incident_id=incident.id, revision=3, changed_at=T0 + dt.timedelta(hours=1),
            changes={"location": {"old": "Basra", "new": "Tell Qasrawi"}}, note="wrong place",
        )  # fmt: skip
        await storage.incidents.update(incident.model_copy(update={"revision": 2}), by_report)
        await storage.incidents.update(incident.model_copy(update={"revision": 3}), by_person)
        found = await storage.learning.manual_revisions()
        assert [(r.incident_id, r.revision, r.note) for r in found] == [
            (incident.id, 3, "wrong place")
        ]
        assert found[0].changes == by_person.changes
