"""`--jobs N`: one function per file, over N processes, results in the order of the files.

Each process of the pool holds one `Engine` (so one isolated worker: timeouts, memory caps and
crash recovery per program are the worker's, as with one job), made by the pool's initializer
and closed when the process ends. Processes, not threads: the judge's NumPy forward pass runs
in the front end, so threads would take turns on the GIL. "spawn", not fork: a forked child
would inherit the parent's threads (rich's refresher) and open pipes.

The per-file function is the one `--jobs 1` calls with the command's own engine:
`function(engine, path, *args)`, module-level, plain arguments, picklable result, so the same
function can be sent anywhere that can call it (a Dask cluster: raspstudio.cli.cluster). Its
result names files by absolute path: the command shows them as users see them, from its own
working folder. Results come back in input order whatever order they finish in, so output is
that of `--jobs 1`.
"""

import atexit
import functools
import multiprocessing
import multiprocessing.connection
import os
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, TypeVar

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from raspstudio.cli.arguments import UsageError
from raspstudio.engine import Engine, Worker

Result = TypeVar("Result")

_engine: Engine | None = None  # the engine of this pool process (None in the front end)


def workers(jobs: int, files: int) -> int:
    """Processes to start: `jobs` (0: one per core), never more than there are files."""
    return max(1, min(jobs or os.cpu_count() or 1, files))


def each(
    function: Callable[..., Result],
    paths: Sequence[Path],
    args: tuple,
    engine: Engine,
    jobs: int,
    doing: str,
    scheduler: str | None = None,
) -> Iterator[Result]:
    """`function(engine, path, *args)` for each path, yielded in the order of `paths`.

    With a Dask `scheduler` address it runs on that cluster (raspstudio.cli.cluster); with one
    worker (`--jobs 1`, or a single file) it runs here with `engine`; otherwise in a pool of
    processes whose engines are configured like `engine`. A progress bar (`doing`, files/s,
    time left) goes to stderr when it is a terminal and there is more than one file.
    """
    one_way(jobs, scheduler)
    console = Console(stderr=True)
    with _progress(console, len(paths) > 1) as bar:
        task = bar.add_task(doing, total=len(paths))
        count = workers(jobs, len(paths))
        if scheduler:
            from raspstudio.cli import cluster  # here: it imports this module

            finished = functools.partial(bar.advance, task)
            yield from cluster.each(function, paths, args, engine, scheduler, finished)
        elif count == 1:
            for path in paths:
                bar.update(task, description=f"{doing} {path.name}")
                yield function(engine, path, *args)
                bar.advance(task)
        else:
            with Pool(engine, count) as pool:
                futures = [pool.submit(function, path, *args) for path in paths]
                yield from in_order(futures, lambda _: bar.advance(task))  # empties `futures`


def one_way(jobs: int, scheduler: str | None) -> None:
    """Refuse `--jobs N` with a scheduler: which of the two would say how many at once?"""
    if scheduler and jobs != 1:
        raise UsageError(
            "--jobs cannot be combined with a Dask scheduler (--scheduler, or "
            "$RASP_DASK_SCHEDULER): the cluster's workers are its jobs"
        )


def in_order(futures: list[Future], finished: Callable[[Future], None]) -> Iterator[Any]:
    """The futures' results in their order: each as soon as it and all before it are done (an
    exception too, so the results before a failing one are reported as with one job).
    `finished(future)` is called as each is done, in any order.

    Pass the list itself, keeping no other reference to it: it is emptied here so that each
    result (a testbed's weights, say) is freed once yielded, not held to the end of the run.
    """
    index = {future: i for i, future in enumerate(futures)}
    futures.clear()
    done: dict[int, Future] = {}
    following = 0
    for future in as_completed(list(index)):
        done[index.pop(future)] = future
        finished(future)
        while following in done:
            yield done.pop(following).result()
            following += 1


class Pool:
    """`function(engine, *args)` calls: run at once here with `engine` when `count` is 1, else
    in `count` processes whose engines are configured like it. `submit` returns a Future either
    way, so a caller that looks ahead (the sampler) is written once for both.

    A process of the pool that dies (killed, or out of memory: the programs themselves run in
    its worker, which may die without harm) ends the command with one line, not a traceback.
    """

    def __init__(self, engine: Engine, count: int) -> None:
        self.engine = engine
        self._executor = None
        if count > 1:
            self._executor = ProcessPoolExecutor(
                count,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start,
                initargs=(settings(engine),),
            )

    def submit(self, function: Callable[..., Result], *args: Any) -> "Future[Result]":
        if self._executor is not None:
            try:
                return self._executor.submit(_call, function, args)
            except (ValueError, OSError) as e:  # a process died while the next one started
                raise BrokenProcessPool(f"the pool broke while starting a process: {e}") from e
        future: Future[Result] = Future()
        try:
            future.set_result(function(self.engine, *args))
        except Exception as e:  # noqa: BLE001 - the caller's .result() raises it, as a pool's would
            future.set_exception(e)
        return future

    def __enter__(self) -> "Pool":
        return self

    def __exit__(self, kind: type | None, error: BaseException | None, _: Any) -> None:
        broken = isinstance(error, BrokenProcessPool)
        if broken:
            # A pool that breaks while it is still starting processes may miss one started
            # meanwhile when it stops them, then wait for it forever: stop them all here.
            for process in multiprocessing.active_children():
                process.kill()
        # An error, or a caller that stops early: calls not started are not run.
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
        if broken:
            raise UsageError(
                "a --jobs process ended unexpectedly (killed, or out of memory?); "
                "nothing after the files reported was checked"
            ) from None


def settings(engine: Engine) -> tuple:
    """What another process needs to make an engine configured like `engine` (plain data)."""
    return (engine.worker.timeout, engine.worker.memory_mb, engine.defaults)


def engine_like(settings: tuple) -> Engine:
    """An engine made from `settings(engine)`, in a pool process or a Dask worker."""
    timeout, memory_mb, defaults = settings
    return Engine(Worker(timeout=timeout, memory_mb=memory_mb), defaults)


def _start(settings: tuple) -> None:
    """Pool initializer: this process's engine, closed (its worker stopped) when it ends."""
    global _engine
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the front end's to handle
    os.dup2(2, 1)  # the command's stdout is the front end's alone: it prints in input order
    threading.Thread(target=_end_with_the_command, daemon=True).start()
    _engine = engine_like(settings)
    atexit.register(_engine.close)


def _end_with_the_command() -> None:
    """End this process as soon as the command's process is gone, however it ended (`kill -9`,
    the OOM killer): the pool's queues would not tell it, since its sibling processes hold
    them open too. Its worker then sees its own pipe close and ends as well."""
    multiprocessing.connection.wait([multiprocessing.parent_process().sentinel])
    os._exit(1)


def _call(function: Callable[..., Any], args: tuple) -> Any:
    assert _engine is not None, "called outside a pool process"
    return function(_engine, *args)


class _Rate(ProgressColumn):
    """Files finished per second (rich's own speed column counts bytes)."""

    def render(self, task: Task) -> Text:
        return Text("" if task.speed is None else f"{task.speed:.1f} files/s")


def _progress(console: Console, wanted: bool) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        _Rate(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
        disable=not (wanted and console.is_terminal),
    )
