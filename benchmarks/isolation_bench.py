"""What isolation costs: per-file check time and worker start, per sandbox, one run.

    .venv/bin/python benchmarks/isolation_bench.py [ROUNDS]

Each round checks the same small library programs through a warm worker started with
bubblewrap, one confining itself with Landlock and seccomp (`RASP_SANDBOX=landlock`) and one
with no sandbox (`RASP_SANDBOX=none`), alternating, so load hits all alike. Every file is
checked in a fresh child forked from the warm worker in every case; the difference from the
last column is the sandbox's share, and the per-file time includes the fork.
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


MODES = {"bubblewrap": None, "landlock": "landlock", "no sandbox": "none"}


def _engine(mode: str) -> tuple[Engine, float]:
    if MODES[mode] is None:
        os.environ.pop("RASP_SANDBOX", None)
    else:
        os.environ["RASP_SANDBOX"] = MODES[mode]
    sandbox.bubblewrap_works.cache_clear()
    sandbox.landlock_works.cache_clear()
    start = time.perf_counter()
    engine = Engine(Worker(timeout=60))
    engine.worker.ensure_started()
    return engine, time.perf_counter() - start


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    files = FILES
    starts: dict[str, float] = {}
    engines: dict[str, Engine] = {}
    for mode in MODES:
        engines[mode], starts[mode] = _engine(mode)
    times: dict[str, list[float]] = {mode: [] for mode in MODES}
    for _ in range(rounds):
        for mode in MODES:
            for path in files:
                start = time.perf_counter()
                report = engines[mode].check_file(str(path))
                times[mode].append(time.perf_counter() - start)
                assert all(p.verified_inputs for p in report.programs), report
    for engine in engines.values():
        engine.close()
    print(f"date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(
        f"machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    print(f"{len(files)} library programs x {rounds} rounds, each check in a fresh forked child")
    print(f"{'':28}" + "".join(f"{mode:>12}" for mode in MODES))
    print(f"{'worker start (ms)':28}" + "".join(f"{starts[m] * 1000:12.0f}" for m in MODES))
    medians = {m: statistics.median(times[m]) * 1000 for m in MODES}
    print(f"{'check per file, median (ms)':28}" + "".join(f"{medians[m]:12.1f}" for m in MODES))


if __name__ == "__main__":
    main()
