"""Reports: idempotent by URL and by content hash, unicode-safe, searchable."""

from __future__ import annotations

import datetime as dt

import pytest

from storage.base import Backend
from storage.sqlite import SqliteStorage

from .conftest import T0, make_report

HOSTILE = ['"', "*", "AND", "AND(", "NEAR(", "'; DROP TABLE reports; --", "OR NOT", "(", ")", "^"]


class TestAdd:
    """Storing reports."""

    async def test_new_report_gets_an_id_and_round_trips(self, storage: SqliteStorage) -> None:
        report = make_report(1, forwarded_from="@channel", language="en", origin="feed:3")
        stored, new = await storage.reports.add(report)
        assert new is True
        assert stored.id is not None
        fetched = await storage.reports.get(stored.id)
        assert fetched == stored
        assert fetched is not None
        assert fetched.published_at == T0
        assert fetched.published_at.tzinfo is dt.UTC

    @pytest.mark.parametrize(
        "changes",
        [{"text": "Edited text, other hash."}, {"url": "https://mirror.example/x"}],
        ids=["same url, other text", "same hash under another url"],
    )
    async def test_a_duplicate_is_one_row(
        self, storage: SqliteStorage, changes: dict[str, str]
    ) -> None:
        first, _ = await storage.reports.add(make_report(1))
        again, new = await storage.reports.add(make_report(1, **changes))
        assert new is False
        assert again.id == first.id
        assert await storage.reports.count() == 1

    async def test_reports_without_url_dedupe_by_hash(self, storage: SqliteStorage) -> None:
        await storage.reports.add(make_report(1, url=None))
        _, new_same = await storage.reports.add(make_report(1, url=None))
        _, new_other = await storage.reports.add(make_report(2, url=None))
        assert (new_same, new_other) == (False, True)
        assert await storage.reports.count() == 2

    async def test_non_utc_times_are_stored_as_utc(self, storage: SqliteStorage) -> None:
        baghdad = dt.timezone(dt.timedelta(hours=3))
        stored, _ = await storage.reports.add(
            make_report(1, published_at=dt.datetime(2026, 3, 1, 15, 0, tzinfo=baghdad))
        )
        assert stored.id is not None
        fetched = await storage.reports.get(stored.id)
        assert fetched is not None
        assert fetched.published_at == dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
        assert fetched.published_at.utcoffset() == dt.timedelta(0)


class TestLookups:
    """find_duplicate, get, latest, count."""

    async def test_find_duplicate_by_url_or_hash(self, storage: SqliteStorage) -> None:
        stored, _ = await storage.reports.add(make_report(1))
        by_url = await storage.reports.find_duplicate(stored.url, "other-hash")
        by_hash = await storage.reports.find_duplicate("https://else.example", stored.content_hash)
        assert by_url is not None
        assert by_hash is not None
        assert by_url.id == by_hash.id == stored.id
        assert await storage.reports.find_duplicate(None, "nothing") is None

    async def test_get_unknown_is_none(self, storage: SqliteStorage) -> None:
        assert await storage.reports.get(12345) is None

    async def test_latest_is_newest_first(self, storage: SqliteStorage) -> None:
        for n in range(1, 5):
            await storage.reports.add(make_report(n))
        latest = await storage.reports.latest(2)
        assert [r.title for r in latest] == ["Report 4", "Report 3"]
        assert await storage.reports.count() == 4


class TestUnicode:
    """Arabic script and other unicode survive unchanged."""

    async def test_arabic_report_round_trips(self, storage: SqliteStorage) -> None:
        text = "قُتل ثلاثة أشخاص في انفجار عبوة ناسفة في البصرة — مصادر أمنية 🇮🇶"
        stored, _ = await storage.reports.add(
            make_report(7, text=text, title="انفجار في البصرة", outlet="السومرية", language="ar")
        )
        assert stored.id is not None
        fetched = await storage.reports.get(stored.id)
        assert fetched is not None
        assert (fetched.text, fetched.title, fetched.outlet) == (
            text,
            "انفجار في البصرة",
            "السومرية",
        )

    async def test_control_characters_round_trip_and_search(self, storage: SqliteStorage) -> None:
        text = "before\x01after\x07 bell"
        stored, _ = await storage.reports.add(make_report(9, text=text))
        assert stored.id is not None
        fetched = await storage.reports.get(stored.id)
        assert fetched is not None
        assert fetched.text == text
        assert [r.id for r in await storage.reports.search("after")] == [stored.id]
        assert await storage.reports.search("\x00") == []

    async def test_nul_is_stored_without_failing_the_write(self, storage: Backend) -> None:
        # SQLite keeps U+0000; PostgreSQL text cannot hold it and stores U+FFFD instead.
        stored, _ = await storage.reports.add(make_report(9, text="before\x00after"))
        assert stored.id is not None
        fetched = await storage.reports.get(stored.id)
        assert fetched is not None
        kept = "\x00" if storage.kind == "sqlite" else "\ufffd"
        assert fetched.text == f"before{kept}after"
        assert [r.id for r in await storage.reports.search("after")] == [stored.id]

    async def test_arabic_search(self, storage: SqliteStorage) -> None:
        await storage.reports.add(make_report(1, text="انفجار في البصرة صباح اليوم"))
        await storage.reports.add(make_report(2, text="اشتباكات في الموصل"))
        hits = await storage.reports.search("البصرة")
        assert [r.url for r in hits] == ["https://news.example/report/1"]


