"""Scoring against gold labels, on tiny synthetic gold files."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from bot.domain.enums import ActorType, CountStatus, EventType, SubEventType
from bot.domain.models import ActorRef, CasualtyCount, Incident, Location
from bot.extract.evaluation import (
    GoldFormatError,
    load_gold,
    names_match,
    score_article,
    summarize_scores,
)
from bot.extract.normalize import fold

IS = ActorRef(id="islamic-state", name="Islamic State", type=ActorType.REBEL_GROUP)
ARMY = ActorRef(id="iraqi-army", name="Iraqi Army", type=ActorType.STATE_FORCES)
ALIASES = {"islamic-state": ["ISIS", "Daesh"], "iraqi-army": ["Iraqi soldiers"]}


def actor_matches(name: str, actor: ActorRef) -> bool:
    return names_match(name, actor, ALIASES.get(actor.id, []))


def admin1_matches(gold: str, admin1: str | None, code: str | None) -> bool:
    spellings = {"basrah": "basra", "basra": "basra", "ninawa": "nineveh", "nineveh": "nineveh"}
    return admin1 is not None and spellings.get(fold(gold)) == spellings.get(fold(admin1))


def gold_doc(**primary: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "place": "Basra", "lat": 30.5, "lon": 47.8, "admin1": "Basrah", "country": "IQ",
        "date": ["2022-09-01"], "actors": ["ISIS"], "event_type": ["Battles"],
        "killed": [1, 1], "injured": None,
    }  # fmt: skip
    base.update(primary)
    secondary = {"place": "Baghdad", "lat": 33.34, "lon": 44.4, "date": None, "actors": [],
                 "event_type": ["Battles"], "killed": None, "injured": None}  # fmt: skip
    return {"articles": [{"file": "1.txt", "published": "2022-09-01", "primary": base,
                          "secondary": [secondary]}]}  # fmt: skip


def made(
    lat: float = 30.51,
    lon: float = 47.78,
    *,
    killed: int | None = 1,
    injured: int | None = None,
    actors: list[ActorRef] | None = None,
    background: bool = False,
) -> Incident:
    def count(value: int | None) -> CasualtyCount:
        if value is None:
            return CasualtyCount(status=CountStatus.NONE_REPORTED)
        return CasualtyCount(min=value, max=value, status=CountStatus.EXACT)

    return Incident(
        date=dt.date(2022, 9, 1),
        location=Location(name="x", admin1="Basra", country="IQ", lat=lat, lon=lon),
        actors=[IS, ARMY] if actors is None else actors,
        event_type=EventType.BATTLES,
        sub_event_type=SubEventType.ARMED_CLASH,
        killed=count(killed),
        injured=count(injured),
        summary="s",
        is_background=background,
    )


def score(doc: dict[str, Any], incidents: list[Incident]) -> Any:
    [article] = load_gold(doc)
    return score_article(
        article, incidents, actor_matches=actor_matches, admin1_matches=admin1_matches
    )


class TestLoadGold:
    def test_defaults(self) -> None:
        [article] = load_gold(gold_doc())
        assert article.primary.radius_km == 25
        assert article.primary.min_actors == 1
        assert article.published == dt.date(2022, 9, 1)
        assert article.secondary[0].dates is None

    @pytest.mark.parametrize(
        "doc",
        [[], {"articles": "x"}, {"articles": [{"file": "a"}]}, gold_doc(killed=[1]),
         gold_doc(lat="north"), gold_doc(date=["yesterday"])],
    )  # fmt: skip
    def test_bad_shapes(self, doc: Any) -> None:
        with pytest.raises(GoldFormatError):
            load_gold(doc)


class TestScoreArticle:
    def test_all_right(self) -> None:
        result = score(gold_doc(), [made()])
        assert (result.place, result.admin1, result.date, result.event_type) == (
            True, True, True, True,
        )  # fmt: skip
        assert result.killed
        assert result.injured
        assert result.invented == 0
        assert (result.actors_found, result.actors_correct, result.actors_extracted) == (1, 1, 2)

    def test_outside_the_radius_everything_is_wrong(self) -> None:
        result = score(gold_doc(), [made(33.34, 44.4)])
        assert not any([result.place, result.admin1, result.date, result.killed, result.injured])
        assert result.actors_found == 0

    def test_radius_can_be_widened(self) -> None:
        result = score(gold_doc(radius_km=60), [made(30.9, 47.8)])
        assert result.place

    def test_null_figure_with_a_number_is_invented(self) -> None:
        result = score(gold_doc(), [made(injured=4)])
        assert not result.injured
        assert result.invented == 1

    def test_zero_or_unknown_is_right_for_null(self) -> None:
        assert score(gold_doc(), [made(injured=None)]).injured

    def test_unscored_date(self) -> None:
        assert score(gold_doc(date=None), [made()]).date is None

    def test_min_actors(self) -> None:
        result = score(gold_doc(actors=["Islamic State", "Peshmerga"], min_actors=1), [made()])
        assert result.actors_ok
        assert result.actors_found == 1

    def test_lead_incident_is_judged_before_background(self) -> None:
        result = score(gold_doc(), [made(killed=9, background=True), made(killed=1)])
        assert result.killed

    def test_secondary_needs_another_incident(self) -> None:
        assert score(gold_doc(), [made()]).secondary_found == 0
        assert score(gold_doc(), [made(), made(33.3, 44.4)]).secondary_found == 1


class TestSummary:
    def test_fractions(self) -> None:
        good = score(gold_doc(), [made()])
        bad = score(gold_doc(), [])
        summary = summarize_scores([good, bad])
        assert summary.articles == 2
        assert summary.place == 0.5
        assert summary.actors_precision == 0.5  # 1 of 2 extracted actors is a gold actor
        assert summary.actors_recall == 0.5
        assert summary.date_scored == 2
        assert summary.secondary_total == 2

    def test_empty(self) -> None:
        assert summarize_scores([]).articles == 0


def test_names_match_ignores_parenthesised_acronym() -> None:
    army = ActorRef(id="ybs", name="Sinjar Resistance Units", type=ActorType.POLITICAL_MILITIA)
    assert names_match("Sinjar Resistance Units (YBS)", army, [])
    assert not names_match("Peshmerga", army, [])


@pytest.fixture(scope="module")
def matches() -> Any:
    from bot.extract.actors import ActorRegistry
    from bot.extract.evaluation import registry_actor_matcher

    registry = ActorRegistry.default()
    matcher = registry_actor_matcher(registry)

    def check(gold_name: str, actor_id: str) -> bool:
        actor = registry.get(actor_id)
        assert actor is not None, actor_id
        return matcher(gold_name, actor)

    return check


class TestRegistryActorMatcher:
    """Gold names an analyst writes are judged through the packaged registry."""

    @pytest.mark.parametrize(
        ("gold_name", "actor_id"),
        [
            ("Iraqi army", "iraqi-security-forces"),  # an analyst's label of the broader force
            ("Iraqi army", "iraqi-army"),
            ("AQAP", "al-qaeda"),  # the extracted name is a label of the gold actor
            ("KIA", "kachin-independence-army"),
            ("Niger army", "niger-forces"),
            ("Sudanese police", "police-forces"),  # a nationality narrows the generic police
            ("pro-government tribesmen", "tribal-militia"),
            ("Houthis (Ansar Allah)", "houthis"),
        ],
    )
    def test_same_actor_under_another_name(
        self, matches: Any, gold_name: str, actor_id: str
    ) -> None:
        assert matches(gold_name, actor_id)

    @pytest.mark.parametrize(
        ("gold_name", "actor_id"),
        [
            ("Iraqi army", "islamic-state"),
            ("AQAP", "houthis"),
            ("Sudanese police", "rsf"),  # a named group is not the generic it might resemble
            ("Islamic State", "unidentified-armed-group"),
        ],
    )
    def test_different_actors_do_not_match(
        self, matches: Any, gold_name: str, actor_id: str
    ) -> None:
        assert not matches(gold_name, actor_id)
