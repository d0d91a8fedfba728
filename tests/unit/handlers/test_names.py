"""Names, periods, dates and right-to-left marks in the chat's language."""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources

import pytest

from bot.domain import (
    ActorRef,
    ActorType,
    CasualtyCount,
    CountStatus,
    EventType,
    Incident,
    Location,
    SubEventType,
)
from bot.extract.gazetteer import Gazetteer
from handlers import names, render
from handlers.html import split_html
from handlers.i18n import FSI, LRM, PDI, RLM, format_day, isolate, normalize_language, rtl, tn

AAH = ActorRef(id="asaib-ahl-al-haq", name="Asaib Ahl al-Haq", type=ActorType.POLITICAL_MILITIA)


class TestPlaceNames:
    def test_every_arabic_spelling_is_one_the_gazetteer_has_for_that_place(self) -> None:
        table = json.loads(
            resources.files("bot.data").joinpath("place_names_ar.json").read_text("utf-8")
        )["places"]
        gazetteer = Gazetteer.default()
        wrong = [
            f"{english} = {arabic}"
            for english, arabic in table.items()
            if english not in {entry.name for entry in gazetteer.lookup(arabic)}
        ]
        assert len(table) > 100
        assert wrong == []

    def test_a_place_with_an_arabic_form_is_written_in_arabic(self) -> None:
        assert names.place("ar", "Basra") == "البصرة"
        assert names.place("ar", "Sadr City") == "مدينة الصدر"
        assert names.place("en", "Basra") == "Basra"

    def test_a_place_without_one_stays_latin_and_isolated(self) -> None:
        assert names.place("ar", "Umm al-Khair") == f"{FSI}Umm al-Khair{PDI}"

    def test_governorate_labels(self) -> None:
        assert names.label("ar", "Basra governorate") == "محافظة البصرة"
        assert names.label("ar", "Homs province") == "محافظة حمص"
        assert names.label("en", "Basra governorate") == "Basra governorate"
        assert names.detail("ar", "in Baghdad") == "في بغداد"


class TestFactionNames:
    def test_the_registry_gives_the_arabic_name(self) -> None:
        assert names.actor("ar", AAH) == "عصائب أهل الحق"
        assert names.name("ar", "Asaib Ahl al-Haq") == "عصائب أهل الحق"

    def test_an_actor_without_an_arabic_alias_stays_latin(self) -> None:
        other = ActorRef(id="nobody-known", name="Local Guards", type=ActorType.REBEL_GROUP)
        assert names.actor("ar", other) == f"{FSI}Local Guards{PDI}"
        assert names.actor("en", AAH) == "Asaib Ahl al-Haq"

    @pytest.mark.parametrize(
        ("value", "arabic"),
        [
            (EventType.BATTLES.value, "معارك"),
            (SubEventType.REMOTE_EXPLOSIVE.value, "عبوة ناسفة/لغم أرضي"),
            (ActorType.STATE_FORCES.label, "قوات حكومية"),
        ],
    )
    def test_acled_categories(self, value: str, arabic: str) -> None:
        assert names.category("ar", value) == arabic
        assert names.category("en", value) == value


class TestPeriods:
    @pytest.mark.parametrize(
        ("label", "arabic"),
        [
            ("last 7 days", "آخر 7 أيام"),
            ("last 2 days", "آخر يومين"),
            ("last 24 hours", "آخر 24 ساعة"),
            ("last week", "الأسبوع الأخير"),
            ("today", "اليوم"),
            ("this week", "هذا الأسبوع"),
            ("in August 2022", "في آب 2022"),
            ("in 2022", "في عام 2022"),
            ("since 2022-08-29", "منذ 29 آب 2022"),
            ("since Monday 2026-11-30", "منذ 30 تشرين الثاني 2026"),
            ("2022-08-29 to 2022-09-01", "من 29 آب 2022 إلى 1 أيلول 2022"),
            ("2026-01-15", "15 كانون الثاني 2026"),
            ("the 7 days before", "الأيام الـ7 السابقة"),
        ],
    )
    def test_labels_in_arabic(self, label: str, arabic: str) -> None:
        assert names.period("ar", label) == arabic

    def test_english_labels_pass_through(self) -> None:
        assert names.period("en", "last 7 days") == "last 7 days"

    def test_an_unknown_form_is_kept_isolated(self) -> None:
        assert names.period("ar", "fortnight") == f"{FSI}fortnight{PDI}"


class TestDatesAndCounts:
    def test_iraqi_month_names_and_western_digits(self) -> None:
        assert format_day("ar", dt.date(2026, 1, 15), "d MMMM y") == "15 كانون الثاني 2026"
        assert format_day("en", dt.date(2026, 9, 3)) == "3 Sep 2026"

    @pytest.mark.parametrize(
        ("count", "expected"),
        [(0, "0 حادثة"), (1, "حادثة واحدة"), (2, "حادثتان"), (3, "3 حوادث"), (11, "11 حادثة")],
    )
    def test_arabic_plural_forms(self, count: int, expected: str) -> None:
        assert tn("ar", "{n} incident", "{n} incidents", count, n=count) == expected

    def test_a_range_stays_in_reading_order_inside_an_isolate(self) -> None:
        shown = render.count_text(CasualtyCount(min=12, max=15, status=CountStatus.EXACT), "ar")
        assert shown == f"{FSI}12-15{PDI}"
        assert "15-12" not in shown

    def test_region_tags(self) -> None:
        assert normalize_language("ar-IQ") == "ar"
        assert normalize_language("ar_SA") == "ar"


class TestRightToLeft:
    def test_a_line_opening_with_a_latin_name_gets_a_right_to_left_mark(self) -> None:
        text = rtl("ar", f"{isolate('ar', 'Umm al-Khair')} — قتلى: 2\nالبصرة")
        first, second = text.split("\n")
        assert first.startswith(RLM)
        assert second == "البصرة"

    def test_commands_keep_their_slash_and_html_stays_intact(self) -> None:
        text = rtl("ar", '<b>المصادر</b>: <a href="https://x.org/a/b">x</a>\n/incident 12')
        assert f"{LRM}/incident 12" in text
        assert '<a href="https://x.org/a/b">' in text
        assert split_html(text) == [text]

    def test_english_is_untouched(self) -> None:
        assert rtl("en", "/incident 12\nBasra") == "/incident 12\nBasra"
        assert isolate("en", "Basra") == "Basra"
        assert isolate("ar", "البصرة") == "البصرة"

    def test_an_arabic_card_names_places_and_factions_in_arabic(self) -> None:
        incident = Incident(
            date=dt.date(2026, 1, 15),
            event_type=EventType.BATTLES,
            sub_event_type=SubEventType.ARMED_CLASH,
            location=Location(name="Basra", admin1="Basra", country="IQ"),
            actors=[AAH],
            killed=CasualtyCount(min=2, status=CountStatus.EXACT, source="police"),
            summary="Two people were killed in a clash in Basra.",
            id=7,
        )
        card = rtl("ar", render.incident_card(incident, header="🚨 حادثة جديدة", lang="ar"))
        assert "اشتباك مسلح" in card
        assert "15 كانون الثاني 2026" in card
        assert "عصائب أهل الحق" in card
        assert "القتلى: <b>2</b> (الشرطة)" in card
        assert f"{LRM}/incident 7" in card
        assert "Two people" not in card  # the English summary is for English readers
