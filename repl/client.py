"""The REPL's side of the session: every request goes to the worker (raspstudio/session.py).

It remembers what the session is made of (the inputs that succeeded, the loaded file, the
settings), so that when the worker has to be killed (a hang that ignored the interrupt, a
crash) a fresh one is brought back to the same state by replaying them. Ctrl-C while waiting
interrupts the request, as a timeout does, and the session goes on.
"""

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from raspstudio.worker import Worker, WorkerError


@dataclass
class SessionState:
    settings: dict[str, Any] = field(default_factory=dict)  # vocab, max_seq_len
    example: list | None = None
    loaded: str | None = None  # the last :load-ed file
    sources: list[str] = field(default_factory=list)  # inputs that ran without error


class SessionClient:
    def __init__(self, worker: Worker | None = None):
        self.worker = worker or Worker()
        self.state = SessionState()
        self.names: dict[str, list[str]] = {"scope": ["lib", "rasp"]}
        self.replayed = 0  # inputs replayed into a fresh worker by the last request
        self._starting: threading.Thread | None = None

    def start_in_background(self) -> None:
        """Start the worker (tracr's import takes a while) without holding up the prompt."""
        self._starting = threading.Thread(target=self._start, daemon=True)
        self._starting.start()

    def _start(self) -> None:
        self.names = self.worker.request("repl_start", settings={}, example=None)

    def request(self, op: str, **args: Any) -> Any:
        """Send `op`; Ctrl-C interrupts it; a worker that died is replaced and replayed."""
        if self._starting is not None:
            self._starting.join()
            self._starting = None
        self.replayed = 0
        try:
            return interruptible(lambda: self.worker.request(op, **args), self.worker.cancel)
        except WorkerError:
            if not self.worker.alive:
                self._replay()
            raise

    def _replay(self) -> None:
        state = self.state
        self.worker.request("repl_start", settings=state.settings, example=state.example)
        if state.loaded:
            self.worker.request("repl_load", path=state.loaded)
        for source in state.sources:
            self.worker.request("repl_execute", source=source)
        self.replayed = len(state.sources)

    def refresh_names(self) -> None:
        self.names = self.request("repl_names")

    def close(self) -> None:
        self.worker.close()


def interruptible(call: Callable[[], Any], cancel: Callable[[], None]) -> Any:
    """Run `call` in a thread, so that Ctrl-C here calls `cancel` (stop the worker) instead."""
    result: dict[str, Any] = {}
    done = threading.Event()  # not Thread.join: a Ctrl-C inside join can leave it confused

    def run() -> None:
        try:
            result["value"] = call()
        except BaseException as e:  # noqa: BLE001 - handed back to the caller below
            result["error"] = e
        finally:
            done.set()

    threading.Thread(target=run, daemon=True).start()
    while not done.is_set():
        try:
            done.wait(0.1)
        except KeyboardInterrupt:
            cancel()
    if "error" in result:
        raise result["error"]
    return result["value"]
