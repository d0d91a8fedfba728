"""The catalog over the real packaged gazetteer and actor registry (bot/data)."""

from __future__ import annotations

import pytest

from bot.domain import SubscriptionKind
from bot.extract.actors import ActorRegistry
from bot.extract.gazetteer import Gazetteer
from bot.services.catalog import CatalogService
from bot.services.subscriptions import parse_payload, payload_for


@pytest.fixture(scope="module")
def catalog() -> CatalogService:
    """A catalog over the packaged gazetteer (loaded once for the module)."""
    return CatalogService(Gazetteer.default(), ActorRegistry.default())


class TestRealGazetteer:
    @pytest.mark.parametrize("text", ["Basra", "basrah", "al-Basra", "البصرة", "BASRA city"])
    def test_basra_spellings(self, catalog: CatalogService, text: str) -> None:
        target = catalog.resolve_place(text).unique
        assert target is not None
        assert target.key == "gn:99532"

    @pytest.mark.parametrize("text", ["Sinjar", "Nasiriyah", "Baghdad", "Kirkuk"])
    def test_iraqi_towns_win_over_small_namesakes_abroad(
        self, catalog: CatalogService, text: str
    ) -> None:
        target = catalog.resolve_place(text).unique
        assert target is not None
        assert target.detail is not None
        assert "governorate" in target.detail

    def test_green_zone_is_a_neighbourhood_of_baghdad_with_a_share_link(
        self, catalog: CatalogService
    ) -> None:
        target = catalog.resolve_place("Green Zone").unique
        assert target is not None
        assert target.detail == "in Baghdad"
        payload = payload_for(target)
        assert payload is not None
        assert len(payload) <= 64
        assert parse_payload(payload) == (SubscriptionKind.PLACE, target.key)

    async def test_basra_for_subscribe_offers_city_and_governorate(
        self, catalog: CatalogService
    ) -> None:
        resolution = await catalog.resolve_any("Basra")
        assert [t.key for t in resolution.matches] == ["gn:99532", "IQ-BA"]

    async def test_a_governorate_beats_a_tiny_foreign_namesake(
        self, catalog: CatalogService
    ) -> None:
        target = (await catalog.resolve_any("Anbar")).unique
        assert target is not None
        assert (target.kind, target.key) == (SubscriptionKind.ADMIN1, "IQ-AN")
        as_city = catalog.resolve_place("Anbar")
        assert not as_city.found
        assert as_city.suggestions[0].key == "IQ-AN"

    def test_a_typo_of_a_big_city_is_not_taken_for_a_small_namesake(
        self, catalog: CatalogService
    ) -> None:
        # "Basar" is also a town in Togo; a user typing it almost surely meant Basra.
        resolution = catalog.resolve_place("Basar")
        assert resolution.ambiguous
        assert resolution.matches[0].key == "gn:99532"
        assert "Bassar" in [t.label for t in resolution.matches]

    @pytest.mark.parametrize(
        "text", ["Tikrit", "Najaf", "Mosul", "Fallujah", "Hit", "Tuz Khurmatu", "Sadr City"]
    )
    def test_real_names_stay_unique(self, catalog: CatalogService, text: str) -> None:
        assert catalog.resolve_place(text).unique is not None

    def test_misspelling_gets_suggestions(self, catalog: CatalogService) -> None:
        resolution = catalog.resolve_place("Basrq")
        assert not resolution.found
        assert "gn:99532" in [t.key for t in resolution.suggestions]

    @pytest.mark.parametrize(
        ("text", "name"),
        [("Miqdadiya", "Muqdadiya"), ("Khanakin", "Khanaqin"), ("Kerkouk", "Kirkuk")],
    )
    def test_other_romanisation_resolves(
        self, catalog: CatalogService, text: str, name: str
    ) -> None:
        target = catalog.resolve_place(text).unique
        assert target is not None
        assert target.label == name

    @pytest.mark.parametrize(
        ("text", "zone"), [("Erbil", "Asia/Baghdad"), ("Mosul", "Asia/Baghdad")]
    )
    def test_timezone_by_city(self, catalog: CatalogService, text: str, zone: str) -> None:
        assert catalog.timezone_for(text) == zone


class TestRealRegistry:
    @pytest.mark.parametrize(
        "text", ["AAH", "aah", "Asa'ib", "Asaib Ahl al-Haq", "عصائب أهل الحق"]
    )
    async def test_asaib_ahl_al_haq(self, catalog: CatalogService, text: str) -> None:
        target = (await catalog.resolve_actor(text)).unique
        assert target is not None
        assert target.key == "asaib-ahl-al-haq"

    async def test_misspelt_faction_gets_suggestions(self, catalog: CatalogService) -> None:
        resolution = await catalog.resolve_actor("Sarya al Salam")
        keys = [t.key for t in resolution.matches or resolution.suggestions]
        assert "saraya-al-salam" in keys


class TestCityBoundsInThePackagedGazetteer:
    @pytest.mark.parametrize(
        ("city", "inside", "outside"),
        [
            ("Kirkuk", "K1 base", "Daquq"),
            ("Baghdad", "Green Zone", "Tarmiyah"),
            ("Basra", "Basra International Airport", "Fao"),
            ("Mosul", "Gogjali", "Tal Afar"),
        ],
    )
    def test_listed_places_count_for_the_city_only_when_near_it(
        self, catalog: CatalogService, city: str, inside: str, outside: str
    ) -> None:
        target = catalog.resolve_place(city).unique
        assert target is not None
        entry = catalog.place_entry(target.key)
        assert entry is not None
        names = {child.name for child in catalog.neighbourhoods(entry)}
        assert inside in names
        assert outside not in names


class TestSuggestionsNearTheUser:
    def test_a_typo_suggests_places_in_the_users_countries(self, catalog: CatalogService) -> None:
        resolution = catalog.resolve_place("Basrq", countries={"IQ"})
        assert resolution.suggestions
        assert "Basra" in [s.label for s in resolution.suggestions]
        assert all("TR" not in (s.detail or "") for s in resolution.suggestions)
        assert "Kulp" not in [s.label for s in resolution.suggestions]

    def test_without_a_nearby_candidate_the_world_is_searched(
        self, catalog: CatalogService
    ) -> None:
        resolution = catalog.resolve_place("Kulpp", countries={"IQ"})
        assert "Kulp" in [s.label for s in resolution.suggestions]
