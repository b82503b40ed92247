"""`--jobs N`: one function per file, over N processes, results in the order of the files.

Each process of the pool holds one `Engine` (so one isolated worker: timeouts, memory caps and
crash recovery per program are the worker's, as with one job), made by the pool's initializer
and closed when the process ends. Processes, not threads: the judge's NumPy forward pass runs
in the front end, so threads would take turns on the GIL. "spawn", not fork: a forked child
would inherit the parent's threads (rich's refresher) and open pipes.

The per-file function is the one `--jobs 1` calls with the command's own engine:
`function(engine, path, *args)`, module-level, plain arguments, picklable result, so the same
function can be sent anywhere that can call it (a Dask cluster, later). Results come back in
input order whatever order they finish in, so output is that of `--jobs 1`.
"""

import atexit
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
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
) -> Iterator[Result]:
    """`function(engine, path, *args)` for each path, yielded in the order of `paths`.

    With one worker (`--jobs 1`, or a single file) it runs here with `engine`; otherwise in a
    pool of processes whose engines are configured like `engine`. A progress bar (`doing`,
    files/s, time left) goes to stderr when it is a terminal and there is more than one file.
    """
    console = Console(stderr=True)
    with _progress(console, len(paths) > 1) as bar:
        task = bar.add_task(doing, total=len(paths))
        count = workers(jobs, len(paths))
        if count == 1:
            for path in paths:
                bar.update(task, description=f"{doing} {path.name}")
                yield function(engine, path, *args)
                bar.advance(task)
            return
        yield from _in_pool(function, paths, args, engine, count, lambda: bar.advance(task))


def _in_pool(
    function: Callable[..., Result],
    paths: Sequence[Path],
    args: tuple,
    engine: Engine,
    count: int,
    finished: Callable[[], None],
) -> Iterator[Result]:
    """The pool's results in input order: each as soon as it and all before it are done (an
    exception too, so the files before a failing one are reported as with one job)."""
    settings = (engine.worker.timeout, engine.worker.memory_mb, engine.defaults)
    pool = ProcessPoolExecutor(
        count,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_start,
        initargs=settings,
    )
    try:
        futures = {pool.submit(_call, function, path, args): i for i, path in enumerate(paths)}
        done: dict[int, Future] = {}
        following = 0
        for future in as_completed(futures):
            done[futures[future]] = future
            finished()
            while following in done:
                yield done.pop(following).result()
                following += 1
    finally:  # an error, or a caller that stops early: files not started are not run
        pool.shutdown(wait=True, cancel_futures=True)


def _start(timeout: float, memory_mb: int, defaults: dict) -> None:
    """Pool initializer: this process's engine, closed (its worker stopped) when it ends."""
    global _engine
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the front end's to handle
    os.dup2(2, 1)  # the command's stdout is the front end's alone: it prints in input order
    _engine = Engine(Worker(timeout=timeout, memory_mb=memory_mb), defaults)
    atexit.register(_engine.close)


def _call(function: Callable[..., Any], path: Path, args: tuple) -> Any:
    assert _engine is not None, "called outside a pool process"
    return function(_engine, path, *args)


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
