"""Throughput of `rasp check --jobs N`: programs/s with one job and with two, in one run, and
whether both print the same JSON (they must).

    .venv/bin/python benchmarks/scale_bench.py [--runs R] [PATH ...]

PATH defaults to programs/. Each figure is the median of R runs (default 5) of the real
`rasp` command, wall time from start to exit: start-up and every worker's start included, as a
user waits for it. On a shared machine two jobs cannot beat what two processes get from the
CPUs, so each run also prints that ceiling: the speed-up of a pure-Python loop run in two
processes at once over one, measured just before; the runs of one and two jobs alternate.
"""

import argparse
import json
import multiprocessing
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


def _spin(_: int) -> float:
    start = time.perf_counter()
    total = 0
    for i in range(20_000_000):
        total += i
    return time.perf_counter() - start


def ceiling() -> float:
    """How much faster two CPU-bound processes finish two loops than one process one loop."""
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        one = pool.apply(_spin, (0,))
        start = time.perf_counter()
        pool.map(_spin, [0, 1])
        both = time.perf_counter() - start
    return 2 * one / both


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", default=["programs"], metavar="PATH")
    parser.add_argument("--runs", type=int, default=5, metavar="R")
    options = parser.parse_args()
    print(f"date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(
        f"machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    printed: set[str] = set()  # every run's JSON: one text if all runs agree
    seconds: dict[int, list[float]] = {jobs: [] for jobs in JOBS}
    for run in range(options.runs):  # interleaved, so a change in the machine's load hits both
        ceilings = f"ceiling {ceiling():.2f}x"
        for jobs in JOBS:
            took, out = check(jobs, options.paths)
            seconds[jobs].append(took)
            printed.add(out)
        times = ", ".join(f"--jobs {jobs} {seconds[jobs][-1]:.1f} s" for jobs in JOBS)
        print(f"run {run + 1}: {ceilings}; {times}")
    programs = json.loads(out)["summary"]["programs"]
    rates = {jobs: programs / statistics.median(seconds[jobs]) for jobs in JOBS}
    for jobs in JOBS:
        print(
            f"--jobs {jobs}: {programs} programs in {statistics.median(seconds[jobs]):.1f} s "
            f"(median of {options.runs}), {rates[jobs]:.1f} programs/s"
        )
    print(f"speed-up with 2 jobs: {rates[2] / rates[1]:.2f}x (medians)")
    print(f"JSON identical in every run of --jobs 1 and 2: {'yes' if len(printed) == 1 else 'NO'}")


if __name__ == "__main__":
    main()
