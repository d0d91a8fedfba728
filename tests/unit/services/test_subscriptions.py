"""Subscriptions: idempotent subscribe, unsubscribe, deep-link payloads, thresholds."""

from __future__ import annotations

import pytest

from bot.domain import SubscriptionKind
from bot.domain.views import Target
from bot.services import Services
from bot.services.errors import UserError
from bot.services.subscriptions import parse_payload, payload_for, split_min_killed
from storage.base import Storage
from tests.fakes import AAH, BASRA, NINEVEH
from tests.unit.services.conftest import add_chat, make_incident


class TestSubscribe:
    async def test_subscribe_is_idempotent(self, services: Services) -> None:
        await add_chat(services, 1)
        first, created = await services.subscriptions.subscribe(1, BASRA)
        again, created_again = await services.subscriptions.subscribe(1, BASRA, min_killed=5)
        assert created
        assert not created_again
        assert again.id == first.id
        assert again.min_killed == 0
        assert len(await services.subscriptions.list(1)) == 1

    async def test_threshold_is_stored(self, services: Services) -> None:
        await add_chat(services, 1)
        subscription, _ = await services.subscriptions.subscribe(1, AAH, min_killed=3)
        assert subscription.min_killed == 3
        assert subscription.label == "Asaib Ahl al-Haq"

    async def test_negative_threshold_is_refused(self, services: Services) -> None:
        with pytest.raises(UserError):
            await services.subscriptions.subscribe(1, BASRA, min_killed=-1)

    async def test_unsubscribe_by_id_and_by_target(self, services: Services) -> None:
        await add_chat(services, 1)
        basra, _ = await services.subscriptions.subscribe(1, BASRA)
        await services.subscriptions.subscribe(1, NINEVEH)
        assert basra.id is not None
        assert await services.subscriptions.unsubscribe(1, basra.id)
        assert not await services.subscriptions.unsubscribe(1, basra.id)
        assert await services.subscriptions.unsubscribe_target(1, NINEVEH)
        assert not await services.subscriptions.unsubscribe_target(1, NINEVEH)
        assert await services.subscriptions.list(1) == []

    async def test_a_chat_cannot_remove_another_chats_subscription(
        self, services: Services
    ) -> None:
        await add_chat(services, 1)
        subscription, _ = await services.subscriptions.subscribe(1, BASRA)
        assert subscription.id is not None
        assert not await services.subscriptions.unsubscribe(2, subscription.id)

    async def test_unsubscribe_all(self, services: Services) -> None:
        await add_chat(services, 1)
        for target in (BASRA, NINEVEH, AAH):
            await services.subscriptions.subscribe(1, target)
        assert await services.subscriptions.unsubscribe_all(1) == 3
        assert await services.subscriptions.list(1) == []

    async def test_recent_places_are_distinct_and_newest_first(
        self, services: Services, storage: Storage
    ) -> None:
        await storage.incidents.add(make_incident("Green Zone"))
        await storage.incidents.add(make_incident("Basra"))
        await storage.incidents.add(make_incident("Sinjar"))
        await storage.incidents.add(make_incident("Basra"))
        places = await services.subscriptions.recent_places(limit=5)
        assert [t.label for t in places] == ["Basra", "Sinjar", "Green Zone"]


class TestPayloads:
    @pytest.mark.parametrize(
        ("target", "payload"),
        [
            (BASRA, "sub_place_99532"),
            (NINEVEH, "sub_admin1_IQ-NI"),
            (AAH, "sub_actor_asaib-ahl-al-haq"),
            (
                Target(kind=SubscriptionKind.PLACE, key="iq:green-zone", label="Green Zone"),
                "sub_place_iq__green-zone",
            ),
        ],
    )
    def test_round_trip(self, target: Target, payload: str) -> None:
        assert payload_for(target) == payload
        assert parse_payload(payload) == (target.kind, target.key)

    def test_unencodable_keys_give_no_payload(self) -> None:
        odd = Target(kind=SubscriptionKind.PLACE, key="IQ:basra:some place", label="x")
        assert payload_for(odd) is None
        long_actor = Target(kind=SubscriptionKind.ACTOR, key="a" * 80, label="x")
        assert payload_for(long_actor) is None

    @pytest.mark.parametrize(
        "payload", ["", "hello", "sub_place_abc", "sub_city_1", "sub_actor_a b", "x" * 100]
    )
    def test_foreign_payloads_are_ignored(self, payload: str) -> None:
        assert parse_payload(payload) is None

    async def test_subscribe_from_payload(self, services: Services) -> None:
        await add_chat(services, 1)
        subscription, created = await services.subscriptions.subscribe_payload(
            1, "sub_place_99532"
        )
        assert created
        assert (subscription.key, subscription.label) == ("gn:99532", "Basra")

    async def test_unknown_payload_target_is_a_user_error(self, services: Services) -> None:
        with pytest.raises(UserError):
            await services.subscriptions.subscribe_payload(1, "sub_place_123456789")


class TestMinKilledArgument:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("Basra", ("Basra", 0)),
            ("Basra min_killed=3", ("Basra", 3)),
            ("Sadr City minkilled 10", ("Sadr City", 10)),
            ("AAH min_killed:0", ("AAH", 0)),
        ],
    )
    def test_split(self, text: str, expected: tuple[str, int]) -> None:
        assert split_min_killed(text) == expected

    @pytest.mark.parametrize("text", ["Basra min_killed=x", "Basra min_killed=-2"])
    def test_bad_threshold(self, text: str) -> None:
        with pytest.raises(UserError):
            split_min_killed(text)


class TestRecentCountries:
    async def test_from_subscriptions_and_recent_incidents(
        self, services: Services, storage: Storage
    ) -> None:
        await add_chat(services, 1)
        assert await services.subscriptions.recent_countries(1) == set()
        await storage.incidents.add(make_incident("Kirkuk"))
        assert await services.subscriptions.recent_countries(1) == {"IQ"}
