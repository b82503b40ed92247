"""`rasp check` on programs of realistic size, idle and with every core busy.

    .venv/bin/python benchmarks/realistic_bench.py [--before CHECKOUT] [PATH ...]

The programs of benchmarks/realistic/ have a vocabulary of 10, MAX_SEQ_LEN 10, 6 to 15
operations and MLPs of 1,000 to 14,000 hidden units: the size of the tracr programs that
interpretability benchmarks publish. Each is checked by the real CLI (worker, sandbox and
judge included) with the default timeout, three times on an idle machine and three times
while one busy-looping process per core competes; the median wall time is printed with the
verdict's codes (RASP106 is the timeout). With `--before`, the same is run on another
checkout (e.g. a `git worktree` of an older commit, using this environment) side by side.
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
RUNS = 3


def _spin() -> None:
    while True:
        pass


def _check(checkout: Path, path: Path) -> tuple[float, str]:
    """Wall seconds of one `rasp check`, and the program's codes and verdict words."""
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    command = [sys.executable, "-m", "raspstudio", "check", "--format", "json", str(path)]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=checkout)
    seconds = time.perf_counter() - start
    try:
        report = json.loads(done.stdout)["files"][0]
    except (ValueError, KeyError, IndexError):
        return seconds, f"no report: {done.stderr.strip()[-80:]}"
    codes = sorted({d["code"] for d in report["diagnostics"] if d["severity"] != "note"})
    complete = [p.get("complete") for p in report["programs"]]
    return seconds, f"{' '.join(codes) or '-'}; complete {complete}"


def _median(checkout: Path, path: Path) -> tuple[float, str]:
    runs = [_check(checkout, path) for _ in range(RUNS)]
    return statistics.median(s for s, _ in runs), runs[-1][1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--before", type=Path, help="another checkout to run side by side")
    parser.add_argument("paths", nargs="*", type=Path)
    args = parser.parse_args()
    paths = args.paths or sorted((ROOT / "benchmarks/realistic").glob("*.py"))
    checkouts = [("now", ROOT)] + ([("before", args.before.resolve())] if args.before else [])
    print(f"date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(f"machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    for load in ("idle", "busy"):
        spinners = []
        if load == "busy":
            spinners = [multiprocessing.Process(target=_spin) for _ in range(os.cpu_count() or 1)]
            for spinner in spinners:
                spinner.start()
        try:
            for path in paths:
                for name, checkout in checkouts:
                    seconds, verdict = _median(checkout, path)
                    print(f"{load:<5} {name:<7} {path.stem:<16} {seconds:6.1f} s  {verdict}")
        finally:
            for spinner in spinners:
                spinner.terminate()


if __name__ == "__main__":
    main()
