"""A real Dask cluster on 127.0.0.1 for the tests and benchmarks of `--scheduler`: Dask's own
`dask scheduler` and `dask worker` commands, as a user starts them on their machines."""

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from distributed import Client

DASK = Path(sys.executable).parent / "dask"
GUARD = 180  # seconds: a failure guard for the cluster's start, not a measure


@contextmanager
def local_cluster(folder: Path) -> Iterator[tuple[str, dict[str, subprocess.Popen]]]:
    """A scheduler and two single-thread workers named w0 and w1 (no nanny: a killed worker
    stays dead), stopped on exit."""
    started: list[subprocess.Popen] = []

    def start(*args: str) -> subprocess.Popen:
        log = (folder / f"{args[0]}-{len(started)}.log").open("w")
        process = subprocess.Popen(
            [str(DASK), *args], stdout=log, stderr=log, start_new_session=True
        )
        started.append(process)
        return process

    file = folder / "scheduler.json"
    try:
        start("scheduler", "--host", "127.0.0.1", "--port", "0", "--scheduler-file", str(file))
        address = _address(file)
        workers = {
            name: start("worker", address, "--name", name, "--nthreads", "1", "--no-nanny")
            for name in ("w0", "w1")
        }
        with Client(address, timeout=GUARD) as client:
            client.wait_for_workers(2, timeout=GUARD)
        yield address, workers
    finally:
        for process in started:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _address(file: Path) -> str:
    """The scheduler's address, once it has written its whole scheduler file."""
    deadline = time.monotonic() + GUARD
    while time.monotonic() < deadline:
        try:
            return json.loads(file.read_text())["address"]
        except (OSError, ValueError, KeyError):
            time.sleep(0.05)
    raise AssertionError(f"the Dask scheduler wrote no {file} in {GUARD} s")
