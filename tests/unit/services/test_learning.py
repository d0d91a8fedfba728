"""LearningService: what admins teach is checked, stored, and used by the next extraction."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.domain import ActorType
from bot.domain.learning import LocalPlace
from bot.extract.actors import ActorRegistry
from bot.extract.gazetteer import Gazetteer
from bot.extract.pipeline import build_rules_extractor, report_from_text
from bot.ports import PlaceLearner
from bot.services.learning import VERSION_KEY, LearningError, LearningService
from bot.services.live_learning import LearningExtractor
from bot.services.place_files import PLACES_FORMAT, export_places, import_places
from tests.fake_storage import InMemoryStorage
from tests.fakes import FixedClock

NOW = dt.datetime(2026, 3, 3, 9, 0, tzinfo=dt.UTC)
ADMIN = 900
# Written for these tests (facts invented): an invented village and an invented alias.
REPORT = (
    "A roadside bomb hit an army patrol in Tell Qasrawi, a village in northern Iraq, on Monday, "
    "killing two soldiers, officials said."
)
ALIAS_REPORT = (
    "Fighters of the Lords of the Martyrs Battalions fired rockets at a base in Basra, Iraq, on "
    "Monday, wounding three soldiers, police said."
)
ALIAS = "Lords of the Martyrs Battalions"


@pytest.fixture
def storage() -> InMemoryStorage:
    return InMemoryStorage()


@pytest.fixture
def learning(storage: InMemoryStorage) -> LearningService:
    return LearningService(storage, Gazetteer.default(), ActorRegistry.default(), FixedClock(NOW))


async def learn_qasrawi(
    learning: LearningService, *, country: str | None = None, admin1: str | None = None
) -> LocalPlace:
    return await learning.learn_place(
        "Tell Qasrawi", 36.21, 42.95, country=country, admin1=admin1, added_by=ADMIN,
        incident_id=None,
    )  # fmt: skip


class TestLearnPlace:
    def test_is_a_place_learner(self, learning: LearningService) -> None:
        port: PlaceLearner = learning
        assert port is learning

    async def test_country_and_governorate_come_from_the_point(
        self, learning: LearningService, storage: InMemoryStorage
    ) -> None:
        place = await learning.learn_place(
            "  Tell   Qasrawi ", 36.21, 42.95, country=None, admin1=None, added_by=ADMIN,
            incident_id=12,
        )  # fmt: skip
        assert (place.name, place.country, place.admin1, place.admin1_code) == (
            "Tell Qasrawi", "IQ", "Nineveh", "IQ-NI",
        )  # fmt: skip
        assert (place.added_by, place.added_at, place.incident_id) == (ADMIN, NOW, 12)
        assert await storage.learning.places() == [place]
        assert learning.gazetteer.lookup("Tell Qasrawi")[0].key == place.key
        assert learning.places.lookup("Tell Qasrawi")[0].key == place.key  # the catalog's view

    async def test_given_country_and_governorate_are_checked(
        self, learning: LearningService
    ) -> None:
        place = await learn_qasrawi(learning, country="iq", admin1="Nineveh")
        assert place.country == "IQ"
        with pytest.raises(LearningError) as wrong:
            await learning.check_place("Tell Other", 36.21, 42.95, country="SY")
        assert wrong.value.code == "wrong_country"
        with pytest.raises(LearningError) as unknown:
            await learning.check_place("Tell Other", 36.21, 42.95, country="XQ")
        assert unknown.value.code == "unknown_country"
        with pytest.raises(LearningError) as region:
            await learning.check_place("Tell Other", 36.21, 42.95, admin1="Nowhere Province")
        assert region.value.code == "unknown_admin1"

    @pytest.mark.parametrize(
        ("name", "lat", "lon", "code"),
        [
            ("", 36.21, 42.95, "empty"),
            ("   ", 36.21, 42.95, "empty"),
            ("x" * 10_000, 36.21, 42.95, "too_long"),
            ("<b>Tell</b> Qasrawi", 36.21, 42.95, "markup"),
            ("Tell https://evil.example", 36.21, 42.95, "markup"),
            ("12345", 36.21, 42.95, "no_letters"),
            ("Tell Qasrawi", 999.0, 999.0, "bad_coordinates"),
            ("Tell Qasrawi", float("nan"), 42.95, "bad_coordinates"),
            ("Tell Qasrawi", 0.0, -30.0, "not_on_land"),  # the middle of the Atlantic
            ("Rawa", 34.48, 41.92, "known_place"),  # the gazetteer has it right there
            ("Basra", 33.0, 44.0, "namesake"),  # a city of a million: no village may take it
            ("Iraq", 33.3, 44.4, "known_place"),
            ("Market", 36.21, 42.95, "too_common"),
            ("Asaib Ahl al-Haq", 36.21, 42.95, "actor_name"),
        ],
    )
    async def test_hostile_or_wrong_input_is_refused_and_changes_nothing(
        self,
        learning: LearningService,
        storage: InMemoryStorage,
        name: str,
        lat: float,
        lon: float,
        code: str,
    ) -> None:
        with pytest.raises(LearningError) as refused:
            await learning.learn_place(
                name, lat, lon, country=None, admin1=None, added_by=ADMIN, incident_id=None
            )
        assert refused.value.code == code
        assert refused.value.message  # a sentence the handler can fall back on
        assert await storage.learning.places() == []
        assert await storage.meta.get(VERSION_KEY) is None

    async def test_same_name_far_from_the_gazetteer_namesake_is_allowed(
        self, learning: LearningService
    ) -> None:
        # A village called Rawa near Hillah, 300 km from the town of Rawa, is another place.
        place = await learning.learn_place(
            "Rawa", 32.55, 44.4, country="IQ", admin1=None, added_by=ADMIN, incident_id=None
        )
        assert (place.country, place.admin1_code) == ("IQ", "IQ-BB")

    async def test_a_second_place_of_the_same_name_is_a_duplicate(
        self, learning: LearningService, storage: InMemoryStorage
    ) -> None:
        await learn_qasrawi(learning)
        with pytest.raises(LearningError) as again:
            await learning.learn_place(
                "tell qasrawi", 36.3, 42.9, country=None, admin1=None, added_by=1, incident_id=None
            )
        assert again.value.code == "duplicate_place"
        assert len(await storage.learning.places()) == 1

    async def test_removing_forgets_it(self, learning: LearningService) -> None:
        place = await learn_qasrawi(learning)
        assert place.id is not None
        assert await learning.remove_place(place.id)
        assert learning.gazetteer.lookup("Tell Qasrawi") == []
        assert not await learning.remove_place(999)


class TestUseWithoutRestart:
    async def test_the_next_extraction_finds_the_place(
        self, storage: InMemoryStorage, learning: LearningService
    ) -> None:
        rules = build_rules_extractor(Gazetteer.default(), ActorRegistry.default())
        learning.on_change(rules.use)
        extractor = LearningExtractor(rules, learning)
        report = report_from_text(REPORT, NOW)
        assert all(i.location.name != "Tell Qasrawi" for i in await extractor.extract(report))
        place = await learn_qasrawi(learning)
        incidents = await extractor.extract(report)
        assert [i.location.key for i in incidents] == [place.key]

    async def test_another_process_picks_the_change_up_before_extracting(
        self, storage: InMemoryStorage, learning: LearningService
    ) -> None:
        other = LearningService(
            storage, Gazetteer.default(), ActorRegistry.default(), FixedClock(NOW)
        )
        rules = build_rules_extractor(Gazetteer.default(), ActorRegistry.default())
        other.on_change(rules.use)
        await other.refresh(force=True)
        await learn_qasrawi(learning)  # in "this" process
        incidents = await LearningExtractor(rules, other).extract(report_from_text(REPORT, NOW))
        assert [i.location.name for i in incidents] == ["Tell Qasrawi"]

    async def test_refresh_without_a_change_rebuilds_nothing(
        self, learning: LearningService
    ) -> None:
        calls: list[object] = []
        learning.on_change(lambda gazetteer, actors: calls.append(gazetteer))
        await learn_qasrawi(learning)
        assert len(calls) == 1
        assert not await learning.refresh()
        assert not await learning.refresh(force=True)  # same data: no rebuild either
        assert len(calls) == 1


class TestActorAliases:
    async def test_alias_reaches_lookups_and_the_extractor(
        self, storage: InMemoryStorage, learning: LearningService
    ) -> None:
        rules = build_rules_extractor(Gazetteer.default(), ActorRegistry.default())
        learning.on_change(rules.use)
        extractor = LearningExtractor(rules, learning)
        report = report_from_text(ALIAS_REPORT, NOW)
        before = await extractor.extract(report)
        assert all("kataib-sayyid-al-shuhada" not in i.actor_ids for i in before)
        actor, alias = await learning.add_actor_alias(f' "{ALIAS}" ', "KSS", added_by=ADMIN)
        assert (actor.id, alias) == ("kataib-sayyid-al-shuhada", ALIAS)
        assert [a.id for a in learning.actors.lookup(ALIAS)] == [actor.id]
        after = await extractor.extract(report)
        assert any(actor.id in i.actor_ids for i in after)
        records = await storage.learning.alias_records()
        assert [(r.actor_id, r.alias, r.added_by) for r in records] == [(actor.id, ALIAS, ADMIN)]
        # The registry actor keeps its own names and place in the hierarchy.
        assert learning.actors.lookup("KSS")[0].id == actor.id
        assert learning.actors.part_of(actor.id) == ActorRegistry.default().part_of(actor.id)

    async def test_removing_an_alias_an_admin_added(
        self, learning: LearningService, storage: InMemoryStorage
    ) -> None:
        await learning.add_actor_alias(ALIAS, "KSS", added_by=ADMIN)
        removed = await learning.remove_actor_alias(f'"{ALIAS.upper()}"')
        assert [a.id for a in removed] == ["kataib-sayyid-al-shuhada"]
        assert learning.actors.lookup(ALIAS) == []
        assert await storage.learning.alias_records() == []
        assert learning.actors.lookup("KSS")[0].id == "kataib-sayyid-al-shuhada"

    async def test_the_registrys_own_names_stay(
        self, learning: LearningService, storage: InMemoryStorage
    ) -> None:
        with pytest.raises(LearningError) as refused:
            await learning.remove_actor_alias("KSS")
        assert refused.value.code == "not_taught"
        assert learning.actors.lookup("KSS")[0].id == "kataib-sayyid-al-shuhada"
        assert await storage.meta.get(VERSION_KEY) is None

    @pytest.mark.parametrize(
        ("alias", "actor", "code"),
        [
            ("KSS", "kataib-sayyid-al-shuhada", "alias_known"),
            ("AAH", "KSS", "alias_taken"),
            (ALIAS, "Nobody Brigade Of Nowhere", "unknown_actor"),
            ("<script>x</script>", "KSS", "markup"),
            ("y" * 10_000, "KSS", "too_long"),
            ("", "KSS", "empty"),
            ("Kh", "KSS", "too_short"),
            ("army", "KSS", "too_common"),
            ("Mosul", "KSS", "place_name"),
        ],
    )
    async def test_refusals_change_nothing(
        self, learning: LearningService, storage: InMemoryStorage, alias: str, actor: str,
        code: str,
    ) -> None:  # fmt: skip
        with pytest.raises(LearningError) as refused:
            await learning.add_actor_alias(alias, actor, added_by=ADMIN)
        assert refused.value.code == code
        assert await storage.actors.all() == []
        assert await storage.meta.get(VERSION_KEY) is None

    async def test_a_new_actor(self, learning: LearningService) -> None:
        actor = await learning.add_actor(
            "Saraya Example", "political_militia", "iq", added_by=ADMIN
        )
        assert (actor.id, actor.type, actor.country) == (
            "local-saraya-example", ActorType.POLITICAL_MILITIA, "IQ",
        )  # fmt: skip
        assert [a.id for a in learning.actors.lookup("saraya example")] == [actor.id]
        _, alias = await learning.add_actor_alias("SE Brigade", actor.id, added_by=ADMIN)
        assert learning.actors.lookup(alias)[0].id == actor.id
        with pytest.raises(LearningError) as exists:
            await learning.add_actor("Saraya Example", "rebel_group", None, added_by=ADMIN)
        assert exists.value.code == "actor_exists"
        with pytest.raises(LearningError) as kind:
            await learning.add_actor("Another Group", "wizards", None, added_by=ADMIN)
        assert kind.value.code == "bad_actor_type"


class TestPlaceFiles:
    async def test_export_then_import_elsewhere(self, learning: LearningService) -> None:
        await learn_qasrawi(learning)
        document = await export_places(learning, NOW)
        assert document["format"] == PLACES_FORMAT
        assert [p["name"] for p in document["places"]] == ["Tell Qasrawi"]

        fresh_storage = InMemoryStorage()
        fresh = LearningService(
            fresh_storage, Gazetteer.default(), ActorRegistry.default(), FixedClock(NOW)
        )
        result = await import_places(fresh, document, now=NOW, note="test")
        assert [p.name for p in result.added] == ["Tell Qasrawi"]
        assert result.added[0].added_by == ADMIN  # who taught it travels with the file
        assert fresh.gazetteer.lookup("Tell Qasrawi")[0].country == "IQ"
        again = await import_places(fresh, document, now=NOW, note="test")
        assert again.added == []
        assert again.skipped == [("Tell Qasrawi", "Tell Qasrawi is already a local place in IQ.")]

    async def test_bad_entries_are_skipped_with_why(self, learning: LearningService) -> None:
        document = {
            "format": PLACES_FORMAT,
            "places": [
                {"name": "Tell Qasrawi", "lat": 36.21, "lon": 42.95},
                {"name": "<i>Bad</i>", "lat": 36.21, "lon": 42.95},
                {"name": "Far Out", "lat": 999, "lon": 999},
                {"name": "No Point"},
                "not an object",
            ],
        }
        result = await import_places(learning, document, now=NOW, note="file")
        assert [p.name for p in result.added] == ["Tell Qasrawi"]
        assert result.added[0].note == "file"
        assert [name for name, _ in result.skipped] == ["<i>Bad</i>", "Far Out", "No Point", "#5"]

    @pytest.mark.parametrize("document", [[], {"format": "other"}, {"format": PLACES_FORMAT}])
    async def test_not_a_places_file(self, learning: LearningService, document: object) -> None:
        with pytest.raises(Exception, match="places"):
            await import_places(learning, document, now=NOW, note="x")
