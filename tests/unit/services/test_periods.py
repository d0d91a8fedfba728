"""Period parsing: the forms users type, relative to an aware now in the chat's timezone."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.services.errors import UserError
from bot.services.periods import parse_period, previous_period, split_trailing_period

NOW = dt.datetime(2022, 9, 2, 12, 0, tzinfo=dt.UTC)  # 15:00 in Baghdad
BAGHDAD = "Asia/Baghdad"


class TestGoodPeriods:
    @pytest.mark.parametrize(
        ("text", "hours", "label"),
        [
            ("24h", 24, "last 24 hours"),
            ("7d", 24 * 7, "last 7 days"),
            ("2w", 24 * 14, "last 2 weeks"),
            ("1m", 24 * 30, "last month"),
            ("3 days", 72, "last 3 days"),
            ("last 12 hours", 12, "last 12 hours"),
            ("week", 24 * 7, "last week"),
            ("  7D ", 24 * 7, "last 7 days"),
            ("1y", 24 * 365, "last year"),
            ("5y", 24 * 365 * 5, "last 5 years"),
            ("2 years", 24 * 365 * 2, "last 2 years"),
        ],
    )
    def test_relative_periods_end_now(self, text: str, hours: int, label: str) -> None:
        period = parse_period(text, NOW, BAGHDAD)
        assert period.until == NOW
        assert period.since == NOW - dt.timedelta(hours=hours)
        assert period.label == label

    def test_default_is_seven_days(self) -> None:
        for text in (None, "", "   "):
            period = parse_period(text, NOW, BAGHDAD)
            assert period.length == dt.timedelta(days=7)
            assert period.label == "last 7 days"

    def test_today_starts_at_local_midnight(self) -> None:
        period = parse_period("today", NOW, BAGHDAD)
        assert period.since == dt.datetime(2022, 9, 1, 21, 0, tzinfo=dt.UTC)
        assert period.first_day == period.last_day == dt.date(2022, 9, 2)

    def test_today_depends_on_the_timezone(self) -> None:
        late = dt.datetime(2022, 9, 2, 22, 30, tzinfo=dt.UTC)  # already 3 Sept in Baghdad
        assert parse_period("today", late, BAGHDAD).first_day == dt.date(2022, 9, 3)
        assert parse_period("today", late, "UTC").first_day == dt.date(2022, 9, 2)

    def test_yesterday_is_one_whole_local_day(self) -> None:
        period = parse_period("yesterday", NOW, BAGHDAD)
        assert period.length == dt.timedelta(days=1)
        assert period.first_day == period.last_day == dt.date(2022, 9, 1)

    def test_since_a_date(self) -> None:
        period = parse_period("since 2022-08-29", NOW, BAGHDAD)
        assert period.first_day == dt.date(2022, 8, 29)
        assert period.last_day == dt.date(2022, 9, 2)
        assert period.until == NOW
        assert period.label == "since 2022-08-29"

    def test_date_range_is_inclusive(self) -> None:
        period = parse_period("2022-08-29..2022-08-30", NOW, BAGHDAD)
        assert (period.first_day, period.last_day) == (dt.date(2022, 8, 29), dt.date(2022, 8, 30))
        assert period.length == dt.timedelta(days=2)

    def test_single_date(self) -> None:
        period = parse_period("2022-08-29", NOW, BAGHDAD)
        assert period.first_day == period.last_day == dt.date(2022, 8, 29)

    def test_previous_period_has_the_same_length_and_touches(self) -> None:
        period = parse_period("7d", NOW, BAGHDAD)
        before = previous_period(period, BAGHDAD)
        assert before.until == period.since
        assert before.length == period.length

    def test_previous_period_never_shares_a_day(self) -> None:
        period = parse_period("7d", NOW, BAGHDAD)
        before = previous_period(period, BAGHDAD)
        assert before.last_day == period.first_day - dt.timedelta(days=1)


class TestArabicPeriods:
    @pytest.mark.parametrize(
        ("text", "hours", "label"),
        [
            ("٧ ايام", 24 * 7, "last 7 days"),
            ("7 أيام", 24 * 7, "last 7 days"),
            ("آخر ٣ أيام", 72, "last 3 days"),
            ("٢٤ ساعة", 24, "last 24 hours"),
            ("يومين", 48, "last 2 days"),
            ("اسبوعين", 24 * 14, "last 2 weeks"),
            ("شهر", 24 * 30, "last month"),
            ("۲ سنوات", 24 * 365 * 2, "last 2 years"),
        ],
    )
    def test_relative(self, text: str, hours: int, label: str) -> None:
        period = parse_period(text, NOW, BAGHDAD)
        assert period.since == NOW - dt.timedelta(hours=hours)
        assert period.label == label

    def test_today_yesterday_and_since(self) -> None:
        assert parse_period("اليوم", NOW, BAGHDAD).label == "today"
        assert parse_period("أمس", NOW, BAGHDAD).label == "yesterday"
        assert parse_period("منذ ٢٠٢٢-٠٨-٢٩", NOW, BAGHDAD).label == "since 2022-08-29"

    @pytest.mark.parametrize(
        ("text", "rest", "period"),
        [
            ("البصرة ٧ ايام", "البصرة", "٧ ايام"),
            ("عصائب أهل الحق آخر 3 أيام", "عصائب أهل الحق", "آخر 3 أيام"),
            ("البصرة اليوم", "البصرة", "اليوم"),
            ("بغداد منذ 2022-08-29", "بغداد", "منذ 2022-08-29"),
            ("البصرة", "البصرة", None),
        ],
    )
    def test_split(self, text: str, rest: str, period: str | None) -> None:
        assert split_trailing_period(text) == (rest, period)


class TestBadPeriods:
    @pytest.mark.parametrize(
        "text",
        [
            "forever",
            "7x",
            "0d",
            "-3d",
            "since yesterday",
            "2022-13-01",
            "2022-02-30",
            "since 2030-01-01",
            "2022-09-01..2022-08-01",
            "99999d",
            "since 1900-01-01",
            "11y",
        ],
    )
    def test_malformed_periods_raise_a_user_error_with_usage(self, text: str) -> None:
        with pytest.raises(UserError) as info:
            parse_period(text, NOW, BAGHDAD)
        assert info.value.usage is not None
        assert "24h" in info.value.usage

    def test_naive_now_is_a_programming_error(self) -> None:
        with pytest.raises(ValueError, match="aware"):
            parse_period("7d", dt.datetime(2022, 9, 2, 12, 0), BAGHDAD)


class TestSplitTrailingPeriod:
    @pytest.mark.parametrize(
        ("text", "rest", "period"),
        [
            ("Basra since 2022-08-29", "Basra", "since 2022-08-29"),
            ("Basra 7d", "Basra", "7d"),
            ("Sadr City", "Sadr City", None),
            ("Asa'ib Ahl al-Haq 2w", "Asa'ib Ahl al-Haq", "2w"),
            ("Baghdad 2022-08-29..2022-08-30", "Baghdad", "2022-08-29..2022-08-30"),
            ("today", "", "today"),
            ("AAH 5y", "AAH", "5y"),
            # A typo in the unit is still a period, so the user hears the period is wrong.
            ("Basra 5x", "Basra", "5x"),
            ("Basra 30 dyas", "Basra", "30 dyas"),
        ],
    )
    def test_split(self, text: str, rest: str, period: str | None) -> None:
        assert split_trailing_period(text) == (rest, period)


class TestCalendarPeriods:
    """Forms users typed and were refused: past N days, this week, a month, a year, a weekday."""

    @pytest.mark.parametrize(
        ("text", "first", "last", "label"),
        [
            ("past 3 days", dt.date(2022, 8, 30), dt.date(2022, 9, 2), "last 3 days"),
            ("the last three days", dt.date(2022, 8, 30), dt.date(2022, 9, 2), "last 3 days"),
            ("in August 2022", dt.date(2022, 8, 1), dt.date(2022, 8, 31), "in August 2022"),
            ("aug 2022", dt.date(2022, 8, 1), dt.date(2022, 8, 31), "in August 2022"),
            ("july", dt.date(2022, 7, 1), dt.date(2022, 7, 31), "in July 2022"),
            ("october", dt.date(2021, 10, 1), dt.date(2021, 10, 31), "in October 2021"),
            ("2021", dt.date(2021, 1, 1), dt.date(2021, 12, 31), "in 2021"),
            ("2022", dt.date(2022, 1, 1), dt.date(2022, 9, 2), "in 2022"),
            ("this week", dt.date(2022, 8, 29), dt.date(2022, 9, 2), "this week"),
            ("this month", dt.date(2022, 9, 1), dt.date(2022, 9, 2), "this month"),
            ("since Monday", dt.date(2022, 8, 29), dt.date(2022, 9, 2), "since Monday 2022-08-29"),
            ("since august", dt.date(2022, 8, 1), dt.date(2022, 9, 2), "since 2022-08-01"),
            # Said on a Friday, "since Friday" is a week ago: today has its own word.
            ("since friday", dt.date(2022, 8, 26), dt.date(2022, 9, 2), "since Friday 2022-08-26"),
            ("on Tuesday", dt.date(2022, 8, 30), dt.date(2022, 8, 30), "2022-08-30 (Tuesday)"),
        ],
    )
    def test_english(self, text: str, first: dt.date, last: dt.date, label: str) -> None:
        period = parse_period(text, NOW, BAGHDAD)
        assert (period.first_day, period.last_day, period.label) == (first, last, label)
        assert period.until <= NOW

    @pytest.mark.parametrize(
        ("text", "label"),
        [
            ("آخر ٣ أيام", "last 3 days"),
            ("الأيام الثلاثة الماضية", "last 3 days"),
            ("في آب 2022", "in August 2022"),
            ("أغسطس ٢٠٢٢", "in August 2022"),
            ("في كانون الثاني 2022", "in January 2022"),
            ("تشرين الأول 2021", "in October 2021"),
            ("عام 2021", "in 2021"),
            ("هذا الأسبوع", "this week"),
            ("هذا الشهر", "this month"),
            ("منذ يوم الاثنين", "since Monday 2022-08-29"),
            ("منذ الإثنين", "since Monday 2022-08-29"),
            ("الأسبوع الماضي", "last week"),
            ("خلال الشهر الماضي", "last month"),
            ("بالأمس", "yesterday"),
        ],
    )
    def test_arabic(self, text: str, label: str) -> None:
        assert parse_period(text, NOW, BAGHDAD).label == label

    def test_a_whole_month_ends_at_its_last_midnight(self) -> None:
        period = parse_period("August 2022", NOW, BAGHDAD)
        assert period.since == dt.datetime(2022, 7, 31, 21, 0, tzinfo=dt.UTC)
        assert period.until == dt.datetime(2022, 8, 31, 21, 0, tzinfo=dt.UTC)

    @pytest.mark.parametrize("text", ["2023", "in December 2022", "2009"])
    def test_future_or_too_old_calendar_periods_are_refused(self, text: str) -> None:
        with pytest.raises(UserError):
            parse_period(text, NOW, BAGHDAD)

    @pytest.mark.parametrize(
        ("text", "rest", "period"),
        [
            ("Basra past 3 days", "Basra", "past 3 days"),
            ("Kirkuk this week", "Kirkuk", "this week"),
            ("Erbil in August 2022", "Erbil", "in August 2022"),
            ("Mosul 2022", "Mosul", "2022"),
            ("AAH since Monday", "AAH", "since Monday"),
            ("البصرة في آب 2022", "البصرة", "في آب 2022"),
            ("كركوك منذ يوم الاثنين", "كركوك", "منذ يوم الاثنين"),
            ("Camp Speicher", "Camp Speicher", None),
        ],
    )
    def test_split(self, text: str, rest: str, period: str | None) -> None:
        assert split_trailing_period(text) == (rest, period)
