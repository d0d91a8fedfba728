"""What only admins see, as Telegram HTML: /status, ingest outcomes, feeds (all escaped)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.domain import Feed
from bot.domain.views import ExtractorHealth, IngestOutcome, StatusReport
from handlers.html import esc
from handlers.render import incident_line

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


def status_message(status: StatusReport) -> str:
    """What an admin sees with /status."""
    outbox = ", ".join(f"{esc(key)} {value}" for key, value in sorted(status.outbox.items()))
    lines = [
        "<b>Sitrep status</b>",
        f"Reports: {status.reports} · Incidents: {status.incidents}",
        f"Chats: {status.chats} · Subscriptions: {status.subscriptions} · Feeds: {status.feeds}",
        f"Queue: {status.queue_length} waiting ({outbox or 'empty'})",
        "Last ingest: "
        + (f"{status.last_ingest_at:%Y-%m-%d %H:%M} UTC" if status.last_ingest_at else "never"),
    ]
    lines.extend(extractor_lines(status.extractor))
    if status.last_error:
        when = f" at {status.last_error_at:%Y-%m-%d %H:%M} UTC" if status.last_error_at else ""
        lines.append(f"Last error{when}: {esc(short(status.last_error, 300))}")
    return "\n".join(lines)


def extractor_lines(health: ExtractorHealth) -> list[str]:
    """The extractor's part of /status: the mode and, with a model, its state and spending."""
    if health.mode == "rules":
        return ["Extractor: rules (offline)"]
    model = esc(health.model or "?")
    lines = [f"Extractor: {health.mode} · model {model}: {esc(health.state)}"]
    if health.model_down:
        why = esc(health.last_outcome or health.state)
        if health.last_detail:
            why += f" ({esc(short(health.last_detail, 160))})"
        wait = ""
        if health.paused_for_seconds > 0:
            wait = f"; next try in {max(1, round(health.paused_for_seconds / 60))} min"
        lines.append(f"⚠️ The rules are answering alone: {why}{wait}")
    budget = f"{health.requests_today}/{health.max_requests} requests today"
    if health.tokens_today:
        budget += f", {health.tokens_today} tokens"
    lines.append(
        f"Model use: {budget} · cache {health.cache_hits} hits, {health.cache_misses} misses"
        f" · rules alone {health.rules_alone} time(s)"
    )
    return lines


def _report_name(outcome: IngestOutcome) -> str:
    """ ": <b>title</b> (outlet)" when the report has them (all escaped)."""
    report = outcome.report
    name = f": <b>{esc(report.title)}</b>" if report.title else ""
    return name + (f" ({esc(report.outlet)})" if report.outlet else "")


def ingest_message(outcome: IngestOutcome) -> str:
    """What ingesting a report did, for the admin who sent it (text, link or forward)."""
    report = outcome.report
    if outcome.duplicate:
        ident = f" (report {report.id})" if report.id is not None else ""
        return f"Already have this report{ident}{_report_name(outcome)}; nothing changed."
    lines = [
        f"<b>Report {esc(report.id if report.id is not None else '')} stored</b>"
        + (_report_name(outcome) or "."),
        f"New incidents: {len(outcome.new_incidents)} · Updated: {len(outcome.updated_incidents)}",
        f"Alerts queued: {outcome.alerts_queued} · Updates queued: {outcome.updates_queued}",
    ]
    for incident in [*outcome.new_incidents, *outcome.updated_incidents][:10]:
        lines.append(incident_line(incident, min_confidence=outcome.min_confidence))
    for note in outcome.notes[:10]:
        lines.append(f"<i>{esc(note)}</i>")
    if outcome.unextracted:
        lines.append(f"Stored without incidents: {esc(outcome.unextracted)}.")
    elif not outcome.new_incidents and not outcome.updated_incidents:
        lines.append("No incident was recognised in this text.")
    return "\n".join(lines)
