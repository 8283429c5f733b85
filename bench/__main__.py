"""Run the benchmarks and print each figure against its target, with the machine they ran on.

Usage: uv run python -m bench [--quick] [--only SUITE,...]  (suites: see SUITES below)
Each figure is a median over repeated runs. Results are also written to bench/out/results.md.
"""

from __future__ import annotations

import argparse
import importlib
import time
from pathlib import Path

from bench.common import Result, machine

SUITES = (
    "core",
    "workbench",
    "stalls",
    "merge",
    "agreement",
    "coverage",
    "reliability",
    "export",
    "refi",
    "review",
    "scale",
)


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, a smoke test")
    parser.add_argument("--only", default=",".join(SUITES), help="comma-separated suites")
    args = parser.parse_args()
    lines = [f"Machine: {machine()}", f"Date: {time.strftime('%Y-%m-%d %H:%M')}", ""]
    print("\n".join(lines), flush=True)
    failed = 0
    for suite in args.only.split(","):
        try:
            module = importlib.import_module(f"bench.bench_{suite.strip()}")
        except ModuleNotFoundError:
            print(f"[{suite}] not available", flush=True)
            continue
        results: list[Result] = module.run(quick=args.quick)
        for result in results:
            line = f"[{suite}] {result.line()}"
            print(line, flush=True)
            lines.append(line)
            failed += not result.passed
    out = Path(__file__).parent / "out"
    out.mkdir(exist_ok=True)
    (out / "results.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
