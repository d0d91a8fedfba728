"""Text helpers for untrusted source text: HTML to plain text, content hashes, Report building."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from html.parser import HTMLParser
from typing import TypedDict
from urllib.parse import urlsplit

from bot.domain import Report

_BLOCK_TAGS = frozenset(
    {
        "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
        "blockquote", "section", "article", "header", "footer", "pre", "hr", "dd", "dt",
    }
)  # fmt: skip
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "iframe", "object", "svg"})
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_BLANK_LINES = re.compile(r"\n\s*\n\s*")
# Control, zero-width and bidi-override characters only confuse reading and hashing; lone
# surrogates are how Python decodes bad UTF-8 on stdin, and they can be neither stored nor hashed.
_CONTROL = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
MAX_TITLE_CHARS = 500
MAX_NAME_CHARS = 200  # an outlet or the channel a post was forwarded from
MAX_URL_CHARS = 2_000


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skip_depth += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip_depth:
            self.parts.append(data)


def clean_text(text: str) -> str:
    """NFC; control, zero-width and bidi characters out; spaces collapsed; paragraphs kept."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = [_SPACES.sub(" ", line).strip() for line in _CONTROL.sub("", text).split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def strip_html(markup: str | None) -> str:
    """Plain text of an HTML fragment: tags and scripts dropped, entities decoded."""
    if not markup:
        return ""
    if "<" not in markup and "&" not in markup:
        return clean_text(markup)
    collector = _TextCollector()
    try:
        collector.feed(markup)
        collector.close()
    except (AssertionError, ValueError):  # html.parser gives up on some garbage
        return clean_text(re.sub(r"<[^>]*>", " ", markup))
    return clean_text("".join(collector.parts))


def one_line(text: str | None, limit: int = 300) -> str | None:
    """A title-like single line from HTML (tags dropped, entities decoded), or None when empty."""
    return plain_line(strip_html(text), limit) if text else None


def plain_line(text: str | None, limit: int = 300) -> str | None:
    """A single line of plain text (nothing read as markup), cut to ``limit``; None when empty."""
    if not text:
        return None
    line = " ".join(clean_text(text).split())
    if not line:
        return None
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def content_hash(text: str) -> str:
    """sha256 (hex) of the cleaned text case-folded, whitespace collapsed: copies hash alike.

    NFC, not NFKC: this is the hash every stored report carries, so dedupe keeps working on
    databases written by earlier versions.
    """
    return _hash_cleaned(clean_text(text))


def _hash_cleaned(cleaned: str) -> str:
    folded = " ".join(cleaned.casefold().split())
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


def safe_link(url: str | None) -> str | None:
    """The URL if it is an absolute http(s) link (no javascript:, data:, file:), else None."""
    if not url or not isinstance(url, str):
        return None
    url = url.strip()
    if len(url) > MAX_URL_CHARS or any(ch in url for ch in "\r\n\t\x00 <>\"'"):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return url


class ReportFields(TypedDict, total=False):
    """What a caller may say about a report besides its text (see :func:`make_report`)."""

    url: str | None
    title: str | None
    outlet: str | None
    published_at: dt.datetime | None
    origin: str
    forwarded_from: str | None
    language: str


def make_report(
    text: str,
    *,
    fetched_at: dt.datetime,
    url: str | None = None,
    title: str | None = None,
    outlet: str | None = None,
    published_at: dt.datetime | None = None,
    origin: str = "manual",
    forwarded_from: str | None = None,
    language: str = "en",
    max_chars: int | None = None,
) -> Report:
    """The one way to build a Report: a cleaned body, its hash, short names, aware UTC times.

    Every field is plain text (sources that give HTML strip it first, as the feed parser does).
    ``max_chars`` cuts a longer body (feeds and files keep what fits); callers that must refuse
    oversized text check before building.
    """
    body = clean_text(text)
    if max_chars is not None and len(body) > max_chars:
        body = body[:max_chars]
    if published_at is not None and published_at.tzinfo is None:
        raise ValueError("published_at must be timezone-aware")
    return Report(
        url=safe_link(url),
        content_hash=_hash_cleaned(body),
        title=plain_line(title, MAX_TITLE_CHARS),
        outlet=plain_line(outlet, MAX_NAME_CHARS),
        published_at=published_at.astimezone(dt.UTC) if published_at else None,
        fetched_at=fetched_at.astimezone(dt.UTC),
        language=language,
        text=body,
        origin=origin,
        forwarded_from=plain_line(forwarded_from, MAX_NAME_CHARS),
    )
