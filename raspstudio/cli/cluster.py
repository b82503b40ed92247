"""`--scheduler ADDRESS`: the work of `--jobs`, sent to a Dask distributed cluster.

Dask does the scheduling: futures, `as_completed`, and running again the tasks of a worker
that was lost. This module only cuts the files into batches, one Dask task each, and gives the
results back in file order, so the output is that of `--jobs 1` (`each`); the sampler sends a
task per candidate through the same `Cluster`. A task runs its work through an isolated worker
process on the Dask worker's machine (one `Engine` per Dask worker thread, kept from task to
task), so user code never runs in the Dask worker process itself.

Paths are sent absolute, and each machine reads the files itself: every machine of the
cluster must see them at the same paths (a shared file system, as on a SLURM cluster), and
must have rasp-studio installed (`pip install 'rasp-studio[dask]'`).
"""

import itertools
import math
import sys
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import Any, TypeVar

from raspstudio.cli import jobs
from raspstudio.cli.arguments import UsageError
from raspstudio.engine import Engine
from raspstudio.report import counted

Result = TypeVar("Result")

CONNECT_TIMEOUT = 10.0  # seconds to reach the scheduler before saying it cannot be reached
WORKERS_TIMEOUT = 60.0  # seconds to wait for a cluster with no workers to get one
TASKS_PER_THREAD = 4  # batches per worker thread: small enough to balance, few enough to batch
MAX_BATCH = 32  # files per task at most


def each(
    function: Callable[..., Result],
    paths: Sequence[Path],
    args: tuple,
    engine: Engine,
    address: str,
    finished: Callable[[int], None],
) -> Iterator[Result]:
    """`function(engine, path, *args)` for each path, on the cluster at `address`, yielded in
    the order of `paths`; `finished(n)` is called as each batch of n files comes back."""
    with Cluster(address, engine) as cluster:
        size = _batch_size(len(paths), cluster.threads)
        batches = [[p.absolute() for p in paths[i : i + size]] for i in range(0, len(paths), size)]
        files = {
            cluster.submit(_batch, function, batch, args, files=len(batch)): len(batch)
            for batch in batches
        }
        futures = list(files)  # emptied by in_order: a batch's results are freed once yielded
        for results in jobs.in_order(futures, lambda future: finished(files.pop(future))):
            yield from results


class Cluster:
    """One command's connection to a Dask scheduler: `submit(function, *args)` runs
    `function(engine, *args)` as a Dask task, with the engine of the worker thread that runs
    it, and returns a `concurrent.futures.Future` (so callers treat it as `jobs.Pool`'s).

    A Dask worker lost while it held some of this command's tasks is said on stderr, with how
    many files Dask is running again, and summed up when the command ends well.
    """

    def __init__(self, address: str, engine: Engine) -> None:
        self.client = _connect(address)
        self.settings = jobs.settings(engine)
        self.threads = sum(
            w["nthreads"] for w in self.client.scheduler_info(n_workers=-1)["workers"].values()
        )
        self.run = uuid.uuid4().hex[:8]
        self.count = itertools.count()
        self.lost = _LostWorkers()
        # Subscribed before anything is submitted: a worker lost at once is still heard of.
        self.client.subscribe_topic("all", self.lost.event)

    def submit(self, function: Callable[..., Result], *args: Any, files: int = 1) -> Future:
        key = f"rasp-{self.run}-{next(self.count)}"
        self.lost.files_of[key] = files
        task = self.client.submit(_run, function, args, self.settings, key=key, pure=False)
        done: Future = Future()

        def arrived(task: Any) -> None:  # in Dask's callback thread
            try:
                done.set_result(task.result())
            except Exception as e:  # noqa: BLE001 - any failure of the cluster is one line
                done.set_exception(UsageError(f"the Dask cluster failed: {type(e).__name__}: {e}"))

        task.add_done_callback(arrived)
        return done

    def __enter__(self) -> "Cluster":
        return self

    def __exit__(self, kind: type | None, *_: Any) -> None:
        if kind is None:
            self.lost.summary()
        self.client.close()


def _connect(address: str) -> Any:
    """A client of the scheduler at `address` that has a worker, or a one-line error."""
    try:
        from distributed import Client
        from distributed.comm.addressing import get_address_host_port
    except ImportError:
        raise UsageError("--scheduler needs Dask: pip install 'rasp-studio[dask]'") from None
    try:  # before a Client exists: one made for a malformed address hangs when collected
        get_address_host_port(address)
        client = Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as e:
        raise UsageError(f"cannot reach the Dask scheduler at {address}: {e}") from None
    try:
        client.wait_for_workers(1, timeout=WORKERS_TIMEOUT)
    except TimeoutError:
        client.close()
        raise UsageError(
            f"the Dask scheduler at {address} has no workers (waited {WORKERS_TIMEOUT:g} s); "
            f"start some with `dask worker {address}`"
        ) from None
    return client


def _batch_size(files: int, threads: int) -> int:
    return max(1, min(MAX_BATCH, math.ceil(files / (TASKS_PER_THREAD * max(threads, 1)))))


class _LostWorkers:
    """The scheduler's remove-worker events that concern this run's tasks, said as they come."""

    def __init__(self) -> None:
        self.files_of: dict[str, int] = {}  # task key -> files it runs
        self.rerun = 0
        self.workers: set[str] = set()

    def event(self, event: tuple[float, dict]) -> None:
        _, message = event
        if not isinstance(message, dict) or message.get("action") != "remove-worker":
            return
        keys = {*message.get("processing-tasks", ()), *message.get("lost-computed-tasks", ())}
        files = sum(self.files_of.get(key, 0) for key in keys)
        if not files:
            return
        self.rerun += files
        self.workers.add(message.get("worker", "?"))
        them = "it" if files == 1 else "them"
        print(
            f"rasp: Dask worker {message.get('worker', '?')} was lost with "
            f"{counted(files, 'file')} in hand; Dask is running {them} again",
            file=sys.stderr,
            flush=True,
        )

    def summary(self) -> None:
        if self.rerun:
            print(
                f"rasp: {counted(len(self.workers), 'Dask worker')} lost; "
                f"{counted(self.rerun, 'file')} run again, none lost",
                file=sys.stderr,
                flush=True,
            )


_local = threading.local()  # per Dask worker thread: (settings, engine)


def _run(function: Callable[..., Any], args: tuple, settings: tuple) -> Any:
    """A Dask task: `function(engine, *args)` with this worker thread's engine (made on first
    use, or again when a command's settings differ)."""
    if getattr(_local, "settings", None) != settings:
        if getattr(_local, "engine", None) is not None:
            _local.engine.close()
        _local.engine = jobs.engine_like(settings)
        _local.settings = settings
    return function(_local.engine, *args)


def _batch(engine: Engine, function: Callable[..., Any], paths: list[Path], args: tuple) -> list:
    return [function(engine, path, *args) for path in paths]
