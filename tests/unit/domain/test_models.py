"""Domain models: validation rules and the small helpers other layers rely on."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from bot.domain import (
    ActorType,
    CasualtyClaim,
    CasualtyCount,
    CountStatus,
    EventType,
    GeoPrecision,
    Incident,
    Location,
    Report,
    SubEventType,
)
from bot.domain.models import EVIDENCE_CUT_MARK, MAX_EVIDENCE_CHARS

BASRA = Location(name="Basra", geonames_id=99532, admin1="Basra", country="IQ", lat=30.5, lon=47.8)


def _incident(**changes: object) -> Incident:
    fields: dict[str, object] = {
        "date": dt.date(2022, 9, 1),
        "location": BASRA,
        "event_type": EventType.BATTLES,
        "sub_event_type": SubEventType.ARMED_CLASH,
        "summary": "Two militias clashed in Basra.",
    }
    fields.update(changes)
    return Incident.model_validate(fields)


class TestEnums:
    def test_every_sub_event_type_has_a_parent(self) -> None:
        for sub in SubEventType:
            assert isinstance(sub.event_type, EventType)

    def test_acled_inter_codes(self) -> None:
        assert ActorType.STATE_FORCES.inter_code == 1
        assert ActorType.EXTERNAL_FORCES.inter_code == 8
        assert ActorType.POLITICAL_MILITIA.label == "Political militias"

    def test_geo_precision_ranks_from_point_to_country(self) -> None:
        assert GeoPrecision.POINT.rank < GeoPrecision.ADMIN1.rank < GeoPrecision.COUNTRY.rank


class TestCasualtyCount:
    @pytest.mark.parametrize(
        ("count", "text"),
        [
            (CasualtyCount(min=1, max=1, status=CountStatus.EXACT), "1"),
            (CasualtyCount(min=30, max=30, status=CountStatus.AT_LEAST), "at least 30"),
            (CasualtyCount(min=12, max=12, status=CountStatus.APPROXIMATE), "about 12"),
            (CasualtyCount(min=20, max=30, status=CountStatus.EXACT), "20-30"),
            (CasualtyCount(status=CountStatus.UNKNOWN), "unknown"),
            (CasualtyCount(), "none reported"),
        ],
    )
    def test_display(self, count: CasualtyCount, text: str) -> None:
        assert count.display() == text

    def test_negative_counts_are_refused(self) -> None:
        with pytest.raises(ValidationError):
            CasualtyCount(min=-1)

    def test_range_is_ordered(self) -> None:
        count = CasualtyCount(min=30, max=20)
        assert (count.min, count.max) == (20, 30)

    def test_best_is_the_conservative_figure(self) -> None:
        assert CasualtyCount(min=20, max=30).best == 20
        assert CasualtyCount().best == 0


class TestIncident:
    def test_sub_event_type_must_belong_to_event_type(self) -> None:
        with pytest.raises(ValidationError, match="sub_event_type"):
            _incident(event_type=EventType.PROTESTS)

    def test_naive_datetimes_are_refused(self) -> None:
        with pytest.raises(ValidationError, match="timezone-aware"):
            _incident(created_at=dt.datetime(2022, 9, 1, 10, 0))

    def test_location_key_prefers_geonames_id(self) -> None:
        assert BASRA.key == "gn:99532"
        unnamed = Location(name="Garmat Ali", admin1="Basra", country="IQ")
        assert unnamed.key == "IQ:basra:garmat ali"

    def test_json_round_trip_keeps_arabic(self) -> None:
        incident = _incident(summary="اشتباكات في البصرة")
        again = Incident.model_validate_json(incident.model_dump_json())
        assert again == incident


class TestReport:
    def test_fetched_at_must_be_aware(self) -> None:
        with pytest.raises(ValidationError):
            Report(content_hash="x", text="t", fetched_at=dt.datetime(2022, 1, 1))


class TestEvidenceCap:
    """One hostile report must not store a 100,000-character "sentence" as evidence."""

    def test_a_huge_sentence_is_cut_with_a_visible_mark(self) -> None:
        sentence = "Gunmen attacked a checkpoint near Basra " * 2_500  # 100,000 characters
        incident = _incident(evidence=[sentence, "A short sentence stays whole."])
        first, second = incident.evidence
        assert len(first) <= MAX_EVIDENCE_CHARS
        assert first.endswith(EVIDENCE_CUT_MARK)
        assert sentence.startswith(first.removesuffix(EVIDENCE_CUT_MARK))
        assert second == "A short sentence stays whole."

    def test_a_claims_evidence_is_cut_too(self) -> None:
        claim = CasualtyClaim(min=2, max=2, evidence="x" * 100_000)
        assert claim.evidence is not None
        assert len(claim.evidence) <= MAX_EVIDENCE_CHARS
        assert claim.evidence.endswith(EVIDENCE_CUT_MARK)

    def test_a_sentence_at_the_cap_is_kept_whole(self) -> None:
        sentence = "y" * MAX_EVIDENCE_CHARS
        assert _incident(evidence=[sentence]).evidence == [sentence]
