"""HTML stripping, links, hashing and report building for untrusted source text."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.ingest.text import content_hash, make_report, one_line, safe_link, strip_html

NOW = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)


class TestStripHtml:
    def test_tags_dropped_and_entities_decoded(self) -> None:
        assert strip_html("<p>Two <b>killed</b> &amp; five hurt</p>") == "Two killed & five hurt"

    def test_script_and_style_content_dropped(self) -> None:
        text = strip_html("<p>Calm day</p><script>alert(1)</script><style>p{}</style>")
        assert text == "Calm day"

    def test_paragraphs_kept_apart(self) -> None:
        assert strip_html("<p>One</p><p>Two</p>") == "One\n\nTwo"

    def test_escaped_markup_in_text_stays_text(self) -> None:
        # "&lt;script&gt;" decodes to the characters "<script>": plain text, never markup.
        assert strip_html("&lt;script&gt;x") == "<script>x"

    def test_empty(self) -> None:
        assert strip_html(None) == ""
        assert strip_html("<br>") == ""


class TestOneLine:
    def test_collapses_and_truncates(self) -> None:
        assert one_line("<b>A</b>\n  B") == "A B"
        long = one_line("x" * 400, 50)
        assert long is not None
        assert len(long) == 50
        assert long.endswith("…")

    def test_empty_is_none(self) -> None:
        assert one_line("  <i></i> ") is None


class TestSafeLink:
    @pytest.mark.parametrize(
        "link",
        [
            "javascript:alert(1)",
            "JAVASCRIPT:alert(1)",
            "data:text/html,hi",
            "file:///etc/passwd",
            "ftp://x.example/a",
            "/relative/path",
            "http://",
            "https://x.example/a b",
            'https://x.example/"onmouseover',
            None,
        ],
    )
    def test_refused(self, link: str | None) -> None:
        assert safe_link(link) is None

    def test_http_and_https_kept(self) -> None:
        assert safe_link(" https://x.example/a?b=1 ") == "https://x.example/a?b=1"
        assert safe_link("http://x.example/") == "http://x.example/"


class TestContentHash:
    def test_same_text_different_spacing_and_case(self) -> None:
        assert content_hash("Two  killed\nin Basra") == content_hash("two killed in BASRA ")

    def test_different_text(self) -> None:
        assert content_hash("two killed") != content_hash("three killed")


class TestMakeReport:
    def test_fields_cleaned(self) -> None:
        report = make_report(
            "  Body\x00 text  ",
            fetched_at=NOW,
            url="javascript:evil()",
            title="  Two\n killed\u202e in <Basra>  ",
            outlet="Example <News>",
            published_at=dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=3))),
            origin="web",
        )
        assert report.text == "Body text"
        assert report.url is None
        # Plain text, never read as markup (the renderers escape it): only spacing is cleaned.
        assert report.title == "Two killed in <Basra>"
        assert report.outlet == "Example <News>"
        assert report.published_at == dt.datetime(2026, 3, 2, 6, 0, tzinfo=dt.UTC)
        assert report.content_hash == content_hash("Body text")

    def test_naive_published_refused(self) -> None:
        with pytest.raises(ValueError, match="aware"):
            make_report("x", fetched_at=NOW, published_at=dt.datetime(2026, 1, 1))

    def test_max_chars(self) -> None:
        assert len(make_report("y" * 50, fetched_at=NOW, max_chars=10).text) == 10
