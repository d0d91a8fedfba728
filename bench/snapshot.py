"""``python -m bench.snapshot OUT.json [FOLDER ...]``: what the rules engine reads from a fixed
set of texts, to check that a speed change changes no output (``cmp`` two snapshots).

Texts: the ``*.txt`` files of each folder (eval format; default: ../shared/eval/dev and dev2
and the report sets under tests/fixtures/reports), each dated file a second time without its
publication time and title; the bench's generated articles; its adversarial inputs, cut to
20,000 characters. Each incident is written as ``sitrep extract --json`` gives it, and as its
full model. A text without a publication time is read as published at a fixed time.

A snapshot of real articles holds their words: keep it out of the repository. Fix the hash
seed (``PYTHONHASHSEED=0``) when comparing: set order can break a tie between two countries.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.extraction import ADVERSARIAL_UNITS, ROOT, adversarial_text, generate_articles
from bot.extract.pipeline import RulesExtractor, build_rules_extractor
from bot.extract.serialize import incident_to_json
from bot.extract.text import parse_header, parse_published
from bot.extract.trust import would_alert

FIXED_TIME = dt.datetime(2025, 6, 3, 12, 0, tzinfo=dt.UTC)
DEFAULT_FOLDERS = (
    ROOT.parent / "shared" / "eval" / "dev",
    ROOT.parent / "shared" / "eval" / "dev2",
    *sorted(p for p in (ROOT / "tests" / "fixtures" / "reports").iterdir() if p.is_dir()),
)
GENERATED = 300
ADVERSARIAL_CHARS = 20_000


def _read(
    engine: RulesExtractor, text: str, published: dt.datetime, title: str | None
) -> dict[str, Any]:
    incidents = engine.extract_text(text, published, title=title)
    day = published.date()
    return {
        "json": [incident_to_json(i, alert=would_alert(i, day)) for i in incidents],
        "full": [i.model_dump(mode="json") for i in incidents],
    }


def snapshot(folders: Sequence[Path]) -> dict[str, dict[str, Any]]:
    """Every text's incidents, keyed by folder/file (or generated/adversarial name)."""
    engine = build_rules_extractor()
    out: dict[str, dict[str, Any]] = {}
    for folder in folders:
        for path in sorted(folder.glob("*.txt")):
            headers, body = parse_header(path.read_text(encoding="utf-8", errors="replace"))
            when = parse_published(headers["published"]) if headers.get("published") else None
            name = f"{folder.name}/{path.name}"
            out[name] = _read(engine, body, when or FIXED_TIME, headers.get("title"))
            if when is not None:
                out[f"{name} (no time, no title)"] = _read(engine, body, FIXED_TIME, None)
    for article in generate_articles(GENERATED):
        out[article.name] = _read(
            engine, article.text, article.published or FIXED_TIME, article.title
        )
    for unit in ADVERSARIAL_UNITS:
        text = adversarial_text(unit, ADVERSARIAL_CHARS)
        out[f"adversarial {unit.strip()!r}"] = _read(engine, text, FIXED_TIME, None)
    return out


def main(argv: Sequence[str] | None = None) -> None:
    """Write the snapshot and say how many texts and incidents it holds."""
    parser = argparse.ArgumentParser(prog="python -m bench.snapshot", description=__doc__)
    parser.add_argument("out", type=Path, help="where to write the JSON snapshot")
    parser.add_argument("folders", type=Path, nargs="*", help="folders of NNN.txt articles")
    args = parser.parse_args(argv)
    folders = args.folders or [f for f in DEFAULT_FOLDERS if f.is_dir()]
    missing = [str(f) for f in folders if not f.is_dir()]
    if missing:
        parser.error(f"not a folder: {', '.join(missing)}")
    result = snapshot(folders)
    args.out.write_text(
        json.dumps(result, indent=1, ensure_ascii=False, sort_keys=True), encoding="utf-8"
    )
    incidents = sum(len(entry["json"]) for entry in result.values())
    print(f"{len(result)} texts, {incidents} incidents -> {args.out}")


if __name__ == "__main__":
    main()
