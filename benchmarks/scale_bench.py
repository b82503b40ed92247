"""Throughput of `rasp check --jobs N` and `--scheduler`: programs/s with one job, with two,
and on a local Dask cluster of two single-thread workers (started here on 127.0.0.1), in one
run, and whether all print the same JSON (they must).

    .venv/bin/python benchmarks/scale_bench.py [--runs R] [PATH ...]

PATH defaults to programs/. Each figure is the median of R runs (default 5) of the real
`rasp` command, wall time from start to exit: start-up and every worker's start included, as a
user waits for it. On a shared machine two jobs cannot beat what two processes get from the
CPUs, so each run also prints that ceiling: the speed-up of a pure-Python loop run in two
processes at once over one, measured just before; the runs of each way alternate. The Dask
workers keep their isolated workers from run to run (as a cluster serving many commands does),
so after the first run theirs is not started again, while `--jobs` starts its pool each time.
"""

import argparse
import json
import multiprocessing
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.dask_cluster import local_cluster  # noqa: E402 - the tests' cluster, as they start it

RASP = Path(sys.executable).parent / "rasp"


def check(how: list[str], paths: list[str]) -> tuple[float, str]:
    """Seconds `rasp check --format json` with the options `how` took, and what it printed."""
    start = time.perf_counter()
    result = subprocess.run(
        [str(RASP), "check", "--format", "json", *how, *paths],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    seconds = time.perf_counter() - start
    if result.returncode not in (0, 1):
        sys.exit(f"rasp check {' '.join(how)} failed:\n{result.stderr[-2000:]}")
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
    with tempfile.TemporaryDirectory() as folder, local_cluster(Path(folder)) as (address, _):
        ways = {
            "--jobs 1": ["--jobs", "1"],
            "--jobs 2": ["--jobs", "2"],
            "Dask, 2 workers": ["--scheduler", address],
        }
        measure(ways, options.paths, options.runs)


def measure(ways: dict[str, list[str]], paths: list[str], runs: int) -> None:
    printed: set[str] = set()  # every run's JSON: one text if all runs agree
    seconds: dict[str, list[float]] = {way: [] for way in ways}
    for run in range(runs):  # interleaved, so a change in the machine's load hits all
        ceilings = f"ceiling {ceiling():.2f}x"
        for way, how in ways.items():
            took, out = check(how, paths)
            seconds[way].append(took)
            printed.add(out)
        times = ", ".join(f"{way} {seconds[way][-1]:.1f} s" for way in ways)
        print(f"run {run + 1}: {ceilings}; {times}")
    programs = json.loads(out)["summary"]["programs"]
    rates = {way: programs / statistics.median(seconds[way]) for way in ways}
    for way in ways:
        print(
            f"{way}: {programs} programs in {statistics.median(seconds[way]):.1f} s "
            f"(median of {runs}), {rates[way]:.1f} programs/s, "
            f"{rates[way] / rates['--jobs 1']:.2f}x one job"
        )
    print(f"JSON identical in every run of every way: {'yes' if len(printed) == 1 else 'NO'}")


if __name__ == "__main__":
    main()
