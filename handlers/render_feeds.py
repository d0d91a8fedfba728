"""Feeds -> Telegram HTML for the admins' /feeds, /feed_add and /feed_remove (all escaped)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.domain import Feed
from handlers.html import esc

MAX_LISTED = 50


def short(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def feed_list(feeds: Sequence[Feed]) -> str:
    """The /feeds message: one line per feed with its state."""
    if not feeds:
        return "No feeds yet. Add one with /feed_add https://example.com/rss"
    lines = [f"<b>Feeds ({len(feeds)})</b>"]
    for feed in list(feeds)[:MAX_LISTED]:
        title = esc(short(feed.title or "(untitled)", 80))
        state = "ok" if not feed.failures else f"failing {feed.failures}x"
        line = f"{feed.id}. {title} — {esc(short(feed.url, 120))} ({state})"
        if feed.failures and feed.last_error:
            line += f"\n    <i>{esc(short(feed.last_error, 160))}</i>"
        lines.append(line)
    if len(feeds) > MAX_LISTED:
        lines.append(f"… and {len(feeds) - MAX_LISTED} more (see `sitrep feeds list`)")
    return "\n".join(lines)


def feed_added(feed: Feed, created: bool) -> str:
    """Reply to /feed_add."""
    title = esc(feed.title or "(untitled)")
    if not created:
        return f"That feed is already there: {feed.id}. {title}"
    return (
        f"Added feed {feed.id}: {title}\nI will read it every {feed.interval_minutes} minutes; "
        "the first pass starts within a minute."
    )
