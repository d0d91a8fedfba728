"""``python -m bench``: run every benchmark (or ``--only NAME``) and print one table."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from bench.report import Row, render_markdown, render_text

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_EVAL_DIR = ROOT.parent / "shared" / "eval" / "dev"
BENCHES = ("extraction", "queries", "fanout", "alerts", "instances", "learning")


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(part.replace("_", "")) for part in text.split(",") if part.strip()]
    except ValueError:
        msg = "sizes are comma-separated integers, e.g. 10000,100000"
        raise argparse.ArgumentTypeError(msg) from None
    if not sizes or any(size < 100 for size in sizes):
        msg = "give at least one size, each at least 100"
        raise argparse.ArgumentTypeError(msg)
    return sizes


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--eval-dir",
        type=Path,
        default=DEFAULT_EVAL_DIR if DEFAULT_EVAL_DIR.is_dir() else None,
        help="folder of real articles (NNN.txt); default ../shared/eval/dev if it exists",
    )
    parser.add_argument("--quick", action="store_true", help="small sizes for a smoke run")
    parser.add_argument("--only", choices=BENCHES, action="append", help="run just this bench")
    parser.add_argument(
        "--sizes",
        type=_sizes,
        default=None,
        help="incident counts for the query bench (default 10000,100000,1000000; --quick 10000)",
    )
    parser.add_argument(
        "--chats", type=int, default=None, help="fan-out chats (default 10000; --quick 1000)"
    )
    parser.add_argument(
        "--time-scale",
        type=float,
        default=5.0,
        help="speed-up of Telegram's limits for the fan-out (default 5: 150 msg/s)",
    )
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    return parser.parse_args(argv)


def machine() -> str:
    """nproc, RAM, CPU model and Python version, for RESULTS.md."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = f"{int(line.split()[1]) / 2**20:.0f} GiB"
                break
    except OSError:
        pass
    return (
        f"{os.cpu_count()} CPUs ({cpu}), {ram} RAM, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _extraction(args: argparse.Namespace) -> list[Row]:
    from bench import extraction as module

    return module.run(args.eval_dir, args.quick)


def _queries(args: argparse.Namespace) -> list[Row]:
    from bench import queries as module
    from bench.instances import server_url

    sizes = args.sizes or ([10_000] if args.quick else [10_000, 100_000, 1_000_000])
    return module.run(sizes, args.quick, _progress, postgres=server_url())


def _fanout(args: argparse.Namespace) -> list[Row]:
    from bench import fanout as module

    chats = args.chats or (1_000 if args.quick else 10_000)
    rows = module.run(chats, args.time_scale, _progress)
    if not args.quick and args.time_scale != 1:
        # The same at Telegram's real limit, with fewer chats to keep it to half a minute.
        rows += module.run(900, 1.0, _progress)
    return rows


def _alerts(args: argparse.Namespace) -> list[Row]:
    from bench import alert_latency as module

    return module.run(args.quick, _progress)


def _instances(args: argparse.Namespace) -> list[Row]:
    from bench import instances as module

    return module.run(args.chats or 2_000, args.time_scale, _progress)


def _learning(args: argparse.Namespace) -> list[Row]:
    from bench import learning as module

    return module.run(args.quick)


RUNNERS: dict[str, Callable[[argparse.Namespace], list[Row]]] = {
    "extraction": _extraction,
    "queries": _queries,
    "fanout": _fanout,
    "alerts": _alerts,
    "instances": _instances,
    "learning": _learning,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the chosen benchmarks and print the table; 0 on success."""
    args = parse_args(argv)
    chosen = args.only or list(BENCHES)
    if args.eval_dir is not None and not args.eval_dir.is_dir():
        print(f"--eval-dir {args.eval_dir}: no such folder", file=sys.stderr)
        return 2
    started = dt.datetime.now(dt.UTC)
    rows: list[Row] = []
    for name in chosen:
        _progress(f"== {name}")
        rows.extend(RUNNERS[name](args))
    _progress(f"machine: {machine()}; started {started:%Y-%m-%d %H:%M} UTC")
    print(render_markdown(rows) if args.markdown else render_text(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
