"""Cross-report merging: same event found, different events kept apart, ranges widened."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot.domain.enums import ActorType, CountStatus, DatePrecision, GeoPrecision, SubEventType
from bot.domain.models import ActorRef, CasualtyCount, Incident, Location, SourceRef
from bot.extract.merge import counts_compatible, find_match, merge_incidents

BAGHDAD = Location(name="Baghdad", geonames_id=98182, admin1="Baghdad", country="IQ",
                   lat=33.34, lon=44.40)  # fmt: skip
GREEN_ZONE = Location(name="Green Zone", admin1="Baghdad", country="IQ", lat=33.305, lon=44.387)
BASRA = Location(name="Basra", geonames_id=99532, admin1="Basra", country="IQ", lat=30.5,
                 lon=47.78)  # fmt: skip
SARAYA = ActorRef(id="saraya-al-salam", name="Saraya al-Salam", type=ActorType.POLITICAL_MILITIA)
AAH = ActorRef(id="asaib-ahl-al-haq", name="Asaib Ahl al-Haq", type=ActorType.POLITICAL_MILITIA)
IS = ActorRef(id="islamic-state", name="Islamic State", type=ActorType.REBEL_GROUP)


def count(value: int | None, status: CountStatus = CountStatus.EXACT) -> CasualtyCount:
    if value is None:
        return CasualtyCount()
    return CasualtyCount(min=value, max=value, status=status)


def incident(**changes: Any) -> Incident:
    sub: SubEventType = changes.pop("sub", SubEventType.ARMED_CLASH)
    fields: dict[str, Any] = {
        "date": dt.date(2022, 8, 29),
        "location": BAGHDAD,
        "actors": [SARAYA],
        "event_type": sub.event_type,
        "sub_event_type": sub,
        "killed": count(20),
        "summary": "s",
        "sources": [SourceRef(url="https://a.test/1", outlet="Outlet A")],
    }
    fields.update(changes)
    return Incident(**fields)


class TestCountsCompatible:
    def test_close_figures(self) -> None:
        assert counts_compatible(count(20), count(22))
        assert counts_compatible(count(1), count(3))

    def test_far_figures(self) -> None:
        assert counts_compatible(count(3), count(40)) is False

    def test_missing_figure(self) -> None:
        assert counts_compatible(count(3), count(None)) is None


class TestFindMatch:
    def test_same_event_from_another_outlet(self) -> None:
        known = incident(id=1)
        fresh = incident(killed=count(22), actors=[SARAYA, AAH])
        assert find_match(fresh, [known]) is known

    def test_neighbourhood_report_matches_the_city_report(self) -> None:
        known = incident(id=1)
        fresh = incident(location=GREEN_ZONE, killed=count(21))
        assert find_match(fresh, [known]) is known

    def test_toll_rise_with_same_actors_still_matches(self) -> None:
        known = incident(id=1)
        fresh = incident(killed=count(30))
        assert find_match(fresh, [known]) is known

    def test_different_city(self) -> None:
        assert find_match(incident(location=BASRA), [incident(id=1)]) is None

    def test_outside_date_precision(self) -> None:
        later = incident(date=dt.date(2022, 9, 5))
        assert find_match(later, [incident(id=1)]) is None

    def test_week_precision_widens_the_window(self) -> None:
        vague = incident(date=dt.date(2022, 9, 2), date_precision=DatePrecision.WEEK)
        known = incident(id=1)
        assert find_match(vague, [known]) is known

    def test_two_events_in_one_city_on_one_day_stay_two(self) -> None:
        bombing = incident(id=1, sub=SubEventType.REMOTE_EXPLOSIVE, actors=[IS], killed=count(3))
        protest = incident(sub=SubEventType.PEACEFUL_PROTEST, actors=[], killed=count(None))
        other_bomb = incident(sub=SubEventType.REMOTE_EXPLOSIVE, actors=[], killed=count(40))
        assert find_match(protest, [bombing]) is None
        assert find_match(other_bomb, [bombing]) is None

    def test_checkpoint_shooting_and_outskirts_bomb_stay_two_whatever_their_tolls(self) -> None:
        # Small tolls that agree (2 vs 3 killed, 4 vs 5 injured), same city and day, no actors:
        # enough points to merge if type and place precision cost nothing.
        shooting = incident(id=1, actors=[], killed=count(2), injured=count(4))
        outskirts = BAGHDAD.model_copy(update={"geo_precision": GeoPrecision.NEAR})
        bomb = incident(
            sub=SubEventType.REMOTE_EXPLOSIVE,
            location=outskirts,
            actors=[],
            killed=count(3),
            injured=count(5),
        )
        assert find_match(bomb, [shooting]) is None
        assert find_match(shooting, [bomb.model_copy(update={"id": 2})]) is None

    def test_different_event_types_stay_apart_at_one_place(self) -> None:
        clash = incident(id=1, actors=[], killed=count(2))
        attack = incident(sub=SubEventType.ATTACK, actors=[], killed=count(2))
        assert find_match(attack, [clash]) is None

    def test_different_place_precision_stays_apart_with_one_type(self) -> None:
        city = incident(id=1, killed=count(2))
        near = incident(
            location=BAGHDAD.model_copy(update={"geo_precision": GeoPrecision.NEAR}),
            killed=count(2),
        )
        assert find_match(near, [city]) is None

    def test_best_candidate_wins(self) -> None:
        weak = incident(id=1, location=GREEN_ZONE, actors=[])
        strong = incident(id=2)
        assert find_match(incident(), [weak, strong]) is strong


class TestMergeIncidents:
    def test_toll_rise_widens_range_and_writes_a_note(self) -> None:
        known = incident(id=7, killed=count(20))
        fresh = incident(
            killed=count(30, CountStatus.AT_LEAST),
            sources=[SourceRef(url="https://b.test/2", outlet="AFP")],
        )
        result = merge_incidents(known, fresh)
        assert result.changed
        assert result.toll_changed
        assert (result.incident.killed.min, result.incident.killed.max) == (20, 30)
        assert result.incident.id == 7
        assert [s.url for s in result.incident.sources] == ["https://a.test/1", "https://b.test/2"]
        assert result.note == "death toll rose from 20 to 30 (AFP)"
        assert result.changes["killed"] == {"old": "20", "new": "20-30"}

    def test_same_report_again_changes_nothing(self) -> None:
        known = incident(id=1)
        result = merge_incidents(known, incident())
        assert not result.changed
        assert result.note == ""

    def test_new_source_alone_is_a_change_without_toll(self) -> None:
        fresh = incident(sources=[SourceRef(url="https://c.test/3")])
        result = merge_incidents(incident(id=1), fresh)
        assert result.changed
        assert not result.toll_changed

    def test_actors_are_unioned_and_place_refined(self) -> None:
        coarse = incident(
            id=1, location=BAGHDAD.model_copy(update={"geo_precision": GeoPrecision.ADMIN1})
        )
        result = merge_incidents(coarse, incident(location=GREEN_ZONE, actors=[SARAYA, AAH]))
        assert [a.id for a in result.incident.actors] == ["saraya-al-salam", "asaib-ahl-al-haq"]
        assert result.incident.location.name == "Green Zone"

    def test_figure_where_there_was_none(self) -> None:
        result = merge_incidents(incident(id=1, injured=count(None)), incident(injured=count(5)))
        assert result.incident.injured.min == 5
        assert result.toll_changed


class TestLaterReports:
    """A later, higher toll supersedes; figures of the same moment keep the conservative one."""

    EARLY = dt.datetime(2022, 8, 29, 18, 0, tzinfo=dt.UTC)
    LATE = dt.datetime(2022, 8, 30, 9, 0, tzinfo=dt.UTC)

    def _sourced(self, killed: int, url: str, at: dt.datetime, **changes: Any) -> Incident:
        source = SourceRef(url=url, outlet="AFP", published_at=at)
        return incident(killed=count(killed), sources=[source], **changes)

    def test_a_later_report_with_a_higher_toll_supersedes(self) -> None:
        first = self._sourced(15, "https://a.test/1", self.EARLY, id=1)
        later = self._sourced(30, "https://b.test/2", self.LATE)
        merged = merge_incidents(first, later)
        assert (merged.incident.killed.min, merged.incident.killed.max) == (30, 30)
        assert merged.incident.killed.best == 30
        assert merged.note == "death toll rose from 15 to 30 (AFP)"

    def test_reports_of_the_same_moment_keep_the_conservative_figure(self) -> None:
        first = self._sourced(15, "https://a.test/1", self.EARLY, id=1)
        rival = self._sourced(30, "https://b.test/2", self.EARLY)
        merged = merge_incidents(first, rival)
        assert (merged.incident.killed.min, merged.incident.killed.max) == (15, 30)

    def test_an_earlier_report_arriving_late_does_not_raise_the_figure(self) -> None:
        first = self._sourced(15, "https://a.test/1", self.LATE, id=1)
        older = self._sourced(30, "https://b.test/2", self.EARLY)
        merged = merge_incidents(first, older)
        assert merged.incident.killed.min == 15


class TestRisingTollMatches:
    """A follow-up whose toll rose is the same event, even when the figures are far apart."""

    def test_later_report_with_a_much_higher_toll_still_matches(self) -> None:
        early = dt.datetime(2024, 3, 4, 8, 0, tzinfo=dt.UTC)
        late = dt.datetime(2024, 3, 5, 8, 0, tzinfo=dt.UTC)
        first = incident(
            id=1,
            actors=[],
            sub=SubEventType.REMOTE_EXPLOSIVE,
            killed=count(3),
            sources=[SourceRef(url="https://a.test/1", published_at=early)],
        )
        follow_up = incident(
            actors=[],
            sub=SubEventType.REMOTE_EXPLOSIVE,
            killed=count(7),
            sources=[SourceRef(url="https://b.test/2", published_at=late)],
        )
        assert find_match(follow_up, [first]) is first
        assert merge_incidents(first, follow_up).incident.killed.best == 7

    def test_an_older_report_with_a_far_higher_toll_is_not_taken_as_a_rise(self) -> None:
        early = dt.datetime(2024, 3, 4, 8, 0, tzinfo=dt.UTC)
        first = incident(
            id=1,
            actors=[],
            killed=count(3),
            sources=[SourceRef(url="https://a.test/1", published_at=early)],
        )
        rival = incident(
            actors=[],
            killed=count(40),
            sources=[SourceRef(url="https://b.test/2", published_at=early)],
        )
        assert merge_incidents(first, rival).incident.killed.best == 3

    def test_a_follow_up_without_publication_times_still_matches(self) -> None:
        first = incident(id=1, actors=[], sub=SubEventType.REMOTE_EXPLOSIVE, killed=count(3))
        follow_up = incident(actors=[], sub=SubEventType.REMOTE_EXPLOSIVE, killed=count(7))
        assert find_match(follow_up, [first]) is first
