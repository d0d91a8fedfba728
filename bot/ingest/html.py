"""Web page bytes -> article text and metadata: trafilatura on a string, never its fetcher."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import trafilatura

from bot.ingest.fetch import decode_body
from bot.ingest.text import clean_text, one_line

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_MIN_TEXT_CHARS = 40


class ArticleError(Exception):
    """No article text could be found on the page; the message is safe to show."""


@dataclass(frozen=True, slots=True)
class Article:
    """The readable part of a page."""

    url: str | None
    title: str | None
    text: str
    published_at: dt.datetime | None
    site: str | None


def decode_html(content: bytes, charset: str | None = None) -> str:
    """Decode page bytes: the HTTP charset, else a <meta charset>, else UTF-8 (lenient)."""
    if charset is None:
        match = _META_CHARSET.search(content[:4096])
        if match:
            charset = match.group(1).decode("ascii", errors="ignore")
    return decode_body(content, charset)


def _parse_date(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        return dt.datetime.strptime(value, "%Y-%m-%dT%H:%M:%S%z").astimezone(dt.UTC)
    except ValueError:
        pass
    try:
        day = dt.date.fromisoformat(value[:10])
    except ValueError:
        return None
    # A date with no time: noon UTC keeps it on the same calendar day in most zones.
    return dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)


def extract_article(
    content: bytes | str, *, url: str | None = None, charset: str | None = None
) -> Article:
    """Main text, title, publication time and site name of a page; raise ArticleError if none."""
    markup = content if isinstance(content, str) else decode_html(content, charset)
    if not markup.strip():
        raise ArticleError("the page is empty")
    try:
        document = trafilatura.bare_extraction(
            markup,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            date_extraction_params={
                "outputformat": "%Y-%m-%dT%H:%M:%S%z",
                "original_date": True,
                "extensive_search": True,
            },
        )
    except Exception as exc:  # trafilatura/lxml raise many types on hostile markup
        raise ArticleError("the page could not be read as an article") from exc
    if document is None:
        raise ArticleError("no article text was found on the page")
    text = clean_text(str(getattr(document, "text", "") or ""))
    title = one_line(getattr(document, "title", None))
    # trafilatura repeats the headline as the first line; keep it once, in the title.
    if title and text.split("\n", 1)[0].strip() == title:
        text = text.split("\n", 1)[1].strip() if "\n" in text else text
    if len(text) < _MIN_TEXT_CHARS:
        raise ArticleError("no article text was found on the page")
    site = one_line(getattr(document, "sitename", None), 120)
    if not site and url:
        site = urlsplit(url).hostname
    return Article(
        url=url,
        title=title,
        text=text,
        published_at=_parse_date(getattr(document, "date", None)),
        site=site,
    )
