"""Feed bytes -> entries and reports: only http(s) links, plain text, aware UTC times."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.ingest.feeds import FeedParseError, discover_feed_links, entry_to_report, parse_feed
from tests.unit.ingest.samples import atom_feed, rss_feed

NOW = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)


class TestRss:
    def test_title_is_plain_text(self) -> None:
        parsed = parse_feed(rss_feed())
        assert parsed.title == "Tigris Wire"

    def test_entries_cleaned(self) -> None:
        first = parse_feed(rss_feed()).entries[0]
        assert first.title == "Roadside bomb hits army patrol near Tikrit"
        assert first.link == "https://wire.example/news/patrol-bomb"
        assert first.published_at == dt.datetime(2026, 3, 2, 6, 15, tzinfo=dt.UTC)
        assert "two soldiers" in first.text
        assert "<" not in first.text
        assert "steal" not in first.text

    def test_javascript_and_data_links_dropped(self) -> None:
        _, second, third = parse_feed(rss_feed()).entries
        assert second.link is None
        assert third.link is None

    def test_script_in_title_never_survives_as_markup(self) -> None:
        _, second, _ = parse_feed(rss_feed()).entries
        assert second.title is not None
        assert "<script" not in second.title
        assert "<b>" not in second.title
        assert "Gunmen attack post" in second.title

    def test_entry_without_body_uses_title(self) -> None:
        _, _, third = parse_feed(rss_feed()).entries
        report = entry_to_report(third, outlet="Tigris Wire", fetched_at=NOW, origin="feed:1")
        assert report.text == "Curfew lifted in Samarra"
        assert report.published_at is None


class TestAtom:
    def test_content_and_alternate_link(self) -> None:
        parsed = parse_feed(atom_feed())
        assert parsed.title == "Euphrates Monitor"
        (entry,) = parsed.entries
        assert entry.link == "https://atom.example/posts/farm-strike"
        assert entry.published_at == dt.datetime(2026, 3, 3, 3, 30, tzinfo=dt.UTC)
        assert "four people were killed" in entry.text

    def test_report_fields(self) -> None:
        (entry,) = parse_feed(atom_feed()).entries
        report = entry_to_report(
            entry, outlet="Euphrates Monitor", fetched_at=NOW, origin="feed:7"
        )
        assert report.outlet == "Euphrates Monitor"
        assert report.origin == "feed:7"
        assert report.url == entry.link
        assert report.title == entry.title


class TestNotAFeed:
    @pytest.mark.parametrize("content", [b"", b"   ", b"hello there", b'{"a": 1}'])
    def test_refused(self, content: bytes) -> None:
        with pytest.raises(FeedParseError):
            parse_feed(content)

    def test_url_string_refused(self) -> None:
        # feedparser would fetch a URL by itself, bypassing the SSRF guard.
        with pytest.raises(TypeError):
            parse_feed("http://127.0.0.1/feed")  # type: ignore[arg-type]

    def test_broken_xml_with_items_still_read(self) -> None:
        broken = rss_feed().replace(b"</channel>", b"")
        assert len(parse_feed(broken).entries) == 3


class TestHostileXml:
    def test_entity_expansion_bomb_is_not_expanded(self) -> None:
        levels = ['<!ENTITY e0 "ha">'] + [
            f'<!ENTITY e{n} "{f"&e{n - 1};" * 10}">' for n in range(1, 9)
        ]
        bomb = (
            '<?xml version="1.0"?><!DOCTYPE r [' + "".join(levels) + "]>"
            '<rss version="2.0"><channel><title>&e8;</title>'
            "<item><title>a</title><description>b</description></item></channel></rss>"
        ).encode()
        parsed = parse_feed(bomb)
        assert len(parsed.title or "") < 1000  # 10^8 copies would be 200 MB

    def test_external_entities_are_not_read(self, tmp_path: Path) -> None:
        secret = tmp_path / "secret.txt"
        secret.write_text("TOPSECRET", encoding="utf-8")
        xxe = (
            f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file://{secret}">]>'
            '<rss version="2.0"><channel><title>&x;</title>'
            "<item><title>&x;</title><description>d &x;</description></item></channel></rss>"
        ).encode()
        parsed = parse_feed(xxe)
        assert "TOPSECRET" not in repr(parsed)


class TestDiscovery:
    def test_alternate_links_resolved_and_filtered(self) -> None:
        page = (
            b'<html><head><link rel="stylesheet" href="/s.css">'
            b'<link rel="alternate" type="application/rss+xml" href="/rss.xml">'
            b'<link rel="alternate" type="application/atom+xml" href="https://x.example/atom">'
            b'<link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">'
            b'<link rel="alternate" type="text/html" href="/fr/"></head></html>'
        )
        assert discover_feed_links(page, "https://site.example/news/") == [
            "https://site.example/rss.xml",
            "https://x.example/atom",
        ]

    def test_nothing_announced(self) -> None:
        assert discover_feed_links(b"<html><body>hi</body></html>", "https://a.example/") == []
