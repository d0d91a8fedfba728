"""``python -m bench.llm_plumbing``: the language-model extractor's plumbing, timed.

No model runs here: the fake OpenAI-compatible server of the tests answers (at once, with no
incidents), fails (HTTP 500), refuses connections, or hangs. Over the real articles of
``../shared/eval/dev`` (read, never copied) it measures, per article, the wall time of
``SITREP_EXTRACTOR=both`` in each case against the rules alone, how many requests went out,
and the cache on a second pass. What it shows: a dead or slow endpoint costs at most the
deadline, three times, and then nothing (the circuit breaker); a re-read costs no request.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import statistics
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from bot.domain import Report
from bot.extract.pipeline import RulesExtractor, build_rules_extractor, report_from_text
from bot.extract.text import parse_header, parse_published
from bot.llm.budget import CircuitBreaker, DailyBudget
from bot.llm.cache import ReplyCache
from bot.llm.client import ChatClient
from bot.llm.extractor import ModelExtractor
from bot.llm.reader import ModelReader
from bot.ports import SystemClock
from tests.fakellm import FakeLLM

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DIR = ROOT.parent / "shared" / "eval" / "dev"


def _reports(folder: Path) -> list[Report]:
    reports = []
    for path in sorted(folder.glob("*.txt")):
        headers, body = parse_header(path.read_text(encoding="utf-8", errors="replace"))
        when = parse_published(headers.get("published", "")) or dt.datetime(
            2025, 1, 1, tzinfo=dt.UTC
        )
        reports.append(report_from_text(body, when, title=headers.get("title")))
    return reports


def _extractor(rules: RulesExtractor, url: str, cache: Path, deadline: float) -> ModelExtractor:
    clock = SystemClock()
    client = ChatClient(url, "fake-model", timeout=deadline)
    reader = ModelReader(client, ReplyCache(cache), DailyBudget(clock, 100_000),
                         CircuitBreaker(3, 300.0), clock)  # fmt: skip
    return ModelExtractor(rules, reader, "both", deadline=deadline)


async def _time(extractor: ModelExtractor | RulesExtractor, reports: Sequence[Report]) -> tuple[
    list[float], int
]:  # fmt: skip
    seconds: list[float] = []
    requests = 0
    for report in reports:
        started = time.perf_counter()
        if isinstance(extractor, ModelExtractor):
            result = await extractor.run(report)
            requests += result.usage.requests
        else:
            await extractor.extract(report)
        seconds.append(time.perf_counter() - started)
    return seconds, requests


def _row(name: str, seconds: list[float], requests: int, note: str = "") -> str:
    median = statistics.median(seconds) * 1000
    first3 = sum(seconds[:3])
    rest = statistics.median(seconds[3:]) * 1000 if len(seconds) > 3 else 0.0
    return (f"| {name} | {len(seconds)} | {requests} | {median:.0f} ms | {first3:.2f} s | "
            f"{rest:.0f} ms | {note} |")  # fmt: skip


async def _main(folder: Path, deadline: float) -> list[str]:
    reports = _reports(folder)
    rules = build_rules_extractor()
    await _time(rules, reports)  # warm the data and the rules' caches
    rows = ["| case | articles | requests | median per article | first 3 articles | "
            "median after the 3rd | note |", "|---|---|---|---|---|---|---|"]  # fmt: skip
    passes = [await _time(rules, reports) for _ in range(3)]
    # The median of three passes per article: the machine is shared.
    seconds = [statistics.median(p[0][i] for p in passes) for i in range(len(reports))]
    rows.append(_row("rules alone", seconds, 0))
    with tempfile.TemporaryDirectory() as tmp, FakeLLM() as server:
        model = _extractor(rules, server.base_url, Path(tmp) / "ok", deadline)
        seconds, requests = await _time(model, reports)
        rows.append(_row("model answers at once", seconds, requests))
        seconds, requests = await _time(model, reports)
        rows.append(_row("same articles again", seconds, requests,
                         f"cache {model.reader.cache.hits} hits"))  # fmt: skip
        await model.aclose()
        server.script("", status=500)
        model = _extractor(rules, server.base_url, Path(tmp) / "500", deadline)
        seconds, requests = await _time(model, reports)
        rows.append(_row("HTTP 500 every time", seconds, requests, "breaker opens after 3"))
        await model.aclose()
        server.scripts.clear()
        server.script("", hang=True)
        model = _extractor(rules, server.base_url, Path(tmp) / "hang", deadline)
        seconds, requests = await _time(model, reports)
        rows.append(_row(f"server hangs (deadline {deadline:g} s)", seconds, requests,
                         "breaker opens after 3"))  # fmt: skip
        await model.aclose()
        dead_url = server.base_url
    model = _extractor(rules, dead_url, Path(tempfile.gettempdir()) / "sitrep-dead", deadline)
    seconds, requests = await _time(model, reports)
    rows.append(_row("nobody listening", seconds, requests, "refused; breaker opens after 3"))
    await model.aclose()
    return rows


def main(argv: Sequence[str] | None = None) -> None:
    """Print the table."""
    parser = argparse.ArgumentParser(prog="python -m bench.llm_plumbing", description=__doc__)
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--deadline", type=float, default=2.0)
    args = parser.parse_args(argv)
    if not args.eval_dir.is_dir():
        parser.error(f"no folder {args.eval_dir}")
    for line in asyncio.run(_main(args.eval_dir, args.deadline)):
        print(line)


if __name__ == "__main__":
    main()
