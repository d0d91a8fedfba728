"""Feeds and web pages as sources: add/remove/list feeds, poll the due ones, ingest one URL.

Transport-neutral: Telegram handlers, the CLI and the JobQueue job call the same methods. Every
fetch goes through the SSRF-safe fetcher; every report goes through ``IngestService.ingest`` so
duplicates (same URL or same text) are stored once and alerts are queued once.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import urlsplit

from bot.config import Settings
from bot.domain import Feed, Report
from bot.domain.views import IngestOutcome
from bot.ingest.feeds import (
    FeedParseError,
    ParsedFeed,
    discover_feed_links,
    entry_to_report,
    parse_feed,
)
from bot.ingest.fetch import FEED_ACCEPT, HTML_ACCEPT, FetchError, FetchResult
from bot.ingest.html import ArticleError, extract_article
from bot.ingest.text import make_report, safe_link
from bot.ports import Clock
from bot.services.admin import notify_admins
from bot.services.errors import UserError
from bot.services.outbox import Outbox
from storage.base import Storage

logger = logging.getLogger(__name__)

MAX_BACKOFF = dt.timedelta(hours=24)
NOTICE_AFTER_FAILURES = 3  # consecutive failures before admins hear about a feed
MAX_ENTRIES_PER_POLL = 50  # only the newest entries: a feed dumping its archive is not news
MAX_ARTICLE_FETCHES_PER_POLL = 10
HOST_GAP_SECONDS = 1.0  # at most one article page per second from one site
# One feed poll (the feed and its article pages) gets this many fetch timeouts in all; entries
# left when it runs out keep the text the feed gave, so ten slow pages cannot stall a pass.
POLL_DEADLINE_FETCHES = 3
_NO_HASH = "-"  # find_duplicate by URL only


class Fetcher(Protocol):
    """What the feed service needs from ``bot.ingest.fetch.SafeFetcher``."""

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: Sequence[str] = ...,
    ) -> FetchResult:
        """GET a URL safely."""
        ...

    async def precheck(self, url: str) -> str:
        """Check a URL and its addresses without fetching; return it."""
        ...


class ReportIngestor(Protocol):
    """What the feed service needs from ``IngestService``."""

    async def ingest(self, report: Report) -> IngestOutcome:
        """Dedupe, extract, merge, store and queue alerts for one report."""
        ...


@dataclass
class PollSummary:
    """What one polling pass did."""

    feeds_polled: int = 0
    not_modified: int = 0
    failed: int = 0
    entries_seen: int = 0
    reports_new: int = 0
    duplicates: int = 0
    rejected: int = 0
    incidents_new: int = 0
    incidents_updated: int = 0
    alerts_queued: int = 0
    notices_queued: int = 0
    errors: list[str] = field(default_factory=list)

    def add_outcome(self, outcome: IngestOutcome) -> None:
        """Count one ingest outcome."""
        if outcome.duplicate:
            self.duplicates += 1
            return
        self.reports_new += 1
        self.incidents_new += len(outcome.new_incidents)
        self.incidents_updated += len(outcome.updated_incidents)
        self.alerts_queued += outcome.alerts_queued


def backoff_delay(interval_minutes: int, failures: int) -> dt.timedelta:
    """interval * 2^failures, at most 24 hours."""
    if failures <= 0:
        return dt.timedelta(minutes=interval_minutes)
    exponent = min(failures, 16)
    return min(dt.timedelta(minutes=interval_minutes * 2**exponent), MAX_BACKOFF)


# Refusals by the fetch guard (private, loopback or odd-port addresses) that an operator can
# lift for a self-hosted source: say how, instead of a dead end.
_GUARD_KINDS = frozenset({"blocked", "port"})


def _refusal(exc: FetchError) -> str:
    """The user's explanation of a failed fetch, with the way forward when there is one."""
    text = f"{exc.reason}."
    if exc.kind in _GUARD_KINDS:
        text += (
            " Sitrep fetches only public addresses on ports 80 and 443. For a self-hosted "
            "source on a private network, the operator can set SITREP_ALLOW_PRIVATE_FETCH=true."
        )
    return text


