"""A small pool of engines, so that one slow document does not hold up the others.

A worker serves one request at a time, and a program may loop until the timeout (10 s by
default). With one worker for everything, every other file waited for it. Each lane here is an
engine with a worker process of its own and the one thread that drives it. There are `LANES`
(2) of them: each worker holds tracr, jax and NumPy in memory (a few hundred MB), so the pool
stays small and bounded; one stuck document leaves a lane free for the rest. Two stuck ones
would fill both, until the timeout or a newer version stops them.

A document's calls go to the lane already busy with it, so its checks stay in order; otherwise
to the lane with the least work queued (the first on a tie).
"""

import asyncio
import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from raspstudio.engine import judging
from raspstudio.engine.file_requests import Engine

LANES = 2
_IMPORTING = threading.Lock()


def _import_the_judge() -> None:
    """Each lane's thread, as it starts: what the engine imports on first use, one thread at
    a time (judging.load_the_judge)."""
    with _IMPORTING:
        judging.load_the_judge()


class Lane:
    """One engine and the thread that drives it."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.thread = ThreadPoolExecutor(
            1, thread_name_prefix="rasp-engine", initializer=_import_the_judge
        )
        self.jobs: Counter[str | None] = Counter()  # calls queued or running, by document
        self.running: object | None = None  # the call the thread is running

    async def run(self, uri: str | None, fn: Callable[..., Any], *args: Any) -> Any:
        """`fn(engine, *args)` in this lane's thread, after what is queued there.

        Cancelling the awaiting task (a client's `$/cancelRequest`) drops the call if it has not
        started, and stops its worker request if it has.
        """
        call = object()

        def run() -> Any:
            self.running = call
            try:
                return fn(self.engine, *args)
            finally:
                self.running = None

        self.jobs[uri] += 1
        try:
            return await asyncio.get_running_loop().run_in_executor(self.thread, run)
        except asyncio.CancelledError:
            if self.running is call:
                self.engine.worker.cancel()
            raise
        finally:
            self.jobs[uri] -= 1
            if not self.jobs[uri]:
                del self.jobs[uri]


class Lanes:
    def __init__(self, make_engine: Callable[[], Engine], count: int = LANES):
        self.all = [Lane(make_engine()) for _ in range(count)]

    def for_document(self, uri: str | None) -> Lane:
        """The lane busy with `uri` if any, else the least busy."""
        if uri is not None:
            for lane in self.all:
                if lane.jobs[uri]:
                    return lane
        return min(self.all, key=lambda lane: lane.jobs.total())
