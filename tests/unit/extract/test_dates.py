"""Dates: weekdays, yesterday, last night, weeks and months, absolute forms, timezones."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.enums import DatePrecision
from bot.extract.dates import find_dates, find_time_of_day
from bot.extract.times import reference_date

THURSDAY = dt.date(2022, 9, 1)


def first(text: str, ref: dt.date | None = THURSDAY, **kwargs: bool) -> dt.date | None:
    found = [d for d in find_dates(text, ref, **kwargs) if d.date is not None]
    return found[0].date if found else None


class TestWeekdays:
    def test_same_weekday_is_the_reference_day(self) -> None:
        assert first("clashes on Thursday morning") == THURSDAY

    def test_earlier_weekday_is_the_most_recent_one(self) -> None:
        assert first("fighting broke out on Monday") == dt.date(2022, 8, 29)
        assert first("late on Wednesday") == dt.date(2022, 8, 31)
        assert first("on Friday") == dt.date(2022, 8, 26)

    def test_last_weekday_on_that_weekday_goes_back_a_week(self) -> None:
        assert first("last Thursday") == dt.date(2022, 8, 25)

    def test_possessive_weekday(self) -> None:
        assert first("in Saturday's attack") == dt.date(2022, 8, 27)

    def test_next_weekday_is_not_an_event_date(self) -> None:
        assert first("talks will resume next Monday") is None


class TestWeekdayBeforeItsDate:
    @pytest.mark.parametrize(
        "text",
        [
            "the raid on Thursday, August 25, left six dead",  # a week before the reference
            "the raid on Thursday (25 August) left six dead",
            "the raid on Friday, August 25, left six dead",  # the weekday is wrong: the date wins
        ],
    )
    def test_the_calendar_date_is_the_day(self, text: str) -> None:
        assert [d.date for d in find_dates(text, THURSDAY)] == [dt.date(2022, 8, 25)]

    @pytest.mark.parametrize(
        "text",
        ["worshippers at Friday prayers were shot", "it happened on a Friday", "every Sunday"],
    )
    def test_a_weekday_that_names_no_day(self, text: str) -> None:
        assert find_dates(text, THURSDAY) == []

    @pytest.mark.parametrize(
        "text",
        [
            "a bomber struck a mosque during Friday prayers",
            "gunmen fired on worshippers leaving Friday prayers",
            "shots rang out after the Friday sermon",
        ],
    )
    def test_a_service_the_attack_interrupted_names_its_day(self, text: str) -> None:
        # The Friday before THURSDAY (2022-09-01).
        assert [d.date for d in find_dates(text, THURSDAY)] == [dt.date(2022, 8, 26)]

    def test_a_weekday_apart_from_a_date_stays(self) -> None:
        found = find_dates("on Monday, after the raid of August 25, six died", THURSDAY)
        assert [d.date for d in found] == [dt.date(2022, 8, 29), dt.date(2022, 8, 25)]


class TestRelativeWords:
    @pytest.mark.parametrize("text", ["yesterday", "last night", "overnight"])
    def test_day_before(self, text: str) -> None:
        assert first(f"gunmen attacked {text}") == dt.date(2022, 8, 31)

    @pytest.mark.parametrize("text", ["today", "this morning", "earlier today", "tonight"])
    def test_same_day(self, text: str) -> None:
        assert first(f"a bomb exploded {text}") == THURSDAY

    def test_days_ago(self) -> None:
        assert first("three days ago") == dt.date(2022, 8, 29)

    def test_years_ago_is_that_month_years_before(self) -> None:
        [mention, *_] = find_dates("a year ago this month, gunmen burned the market", THURSDAY)
        assert (mention.date, mention.precision) == (dt.date(2021, 9, 1), DatePrecision.MONTH)
        assert first("two years ago") == dt.date(2020, 9, 1)

    def test_last_week_has_week_precision(self) -> None:
        [mention] = find_dates("a drone strike last week", THURSDAY)
        assert mention.precision is DatePrecision.WEEK
        assert mention.date == dt.date(2022, 8, 25)
        assert mention.earlier

    def test_earlier_this_week(self) -> None:
        [mention] = find_dates("clashes earlier this week", THURSDAY)
        assert mention.precision is DatePrecision.WEEK
        assert dt.date(2022, 8, 29) <= mention.date <= THURSDAY  # type: ignore[operator]

    def test_last_month(self) -> None:
        [mention] = find_dates("an attack last month", THURSDAY)
        assert mention.precision is DatePrecision.MONTH
        assert mention.date == dt.date(2022, 8, 15)

    def test_a_day_after_is_relative_to_another_event(self) -> None:
        [mention] = find_dates("came a day after six people were killed", THURSDAY)
        assert mention.date is None
        assert mention.anchor_offset == -1


class TestAbsoluteDates:
    def test_day_first_numeric_outside_the_us(self) -> None:
        assert first("on 3/9/2022", dt.date(2022, 9, 20)) == dt.date(2022, 9, 3)

    def test_a_numeric_date_with_dashes_is_a_date(self) -> None:
        assert first("struck on 14-3-2025 at dawn", dt.date(2025, 3, 30)) == dt.date(2025, 3, 14)
        assert first("on 14-3/2025", dt.date(2025, 3, 30)) is None

    def test_month_first_numeric_when_asked(self) -> None:
        assert first("on 9/3/2022", dt.date(2022, 9, 20), day_first=False) == dt.date(2022, 9, 3)

    @pytest.mark.parametrize(
        "text",
        [
            "1 September 2022",
            "September 1, 2022",
            "Sept. 1",
            "2022-09-01",
            "2022/09/01",
            "1st Sept",
        ],
    )
    def test_common_forms(self, text: str) -> None:
        assert first(f"on {text}") == THURSDAY

    def test_year_less_date_lands_before_the_reference(self) -> None:
        assert first("on December 30", dt.date(2023, 1, 2)) == dt.date(2022, 12, 30)

    def test_range_keeps_its_end(self) -> None:
        [mention] = find_dates("killed on July 2-3", dt.date(2022, 8, 9))
        assert mention.date == dt.date(2022, 7, 2)
        assert mention.date_end == dt.date(2022, 7, 3)

    def test_future_dates_are_dropped(self) -> None:
        assert first("elections on 10 October 2022") is None

    def test_month_and_year_has_month_precision(self) -> None:
        [mention] = find_dates("in January 2018", THURSDAY)
        assert mention.precision is DatePrecision.MONTH

    def test_without_reference_only_full_dates_resolve(self) -> None:
        assert first("on Monday", None) is None
        assert first("on 29 August 2022", None) == dt.date(2022, 8, 29)


class TestReporting:
    def test_said_on_marks_a_reporting_date(self) -> None:
        [mention] = find_dates("a security source said on Tuesday", THURSDAY)
        assert mention.reporting

    def test_statement_verb_after_the_date(self) -> None:
        [mention] = find_dates("the prime minister on Saturday condemned the attack", THURSDAY)
        assert mention.reporting

    def test_event_date_is_not_reporting(self) -> None:
        [mention] = find_dates("died on Monday in an attack", THURSDAY)
        assert not mention.reporting


class TestReferenceDate:
    def test_late_utc_is_the_next_day_in_baghdad(self) -> None:
        published = dt.datetime(2022, 9, 1, 23, 30, tzinfo=dt.UTC)
        assert reference_date(published, "Asia/Baghdad") == dt.date(2022, 9, 2)

    def test_unknown_zone_falls_back_to_utc(self) -> None:
        published = dt.datetime(2022, 9, 1, 23, 30, tzinfo=dt.UTC)
        assert reference_date(published, "Nowhere/Land") == THURSDAY
        assert reference_date(published, None) == THURSDAY


class TestTimeOfDay:
    def test_range(self) -> None:
        assert find_time_of_day("from 2am to 6:30am on Thursday") == "02:00-06:30"

    def test_clock(self) -> None:
        assert find_time_of_day("arrived around 11:45 p.m.") == "23:45"

    def test_part_of_day(self) -> None:
        assert find_time_of_day("on Sunday evening") == "evening"

    def test_none(self) -> None:
        assert find_time_of_day("no time here") is None


class TestProperties:
    @given(
        text=st.text(max_size=200)
        | st.lists(
            st.sampled_from(
                ["on", "Monday", "last", "week", "yesterday", "3/9/2022", "31", "December",
                 "2-3", "July", "earlier", "this", "month", "days", "ago", "two", "2030"]
            ),
            max_size=20,
        ).map(" ".join),
        ref=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2030, 12, 31)),
    )  # fmt: skip
    def test_never_after_the_reference_day(self, text: str, ref: dt.date) -> None:
        for mention in find_dates(text, ref):
            assert mention.date is None or mention.date <= ref
            assert mention.date_end is None or mention.date_end <= ref


class TestWeekend:
    @pytest.mark.parametrize(
        "phrase", ["at the weekend", "over the weekend", "during the weekend"]
    )
    def test_the_weekend_is_the_last_saturday_with_week_precision(self, phrase: str) -> None:
        [mention] = find_dates(f"Gunmen raided the village {phrase}.", THURSDAY)
        assert mention.date == dt.date(2022, 8, 27)
        assert mention.precision is DatePrecision.WEEK


class TestOvernightWithAWeekday:
    @pytest.mark.parametrize("phrase", ["overnight Saturday", "overnight on Saturday"])
    def test_the_weekday_dates_it(self, phrase: str) -> None:
        [mention] = find_dates(f"Drones struck the port {phrase}.", THURSDAY)
        assert mention.date == dt.date(2022, 8, 27)

    def test_overnight_alone_is_the_night_before(self) -> None:
        [mention] = find_dates("Drones struck the port overnight.", THURSDAY)
        assert mention.date == dt.date(2022, 8, 31)
