"""`sitrep ingest`, `import`, `export` and `feeds`: getting reports in and incidents out."""

from __future__ import annotations

import datetime as dt
import io
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import IO, TypeVar
from zoneinfo import ZoneInfo

import click

from bot.cli.common import (
    PUBLISHED_HINT,
    CliError,
    db_option,
    read_stdin,
    run_job,
    settings_for_cli,
    url_day_note,
)
from bot.config import Settings
from bot.domain import Feed, Incident
from bot.domain.views import IngestOutcome
from bot.services import Services
from bot.services.errors import UserError
from bot.services.feeds import FeedService, PollSummary
from bot.services.imports import ImportService, ImportSummary
from storage.base import IncidentQuery, Storage

T = TypeVar("T")
EXPORT_PAGE = 1_000


@dataclass(frozen=True)
class IngestContext:
    """What these commands need: storage, the services bundle, feeds and imports."""

    settings: Settings
    storage: Storage
    services: Services
    feeds: FeedService
    imports: ImportService


@asynccontextmanager
async def open_ingest_context(settings: Settings) -> AsyncIterator[IngestContext]:
    """The app's context (without the instance lock, so a running bot is fine) plus imports."""
    from bot.app import open_context

    context = await open_context(settings, lock=False, create=False)
    try:
        if context.feeds is None:
            raise CliError("feed fetching is unavailable in this installation")
        imports = await context.imports()
        yield IngestContext(settings, context.storage, context.services, context.feeds, imports)
    finally:
        await context.close()


def _run(settings: Settings, job: Callable[[IngestContext], Awaitable[T]]) -> T:
    """Open the context, run one job, turn user mistakes into one-line CLI errors."""

    return run_job(partial(open_ingest_context, settings), job, UserError)


def _parse_published(value: str | None, timezone: str) -> dt.datetime | None:
    """YYYY-MM-DD or an ISO date-time; without a zone it is read in SITREP_TIMEZONE."""
    if value is None:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise CliError(
            f"--published {value!r} is not a date; use YYYY-MM-DD or 2026-03-02T09:15+03:00"
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=ZoneInfo(timezone))
    return parsed.astimezone(dt.UTC)


def _describe_outcome(outcome: IngestOutcome) -> list[str]:
    """What ingesting did: the bot's own answer to an admin's /ingest, as plain text."""
    from handlers.html import to_plain
    from handlers.render_admin import ingest_message

    lines = to_plain(ingest_message(outcome)).splitlines()
    if outcome.report.published_at is None and not outcome.duplicate:
        lines.append(PUBLISHED_HINT)
    return lines


# ------------------------------------------------------------------ sitrep ingest


@click.command("ingest")
@click.argument("source")
@click.option("--published", default=None, help="Publication time: YYYY-MM-DD or ISO date-time.")
@click.option("--title", default=None, help="Headline of the report.")
@click.option("--outlet", default=None, help="Who published it (e.g. 'Rudaw English').")
@db_option
def ingest_command(
    source: str,
    published: str | None,
    title: str | None,
    outlet: str | None,
    database: str | None,
) -> None:
    """Ingest one report (a URL, a text file, or - for stdin)."""
    from bot.extract.text import parse_header, parse_published, published_from_url
    from bot.ingest.files import RowError, read_text

    settings = settings_for_cli(database)
    published_at = _parse_published(published, settings.sitrep_timezone)
    is_url = source.lower().startswith(("http://", "https://"))
    text = ""
    if not is_url:
        if "://" in source:
            raise CliError("only http:// and https:// links can be fetched")
        stream_or_path: Path | IO[str] = (
            io.StringIO(read_stdin(settings.sitrep_max_input_chars))
            if source == "-"
            else Path(source)
        )
        if isinstance(stream_or_path, Path) and not stream_or_path.is_file():
            raise CliError(f"there is no file at {source}")
        try:
            text = read_text(stream_or_path, max_chars=settings.sitrep_max_input_chars)
        except RowError as exc:
            raise CliError(str(exc)) from None
    # Leading URL: / PUBLISHED: / TITLE: lines are metadata, read as `sitrep extract` reads
    # them (the options win), so both commands date a report the same way.
    headers, body = parse_header(text)
    if published_at is None and headers.get("published"):
        published_at = parse_published(headers["published"])
    if published_at is None and (published_at := published_from_url(headers.get("url"), body)):
        click.echo(url_day_note(published_at), err=True)

    async def job(context: IngestContext) -> IngestOutcome:
        if is_url:
            return await context.feeds.ingest_url(source, title=title, published_at=published_at)
        return await context.services.ingestion.ingest_text(
            body,
            url=headers.get("url"),
            title=title or headers.get("title"),
            outlet=outlet,
            published_at=published_at,
            origin="file",
        )

    for line in _describe_outcome(_run(settings, job)):
        click.echo(line)


