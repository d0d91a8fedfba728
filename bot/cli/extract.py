"""``sitrep extract`` (a report in, incidents out) and ``sitrep eval`` (accuracy on a folder)."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click

from bot.cli.common import (
    CliError,
    F,
    read_stdin,
    received_note,
    text_day_note,
    url_day_note,
)
from bot.domain.models import Incident, Report
from bot.ports import Extractor

__all__ = ["register"]


def _extractor_option(help_text: str) -> Callable[[F], F]:
    """``--extractor rules|llm|both``: which extractor reads the reports."""
    return click.option(
        "--extractor",
        "extractor_name",
        type=click.Choice(["rules", "llm", "both"]),
        default="rules",
        show_default=True,
        help=help_text,
    )


def _parse_published(value: str | None) -> dt.datetime | None:
    from bot.extract.text import parse_published

    if value is None:
        return None
    parsed = parse_published(value)
    if parsed is None:
        raise CliError(f"--published {value!r}: use YYYY-MM-DD or YYYY-MM-DDTHH:MM (UTC)")
    return parsed


def _read_input(source: str) -> str:
    if source == "-":
        return read_stdin()
    path = Path(source)
    if not path.is_file():
        raise CliError(f"no such file: {source}")
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise CliError(f"cannot read {source}: {exc.strerror or exc}") from exc


def print_human(incidents: list[Any]) -> None:
    """Incidents as an indented text list."""
    _print_human(incidents)


def _print_human(incidents: list[Any]) -> None:
    if not incidents:
        click.echo("no incidents found")
        return
    for number, incident in enumerate(incidents, 1):
        tag = " (background)" if incident.is_background else ""
        click.echo(f"{number}. {incident.summary}{tag}")
        loc = incident.location
        click.echo(
            f"   where: {loc.name}, {loc.admin1 or '-'}, {loc.country} "
            f"({loc.geo_precision.value}; {loc.lat:.3f}, {loc.lon:.3f})"
            if loc.lat is not None and loc.lon is not None
            else f"   where: {loc.name}, {loc.country} ({loc.geo_precision.value})"
        )
        when = f"{incident.date.isoformat()} ({incident.date_precision.value})"
        if incident.time_of_day:
            when += f", {incident.time_of_day}"
        click.echo(f"   when: {when}")
        click.echo(f"   type: {incident.event_type.value} / {incident.sub_event_type.value}")
        actors = ", ".join(f"{a.name} [{a.type.label}]" for a in incident.actors) or "-"
        click.echo(f"   actors: {actors}")
        for word, count in (("killed", incident.killed), ("injured", incident.injured)):
            source = f" (per {count.source})" if count.source and count.known else ""
            click.echo(f"   {word}: {count.display()}{source}")
        if incident.arrested.known:
            click.echo(f"   arrested: {incident.arrested.display()}")
        if incident.confidence is not None:
            doubts = "; ".join(incident.confidence_reasons) or "no doubts"
            click.echo(f"   confidence: {incident.confidence:.2f} ({doubts})")
        for sentence in incident.evidence[:3]:
            short = sentence if len(sentence) <= 160 else sentence[:157] + "..."
            click.echo(f"   > {short}")


def register(app: click.Group) -> None:
    """Add ``extract`` and ``eval`` to the CLI."""

    @app.command("extract")
    @click.argument("source", metavar="FILE|-")
    @click.option(
        "--published",
        metavar="YYYY-MM-DD[THH:MM]",
        default=None,
        help="Publication time (UTC); overrides a PUBLISHED: header line.",
    )
    @click.option("--json", "as_json", is_flag=True, help="Print a JSON array of incidents.")
    @_extractor_option(
        "llm/both also ask the model set by SITREP_LLM_* and show confidence and reasons."
    )
    def extract_command(
        source: str, published: str | None, as_json: bool, extractor_name: str
    ) -> None:
        """Extract incidents from a news report (a file, or - for standard input).

        Leading URL: / PUBLISHED: / TITLE: lines (the eval format) are read as metadata.
        The JSON shape is documented in docs/extract-json.md.
        """
        from bot.extract.pipeline import build_rules_extractor, report_from_text, stated_day
        from bot.extract.serialize import incident_to_json
        from bot.extract.text import parse_header, parse_published, published_from_url
        from bot.extract.trust import would_alert

        text = _read_input(source)
        headers, body = parse_header(text)
        when = _parse_published(published)
        if when is None and headers.get("published"):
            when = parse_published(headers["published"])
        if not body.strip():
            raise CliError("the input is empty")
        if when is None and (when := published_from_url(headers.get("url"), body)) is not None:
            click.echo(url_day_note(when), err=True)
        # Like `sitrep ingest`: without a publication time, "on Tuesday" is read from the latest
        # date the text states, else from when the report was received (now); the reader is
        # told which.
        if when is None and (when := stated_day(body)) is not None:
            click.echo(text_day_note(when), err=True)
        if when is None:
            when = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)
            click.echo(received_note(when), err=True)
        report = report_from_text(body, when, title=headers.get("title"))
        if extractor_name != "rules":
            from bot.cli.llm_eval import extract_with_model

            extract_with_model(report, extractor_name, as_json=as_json)
            return
        extractor: Extractor = build_rules_extractor()
        incidents = asyncio.run(extractor.extract(report))
        if as_json:
            day = when.date()
            rows = [incident_to_json(i, alert=would_alert(i, day)) for i in incidents]
            click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        _print_human(incidents)

    @app.command("eval")
    @click.argument("folders", nargs=-1, required=True, type=click.Path(path_type=Path))
    @click.option("--verbose", "-v", is_flag=True, help="Show each article's misses.")
    @click.option(
        "--repeat",
        type=click.IntRange(1, 100),
        default=3,
        show_default=True,
        help="Passes over the folder when measuring articles per second.",
    )
    @click.option(
        "--min-confidence",
        type=click.FloatRange(0.0, 1.0),
        default=None,
        help="Confidence an alert needs (default: the documented default threshold).",
    )
    @click.option(
        "--curve",
        is_flag=True,
        help="Also print alert precision/recall over confidence thresholds (all folders pooled).",
    )
    @_extractor_option("llm/both score the model set by SITREP_LLM_* and print its cost and time.")
    def eval_command(  # noqa: PLR0917 - one parameter per option, as click passes them
        folders: tuple[Path, ...],
        verbose: bool,
        repeat: int,
        min_confidence: float | None,
        curve: bool,
        extractor_name: str,
    ) -> None:
        """Measure extraction on folders of articles with a gold.json (eval format)."""
        from bot.extract.trust import DEFAULT_ALERT_MIN_CONFIDENCE

        threshold = DEFAULT_ALERT_MIN_CONFIDENCE if min_confidence is None else min_confidence
        judged: list[Any] = []
        for number, folder in enumerate(folders):
            if number:
                click.echo("")
            if len(folders) > 1:
                click.echo(f"== {folder}")
            gold = _load_gold(folder)
            if extractor_name != "rules":
                from bot.cli.llm_eval import run_model_eval

                run_model_eval(folder, gold, extractor_name, verbose=verbose)
                continue
            judged += _run_eval(folder, gold, verbose=verbose, repeat=repeat, threshold=threshold)
        if curve and judged:
            _print_curve(judged, threshold)


def _load_gold(folder: Path) -> list[Any]:
    from bot.extract.evaluation import GoldFormatError, load_gold

    gold_path = folder / "gold.json"
    if not folder.is_dir():
        raise CliError(f"not a folder: {folder}")
    if not gold_path.is_file():
        raise CliError(f"no gold.json in {folder}")
    try:
        return load_gold(json.loads(gold_path.read_text(encoding="utf-8")))
    except (json.JSONDecodeError, GoldFormatError) as exc:
        raise CliError(f"{gold_path}: {exc}") from exc


def _run_eval(
    folder: Path, gold: list[Any], *, verbose: bool, repeat: int, threshold: float
) -> list[Any]:
    """Score one folder, print its table and return its judged articles (for the curve)."""
    from bot.extract.pipeline import build_rules_extractor, report_from_text

    started, started_cpu = time.perf_counter(), time.process_time()
    extractor: Extractor = build_rules_extractor()
    warm = report_from_text(
        "Gunmen killed two people in Baghdad on Monday.", dt.datetime.now(dt.UTC)
    )
    asyncio.run(extractor.extract(warm))
    startup = time.perf_counter() - started
    startup_cpu = time.process_time() - started_cpu

    inputs = load_inputs(folder, gold)

    results: list[list[Any]] = []
    # CPU time of this process: the machine may be busy with other work.
    started = time.process_time()
    for _ in range(repeat):
        results = asyncio.run(_extract_all(extractor, [report for _, report in inputs]))
    elapsed = time.process_time() - started
    per_second = len(inputs) * repeat / elapsed if elapsed > 0 else float("inf")

    judged = print_scores(inputs, results, verbose=verbose, threshold=threshold)
    click.echo(f"speed:             {per_second:.0f} articles/s ({repeat} passes, one core)")
    click.echo(f"engine start-up:   {startup:.2f} s wall, {startup_cpu:.2f} s CPU")
    return judged


def load_inputs(folder: Path, gold: list[Any]) -> list[tuple[Any, Report]]:
    """Each gold article with its report (text, publication time and title from the file)."""
    from bot.extract.pipeline import report_from_text, stated_day
    from bot.extract.text import parse_header, parse_published, published_from_url

    inputs: list[tuple[Any, Report]] = []
    for article in gold:
        path = folder / article.file
        if not path.is_file():
            raise CliError(f"gold.json names {article.file}, which is not in {folder}")
        headers, body = parse_header(path.read_text(encoding="utf-8", errors="replace"))
        when = parse_published(headers.get("published", ""))
        if when is None and article.published is not None:
            when = parse_published(article.published.isoformat())
        # As `sitrep extract` does: the date in the link, else the latest date the text states,
        # else the time it was received.
        when = when or published_from_url(headers.get("url"), body) or stated_day(body)
        received = None
        if when is None:
            received = when = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)
        report = report_from_text(body, when, title=headers.get("title"), fetched_at=received)
        inputs.append((article, report))
    return inputs


def print_scores(
    inputs: Sequence[tuple[Any, Report]],
    results: Sequence[list[Incident]],
    *,
    verbose: bool,
    threshold: float | None = None,
) -> list[Any]:
    """Score each article's incidents against its gold, print the summary table (alert
    precision and recall at ``threshold``, by default the default) and return the articles
    as judged (for the curve)."""
    from bot.extract.actors import ActorRegistry
    from bot.extract.alert_eval import JudgedArticle, pooled_counts
    from bot.extract.evaluation import engine_matchers, score_article, summarize_scores
    from bot.extract.gazetteer import Gazetteer
    from bot.extract.trust import DEFAULT_ALERT_MIN_CONFIDENCE

    if threshold is None:
        threshold = DEFAULT_ALERT_MIN_CONFIDENCE

    actor_matches, admin1_matches = engine_matchers(ActorRegistry.default(), Gazetteer.default())
    scores = []
    judged = []
    for (article, report), incidents in zip(inputs, results, strict=True):
        score = score_article(
            article, incidents, actor_matches=actor_matches, admin1_matches=admin1_matches
        )
        scores.append(score)
        when = report.published_at
        judged.append(JudgedArticle(article, incidents, when.date() if when else None))
        if verbose:
            _print_article(score, article)
    summary = summarize_scores(scores)
    alerts = pooled_counts(judged, threshold)
    click.echo(f"articles:          {summary.articles}")
    click.echo(f"place:             {pct(summary.place)}")
    click.echo(f"admin1:            {pct(summary.admin1)}")
    click.echo(f"date:              {pct(summary.date)}  ({summary.date_scored} scored)")
    click.echo(
        f"actors:            P {pct(summary.actors_precision)}  R {pct(summary.actors_recall)}"
        f"  F1 {summary.actors_f1:.2f}  (min_actors met {pct(summary.actors_ok)})"
    )
    click.echo(f"event type:        {pct(summary.event_type)}")
    click.echo(f"killed exact:      {pct(summary.killed)}")
    click.echo(f"injured exact:     {pct(summary.injured)}")
    click.echo(f"invented figures:  {summary.invented}")
    click.echo(
        f"secondary recall:  {pct(summary.secondary_recall)}  ({summary.secondary_total} gold)"
    )
    click.echo(
        f"alert precision:   {pct(alerts.precision)}  ({alerts.matched}/{alerts.alerts} alerts "
        f"match a gold incident; confidence >= {threshold:.2f})"
    )
    click.echo(
        f"alert recall:      {pct(alerts.recall)}  ({alerts.recalled}/{alerts.primaries} "
        "primaries would alert)"
    )
    return judged


def _print_curve(judged: list[Any], threshold: float) -> None:
    """The pooled alert precision/recall curve over confidence thresholds."""
    from bot.extract.alert_eval import alert_curve, lowest_threshold_for

    points = alert_curve(judged)
    click.echo("")
    click.echo(f"alert curve ({len(judged)} articles pooled; precision lower bound: Wilson 95%)")
    click.echo("threshold  alerts  matched  precision  (lower)  recall")
    for point in points:
        counts = point.counts
        mark = "  <- in use" if abs(point.threshold - threshold) < 5e-5 else ""
        click.echo(
            f"  {point.threshold:6.3f}  {counts.alerts:6d}  {counts.matched:7d}   "
            f"{pct(counts.precision)}  {pct(point.precision_lower_bound)}  "
            f"{pct(counts.recall)}{mark}"
        )
    for target in (0.8, 0.9):
        best = lowest_threshold_for(points, target)
        if best is None:
            click.echo(f"precision >= {target:.0%}: no threshold reaches it")
        else:
            click.echo(
                f"precision >= {target:.0%}: lowest threshold {best.threshold:.3f} "
                f"(recall {pct(best.counts.recall).strip()})"
            )


def pct(value: float) -> str:
    """A fraction as a right-aligned percentage."""
    return f"{100 * value:5.1f}%"


def _print_article(score: Any, article: Any) -> None:
    marks = []
    for name in ("place", "admin1", "date", "actors_ok", "event_type", "killed", "injured"):
        value = getattr(score, name)
        if value is None:
            continue
        marks.append(("+" if value else "-") + name)
    click.echo(f"{article.file}: {' '.join(marks)}")
    judged = score.judged
    if judged is not None:
        click.echo(
            f"    got {judged.location.name} ({judged.location.admin1}) {judged.date} "
            f"{judged.event_type.value}/{judged.sub_event_type.value} "
            f"actors={[a.name for a in judged.actors]} killed={judged.killed.display()} "
            f"injured={judged.injured.display()}"
        )
    primary = article.primary
    click.echo(
        f"    want {primary.place} ({primary.admin1}) {primary.dates} {primary.event_types} "
        f"actors={list(primary.actors)} killed={primary.killed} injured={primary.injured}"
    )
    for note in score.notes:
        click.echo(f"    note: {note}")


async def _extract_all(extractor: Extractor, reports: Sequence[Report]) -> list[list[Incident]]:
    """Each report through the extractor port, one after another."""
    return [await extractor.extract(report) for report in reports]
