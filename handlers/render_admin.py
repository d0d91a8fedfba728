"""What only admins see, as Telegram HTML in the admin's chat language: /status, ingest
outcomes, feeds (all escaped). Error texts from feeds and the model stay as they came."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from bot.domain import Feed
from bot.domain.views import ExtractorHealth, IngestOutcome, StatusReport
from handlers.html import esc
from handlers.i18n import format_moment, isolate, t
from handlers.render import incident_line

MAX_LISTED = 50


def short(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def feed_list(feeds: Sequence[Feed], lang: str | None = None) -> str:
    """The /feeds message: one line per feed with its state."""
    if not feeds:
        return t(
            lang,
            "No feeds yet. Add one with {example}",
            example=isolate(lang, "/feed_add https://example.com/rss"),
        )
    lines = ["<b>" + t(lang, "Feeds ({n})", n=len(feeds)) + "</b>"]
    for feed in list(feeds)[:MAX_LISTED]:
        title = esc(isolate(lang, short(feed.title or t(lang, "(untitled)"), 80)))
        state = t(lang, "ok") if not feed.failures else t(lang, "failing {n}x", n=feed.failures)
        line = f"{feed.id}. {title} — {esc(isolate(lang, short(feed.url, 120)))} ({state})"
        if feed.failures and feed.last_error:
            line += f"\n    <i>{esc(isolate(lang, short(feed.last_error, 160)))}</i>"
        lines.append(line)
    if len(feeds) > MAX_LISTED:
        hidden = len(feeds) - MAX_LISTED
        lines.append(
            t(lang, "… and {n} more (see {command})", n=hidden, command="`sitrep feeds list`")
        )
    return "\n".join(lines)


def feed_added(feed: Feed, created: bool, lang: str | None = None) -> str:
    """Reply to /feed_add."""
    title = esc(isolate(lang, feed.title or t(lang, "(untitled)")))
    if not created:
        return t(
            lang, "That feed is already there: {number}. {title}", number=feed.id, title=title
        )
    return (
        t(lang, "Added feed {number}: {title}", number=feed.id, title=title)
        + "\n"
        + t(
            lang,
            "I will read it every {n} minutes; the first pass starts within a minute.",
            n=feed.interval_minutes,
        )
    )


def status_message(status: StatusReport, lang: str | None = None) -> str:
    """What an admin sees with /status."""
    outbox = t(lang, ", ").join(
        f"{esc(isolate(lang, key))} {value}" for key, value in sorted(status.outbox.items())
    )
    last = (
        t(lang, "{time} UTC", time=format_moment(lang, status.last_ingest_at, "y-MM-dd HH:mm"))
        if status.last_ingest_at
        else t(lang, "never")
    )
    lines = [
        "<b>" + t(lang, "Sitrep status") + "</b>",
        t(
            lang,
            "Reports: {reports} · Incidents: {incidents}",
            reports=status.reports,
            incidents=status.incidents,
        ),
        t(
            lang,
            "Chats: {chats} · Subscriptions: {subscriptions} · Feeds: {feeds}",
            chats=status.chats,
            subscriptions=status.subscriptions,
            feeds=status.feeds,
        ),
        t(
            lang,
            "Queue: {n} waiting ({outbox})",
            n=status.queue_length,
            outbox=outbox or t(lang, "empty"),
        ),
        t(lang, "Last ingest: {time}", time=last),
    ]
    lines.extend(extractor_lines(status.extractor, lang))
    if status.last_error:
        error = esc(isolate(lang, short(status.last_error, 300)))
        if status.last_error_at:
            when = format_moment(lang, status.last_error_at, "y-MM-dd HH:mm")
            lines.append(t(lang, "Last error at {time} UTC: {error}", time=when, error=error))
        else:
            lines.append(t(lang, "Last error: {error}", error=error))
    return "\n".join(lines)


def extractor_lines(health: ExtractorHealth, lang: str | None = None) -> list[str]:
    """The extractor's part of /status: the mode and, with a model, its state and spending."""
    if health.mode == "rules":
        return [t(lang, "Extractor: rules (offline)")]
    model = esc(isolate(lang, health.model or "?"))
    lines = [
        t(
            lang,
            "Extractor: {mode} · model {model}: {state}",
            mode=isolate(lang, health.mode),
            model=model,
            state=esc(isolate(lang, health.state)),
        )
    ]
    if health.model_down:
        why = esc(isolate(lang, health.last_outcome or health.state))
        if health.last_detail:
            why += f" ({esc(isolate(lang, short(health.last_detail, 160)))})"
        wait = ""
        if health.paused_for_seconds > 0:
            minutes = max(1, round(health.paused_for_seconds / 60))
            wait = "; " + t(lang, "next try in {n} min", n=minutes)
        lines.append(t(lang, "⚠️ The rules are answering alone: {why}", why=why) + wait)
    budget = t(
        lang,
        "{used}/{most} requests today",
        used=health.requests_today,
        most=health.max_requests,
    )
    if health.tokens_today:
        budget += t(lang, ", ") + t(lang, "{n} tokens", n=health.tokens_today)
    lines.append(
        t(
            lang,
            "Model use: {budget} · cache {hits} hits, {misses} misses · "
            "rules alone {alone} time(s)",
            budget=budget,
            hits=health.cache_hits,
            misses=health.cache_misses,
            alone=health.rules_alone,
        )
    )
    return lines


