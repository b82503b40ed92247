"""Throughput of `rasp check --jobs N`: programs/s with one job and with two, in one run, and
whether both print the same JSON (they must).

    .venv/bin/python benchmarks/scale_bench.py [--runs R] [PATH ...]

PATH defaults to programs/. Each figure is the median of R runs (default 3) of the real
`rasp` command, wall time from start to exit: start-up and every worker's start included, as a
user waits for it.
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RASP = Path(sys.executable).parent / "rasp"
JOBS = (1, 2)


def check(jobs: int, paths: list[str]) -> tuple[float, str]:
    """Seconds `rasp check --format json --jobs N` took, and what it printed."""
    start = time.perf_counter()
    result = subprocess.run(
        [str(RASP), "check", "--format", "json", "--jobs", str(jobs), *paths],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    seconds = time.perf_counter() - start
    if result.returncode not in (0, 1):
        sys.exit(f"rasp check --jobs {jobs} failed:\n{result.stderr[-2000:]}")
    return seconds, result.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", default=["programs"], metavar="PATH")
    parser.add_argument("--runs", type=int, default=3, metavar="R")
    options = parser.parse_args()
    print(f"date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(
        f"machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    printed: set[str] = set()  # every run's JSON: one text if all runs agree
    rates: dict[int, float] = {}
    for jobs in JOBS:
        runs = [check(jobs, options.paths) for _ in range(options.runs)]
        seconds = statistics.median(s for s, _ in runs)
        printed |= {out for _, out in runs}
        programs = json.loads(runs[0][1])["summary"]["programs"]
        rates[jobs] = programs / seconds
        print(
            f"--jobs {jobs}: {programs} programs in {seconds:.1f} s (median of {options.runs}), "
            f"{rates[jobs]:.1f} programs/s"
        )
    print(f"speed-up with 2 jobs: {rates[2] / rates[1]:.2f}x")
    print(f"JSON identical in every run of --jobs 1 and 2: {'yes' if len(printed) == 1 else 'NO'}")


if __name__ == "__main__":
    main()
