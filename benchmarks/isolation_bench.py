"""What isolation costs: per-file check time and worker start, sandboxed and not, one run.

    .venv/bin/python benchmarks/isolation_bench.py [ROUNDS]

Each round checks the same small library programs through a warm worker started with
bubblewrap and one started without (`RASP_SANDBOX=none`), alternating, so load hits both
alike. Every file is checked in a fresh child forked from the warm worker in both cases;
the difference between the columns is the sandbox's share, and the per-file time includes
the fork.
"""

import os
import platform
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from raspstudio.engine import Engine, Worker, sandbox

ROOT = Path(__file__).resolve().parent.parent
FILES = [
    ROOT / "programs/maps/abs_diff_from_two.py",
    ROOT / "programs/positional/reverse.py",
    ROOT / "programs/counting/histogram.py",
]


def _engine(sandboxed: bool) -> tuple[Engine, float]:
    os.environ.pop("RASP_SANDBOX", None) if sandboxed else os.environ.update(RASP_SANDBOX="none")
    sandbox.bubblewrap_works.cache_clear()
    start = time.perf_counter()
    engine = Engine(Worker(timeout=60))
    engine.worker.ensure_started()
    return engine, time.perf_counter() - start


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    files = FILES
    starts: dict[bool, float] = {}
    engines: dict[bool, Engine] = {}
    for sandboxed in (True, False):
        engines[sandboxed], starts[sandboxed] = _engine(sandboxed)
    times: dict[bool, list[float]] = {True: [], False: []}
    for _ in range(rounds):
        for sandboxed in (True, False):
            for path in files:
                start = time.perf_counter()
                report = engines[sandboxed].check_file(str(path))
                times[sandboxed].append(time.perf_counter() - start)
                assert all(p.verified_inputs for p in report.programs), report
    for engine in engines.values():
        engine.close()
    print(f"date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(
        f"machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    print(f"{len(files)} library programs x {rounds} rounds, each check in a fresh forked child")
    print(f"{'':28} {'bubblewrap':>12} {'no sandbox':>12} {'difference':>12}")
    print(
        f"{'worker start (ms)':28} {starts[True] * 1000:12.0f} {starts[False] * 1000:12.0f} "
        f"{(starts[True] - starts[False]) * 1000:12.0f}"
    )
    with_, without = statistics.median(times[True]), statistics.median(times[False])
    print(
        f"{'check per file, median (ms)':28} {with_ * 1000:12.1f} {without * 1000:12.1f} "
        f"{(with_ - without) * 1000:12.1f}"
    )


if __name__ == "__main__":
    main()
