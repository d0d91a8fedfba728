"""Plain-language questions: sentences we wrote, English and Arabic, through the real catalog."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.domain import SubscriptionKind
from bot.domain.visuals import Intent
from bot.extract.actors import ActorRegistry
from bot.extract.gazetteer import Gazetteer
from bot.services.catalog import CatalogService
from bot.services.errors import UserError
from bot.services.questions import QuestionService, describe, parse_question
from tests.fakes import FixedClock

NOW = dt.datetime(2022, 9, 2, 12, 0, tzinfo=dt.UTC)  # a Friday, 15:00 in Baghdad
BAGHDAD = "Asia/Baghdad"


@pytest.fixture(scope="module")
def service() -> QuestionService:
    catalog = CatalogService(Gazetteer.default(), ActorRegistry.default())
    return QuestionService(catalog, FixedClock(NOW), BAGHDAD)


# (sentence, command it answers like, label of the period it asks for, or None)
TABLE: list[tuple[str, str, str | None]] = [
    # English
    ("Basra", "city", None),
    ("what happened in Basra yesterday?", "city", "yesterday"),
    ("clashes in Kirkuk this week", "city", "this week"),
    ("AAH last month", "faction", "last month"),
    ("Mosul past 3 days", "city", "last 3 days"),
    ("Mosul last 3 days", "city", "last 3 days"),
    ("incidents in Erbil in August 2022", "city", "in August 2022"),
    ("Baghdad 2022", "city", "in 2022"),
    ("Fallujah since Monday", "city", "since Monday 2022-08-29"),
    ("how many killed in Mosul since Monday?", "stats", "since Monday 2022-08-29"),
    ("stats for Kirkuk this month", "stats", "this month"),
    ("map of Sinjar in August 2022", "map", "in August 2022"),
    ("where were the attacks in Basra this week", "map", "this week"),
    ("incident 12", "incident", None),
    ("#7", "incident", None),
    ("what's new?", "latest", None),
    ("any news", "latest", None),
    ("what happened yesterday?", "stats", "yesterday"),
    ("help", "help", None),
    ("hello", "help", None),
    ("Nineveh province last week", "province", "last week"),
    ("Basra governorate in 2022", "province", "in 2022"),
    ("PKK in the past two weeks", "faction", "last 2 weeks"),
    ("ISIS attacks since August", "faction", "since 2022-08-01"),
    ("drone strikes near Erbil on Friday", "city", "2022-08-26 (Friday)"),
    ("Kataib Hezbollah today", "faction", "today"),
    ("Sadr City in the last 24 hours", "city", "last 24 hours"),
    ("Basrra yesterday", "city", "yesterday"),
    ("Ramadi during the past week", "city", "last week"),
    ("tell me about Najaf", "city", None),
    ("Is Kirkuk getting worse?", "stats", None),
    ("Mosul's numbers in the last three days", "stats", "last 3 days"),
    # Arabic
    ("ماذا حدث في البصرة أمس", "city", "yesterday"),
    ("البصرة", "city", None),
    ("اشتباكات في كركوك هذا الأسبوع", "city", "this week"),
    ("عصائب أهل الحق الشهر الماضي", "faction", "last month"),
    ("كم قتيل في الموصل منذ يوم الاثنين", "stats", "since Monday 2022-08-29"),
    ("خريطة بغداد آخر ٣ أيام", "map", "last 3 days"),
    ("أربيل في آب 2022", "city", "in August 2022"),
    ("الموصل الأيام الثلاثة الماضية", "city", "last 3 days"),
    ("داعش عام 2022", "faction", "in 2022"),
    ("ماذا يحدث في بغداد اليوم؟", "city", "today"),
    ("حادثة 12", "incident", None),
    ("آخر الأخبار", "latest", None),
    ("مساعدة", "help", None),
    ("إحصائيات الموصل هذا الشهر", "stats", "this month"),
    ("بالبصرة أمس", "city", "yesterday"),
    ("الفلوجة منذ أغسطس 2022", "city", "since 2022-08-01"),
    ("ماذا حدث في كركوك خلال الأسبوع الماضي؟", "city", "last week"),
    ("قصف في سنجار في كانون الثاني 2022", "city", "in January 2022"),
]


class TestQuestionTable:
    def test_the_table_is_big_enough(self) -> None:
        arabic = [row for row in TABLE if any("\u0600" <= ch <= "\u06ff" for ch in row[0])]
        assert len(TABLE) >= 40
        assert len(arabic) >= 15

    @pytest.mark.parametrize(("text", "command", "period"), TABLE)
    async def test_answers_like_the_matching_command(
        self, service: QuestionService, text: str, command: str, period: str | None
    ) -> None:
        understanding = await service.understand(text, BAGHDAD)
        assert understanding.understood, understanding.resolution
        assert understanding.command == command
        label = understanding.period.label if understanding.period else None
        assert label == period


class TestParser:
    def test_topic_words_are_kept_but_not_part_of_the_name(self) -> None:
        question = parse_question("clashes in Kirkuk this week")
        assert (question.subject, question.topic, question.period) == (
            "Kirkuk",
            "clashes",
            "this week",
        )

    def test_kind_words(self) -> None:
        assert parse_question("Basra province").kind is SubscriptionKind.ADMIN1
        assert parse_question("محافظة البصرة").kind is SubscriptionKind.ADMIN1
        assert parse_question("the militia AAH").kind is SubscriptionKind.ACTOR

    def test_a_period_at_the_start(self) -> None:
        question = parse_question("yesterday in Mosul")
        assert (question.subject, question.period) == ("Mosul", "yesterday")

    def test_article_with_a_preposition_is_split_but_a_name_keeps_its_letters(self) -> None:
        assert parse_question("بالبصرة").subject == "البصرة"
        assert parse_question("والموصل").subject == "الموصل"
        assert parse_question("وزيرية").subject == "وزيرية"  # و is part of this name

    def test_incident_numbers(self) -> None:
        assert parse_question("incident #31").incident_id == 31
        assert parse_question("حادثة رقم ٤٥").incident_id == 45
        assert parse_question("42").intent is Intent.INCIDENT

    def test_a_bare_number_word_is_not_taken_as_a_period(self) -> None:
        assert parse_question("Route 1").period is None


class TestUnderstanding:
    async def test_unknown_name_gets_the_closest_suggestion(
        self, service: QuestionService
    ) -> None:
        understanding = await service.understand("Nasiryya yesterday", BAGHDAD)
        assert not understanding.understood
        assert understanding.resolution is not None
        labels = [t.label for t in understanding.resolution.matches] + [
            t.label for t in understanding.resolution.suggestions
        ]
        assert labels[0] == "Nasiriyah"
        assert understanding.period is not None
        assert understanding.period.label == "yesterday"

    async def test_describe_says_what_is_shown(self, service: QuestionService) -> None:
        understanding = await service.understand("what happened in Basra yesterday?", BAGHDAD)
        assert describe(understanding) == "Basra, yesterday"
        everywhere = await service.understand("what happened yesterday", BAGHDAD)
        assert describe(everywhere) == "everywhere, yesterday"

    async def test_a_future_period_is_a_user_error(self, service: QuestionService) -> None:
        with pytest.raises(UserError):
            await service.understand("Basra in 2030", BAGHDAD)
