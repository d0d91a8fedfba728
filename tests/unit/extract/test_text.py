"""Text preparation: headers, datelines, furniture, sentences, clauses."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.extract.text import (
    lower_same_length,
    parse_header,
    parse_published,
    prepare,
    published_from_url,
    split_clauses,
    strip_dateline,
)


class TestHeader:
    def test_eval_format(self) -> None:
        headers, body = parse_header("URL: https://x.test/a\nPUBLISHED: 2022-09-01\nBody here.")
        assert headers == {"url": "https://x.test/a", "published": "2022-09-01"}
        assert body == "Body here."

    def test_no_header(self) -> None:
        assert parse_header("Just text.") == ({}, "Just text.")

    @pytest.mark.parametrize(
        ("url", "day"),
        [
            ("https://news.test/2023/05/11/checkpoint-attacked/", dt.date(2023, 5, 11)),
            ("https://news.test/world/2023-05-11/checkpoint", dt.date(2023, 5, 11)),
            ("https://news.test/africa/checkpoint-attacked-20230511", dt.date(2023, 5, 11)),
            ("https://news.test/en/2024/02/checkpoint-attacked", dt.date(2024, 2, 29)),
        ],
    )
    def test_a_link_s_path_gives_the_publication_day(self, url: str, day: dt.date) -> None:
        assert published_from_url(url) == dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)

    def test_a_month_link_takes_the_latest_day_of_that_month_the_text_writes(self) -> None:
        url = "https://news.test/en/2024/03/village-attacked"
        body = "The raid on 9 March was followed by mourning from March 12. On 2 April ..."
        assert published_from_url(url, body) == dt.datetime(2024, 3, 12, 12, tzinfo=dt.UTC)

    @pytest.mark.parametrize(
        "url",
        [
            None,
            "https://news.test/story/48213577",  # an id, not a date
            "https://news.test/2023/",  # a year alone
            "https://news.test/2023/02/30/x",  # no such day
            "https://2023.news.test/a?d=2023-05-11",  # not in the path
        ],
    )
    def test_no_day_without_a_date_in_the_path(self, url: str | None) -> None:
        assert published_from_url(url) is None

    def test_bare_date_is_noon_utc(self) -> None:
        assert parse_published("2022-09-01") == dt.datetime(2022, 9, 1, 12, tzinfo=dt.UTC)

    def test_datetime_without_zone_is_utc(self) -> None:
        assert parse_published("2022-09-01T23:30") == dt.datetime(
            2022, 9, 1, 23, 30, tzinfo=dt.UTC
        )

    @pytest.mark.parametrize("value", ["unknown", "", "yesterday", "2022-13-45"])
    def test_unusable(self, value: str) -> None:
        assert parse_published(value) is None


class TestDateline:
    @pytest.mark.parametrize(
        ("text", "dateline"),
        [
            ("ERBIL, Kurdistan Region - Clashes broke out.", "ERBIL, Kurdistan Region"),
            ("BAGHDAD: A bomb went off.", "BAGHDAD"),
            ("PESHAWAR, Feb 5 — Militants attacked.", "PESHAWAR, Feb 5"),
            ("Mogadishu (HOL) - At least 15 people died.", "Mogadishu (HOL)"),
            ("BAGHDAD (Reuters) - Gunmen killed a man.", "BAGHDAD (Reuters)"),
            (
                "KIRKUK, Iraq, March 3 (Reuters) - Militants attacked.",
                "KIRKUK, Iraq, March 3 (Reuters)",
            ),
            ("Kirkuk, Iraq — A bomb went off.", "Kirkuk, Iraq"),
            ("Garoua – The governor visited the wounded.", "Garoua"),
            ("Port Harcourt - Armed men stormed a bank.", "Port Harcourt"),
            (
                "Kunduz (Afghanistan) (AFP) - Taliban fighters attacked.",
                "Kunduz (Afghanistan) (AFP)",
            ),
            ("Kirkuk (Reuters) - A bomb went off.", "Kirkuk (Reuters)"),
            ("ZAMBOANGA CITY, Philippines—Troops clashed.", "ZAMBOANGA CITY, Philippines"),
        ],
    )
    def test_stripped(self, text: str, dateline: str) -> None:
        found, rest = strip_dateline(text)
        assert found == dateline
        assert rest[0].isupper()

    @pytest.mark.parametrize(
        "text",
        [
            "AAH is part of the PMF.",
            "US-led forces left.",
            "Clashes broke out - again.",
            "Gunmen, police said - two died.",
            "The Army - which denies it - fired first.",
            "Garoua - eleven died.",
            "Gunmen (masked) (AK) - two died.",
            "ISIS—The group claimed it.",
        ],
    )
    def test_not_a_dateline(self, text: str) -> None:
        assert strip_dateline(text) == (None, text)


class TestPrepare:
    def test_furniture_captions_and_repeats_dropped(self) -> None:
        text = (
            "Bomb kills two in Kirkuk\n\n3 min read\n\nBomb kills two in Kirkuk\n\n"
            "Smoke rises over the city after the blast. (Reuters)\n\n"
            "KIRKUK - A bomb killed two people on Monday. Police closed the road.\n"
        )
        article = prepare(text)
        assert article.title == "Bomb kills two in Kirkuk"
        assert article.dateline == "KIRKUK"
        bodies = [s.text for s in article.sentences if not s.heading]
        assert bodies == ["A bomb killed two people on Monday.", "Police closed the road."]

    def test_a_title_ending_on_a_quoted_name_is_a_title(self) -> None:
        text = (
            'Drones kill two soldiers; army blames the "Eastern Front"\n\n'
            'A drone hit a post on Sunday. The colonel said: "We will hold."\n'
        )
        article = prepare(text)
        assert article.title == 'Drones kill two soldiers; army blames the "Eastern Front"'
        assert [s.heading for s in article.sentences[1:]] == [False, False]

    def test_a_title_ending_on_a_bracketed_date_is_a_title(self) -> None:
        text = (
            "Flash update: attack on a camp in Jonglei (26 March 2021)\n\nRaiders came at dawn.\n"
        )
        assert prepare(text).title == "Flash update: attack on a camp in Jonglei (26 March 2021)"

    def test_empty(self) -> None:
        assert prepare("").sentences == ()


class TestLowerSameLength:
    def test_keeps_offsets(self) -> None:
        text = "İstanbul Basra"  # "İ".lower() is two characters
        lowered = lower_same_length(text)
        assert len(lowered) == len(text)
        assert lowered.endswith("basra")


class TestClauses:
    def test_days_after_starts_a_background_clause(self) -> None:
        clauses = split_clauses(
            "Clashes broke out in Basra on Thursday, days after fighting in Baghdad left 30 dead."
        )
        assert [c.background_cue for c in clauses] == [False, True]
        assert clauses[1].text.startswith("days after")

    def test_as_clause_is_context(self) -> None:
        clauses = split_clauses(
            "Two fighters were killed on Saturday, as Iraq seeks to expel them."
        )
        assert len(clauses) == 2
        assert not clauses[1].background_cue

    def test_plain_sentence_is_one_clause(self) -> None:
        assert len(split_clauses("A bomb went off in Mosul.")) == 1
