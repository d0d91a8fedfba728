"""The button codec: every typed button survives the wire; foreign or stale data does not."""

from __future__ import annotations

import pytest

from bot.domain import SubscriptionKind
from handlers.callbacks import (
    CALLBACK_MAX,
    Callback,
    LatestPage,
    Menu,
    Noop,
    RemoveFeed,
    SearchPage,
    SettingsChoice,
    ShowLocation,
    Subscribe,
    TargetMap,
    TargetPage,
    TargetStats,
    Unsubscribe,
    decode,
    encode,
    matching,
    period_code,
    period_text,
)

PLACE = SubscriptionKind.PLACE
ACTOR = SubscriptionKind.ACTOR

EVERY_KIND: list[Callback] = [
    LatestPage(5, 2),
    TargetPage(PLACE, "gn:99532", "last_7_days", 3),
    TargetPage(ACTOR, "asaib-ahl-al-haq"),
    TargetStats(SubscriptionKind.ADMIN1, "IQ-BA", "30d"),
    TargetMap(PLACE, "gn:99532", ""),
    SearchPage("0123456789", 4),
    Subscribe(PLACE, "gn:99532", 3),
    Subscribe(ACTOR, "aah"),
    Unsubscribe(subscription_id=12),
    Unsubscribe(step="ask-all"),
    Unsubscribe(step="all"),
    Unsubscribe(step="keep"),
    SettingsChoice("digest-on"),
    SettingsChoice("subscriptions"),
    Menu("help"),
    ShowLocation(7),
    RemoveFeed(3),
    Noop(),
]


class TestRoundTrip:
    @pytest.mark.parametrize("callback", EVERY_KIND, ids=repr)
    def test_decodes_to_what_was_encoded(self, callback: Callback) -> None:
        data = encode(callback)
        assert data is not None
        assert len(data.encode()) <= CALLBACK_MAX
        assert decode(data) == callback

    def test_too_long_for_telegram_is_no_button(self) -> None:
        assert encode(Subscribe(PLACE, "k" * 80)) is None


class TestWireForms:
    """Buttons already on messages in chats keep working: the wire forms did not change."""

    @pytest.mark.parametrize(
        ("data", "callback"),
        [
            ("sub:place:gn:99532", Subscribe(PLACE, "gn:99532")),
            ("sub:p:gn:99532@2", Subscribe(PLACE, "gn:99532", 2)),
            ("ls:p:1:7d:gn:99532", TargetPage(PLACE, "gn:99532", "7d", 1)),
            ("st:f::aah", TargetStats(ACTOR, "aah", "")),
            ("un:all:yes", Unsubscribe(step="all")),
            ("set:q:off", SettingsChoice("quiet-off")),
            ("feed:rm:9", RemoveFeed(9)),
        ],
    )
    def test_known_data(self, data: str, callback: Callback) -> None:
        assert decode(data) == callback

    @pytest.mark.parametrize(
        "data",
        [None, "", "zz:1", "lt:x:1", "ls:q:1::k", "ls:p:one::k", "st:p:7d:", "sub:nope:k",
         "un:maybe", "set:d:sometimes", "m:dance", "loc:", "feed:rm:x", "feed:9"],
    )  # fmt: skip
    def test_foreign_or_broken_data_is_none(self, data: str | None) -> None:
        assert decode(data) is None


class TestHelpers:
    def test_matching_accepts_only_the_named_kinds(self) -> None:
        pattern = matching(Subscribe, Unsubscribe)
        assert pattern("sub:place:gn:1")
        assert pattern("un:4")
        assert not pattern("lt:5:1")
        assert not pattern(object())

    def test_period_codes_have_no_spaces_or_colons_and_come_back(self) -> None:
        code = period_code("last 7 days")
        assert " " not in code
        assert ":" not in code
        assert period_text(code) == "last 7 days"
        assert period_code(None) == ""
        assert period_text("") is None