# ------------------------------------------------------------------ sitrep import


@click.command("import")
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["auto", "jsonl", "acled"]),
    default="auto",
    show_default=True,
    help="JSON Lines of reports, or an ACLED-style CSV export.",
)
@click.option("--quiet", is_flag=True, help="No progress bar.")
@db_option
def import_command(path: Path, fmt: str, quiet: bool, database: str | None) -> None:
    """Import JSONL reports or an ACLED CSV export.

    Safe to re-run: rows already stored are skipped, and an interrupted run resumes.
    """
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from bot.ingest.files import count_rows

    async def job(context: IngestContext) -> ImportSummary:
        resolved = context.imports.resolve_format(path, fmt)
        total = count_rows(path, resolved)
        console = Console(stderr=True)
        with Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            console=console,
            disable=quiet or not console.is_terminal,
            transient=True,
        ) as bar:
            task = bar.add_task(f"importing {path.name}", total=max(total, 0))
            return await context.imports.import_path(
                path, resolved, progress=lambda step: bar.advance(task, step)
            )

    summary = _run(settings_for_cli(database), job)
    click.echo(
        f"{summary.format}: {summary.new} new, {summary.merged} merged, "
        f"{summary.duplicates} already stored, {summary.rejected} rejected"
        + (f", {summary.skipped} skipped (done by an earlier run)" if summary.skipped else "")
    )
    for reason in summary.reasons[:20]:
        click.echo(f"  rejected {reason}")
    if summary.rejected > 20:
        click.echo(f"  ... and {summary.rejected - 20} more")
    if summary.rejected and not (
        summary.new or summary.merged or summary.duplicates or summary.skipped
    ):
        # Probably the wrong file or format: a script must see the failure.
        raise CliError(f"nothing was imported from {path.name}: every row was rejected")


# ------------------------------------------------------------------ sitrep export


@click.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "jsonl"]),
    default="csv",
    show_default=True,
    help="CSV with ACLED column names, or one JSON incident per line.",
)
@click.option("--since", default=None, metavar="YYYY-MM-DD", help="Only incidents from this day.")
@click.option(
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="File to write (default: standard output).",
)
@click.option(
    "--corrections",
    type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
    default=None,
    help="Instead: every correction people made, with the original extraction beside it "
    "(JSON Lines; CSV when FILE ends in .csv). See docs/corrections.md.",
)
@db_option
def export_command(
    fmt: str,
    since: str | None,
    output: Path | None,
    corrections: Path | None,
    database: str | None,
) -> None:
    """Export incidents as ACLED-style CSV or JSON Lines (or the corrections)."""
    from bot.ingest.export import Revisions, write_csv, write_jsonl

    if corrections is not None:
        from bot.cli.learning import export_corrections

        export_corrections(corrections, database)
        return

    since_day: dt.date | None = None
    if since is not None:
        try:
            since_day = dt.date.fromisoformat(since)
        except ValueError:
            raise CliError(f"--since {since!r} is not a date; use YYYY-MM-DD") from None

    async def job(context: IngestContext) -> tuple[list[Incident], Revisions]:
        # Every incident, the withdrawn and merged ones too (marked in sitrep_status), with
        # the revisions that record who corrected what and why.
        incidents: list[Incident] = []
        offset = 0
        while True:
            page = await context.storage.incidents.query(
                IncidentQuery(
                    since=since_day, limit=EXPORT_PAGE, offset=offset, include_hidden=True
                )
            )
            incidents.extend(page)
            if len(page) < EXPORT_PAGE:
                break
            offset += EXPORT_PAGE
        revisions = {}
        for incident in incidents:
            if incident.id is not None and incident.revision > 1:
                revisions[incident.id] = await context.storage.incidents.revisions(incident.id)
        return list(reversed(incidents)), revisions

    incidents, revisions = _run(settings_for_cli(database), job)
    writer = write_csv if fmt == "csv" else write_jsonl
    if output is None:
        writer(incidents, sys.stdout, revisions)
        return
    try:
        with output.open("w", encoding="utf-8", newline="") as handle:
            count = writer(incidents, handle, revisions)
    except OSError as exc:
        raise CliError(f"cannot write {output}: {exc.strerror or exc}") from None
    click.echo(f"wrote {count} incident(s) to {output}", err=True)


