"""``python -m benchmarks [--quick | --preset tiny] [--only 1,2] [--out DIR]``."""

from __future__ import annotations

import argparse
import asyncio
import time
from pathlib import Path

from benchmarks._harness import PRESETS
from benchmarks._report import RESULTS, terminal_table, write
from benchmarks._run import run_all


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="the smoke-run sizes (make bench-quick)")
    parser.add_argument("--preset", choices=sorted(PRESETS), default=None)
    parser.add_argument("--only", default="", help="scenario numbers to run, e.g. 1,2,4 (default: all)")
    parser.add_argument("--out", type=Path, default=RESULTS, help="where latest.json/.md/.png go")
    ns = parser.parse_args(argv)
    settings = PRESETS[ns.preset or ("quick" if ns.quick else "full")]
    only = {x.strip() for x in ns.only.split(",") if x.strip()} or None
    start = time.perf_counter()
    metrics = asyncio.run(run_all(settings, only))
    elapsed = time.perf_counter() - start
    print(terminal_table(metrics))
    paths = write(metrics, settings, elapsed, ns.out)
    print(f"\n{settings.name} run in {elapsed:.0f} s; results in {paths['json']} and {paths['md']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
