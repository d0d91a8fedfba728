"""RSS/Atom feed bytes -> reports, with feedparser on the fetched bytes (never on a URL)."""

from __future__ import annotations

import calendar
import datetime as dt
import time
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin

import feedparser

from bot.domain import Report
from bot.ingest.text import make_report, one_line, safe_link, strip_html


class FeedParseError(Exception):
    """The bytes are not an RSS or Atom feed; the message is safe to show."""


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One feed item, already cleaned: plain-text title and body, http(s) link only."""

    title: str | None
    link: str | None
    published_at: dt.datetime | None
    text: str
    guid: str | None


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """A parsed feed: its (plain-text) title, site link and entries."""

    title: str | None
    link: str | None
    entries: list[FeedEntry]


def _struct_to_utc(value: Any) -> dt.datetime | None:
    if not isinstance(value, time.struct_time):
        return None
    try:
        # feedparser normalises parsed dates to UTC struct_time.
        return dt.datetime.fromtimestamp(calendar.timegm(value), tz=dt.UTC)
    except (OverflowError, ValueError, OSError):
        return None


def _entry_body(entry: Any) -> str:
    best = ""
    for content in entry.get("content") or []:
        value = strip_html(str(content.get("value") or ""))
        if len(value) > len(best):
            best = value
    summary = strip_html(str(entry.get("summary") or ""))
    return best if len(best) >= len(summary) else summary


def _entry_link(entry: Any) -> str | None:
    link = safe_link(entry.get("link"))
    if link:
        return link
    for candidate in entry.get("links") or []:
        if candidate.get("rel", "alternate") == "alternate":
            link = safe_link(candidate.get("href"))
            if link:
                return link
    # Some feeds only put the article URL in the guid.
    if entry.get("guidislink") or str(entry.get("id") or "").startswith(("http://", "https://")):
        return safe_link(entry.get("id"))
    return None


def parse_feed(content: bytes) -> ParsedFeed:
    """Parse feed bytes; raise FeedParseError when they hold no RSS/Atom feed."""
    if not isinstance(content, bytes | bytearray):
        raise TypeError("parse_feed takes the fetched bytes, never a URL or path")
    if not content.strip():
        raise FeedParseError("the feed is empty")
    parsed = feedparser.parse(bytes(content), sanitize_html=True, resolve_relative_uris=False)
    version = str(parsed.get("version") or "")
    feed_info = parsed.get("feed") or {}
    if not version and not parsed.entries:
        raise FeedParseError("this is not an RSS or Atom feed")
    entries: list[FeedEntry] = []
    for entry in parsed.entries:
        title = one_line(entry.get("title"))
        text = _entry_body(entry)
        if not title and not text:
            continue
        published = _struct_to_utc(entry.get("published_parsed")) or _struct_to_utc(
            entry.get("updated_parsed")
        )
        guid = entry.get("id")
        entries.append(
            FeedEntry(
                title=title,
                link=_entry_link(entry),
                published_at=published,
                text=text,
                guid=str(guid)[:500] if guid else None,
            )
        )
    return ParsedFeed(
        title=one_line(feed_info.get("title"), 120),
        link=safe_link(feed_info.get("link")),
        entries=entries,
    )


def entry_to_report(
    entry: FeedEntry,
    *,
    outlet: str | None,
    fetched_at: dt.datetime,
    origin: str,
    max_chars: int | None = None,
) -> Report:
    """A Report for one feed entry (the body falls back to the title when the feed has none)."""
    return make_report(
        entry.text or entry.title or "",
        fetched_at=fetched_at,
        url=entry.link,
        title=entry.title,
        outlet=outlet,
        published_at=entry.published_at,
        origin=origin,
        max_chars=max_chars,
    )


_FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml", "application/rdf+xml"})


class _AlternateLinks(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "link":
            return
        values = {key.lower(): (value or "") for key, value in attrs}
        rels = values.get("rel", "").lower().split()
        if "alternate" in rels and values.get("type", "").lower().strip() in _FEED_TYPES:
            href = values.get("href", "").strip()
            if href:
                self.hrefs.append(href)


def discover_feed_links(page: bytes, base_url: str) -> list[str]:
    """Feed URLs a web page announces with <link rel="alternate" type="application/rss+xml">."""
    collector = _AlternateLinks()
    try:
        collector.feed(page[:500_000].decode("utf-8", errors="replace"))
        collector.close()
    except (AssertionError, ValueError):
        return []
    links: list[str] = []
    for href in collector.hrefs:
        link = safe_link(urljoin(base_url, href))
        if link and link not in links:
            links.append(link)
    return links
