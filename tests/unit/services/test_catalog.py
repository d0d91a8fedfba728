"""Resolving what users type: places, governorates, factions, timezones; suggestions."""

from __future__ import annotations

import pytest

from bot.domain import ActorRef, ActorType, SubscriptionKind
from bot.services import Services
from bot.services.catalog import place_target
from bot.services.errors import UserError
from storage.base import Storage
from tests.fakes import FakePlace


class TestPlaces:
    @pytest.mark.parametrize("text", ["Basra", "basra", "BASRAH", "al-Basra", "البصرة", " Basra "])
    def test_spellings_resolve_to_the_city(self, services: Services, text: str) -> None:
        resolution = services.catalog.resolve_place(text)
        assert resolution.unique is not None
        assert resolution.unique.key == "gn:99532"
        assert resolution.unique.kind is SubscriptionKind.PLACE

    def test_a_big_city_beats_a_village_of_the_same_name(self, services: Services) -> None:
        resolution = services.catalog.resolve_place("Basra")
        assert len(resolution.matches) == 1

    def test_two_towns_of_similar_size_are_ambiguous(self, services: Services) -> None:
        resolution = services.catalog.resolve_place("Hamza")
        assert resolution.ambiguous
        assert {t.detail for t in resolution.matches} == {
            "Babil governorate",
            "Al-Qadisiyah governorate",
        }

    def test_neighbourhood_names_its_city(self, services: Services) -> None:
        target = services.catalog.resolve_place("Green Zone").unique
        assert target is not None
        assert target.detail == "in Baghdad"

    def test_unknown_place_gets_suggestions(self, services: Services) -> None:
        resolution = services.catalog.resolve_place("Basrq")
        assert not resolution.found
        assert "gn:99532" in [t.key for t in resolution.suggestions]

    def test_nonsense_gets_nothing(self, services: Services) -> None:
        resolution = services.catalog.resolve_place("qqqqzzzz")
        assert resolution.matches == []
        assert resolution.suggestions == []

    def test_a_governorate_name_is_suggested_for_city_queries(self, services: Services) -> None:
        resolution = services.catalog.resolve_place("Diyala")
        assert not resolution.found
        assert next(t.key for t in resolution.suggestions) == "IQ-DI"


class TestGovernorates:
    @pytest.mark.parametrize("text", ["Basra", "Basra governorate", "basrah province"])
    def test_governorate_by_name(self, services: Services, text: str) -> None:
        target = services.catalog.resolve_governorate(text).unique
        assert target is not None
        assert (target.kind, target.key) == (SubscriptionKind.ADMIN1, "IQ-BA")

    def test_governorate_of_a_city(self, services: Services) -> None:
        target = services.catalog.resolve_governorate("Sadr City").unique
        assert target is not None
        assert target.key == "IQ-BG"


class TestFactions:
    @pytest.mark.parametrize(
        "text", ["AAH", "aah", "Asa'ib", "Asa’ib", "asaib ahl al-haq", "عصائب أهل الحق"]
    )
    async def test_aliases(self, services: Services, text: str) -> None:
        target = (await services.catalog.resolve_actor(text)).unique
        assert target is not None
        assert (target.kind, target.key) == (SubscriptionKind.ACTOR, "asaib-ahl-al-haq")

    async def test_unknown_faction_gets_suggestions(self, services: Services) -> None:
        resolution = await services.catalog.resolve_actor("Saraya")
        assert not resolution.found
        assert [t.key for t in resolution.suggestions] == ["saraya-al-salam"]

    async def test_actors_added_by_admins_are_found(
        self, services: Services, storage: Storage
    ) -> None:
        assert not (await services.catalog.resolve_actor("Kataib Hezbollah")).found
        await storage.actors.upsert(
            ActorRef(
                id="kataib-hezbollah", name="Kataib Hezbollah", type=ActorType.IDENTITY_MILITIA
            ),
            ["KH"],
        )
        target = (await services.catalog.resolve_actor("KH")).unique
        assert target is not None
        assert target.key == "kataib-hezbollah"


class TestAnything:
    async def test_city_and_governorate_of_one_name_are_ambiguous(
        self, services: Services
    ) -> None:
        resolution = await services.catalog.resolve_any("Basra")
        assert [(t.kind, t.key) for t in resolution.matches] == [
            (SubscriptionKind.PLACE, "gn:99532"),
            (SubscriptionKind.ADMIN1, "IQ-BA"),
        ]

    async def test_faction_alias(self, services: Services) -> None:
        target = (await services.catalog.resolve_any("Daesh")).unique
        assert target is not None
        assert target.kind is SubscriptionKind.ACTOR

    async def test_explicit_governorate(self, services: Services) -> None:
        target = (await services.catalog.resolve_any("Nineveh governorate")).unique
        assert target is not None
        assert target.key == "IQ-NI"

    async def test_target_for_rebuilds_from_kind_and_key(self, services: Services) -> None:
        target = await services.catalog.target_for(SubscriptionKind.PLACE, "gn:94298")
        assert target is not None
        assert target.label == "Sinjar"
        assert await services.catalog.target_for(SubscriptionKind.PLACE, "IQ-BA") is None
        assert await services.catalog.target_for(SubscriptionKind.ACTOR, "nobody") is None


class TestTimezones:
    @pytest.mark.parametrize(
        ("text", "zone"),
        [
            ("Asia/Baghdad", "Asia/Baghdad"),
            ("asia/baghdad", "Asia/Baghdad"),
            ("Europe/Berlin", "Europe/Berlin"),
            ("utc", "UTC"),
            ("Kirkuk", "Asia/Baghdad"),
            ("البصرة", "Asia/Baghdad"),
        ],
    )
    def test_iana_names_and_cities(self, services: Services, text: str, zone: str) -> None:
        assert services.catalog.timezone_for(text) == zone

    @pytest.mark.parametrize(
        ("text", "zone"),
        [
            ("UTC+3", "Etc/GMT-3"),  # POSIX names have the sign the other way round
            ("gmt+3", "Etc/GMT-3"),
            ("+3", "Etc/GMT-3"),
            ("+03:00", "Etc/GMT-3"),
            ("UTC-5", "Etc/GMT+5"),
            ("UTC+0", "UTC"),
        ],
    )
    def test_utc_offsets(self, services: Services, text: str, zone: str) -> None:
        assert services.catalog.timezone_for(text) == zone

    @pytest.mark.parametrize("text", ["UTC+3:30", "UTC+15", "UTC-13"])
    def test_offsets_without_a_zone_say_to_use_a_city(self, services: Services, text: str) -> None:
        with pytest.raises(UserError) as info:
            services.catalog.timezone_for(text)
        assert "city" in info.value.message

    @pytest.mark.parametrize("text", ["Mars/Olympus", "", "qqqq"])
    def test_unknown_timezone_is_a_user_error(self, services: Services, text: str) -> None:
        with pytest.raises(UserError) as info:
            services.catalog.timezone_for(text)
        assert info.value.usage is not None


class TestLabels:
    def test_iraqi_divisions_are_governorates_elsewhere_provinces(self) -> None:
        iraqi = place_target(FakePlace("IQ-BA", "admin1", "Basra"))
        somali = place_target(FakePlace("SO-BN", "admin1", "Banaadir", country="SO"))
        town = place_target(
            FakePlace("gn:1", "place", "Afgooye", country="SO", admin1="Lower Shabelle")
        )
        assert (iraqi.label, somali.label) == ("Basra governorate", "Banaadir province")
        assert town.detail == "Lower Shabelle, SO"