class FeedService:
    """Manage feeds and turn their entries (and single web pages) into ingested reports."""

    def __init__(
        self,
        storage: Storage,
        ingestion: ReportIngestor,
        fetcher: Fetcher,
        clock: Clock,
        settings: Settings,
        *,
        fetch_full_text: bool = True,
        host_gap_seconds: float = HOST_GAP_SECONDS,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        poll_deadline_seconds: float | None = None,
        outbox: Outbox | None = None,
    ) -> None:
        self._storage = storage
        self._outbox = outbox or Outbox(storage)
        self._ingestion = ingestion
        self._fetcher = fetcher
        self._clock = clock
        self._settings = settings
        self._fetch_full_text = fetch_full_text
        self._host_gap = host_gap_seconds
        self._sleep = sleep
        self.poll_deadline = (
            poll_deadline_seconds
            if poll_deadline_seconds is not None
            else POLL_DEADLINE_FETCHES * settings.sitrep_fetch_timeout_seconds
        )
        self._last_hit: dict[str, float] = {}  # host -> monotonic time of the last article fetch
        self._poll_lock = asyncio.Lock()

    # ------------------------------------------------------------ managing feeds

    async def add(self, url: str, added_by: int | None) -> Feed:
        """Add a feed after checking it is a safe http(s) URL that serves RSS/Atom; idempotent."""
        feed, _ = await self.add_feed(url, added_by)
        return feed

    async def add_feed(
        self, url: str, added_by: int | None, *, interval_minutes: int | None = None
    ) -> tuple[Feed, bool]:
        """Like :meth:`add`, also saying whether the feed is new; the interval is per feed."""
        if interval_minutes is not None and not 1 <= interval_minutes <= 1440:
            raise UserError("The polling interval must be between 1 and 1440 minutes.")
        url = (url or "").strip()
        if not url:
            raise UserError("Give the feed's address.", usage="/feed_add https://example.com/rss")
        if safe_link(url) is None:
            raise UserError("Only http:// and https:// feed addresses can be added.")
        for existing in await self._storage.feeds.list():
            if existing.url == url:
                return existing, False
        try:
            await self._fetcher.precheck(url)
            result = await self._fetcher.fetch(url, accept=FEED_ACCEPT)
        except FetchError as exc:
            raise UserError(
                "I could not fetch that feed: {reason}", values={"reason": _refusal(exc)}
            ) from None
        try:
            parsed = parse_feed(result.content)
        except FeedParseError as exc:
            # A site's home page usually names its feed: follow the first announced one.
            discovered = discover_feed_links(result.content, result.url)
            if not discovered:
                raise UserError(
                    "That address does not give a feed: {reason}.", values={"reason": exc}
                ) from None
            url = discovered[0]
            for existing in await self._storage.feeds.list():
                if existing.url == url:
                    return existing, False
            parsed = await self._fetch_feed(url)
        now = self._clock.now()
        feed = Feed(
            url=url,
            title=parsed.title,
            interval_minutes=interval_minutes or self._settings.sitrep_feed_interval_minutes,
            next_poll_at=now,  # read its entries on the next pass
            added_by=added_by,
            created_at=now,
        )
        return await self._storage.feeds.add(feed)

    async def _fetch_feed(self, url: str) -> ParsedFeed:
        try:
            await self._fetcher.precheck(url)
            result = await self._fetcher.fetch(url, accept=FEED_ACCEPT)
        except FetchError as exc:
            raise UserError(
                "I could not fetch the feed that page names: {reason}",
                values={"reason": _refusal(exc)},
            ) from None
        try:
            return parse_feed(result.content)
        except FeedParseError as exc:
            raise UserError(
                "The feed that page names is not readable: {reason}.", values={"reason": exc}
            ) from None

    async def remove(self, feed_id: int) -> bool:
        """Delete a feed; False when there was none with that id."""
        return await self._storage.feeds.remove(feed_id)

    async def list(self) -> list[Feed]:
        """Every feed, in id order."""
        feeds = await self._storage.feeds.list()
        return sorted(feeds, key=lambda feed: feed.id or 0)

    async def get(self, feed_id: int) -> Feed | None:
        """One feed."""
        return await self._storage.feeds.get(feed_id)

    # ------------------------------------------------------------ polling

    async def poll_due(self) -> PollSummary:
        """Poll every feed whose time has come; a pass already running makes this a no-op."""
        summary = PollSummary()
        if self._poll_lock.locked():
            return summary
        async with self._poll_lock:
            for feed in await self._storage.feeds.due(self._clock.now()):
                await self._poll_one(feed, summary)
        return summary

    async def poll(self, feed_id: int) -> PollSummary:
        """Poll one feed now, whatever its schedule (``sitrep feeds poll --id``)."""
        summary = PollSummary()
        feed = await self._storage.feeds.get(feed_id)
        if feed is None:
            raise UserError("There is no feed number {number}.", values={"number": feed_id})
        async with self._poll_lock:
            await self._poll_one(feed, summary)
        return summary

    async def _poll_one(self, feed: Feed, summary: PollSummary) -> None:
        summary.feeds_polled += 1
        deadline = time.monotonic() + self.poll_deadline
        try:
            result = await self._fetcher.fetch(
                feed.url,
                etag=feed.etag,
                last_modified=feed.last_modified,
                accept=FEED_ACCEPT,
            )
            parsed = None if result.not_modified else parse_feed(result.content)
        except (FetchError, FeedParseError) as exc:
            reason = exc.reason if isinstance(exc, FetchError) else str(exc)
            await self._record_failure(feed, reason, summary)
            return
        except Exception as exc:  # hostile bytes must not stop the other feeds
            logger.exception("polling feed %s failed unexpectedly", feed.id)
            await self._record_failure(feed, f"unexpected error ({type(exc).__name__})", summary)
            return
        complete = True
        if parsed is None:
            summary.not_modified += 1
        else:
            complete = await self._ingest_entries(feed, parsed, summary, deadline)
        now = self._clock.now()
        # When an entry failed unexpectedly, keep the old validators so the next pass
        # fetches the whole feed again and retries it (stored entries are duplicates then).
        keep_old = result.not_modified or not complete
        feed = feed.model_copy(
            update={
                "etag": feed.etag if keep_old else result.etag,
                "last_modified": feed.last_modified if keep_old else result.last_modified,
                "title": (parsed.title if parsed else None) or feed.title,
                "last_polled_at": now,
                "next_poll_at": now + backoff_delay(feed.interval_minutes, 0),
                "failures": 0,
                "last_error": None,
            }
        )
        await self._storage.feeds.save(feed)

    async def _ingest_entries(
        self, feed: Feed, parsed: ParsedFeed, summary: PollSummary, deadline: float
    ) -> bool:
        """Ingest the entries not seen before; False when one failed for an unexpected reason.

        Article pages are fetched only until the poll's ``deadline`` (monotonic seconds).
        """
        complete = True
        out_of_time = 0
        outlet = parsed.title or feed.title
        article_budget = MAX_ARTICLE_FETCHES_PER_POLL if self._fetch_full_text else 0
        # Oldest first, so alerts come out in the order things happened.
        entries = list(reversed(parsed.entries[:MAX_ENTRIES_PER_POLL]))
        for entry in entries:
            summary.entries_seen += 1
            if entry.link is not None:
                known = await self._storage.reports.find_duplicate(entry.link, _NO_HASH)
                if known is not None:
                    summary.duplicates += 1
                    continue
            report = entry_to_report(
                entry,
                outlet=outlet,
                fetched_at=self._clock.now(),
                origin=f"feed:{feed.id}",
                max_chars=self._settings.sitrep_max_input_chars,
            )
            if article_budget > 0 and entry.link is not None:
                article_budget -= 1
                remaining = deadline - time.monotonic()
                fetched = (
                    await self._with_article_text(report, entry.link, remaining)
                    if remaining > 0
                    else None
                )
                out_of_time += fetched is None
                report = fetched or report
            try:
                outcome = await self._ingestion.ingest(report)
            except UserError as exc:
                summary.rejected += 1
                summary.errors.append(f"{feed.url}: {exc.message}")
                continue
            except Exception as exc:  # one bad entry must not stop the feed or the pass
                logger.exception("ingesting an entry of feed %s failed", feed.id)
                summary.rejected += 1
                summary.errors.append(f"{feed.url}: {type(exc).__name__} while ingesting")
                complete = False
                continue
            summary.add_outcome(outcome)
        if out_of_time:
            summary.errors.append(
                f"{feed.url}: article pages took longer than this poll's "
                f"{self.poll_deadline:g} seconds; {out_of_time} entries kept the feed's text"
            )
        return complete

    async def _polite_wait(self, url: str) -> None:
        """Space article fetches to one host (a poll may link many pages of one site)."""
        host = (urlsplit(url).hostname or "").lower()
        if self._host_gap <= 0 or not host:
            return
        last = self._last_hit.get(host)
        now = time.monotonic()
        if last is not None and now - last < self._host_gap:
            await self._sleep(self._host_gap - (now - last))
        self._last_hit[host] = time.monotonic()

    async def _with_article_text(self, report: Report, link: str, seconds: float) -> Report | None:
        """The entry's report with the linked page's article text when that is longer.

        None when the poll's remaining ``seconds`` ran out first.
        """
        try:
            async with asyncio.timeout(seconds):
                await self._polite_wait(link)
                page = await self._fetcher.fetch(link, accept=HTML_ACCEPT)
        except TimeoutError:
            logger.info("keeping the feed summary for %s: the poll's deadline passed", link)
            return None
        except FetchError as exc:
            logger.info("keeping the feed summary for %s: %s", link, exc)
            return report
        try:
            article = extract_article(page.content, url=page.url, charset=page.charset)
        except ArticleError as exc:
            logger.info("keeping the feed summary for %s: %s", link, exc)
            return report
        if len(article.text) <= len(report.text):
            return report
        return make_report(
            article.text,
            fetched_at=self._clock.now(),
            url=report.url,
            title=report.title or article.title,
            outlet=report.outlet or article.site,
            published_at=report.published_at or article.published_at,
            origin=report.origin,
            max_chars=self._settings.sitrep_max_input_chars,
        )

    async def _record_failure(self, feed: Feed, reason: str, summary: PollSummary) -> None:
        now = self._clock.now()
        failures = feed.failures + 1
        summary.failed += 1
        summary.errors.append(f"{feed.url}: {reason}")
        logger.warning("feed %s failed (%d in a row): %s", feed.id, failures, reason)
        since_key = f"feedfail:{feed.id}:since"
        if failures == 1:
            await self._storage.meta.set(since_key, now.strftime("%Y%m%dT%H%M%S"))
        saved = feed.model_copy(
            update={
                "failures": failures,
                "last_error": reason[:500],
                "last_polled_at": now,
                "next_poll_at": now + backoff_delay(feed.interval_minutes, failures),
            }
        )
        await self._storage.feeds.save(saved)
        if failures >= NOTICE_AFTER_FAILURES:
            since = await self._storage.meta.get(since_key) or "0"
            summary.notices_queued += await self._notify_admins(saved, since)

    async def _notify_admins(self, feed: Feed, since: str) -> int:
        """One notice per admin per failure streak of a feed (the outbox key makes it once)."""
        text = (
            f"Feed {feed.id} ({feed.title or feed.url}) has failed {feed.failures} times in a "
            f"row: {feed.last_error}. I keep retrying less often (next try "
            f"{feed.next_poll_at:%Y-%m-%d %H:%M} UTC). Remove it with /feed_remove {feed.id}."
        )
        return await notify_admins(
            self._storage,
            self._outbox,
            self._clock.now(),
            admin_ids=self._settings.sitrep_admin_ids,
            text=text,
            key=f"feedfail:{feed.id}:{since}",
        )

    # ------------------------------------------------------------ single pages

    async def ingest_url(
        self,
        url: str,
        *,
        title: str | None = None,
        published_at: dt.datetime | None = None,
    ) -> IngestOutcome:
        """Fetch a web page, extract its article and ingest it (``/ingest <url>``).

        ``title`` and ``published_at`` override what the page says (the CLI's options).
        """
        url = (url or "").strip()
        if safe_link(url) is None:
            raise UserError(
                "Give a full http:// or https:// link.", usage="/ingest https://example.com/story"
            )
        known = await self._storage.reports.find_duplicate(url, _NO_HASH)
        if known is not None:
            return IngestOutcome(report=known, duplicate=True)
        try:
            page = await self._fetcher.fetch(url, accept=HTML_ACCEPT)
            article = extract_article(page.content, url=page.url, charset=page.charset)
        except FetchError as exc:
            raise UserError(
                "I could not fetch that page: {reason}", values={"reason": _refusal(exc)}
            ) from None
        except ArticleError as exc:
            raise UserError(
                "I could not read an article on that page: {reason}.", values={"reason": exc}
            ) from None
        report = make_report(
            article.text,
            fetched_at=self._clock.now(),
            url=url,
            title=title or article.title,
            outlet=article.site,
            published_at=published_at or article.published_at,
            origin="web",
            max_chars=self._settings.sitrep_max_input_chars,
        )
        return await self._ingestion.ingest(report)