def _report_name(outcome: IngestOutcome, lang: str | None) -> str:
    """ ": <b>title</b> (outlet)" when the report has them (all escaped)."""
    report = outcome.report
    name = f": <b>{esc(isolate(lang, report.title))}</b>" if report.title else ""
    return name + (f" ({esc(isolate(lang, report.outlet))})" if report.outlet else "")


def ingest_message(outcome: IngestOutcome, lang: str | None = None) -> str:
    """What ingesting a report did, for the admin who sent it (text, link or forward)."""
    report = outcome.report
    if outcome.duplicate:
        ident = (
            " " + t(lang, "(report {number})", number=report.id) if report.id is not None else ""
        )
        return t(
            lang,
            "Already have this report{ident}{name}; nothing changed.",
            ident=ident,
            name=_report_name(outcome, lang),
        )
    number = esc(report.id if report.id is not None else "")
    lines = [
        "<b>"
        + t(lang, "Report {number} stored", number=number)
        + "</b>"
        + (_report_name(outcome, lang) or "."),
        t(
            lang,
            "New incidents: {new} · Updated: {updated}",
            new=len(outcome.new_incidents),
            updated=len(outcome.updated_incidents),
        ),
        t(
            lang,
            "Alerts queued: {alerts} · Updates queued: {updates}",
            alerts=outcome.alerts_queued,
            updates=outcome.updates_queued,
        ),
    ]
    for incident in [*outcome.new_incidents, *outcome.updated_incidents][:10]:
        lines.append(incident_line(incident, min_confidence=outcome.min_confidence, lang=lang))
    for note in outcome.notes[:10]:
        lines.append(f"<i>{esc(isolate(lang, note))}</i>")
    if outcome.unextracted:
        lines.append(
            t(
                lang,
                "Stored without incidents: {why}.",
                why=esc(isolate(lang, outcome.unextracted)),
            )
        )
    elif not outcome.new_incidents and not outcome.updated_incidents:
        lines.append(t(lang, "No incident was recognised in this text."))
    anchor = _reading_anchor(outcome, lang)
    if anchor:
        lines.append(f"<i>{anchor}</i>")
    return "\n".join(lines)


def _reading_anchor(outcome: IngestOutcome, lang: str | None) -> str:
    """For a report without a publication time: what days such as "on Tuesday" were read
    from (the date in its link, else the latest date it states, else the time it was
    received); empty when it had one."""
    report = outcome.report
    if report.published_at is not None:
        return ""
    if outcome.link_day is not None:
        day = format_moment(lang, outcome.link_day.astimezone(dt.UTC), "d MMM y")
        return t(
            lang,
            "No publication time was given, so days such as “on Tuesday” were read from "
            "the date in the report's link ({day}).",
            day=esc(day),
        )
    if outcome.text_day is not None:
        day = format_moment(lang, outcome.text_day.astimezone(dt.UTC), "d MMM y")
        return t(
            lang,
            "No publication time was given, so days such as “on Tuesday” were read from "
            "the latest date the report itself states ({day}).",
            day=esc(day),
        )
    received = format_moment(lang, report.fetched_at.astimezone(dt.UTC), "d MMM y HH:mm")
    return t(
        lang,
        "No publication time was given, so days such as “on Tuesday” were read from "
        "the time the report was received ({when} UTC).",
        when=esc(received),
    )