class TestSearch:
    """Full-text search over title and text."""

    async def test_finds_words_in_text_and_title(self, storage: SqliteStorage) -> None:
        await storage.reports.add(make_report(1, text="A drone strike hit a convoy near Erbil."))
        await storage.reports.add(make_report(2, text="Protesters gathered in Tahrir Square."))
        await storage.reports.add(make_report(3, text="Nothing here.", title="Convoy attacked"))
        assert {r.id for r in await storage.reports.search("convoy")} == {1, 3}
        assert [r.id for r in await storage.reports.search("drone convoy")] == [1]
        assert [r.id for r in await storage.reports.search("protest*")] == [2]

    async def test_a_prefix_is_not_stemmed_into_a_shorter_one(
        self, storage: SqliteStorage
    ) -> None:
        # The porter tokenizer would turn the prefix "bas" into "ba" and find Baghdad.
        await storage.reports.add(make_report(1, text="Clashes in Basra overnight."))
        await storage.reports.add(make_report(2, text="Clashes in Baghdad overnight."))
        await storage.reports.add(make_report(3, text="Rockets hit the base at dawn."))
        assert {r.id for r in await storage.reports.search("Bas*")} == {1, 3}
        assert [r.id for r in await storage.reports.search('"clashes in bas"*')] == [1]
        assert {r.id for r in await storage.reports.search("Bag*")} == {2}

    async def test_a_phrase_needs_its_words_together_and_in_order(self, storage: Backend) -> None:
        await storage.reports.add(make_report(1, text="A car bomb went off at noon."))
        await storage.reports.add(make_report(2, text="The bomb was hidden in a car."))
        await storage.reports.add(make_report(3, text="A car and a bomb were found."))
        assert [r.id for r in await storage.reports.search('"car bomb"')] == [1]
        assert {r.id for r in await storage.reports.search("car bomb")} == {1, 2, 3}
        assert [r.id for r in await storage.reports.search('"in a car"')] == [2]
        assert [r.id for r in await storage.reports.search('"a car bo"*')] == [1]

    async def test_english_words_are_stemmed(self, storage: SqliteStorage) -> None:
        await storage.reports.add(make_report(1, text="Two bombings killed several people."))
        assert len(await storage.reports.search("bomb kill")) == 1
        assert len(await storage.reports.search("killing")) == 1

    async def test_arabic_spelling_variants_meet(self, storage: SqliteStorage) -> None:
        await storage.reports.add(make_report(1, text="هجوم على الأنبار وانفجار في بَغْدَاد"))
        for query in ("الانبار", "انبار", "بغداد", "والأنبار", "الأنبار بغداد"):
            assert len(await storage.reports.search(query)) == 1, query
        assert await storage.reports.search("الموصل") == []

    async def test_diacritics_are_folded(self, storage: SqliteStorage) -> None:
        await storage.reports.add(make_report(1, text="Clashes in Qāmishlī overnight."))
        assert len(await storage.reports.search("qamishli")) == 1

    @pytest.mark.parametrize("text", HOSTILE)
    async def test_hostile_queries_never_raise(self, storage: SqliteStorage, text: str) -> None:
        await storage.reports.add(make_report(1, text="AND drop table near x"))
        result = await storage.reports.search(text)
        assert isinstance(result, list)
        assert await storage.reports.count() == 1

    async def test_operator_words_are_plain_words(self, storage: SqliteStorage) -> None:
        await storage.reports.add(make_report(1, text="Rock and roll near the river."))
        await storage.reports.add(make_report(2, text="Nothing to see."))
        assert [r.id for r in await storage.reports.search("AND NEAR")] == [1]
        assert [r.id for r in await storage.reports.search('"and" NEAR(')] == [1]
