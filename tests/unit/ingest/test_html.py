"""Page bytes -> article text and metadata with trafilatura on a string."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.ingest.html import ArticleError, decode_html, extract_article
from tests.unit.ingest.samples import article_page


class TestExtractArticle:
    def test_text_without_boilerplate(self) -> None:
        article = extract_article(article_page(), url="https://wire.example/news/patrol-bomb")
        assert "Two soldiers died at the scene" in article.text
        assert "Subscribe" not in article.text
        assert "Sport" not in article.text

    def test_metadata(self) -> None:
        article = extract_article(article_page(), url="https://wire.example/news/patrol-bomb")
        assert article.title == "Two killed as bomb hits patrol near Tikrit"
        assert article.site == "Tigris Wire"
        assert article.published_at == dt.datetime(2026, 3, 2, 6, 15, tzinfo=dt.UTC)

    def test_title_not_repeated_in_text(self) -> None:
        article = extract_article(article_page())
        assert not article.text.startswith(article.title or "?")

    def test_invalid_utf8_does_not_crash(self) -> None:
        page = article_page().replace(b"north of Tikrit", b"north of Tikrit \xff\xfe")
        article = extract_article(page)
        assert "Tikrit" in article.text

    @pytest.mark.parametrize(
        "content", [b"", b"<html><body><p>Hi</p></body></html>", b"\x00\x01\x02"]
    )
    def test_no_article(self, content: bytes) -> None:
        with pytest.raises(ArticleError):
            extract_article(content)


class TestDecodeHtml:
    def test_meta_charset(self) -> None:
        page = '<meta charset="windows-1256"><p>بغداد</p>'.encode("windows-1256")
        assert "بغداد" in decode_html(page)

    def test_http_charset_wins(self) -> None:
        assert decode_html("café".encode("latin-1"), "latin-1") == "café"
