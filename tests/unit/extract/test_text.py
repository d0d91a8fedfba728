"""Text preparation: headers, datelines, furniture, sentences, clauses."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.extract.text import (
    lower_same_length,
    parse_header,
    parse_published,
    prepare,
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
