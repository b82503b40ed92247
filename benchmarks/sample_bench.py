"""Samples per second and the rejection rate of `rasp sample`, and why candidates were rejected.

Runs the command as users do (a fresh worker, the sandbox, files written), so the figure
includes start-up; the rate is for N kept samples over the whole run's wall-clock time.

    .venv/bin/python benchmarks/sample_bench.py [N] [--seed S]     (default 100, seed 1)
"""

import argparse
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RASP = Path(sys.executable).parent / "rasp"


def main(count: int, seed: int) -> None:
    print(f"python {platform.python_version()} on {platform.machine()}, {platform.node()}")
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "samples"
        start = time.perf_counter()
        result = subprocess.run(
            [str(RASP), "sample", str(count), "--seed", str(seed), "-o", str(out)],
            capture_output=True,
            text=True,
            check=True,
        )
        seconds = time.perf_counter() - start
    print(result.stdout.strip())
    print(f"{count} samples in {seconds:.1f} s: {count / seconds:.1f} samples/s")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", nargs="?", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    main(args.count, args.seed)
