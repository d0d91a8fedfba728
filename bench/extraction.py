"""Extraction throughput on one core, engine start-up time and peak memory.

Corpus: the real articles of an eval folder (read at run time, never copied) plus articles
generated here from templates in our own words (varied places, actors, figures and days).
Reference, in the same process and over the same articles: ``dateparser.search.search_dates``
alone (English only), i.e. just finding the dates, which is one small part of what the rules
engine does. Start-up and memory are measured in a fresh subprocess.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator, Sequence, Sized
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.report import Row
from bot.domain.models import Report
from bot.ports import Extractor

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True, slots=True)
class Article:
    """One text to extract from, with its publication time."""

    name: str
    text: str
    published: dt.datetime | None
    title: str | None = None


def read_eval_articles(folder: Path) -> list[Article]:
    """The ``NNN.txt`` articles of an eval folder (URL:/PUBLISHED: header lines parsed)."""
    from bot.extract.text import parse_header, parse_published

    articles = []
    for path in sorted(folder.glob("*.txt")):
        headers, body = parse_header(path.read_text(encoding="utf-8", errors="replace"))
        published = parse_published(headers["published"]) if headers.get("published") else None
        articles.append(Article(path.name, body, published, headers.get("title")))
    return articles


# --- generated articles (our own words) ---------------------------------------------------------

_PLACES = (  # the first 25 are in Iraq (IRAQ_PLACES)
    "Baghdad",
    "Basra",
    "Mosul",
    "Kirkuk",
    "Ramadi",
    "Fallujah",
    "Tikrit",
    "Baqubah",
    "Karbala",
    "Najaf",
    "Samarra",
    "Sinjar",
    "Tal Afar",
    "Erbil",
    "Sulaymaniyah",
    "Nasiriyah",
    "Amarah",
    "Kut",
    "Hillah",
    "Diwaniyah",
    "Haditha",
    "Hit",
    "Khanaqin",
    "Tuz Khurmatu",
    "Sadr City",
    "Aleppo",
    "Idlib",
    "Deir ez-Zor",
    "Raqqa",
    "Homs",
    "Sanaa",
    "Aden",
    "Taiz",
    "Marib",
    "Maiduguri",
    "Mogadishu",
    "Kismayo",
    "Kandahar",
    "Jalalabad",
    "Peshawar",
    "Quetta",
    "Khartoum",
    "El Fasher",
    "Goma",
    "Gao",
    "Timbuktu",
    "Kharkiv",
    "Donetsk",
)
IRAQ_PLACES = _PLACES[:25]
_ACTORS = (
    "Islamic State",
    "IS militants",
    "Asaib Ahl al-Haq",
    "Kataib Hezbollah",
    "the PKK",
    "Iraqi security forces",
    "the Iraqi army",
    "federal police",
    "Peshmerga fighters",
    "Houthi rebels",
    "al-Shabaab",
    "Boko Haram",
    "the Taliban",
    "Rapid Support Forces",
    "unidentified gunmen",
    "a suicide bomber",
    "Turkish warplanes",
    "Hayat Tahrir al-Sham",
)
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_LEADS = (
    "{actor} attacked a checkpoint in {place} on {day}, killing {k} soldiers and wounding {w}.",
    "A car bomb went off near a busy market in {place} on {day}, killing at least {k} people "
    "and injuring {w} others, officials said.",
    "At least {k} civilians were killed and {w} hurt when a roadside bomb struck a minibus "
    "outside {place} late on {day}.",
    "{actor} fired mortar rounds at a village south of {place} on {day}; {k} people died and "
    "{w} were taken to hospital.",
    "Clashes between {actor} and {actor2} in {place} left {k} fighters dead on {day}, a local "
    "security source said.",
    "Gunmen shot dead {k} shepherds in the desert near {place} on {day}.",
    "A drone strike on a vehicle in {place} on {day} killed {k} members of {actor}, the "
    "military said in a statement.",
    "Security forces arrested {k} suspects linked to {actor} in a raid in {place} on {day}.",
    "Hundreds of protesters gathered in {place} on {day}; police fired tear gas and {w} people "
    "were injured.",
)
_FOLLOW = (
    "The {source} said the toll could rise because several of the wounded were in a critical "
    "condition.",
    "No group immediately claimed responsibility, but {actor} has carried out similar attacks "
    "in the area.",
    "Witnesses described a loud blast followed by gunfire that lasted for about {n} minutes.",
    "The attack came {n} days after a similar bombing in {place2} that killed {k2} people.",
    "Local officials imposed a curfew on the district and closed the main road to {place2}.",
    "Ambulances took the casualties to hospitals in {place2}, a health official told reporters.",
    "The {source} put the number of dead at {k2}, higher than the figure given by the police.",
    "Residents said the area had been calm for months before the attack.",
    "Among the dead were {k2} members of the same family, according to a relative.",
    "The governor of {place2} called for an investigation and announced three days of mourning.",
    "{actor2} denied any role and blamed {actor} for the violence.",
    "It was the deadliest incident in the province since the spring, when {k2} people died.",
    "Officials said {n} houses and a school were damaged and electricity was cut.",
    "Reinforcements were sent from {place2} and helicopters flew over the area overnight.",
)
_SOURCES = (
    "health ministry",
    "interior ministry",
    "civil defence",
    "provincial council",
    "Security Media Cell",
    "local hospital",
)


def generate_articles(
    count: int,
    seed: int = 7,
    *,
    places: Sequence[str] = _PLACES,
    published: dt.datetime | None = None,
) -> list[Article]:
    """``count`` short news reports written from templates, deterministic for a seed.

    ``places`` narrows the places named; ``published`` fixes the publication time.
    """
    rng = random.Random(seed)
    base = dt.datetime(2025, 3, 1, 9, 0, tzinfo=dt.UTC)
    articles = []
    for index in range(count):
        place, place2 = rng.sample(list(places), 2)
        actor, actor2 = rng.sample(_ACTORS, 2)
        values = {
            "place": place,
            "place2": place2,
            "actor": actor,
            "actor2": actor2,
            "day": rng.choice(_DAYS),
            "k": rng.randint(1, 60),
            "w": rng.randint(0, 120),
            "k2": rng.randint(2, 40),
            "n": rng.randint(2, 30),
            "source": rng.choice(_SOURCES),
        }
        sentences = [rng.choice(_LEADS)]
        sentences += rng.sample(_FOLLOW, rng.randint(3, 9))
        body = " ".join(s.format(**values) for s in sentences)
        body = body[0].upper() + body[1:]
        when = published or base + dt.timedelta(days=rng.randint(0, 600), hours=rng.randint(0, 23))
        title = f"{values['k']} killed in {place}" if rng.random() < 0.7 else None
        articles.append(Article(f"generated-{index:04d}", body, when, title))
    return articles


# --- adversarial inputs (issue 13.1): one token repeated to 100,000 characters ----------------

ADVERSARIAL_CHARS = 100_000
ADVERSARIAL_UNITS = (
    "Basra ",
    "3 killed and 4 injured ",
    "on Monday, ",
    "al-Basra, Mosul and Kirkuk ",
    "in Basra province on 3 May 2024 ",
    "killed four of them, ",
    "Gunmen killed 5 people in Mosul on Monday; ",
    "the toll rose to 12 on Tuesday ",
    "Hashd al-Shaabi near Samarra ",
    "Miqdadiya Qayara ",
)


def adversarial_text(unit: str, chars: int = ADVERSARIAL_CHARS) -> str:
    """``unit`` repeated and cut to exactly ``chars`` characters."""
    return (unit * (chars // len(unit) + 1))[:chars]


def _report(article: Article) -> Report:
    from bot.extract.pipeline import report_from_text

    return report_from_text(article.text, article.published, title=article.title)


def worst_adversarial_ms(
    extractor: Extractor, loop: asyncio.AbstractEventLoop, repeats: int = 2
) -> tuple[float, str]:
    """The slowest adversarial input in CPU milliseconds (best of ``repeats``), and which.

    CPU time of this process (the worker thread included), like ``sitrep eval``'s speed: the
    machine may be busy with other work, which would inflate wall-clock time.
    """
    published = dt.datetime(2025, 3, 4, 9, 0, tzinfo=dt.UTC)
    worst, name = 0.0, ""
    for unit in ADVERSARIAL_UNITS:
        article = Article(f"adversarial {unit.strip()!r}", adversarial_text(unit), published)
        report = _report(article)
        best = float("inf")
        for _ in range(repeats):
            start = time.process_time()
            loop.run_until_complete(extractor.extract(report))
            best = min(best, time.process_time() - start)
        if best * 1000 > worst:
            worst, name = best * 1000, repr(unit.strip())
    return worst, name


# --- measurement -------------------------------------------------------------------------------


@contextmanager
def one_core() -> Iterator[None]:
    """Pin this process to one CPU while measuring (restored afterwards)."""
    if not hasattr(os, "sched_setaffinity"):
        yield
        return
    before = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {min(before)})
    try:
        yield
    finally:
        os.sched_setaffinity(0, before)


def _time_passes(
    run: Callable[[Article], Sized], articles: Sequence[Article], min_seconds: float
) -> float:
    """Articles per second: repeat passes over ``articles`` until ``min_seconds`` have gone."""
    done = 0
    start = time.perf_counter()
    while True:
        for article in articles:
            run(article)
        done += len(articles)
        elapsed = time.perf_counter() - start
        if elapsed >= min_seconds:
            return done / elapsed


def _startup_child() -> None:
    """In a fresh interpreter: import and build the engine, then extract once; print JSON."""
    start = time.perf_counter()
    from bot.extract.pipeline import build_rules_extractor, report_from_text

    extractor = build_rules_extractor()
    loaded = time.perf_counter() - start
    rss_loaded = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    first = time.perf_counter()
    report = report_from_text(
        "A roadside bomb killed two soldiers near Kirkuk on Monday.",
        dt.datetime(2025, 3, 4, tzinfo=dt.UTC),
    )
    asyncio.run(extractor.extract(report))
    first_extract = time.perf_counter() - first
    print(
        json.dumps(
            {"startup_s": loaded, "first_extract_s": first_extract, "rss_loaded_kb": rss_loaded}
        )
    )


def measure_startup(repeats: int = 3) -> dict[str, float]:
    """Median start-up (import + load of gazetteer, registry and engine) in fresh processes."""
    results = []
    for _ in range(repeats):
        out = subprocess.run(
            [
                sys.executable,
                "-c",
                "from bench.extraction import _startup_child; _startup_child()",
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    return {key: statistics.median(float(result[key]) for result in results) for key in results[0]}


@dataclass
class _Measured:
    """What one run of the extraction bench measured."""

    corpus_note: str
    ref_rate: float
    rate_all: float
    rate_real: float | None
    ref_real: float | None
    rate_generated: float
    worst_ms: float
    worst_name: str
    traced_peak: int
    startup: dict[str, float]


def run(eval_dir: Path | None, quick: bool) -> list[Row]:
    """Measure and return the table rows."""
    from dateparser.search import search_dates  # type: ignore[import-untyped]

    from bot.extract.pipeline import build_rules_extractor

    real = read_eval_articles(eval_dir) if eval_dir is not None else []
    generated = generate_articles(100 if quick else 500)
    corpus = real + generated
    min_seconds = 1.0 if quick else 4.0
    extractor: Extractor = build_rules_extractor()
    loop = asyncio.new_event_loop()
    reports = {id(a): _report(a) for a in corpus}

    def ours(article: Article) -> Sized:
        # Through the Extractor port, as the bot runs it (a worker thread per report).
        return loop.run_until_complete(extractor.extract(reports[id(article)]))

    def reference(article: Article) -> Sized:
        settings = (
            {"RELATIVE_BASE": article.published.replace(tzinfo=None)} if article.published else {}
        )
        found = search_dates(article.text, languages=["en"], settings=settings)
        return list(found or [])

    incidents = sum(len(ours(article)) for article in corpus)  # also warms caches
    reference(corpus[0])
    with one_core():
        ref_rate = _time_passes(reference, corpus, min_seconds)
        rate_all = _time_passes(ours, corpus, min_seconds)
        rate_real = _time_passes(ours, real, min_seconds / 2) if real else None
        ref_real = _time_passes(reference, real, min_seconds / 2) if real else None
        rate_generated = _time_passes(ours, generated, min_seconds / 2)
        worst_ms, worst_name = worst_adversarial_ms(extractor, loop)
    tracemalloc.start()
    for article in corpus:
        ours(article)
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    loop.close()
    mean_chars = statistics.mean(len(a.text) for a in corpus)
    measured = _Measured(
        corpus_note=f"{len(real)} real + {len(generated)} generated articles, "
        f"mean {mean_chars:,.0f} chars, {incidents} incidents",
        ref_rate=ref_rate,
        rate_all=rate_all,
        rate_real=rate_real,
        ref_real=ref_real,
        rate_generated=rate_generated,
        worst_ms=worst_ms,
        worst_name=worst_name,
        traced_peak=traced_peak,
        startup=measure_startup(2 if quick else 3),
    )
    return _rows(measured, real_count=len(real), eval_dir=eval_dir)


def _rows(m: _Measured, *, real_count: int, eval_dir: Path | None) -> list[Row]:
    reference = "dateparser search_dates alone"
    rows = [
        Row("extraction", "throughput, all articles, 1 core", m.rate_all, "articles/s",
            reference, m.ref_rate, m.corpus_note),
    ]  # fmt: skip
    if m.rate_real is not None and m.ref_real is not None:
        rows.append(
            Row("extraction", f"throughput, {real_count} real articles", m.rate_real,
                "articles/s", reference, m.ref_real, f"articles read from {eval_dir}")
        )  # fmt: skip
    worst_note = (
        f"CPU, worst of {len(ADVERSARIAL_UNITS)} repeated tokens ({m.worst_name}); goal < 500"
    )
    rows += [
        Row("extraction", "throughput, generated articles", m.rate_generated, "articles/s",
            "goal", 200.0, "goal >= 200 articles/s"),
        Row("extraction", f"worst adversarial input, {ADVERSARIAL_CHARS // 1000}k chars",
            m.worst_ms, "ms", "goal", 500.0, worst_note),
        Row("extraction", "engine start-up (imports + data load)", m.startup["startup_s"], "s",
            "goal", 1.0, "fresh subprocess, median; goal < 1 s"),
        Row("extraction", "first extraction after start-up",
            m.startup["first_extract_s"] * 1000, "ms", note="lazy caches warming"),
        Row("extraction", "process RSS after engine load", m.startup["rss_loaded_kb"] / 1024,
            "MB", note="ru_maxrss of the fresh subprocess"),
        Row("extraction", "peak Python allocations while extracting", m.traced_peak / 2**20,
            "MB", note="tracemalloc over the whole corpus"),
    ]  # fmt: skip
    return rows
