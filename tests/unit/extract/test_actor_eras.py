"""Date-aware forces: who a force was on the report's day (issue 11, actors)."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from bot.domain.enums import ActorType
from bot.extract.actor_specs import ActorEra
from bot.extract.actors import ActorRegistry, ActorSpec, Nationality, national_force_specs
from bot.extract.evaluation import registry_actor_matcher
from bot.extract.pipeline import RulesExtractor

TAKEOVER = dt.date(2030, 6, 1)
BEFORE = dt.date(2029, 3, 2)
AFTER = dt.date(2031, 1, 9)


def _invented_registry() -> ActorRegistry:
    """A made-up country whose rebels took power on TAKEOVER (same data shape as actors.json)."""
    specs = [
        ActorSpec(
            id="dawn-front",
            name="Dawn Front",
            type=ActorType.STATE_FORCES,
            country="AF",
            aliases=["Dawn Front fighters"],
            roles=["security", "military", "police"],
            eras=[ActorEra(until=TAKEOVER, type=ActorType.REBEL_GROUP, roles=[])],
        ),
        ActorSpec(
            id="old-guard",
            name="Old Guard",
            type=ActorType.STATE_FORCES,
            country="AF",
            eras=[ActorEra(until=TAKEOVER, roles=["security", "military", "police"])],
        ),
    ]
    table = [Nationality(country="AF", names=("Zedland",), adjectives=("Zedlandic",))]
    return ActorRegistry(national_force_specs(specs, table))


class TestEraData:
    def test_an_era_needs_a_bound(self) -> None:
        with pytest.raises(ValidationError, match="since"):
            ActorEra(type=ActorType.REBEL_GROUP)

    def test_an_era_must_be_ordered(self) -> None:
        with pytest.raises(ValidationError, match="must come before"):
            ActorEra(since=AFTER, until=BEFORE)

    def test_until_is_the_first_day_after(self) -> None:
        era = ActorEra(until=TAKEOVER)
        assert era.covers(TAKEOVER - dt.timedelta(days=1))
        assert not era.covers(TAKEOVER)


class TestInventedCountry:
    def test_the_actor_takes_the_type_of_the_day(self) -> None:
        registry = _invented_registry()
        text = "Dawn Front fighters stormed the post."
        [before] = registry.find_mentions(text, on=BEFORE)
        [after] = registry.find_mentions(text, on=AFTER)
        assert (before.actor.id, before.actor.type) == ("dawn-front", ActorType.REBEL_GROUP)
        assert (after.actor.id, after.actor.type) == ("dawn-front", ActorType.STATE_FORCES)

    @pytest.mark.parametrize("phrase", ["Zedlandic soldiers", "Zedlandic police", "Zedland army"])
    def test_a_role_name_means_the_holder_of_the_day(self, phrase: str) -> None:
        registry = _invented_registry()
        [before] = registry.find_mentions(f"{phrase} repelled the raid.", on=BEFORE)
        [after] = registry.find_mentions(f"{phrase} repelled the raid.", on=AFTER)
        assert before.actor.id == "old-guard"
        assert after.actor.id == "dawn-front"

    def test_without_a_day_the_data_as_written(self) -> None:
        registry = _invented_registry()
        [mention] = registry.find_mentions("Zedlandic soldiers repelled the raid.")
        assert (mention.actor.id, mention.actor.type) == ("dawn-front", ActorType.STATE_FORCES)

    def test_the_holder_falls_back_to_the_security_role(self) -> None:
        registry = _invented_registry()
        held = registry.eras.holder("AF", "police", BEFORE)
        assert held is not None
        assert held.id == "old-guard"

    def test_an_analysts_role_name_matches_either_holder(self) -> None:
        registry = _invented_registry()
        matches = registry_actor_matcher(registry)
        old_guard = registry.get("old-guard")
        assert old_guard is not None
        assert matches("Zedlandic police", old_guard)
        assert not matches("Dawn Front", old_guard)


AFGHAN_SOLDIERS = "Afghan soldiers clashed with gunmen in Kandahar on Monday, killing six of them."
LIBYAN_SOLDIERS = "Libyan soldiers clashed with gunmen in Derna on Monday, killing three of them."


class TestPackagedData:
    @pytest.mark.parametrize(
        ("published", "who", "kind"),
        [
            (dt.datetime(2016, 4, 12, 9, 0, tzinfo=dt.UTC), "taliban", ActorType.REBEL_GROUP),
            (dt.datetime(2023, 4, 12, 9, 0, tzinfo=dt.UTC), "taliban", ActorType.STATE_FORCES),
        ],
    )
    def test_the_taliban_by_the_reports_day(
        self, engine: RulesExtractor, published: dt.datetime, who: str, kind: ActorType
    ) -> None:
        text = "Taliban gunmen ambushed a convoy in Kandahar province on Monday, killing four."
        [incident] = engine.extract_text(text, published)
        [taliban] = [a for a in incident.actors if a.id == who]
        assert taliban.type is kind

    @pytest.mark.parametrize(
        ("text", "published", "who"),
        [
            (AFGHAN_SOLDIERS, dt.datetime(2016, 4, 12, 9, 0, tzinfo=dt.UTC),
             "afghan-republic-forces"),
            (AFGHAN_SOLDIERS, dt.datetime(2023, 4, 12, 9, 0, tzinfo=dt.UTC), "taliban"),
            (LIBYAN_SOLDIERS, dt.datetime(2013, 6, 3, 9, 0, tzinfo=dt.UTC),
             "libyan-armed-forces"),
            (LIBYAN_SOLDIERS, dt.datetime(2022, 6, 3, 9, 0, tzinfo=dt.UTC), "libya-gnu-forces"),
        ],
    )  # fmt: skip
    def test_a_countrys_soldiers_are_the_state_of_the_day(
        self, engine: RulesExtractor, text: str, published: dt.datetime, who: str
    ) -> None:
        [incident] = engine.extract_text(text, published)
        assert who in {a.id for a in incident.actors}

    def test_generic_security_forces_are_the_state_of_the_day(
        self, engine: RulesExtractor
    ) -> None:
        published = dt.datetime(2016, 4, 12, 9, 0, tzinfo=dt.UTC)
        text = "Security forces killed three gunmen in a raid in Kandahar on Monday."
        [incident] = engine.extract_text(text, published)
        ids = {a.id for a in incident.actors}
        assert "afghan-republic-forces" in ids
        assert "taliban" not in ids


class TestLibya:
    @pytest.mark.parametrize(("place", "who"), [("Derna", "ansar-al-sharia-libya"),
                                                ("Zinjibar", "aqap")])  # fmt: skip
    def test_a_shared_group_name_is_the_group_of_the_reports_country(
        self, engine: RulesExtractor, place: str, who: str
    ) -> None:
        published = dt.datetime(2013, 6, 3, 9, 0, tzinfo=dt.UTC)
        text = f"Ansar al-Sharia fighters attacked an army post in {place} on Monday, killing two."
        [incident] = engine.extract_text(text, published)
        assert who in {a.id for a in incident.actors}


@pytest.mark.parametrize(
    ("published", "kind"),
    [
        (dt.datetime(2021, 6, 3, 9, 0, tzinfo=dt.UTC), ActorType.STATE_FORCES),
        (dt.datetime(2024, 6, 3, 9, 0, tzinfo=dt.UTC), ActorType.REBEL_GROUP),
    ],
)
def test_the_rsf_before_and_after_the_war_began(
    engine: RulesExtractor, published: dt.datetime, kind: ActorType
) -> None:
    text = "RSF troops opened fire on a crowd in Nyala on Monday, killing seven people."
    [incident] = engine.extract_text(text, published)
    [rsf] = [a for a in incident.actors if a.id == "rsf"]
    assert rsf.type is kind
