"""``sitrep eval DIR --extractor llm|both``: the usual scores plus what the model cost.

One pass over the folder (a second run is answered from the cache and costs nothing), each
article timed on the wall clock with the model included, the model's outcome per article,
requests and tokens as the server reported them.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import time
from collections import Counter
from pathlib import Path
from typing import Any, Literal, cast

import click

from bot.cli.common import CliError, settings_for_cli
from bot.domain import Incident, Report
from bot.llm.extractor import ExtractionResult, ModelExtractor

__all__ = ["ModelRun", "extract_with_model", "run_model_eval"]


class ModelRun:
    """What one pass of the model extractor over the articles cost."""

    def __init__(self) -> None:
        """Nothing yet."""
        self.seconds: list[float] = []
        self.outcomes: Counter[str] = Counter()
        self.requests = 0
        self.prompt_tokens: int | None = None
        self.completion_tokens: int | None = None
        self.rules_alone = 0
        self.rejected = 0
        self.alternatives = 0

    def lines(self, model: str, mode: str, hits: int, misses: int) -> list[str]:
        """The cost part of the eval output."""
        tokens = (
            f"prompt {self.prompt_tokens or 0}, completion {self.completion_tokens or 0}"
            if self.prompt_tokens is not None or self.completion_tokens is not None
            else "not reported by the server"
        )
        outcomes = ", ".join(f"{name} {count}" for name, count in sorted(self.outcomes.items()))
        median = statistics.median(self.seconds) if self.seconds else 0.0
        longest = max(self.seconds, default=0.0)
        total = sum(self.seconds)
        return [
            f"model:             {model} ({mode})",
            f"requests:          {self.requests} (tokens: {tokens})",
            f"cache:             {hits} hits, {misses} misses",
            f"model outcomes:    {outcomes or '-'}",
            f"rules alone:       {self.rules_alone} article(s)",
            f"model rejected:    {self.rejected} incident(s) the text did not bear out",
            f"alternatives:      {self.alternatives} kept for review",
            f"time per article:  median {median:.2f} s, max {longest:.2f} s, total {total:.1f} s"
            " (wall, model included)",
        ]


def _model_extractor(mode: str) -> ModelExtractor:
    """The model extractor the SITREP_LLM_* settings describe, in ``mode``."""
    from bot.config import SettingsError
    from bot.extract.pipeline import build_rules_extractor
    from bot.llm import build_reader
    from bot.ports import SystemClock
    from handlers.redaction import install_redaction

    try:
        settings = settings_for_cli()
    except SettingsError as exc:
        raise CliError(str(exc)) from None
    if not settings.sitrep_llm_base_url or not settings.sitrep_llm_model:
        raise CliError("set SITREP_LLM_BASE_URL and SITREP_LLM_MODEL to use a language model")
    install_redaction(settings.token, *settings.secrets)
    reader = build_reader(settings, SystemClock())
    return ModelExtractor(
        build_rules_extractor(),
        reader,
        cast(Literal["llm", "both"], mode),
        deadline=settings.sitrep_llm_timeout_seconds,
    )


def extract_with_model(report: Report, mode: str, *, as_json: bool) -> None:
    """``sitrep extract --extractor llm|both``: incidents with confidence, reasons, the cost."""
    from bot.cli.extract import print_human
    from bot.extract.serialize import incident_to_json

    extractor = _model_extractor(mode)

    async def go() -> ExtractionResult:
        try:
            return await extractor.run(report)
        finally:
            await extractor.aclose()

    result = asyncio.run(go())
    detail = f" ({result.detail})" if result.detail else ""
    click.echo(
        f"model {extractor.reader.model}: {result.outcome.value}{detail}, answered by "
        f"{result.answered_by}, {result.usage.requests} request(s), "
        f"{result.usage.tokens} tokens, {result.model_seconds:.2f} s",
        err=True,
    )
    if as_json:
        items = []
        for number, finished in enumerate(result.finished):
            item = incident_to_json(finished.incident)
            item["confidence"] = finished.confidence.score
            item["confidence_reasons"] = list(finished.confidence.reasons)
            item["alternatives"] = [
                {"field": d.field, "rules": d.rules, "model": d.model}
                for d in result.disagreements.get(number, ())
            ]
            items.append(item)
        click.echo(json.dumps(items, ensure_ascii=False, indent=2))
        return
    print_human(result.incidents)
    for number, finished in enumerate(result.finished, 1):
        reasons = "; ".join(finished.confidence.reasons) or "-"
        click.echo(f"{number}. confidence {finished.confidence.score:.2f}: {reasons}")
    for alternative in result.alternatives:
        click.echo(f"for review (model only): {alternative.incident.summary}")
    for rejected in result.rejected:
        click.echo(f"refused: {rejected.summary}: {'; '.join(rejected.reasons)}")


def run_model_eval(folder: Path, gold: list[Any], mode: str, *, verbose: bool) -> None:
    """Score the model extractor on ``folder`` and print its cost (settings from SITREP_LLM_*)."""
    from bot.cli.extract import load_inputs, print_scores

    inputs = load_inputs(folder, gold)
    extractor = _model_extractor(mode)
    reader = extractor.reader
    run = ModelRun()
    results = asyncio.run(_run_all(extractor, [report for _, report in inputs], run))
    print_scores(inputs, results, verbose=verbose)
    for line in run.lines(reader.model, mode, reader.cache.hits, reader.cache.misses):
        click.echo(line)


async def _run_all(
    extractor: ModelExtractor, reports: list[Report], run: ModelRun
) -> list[list[Incident]]:
    results: list[list[Incident]] = []
    try:
        for report in reports:
            started = time.perf_counter()
            result = await extractor.run(report)
            run.seconds.append(time.perf_counter() - started)
            run.outcomes[result.outcome.value] += 1
            run.requests += result.usage.requests
            if result.usage.prompt_tokens is not None:
                run.prompt_tokens = (run.prompt_tokens or 0) + result.usage.prompt_tokens
            if result.usage.completion_tokens is not None:
                run.completion_tokens = (
                    run.completion_tokens or 0
                ) + result.usage.completion_tokens
            run.rules_alone += result.answered_by == "rules"
            run.rejected += len(result.rejected)
            run.alternatives += len(result.alternatives)
            results.append(result.incidents)
    finally:
        await extractor.aclose()
    return results
