"""Which registry mentions are parties: officers quoted by title, community guards."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.extract.actors import ActorRegistry
from bot.extract.annotate_actors import party_mentions
from bot.extract.evaluation import registry_actor_matcher
from bot.extract.pipeline import RulesExtractor

PUBLISHED = dt.datetime(2024, 5, 9, 9, 0, tzinfo=dt.UTC)


def _party_ids(reg: ActorRegistry, sentence: str) -> list[str]:
    mentions = reg.find_mentions(sentence)
    return [actor.id for _, actor in party_mentions(mentions, sentence.lower())]


class TestOfficerQuotedByTitle:
    @pytest.mark.parametrize(
        "sentence",
        [
            "Shelling went on all night, U.S. Air Force Gen. Martin Oakes said on Friday.",
            "The toll is rising, Kenyan army Col. Peter Wambua told reporters.",
            "The road is closed again, Nigerian police spokesman Aliyu Bello said.",
            "The raid failed, Nigerian police Brig. Gen. Sani Abba, said in a statement.",
        ],
    )
    def test_a_named_officer_speaking_makes_no_party(
        self, reg: ActorRegistry, sentence: str
    ) -> None:
        assert reg.find_mentions(sentence), "the force must be found to be judged"
        assert _party_ids(reg, sentence) == []

    @pytest.mark.parametrize(
        "sentence",
        [
            "A Kenyan army Col. Peter Wambua was killed in the ambush, officials said.",
            "Kenyan army general was killed, officials said.",
            "Kenyan troops clashed with gunmen near the border.",
        ],
    )
    def test_an_officer_who_is_hit_keeps_his_force(
        self, reg: ActorRegistry, sentence: str
    ) -> None:
        kenya = reg.lookup("Kenyan army")[0]
        assert kenya.id in _party_ids(reg, sentence)

    def test_the_speaking_officer_adds_no_actor_to_the_incident(
        self, engine: RulesExtractor
    ) -> None:
        text = (
            "Mortar rounds killed six people at a market in Donetsk on Wednesday. "
            "The shelling was the worst this month, U.S. Army Gen. Carla Reyes said in Brussels."
        )
        incidents = engine.pipeline.extract_text(text, PUBLISHED)
        assert incidents
        names = {a.name for i in incidents for a in i.actors}
        assert not any("US" in name or "United States" in name for name in names)


class TestCommunityGuards:
    @pytest.mark.parametrize(
        "text", ["Community guards repelled the raiders.", "A community guard was shot dead."]
    )
    def test_community_guards_are_vigilantes(self, reg: ActorRegistry, text: str) -> None:
        assert [m.actor.id for m in reg.find_mentions(text)] == ["vigilantes"]

    def test_a_state_s_community_guards_match_the_generic_actor(self, reg: ActorRegistry) -> None:
        matches = registry_actor_matcher(reg)
        vigilantes = reg.get("vigilantes")
        assert vigilantes is not None
        assert matches("Kwara Community Guards", vigilantes)
        assert not matches("Kwara State Police", vigilantes)