# ------------------------------------------------------------------ sitrep feeds


@click.group("feeds")
def feeds_group() -> None:
    """List, add, remove and poll RSS/Atom feeds."""


def _feed_line(feed: Feed) -> str:
    state = "ok" if not feed.failures else f"failing ({feed.failures}x: {feed.last_error})"
    polled = f"{feed.last_polled_at:%Y-%m-%d %H:%M}" if feed.last_polled_at else "never"
    return (
        f"{feed.id:>4}  {feed.title or '(untitled)'}  {feed.url}  "
        f"every {feed.interval_minutes} min, last polled {polled}, {state}"
    )


@feeds_group.command("list")
@db_option
def feeds_list(database: str | None) -> None:
    """Show every feed with its state."""

    async def job(context: IngestContext) -> list[Feed]:
        return await context.feeds.list()

    feeds = _run(settings_for_cli(database), job)
    if not feeds:
        click.echo("no feeds yet; add one with `sitrep feeds add URL`")
    for feed in feeds:
        click.echo(_feed_line(feed))


@feeds_group.command("add")
@click.argument("url")
@click.option(
    "--interval",
    type=click.IntRange(1, 1440),
    default=None,
    help="Minutes between polls (default: SITREP_FEED_INTERVAL_MINUTES).",
)
@db_option
def feeds_add(url: str, interval: int | None, database: str | None) -> None:
    """Add a feed (checked by fetching it once)."""

    async def job(context: IngestContext) -> tuple[Feed, bool]:
        return await context.feeds.add_feed(url, added_by=None, interval_minutes=interval)

    feed, created = _run(settings_for_cli(database), job)
    verb = "added" if created else "already there:"
    click.echo(f"{verb} feed {feed.id} {feed.title or ''} ({feed.url})".replace("  ", " "))


@feeds_group.command("remove")
@click.argument("feed_id", type=int)
@db_option
def feeds_remove(feed_id: int, database: str | None) -> None:
    """Remove a feed by its number (see `sitrep feeds list`)."""

    async def job(context: IngestContext) -> bool:
        return await context.feeds.remove(feed_id)

    if not _run(settings_for_cli(database), job):
        raise CliError(f"there is no feed number {feed_id}")
    click.echo(f"removed feed {feed_id}")


@feeds_group.command("poll")
@click.option("--all", "poll_all", is_flag=True, help="Poll every feed now, due or not.")
@db_option
def feeds_poll(poll_all: bool, database: str | None) -> None:
    """Poll due feeds (or --all) and ingest new entries."""

    async def job(context: IngestContext) -> PollSummary:
        if not poll_all:
            return await context.feeds.poll_due()
        total = PollSummary()
        for feed in await context.feeds.list():
            if feed.id is None:
                continue
            part = await context.feeds.poll(feed.id)
            for name in (
                "feeds_polled",
                "not_modified",
                "failed",
                "entries_seen",
                "reports_new",
                "duplicates",
                "rejected",
                "incidents_new",
                "incidents_updated",
                "alerts_queued",
                "notices_queued",
            ):
                setattr(total, name, getattr(total, name) + getattr(part, name))
            total.errors.extend(part.errors)
        return total

    summary = _run(settings_for_cli(database), job)
    click.echo(
        f"polled {summary.feeds_polled} feed(s): {summary.reports_new} new report(s), "
        f"{summary.duplicates} already seen, {summary.not_modified} unchanged, "
        f"{summary.failed} failed; {summary.incidents_new} new incident(s), "
        f"{summary.incidents_updated} updated, {summary.alerts_queued} alert(s) queued"
    )
    for error in summary.errors:
        click.echo(f"  {error}")


def register(app: click.Group) -> None:
    """Add ingest, import, export and feeds to the main app."""
    app.add_command(ingest_command)
    app.add_command(import_command)
    app.add_command(export_command)
    app.add_command(feeds_group)
