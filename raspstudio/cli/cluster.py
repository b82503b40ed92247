"""`--scheduler ADDRESS`: the per-file work of `--jobs`, sent to a Dask distributed cluster.

Dask does the scheduling: futures, `as_completed`, and running again the tasks of a worker
that was lost. This module only cuts the files into batches, one Dask task each, and gives the
results back in file order, so the output is that of `--jobs 1`. A task runs its batch
through an isolated worker process on the Dask worker's machine (one `Engine` per Dask worker
thread, kept from task to task), so user code never runs in the Dask worker process itself.

Paths are sent absolute, and each machine reads the files itself: every machine of the
cluster must see them at the same paths (a shared file system, as on a SLURM cluster), and
must have rasp-studio installed (`pip install 'rasp-studio[dask]'`).
"""

import math
import sys
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

from raspstudio.cli.arguments import UsageError
from raspstudio.engine import Engine, Worker
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
    the order of `paths`; `finished(n)` is called as each batch of n files comes back.

    A Dask worker lost while running a batch is said on stderr, once per worker, with how many
    files Dask is running again elsewhere.
    """
    client = _connect(address)
    try:
        settings = (engine.worker.timeout, engine.worker.memory_mb, engine.defaults)
        size = _batch_size(len(paths), _threads(client))
        batches = [[p.absolute() for p in paths[i : i + size]] for i in range(0, len(paths), size)]
        run = uuid.uuid4().hex[:8]
        keys = [f"rasp-{run}-{i}" for i in range(len(batches))]
        # Subscribed before anything is submitted: a worker lost at once is still heard of.
        lost = _LostWorkers({key: len(batch) for key, batch in zip(keys, batches, strict=True)})
        client.subscribe_topic("all", lost.event)
        futures = {
            client.submit(run_batch, function, batch, args, settings, key=key, pure=False): i
            for i, (key, batch) in enumerate(zip(keys, batches, strict=True))
        }
        yield from _in_order(futures, finished, client)
        lost.summary()
    finally:
        client.close()


def _in_order(futures: dict, finished: Callable[[int], None], client: Any) -> Iterator[Any]:
    """Each batch's results, batches in order; a batch's data leaves the cluster once read."""
    from distributed import as_completed

    done: dict[int, list] = {}
    following = 0
    for future in as_completed(list(futures), loop=client.loop):
        index = futures.pop(future)
        try:
            done[index] = future.result()
        except Exception as e:  # noqa: BLE001 - any failure of the cluster is one line
            raise UsageError(f"the Dask cluster failed: {type(e).__name__}: {e}") from None
        future.release()
        finished(len(done[index]))
        while following in done:
            yield from done.pop(following)
            following += 1


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


def _threads(client: Any) -> int:
    return sum(w["nthreads"] for w in client.scheduler_info(n_workers=-1)["workers"].values())


def _batch_size(files: int, threads: int) -> int:
    return max(1, min(MAX_BATCH, math.ceil(files / (TASKS_PER_THREAD * max(threads, 1)))))


class _LostWorkers:
    """The scheduler's remove-worker events that concern this run's tasks, said as they come."""

    def __init__(self, files_of: dict[str, int]) -> None:
        self.files_of = files_of
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


def run_batch(
    function: Callable[..., Any], paths: list[Path], args: tuple, settings: tuple
) -> list:
    """A Dask task: `function(engine, path, *args)` for each path, with this thread's engine
    (made on first use, or again when the command's settings differ)."""
    if getattr(_local, "settings", None) != settings:
        if getattr(_local, "engine", None) is not None:
            _local.engine.close()
        timeout, memory_mb, defaults = settings
        _local.engine = Engine(Worker(timeout=timeout, memory_mb=memory_mb), defaults)
        _local.settings = settings
    return [function(_local.engine, path, *args) for path in paths]
