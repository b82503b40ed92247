"""A REPL session held in the worker (`raspstudio.worker.repl_session`), asked for by name.

It remembers what the session is made of (the inputs that succeeded, the loaded file, the
settings), so that when the worker has to be killed (a hang that ignored the interrupt, a
crash) a fresh one is brought back to the same state by replaying them. How to wait for a
reply is the front end's choice (`wait`): the terminal REPL waits so that Ctrl-C cancels.
"""

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from raspstudio.engine.worker_client import Worker, WorkerError
from raspstudio.report import Diagnostic, FileReport, Outcome, ProgramReport

Wait = Callable[[Callable[[], Any], Callable[[], None]], Any]  # (call, cancel) -> call's result


@dataclass(frozen=True)
class Step:
    """One thing that made the session, in order: statements that ran, or a file loaded."""

    source: str  # the statements; for a load, the file's text when it was loaded
    loaded: str | None = None  # for a load: the file's path


@dataclass
class SessionState:
    settings: dict[str, Any] = field(default_factory=dict)  # vocab, max_seq_len
    example: list | None = None
    loaded: str | None = None  # the last loaded file (:reload loads it again)
    steps: list[Step] = field(default_factory=list)  # replayed in this order; :save writes them


def _call(call: Callable[[], Any], cancel: Callable[[], None]) -> Any:
    return call()


class ReplSession:
    def __init__(self, worker: Worker | None = None, wait: Wait = _call):
        self.worker = worker or Worker()
        self.wait = wait
        self.state = SessionState()
        self.names: dict[str, list[str]] = {"scope": ["lib", "rasp"]}
        self.replayed = 0  # inputs replayed into a fresh worker by the last request
        self._starting: threading.Thread | None = None

    def start_in_background(self) -> None:
        """Start the worker (tracr's import takes a while) without holding up the prompt."""
        self._starting = threading.Thread(target=self.restart, daemon=True)
        self._starting.start()

    def restart(self) -> None:
        """A fresh session: nothing defined, no settings."""
        self.state = SessionState()
        self.names = self.worker.request("repl_start", settings={}, example=None)

    # -- what the REPL asks ------------------------------------------------------------------------

    def execute(self, source: str) -> Outcome:
        """Run one input; what of it ran (all of it, or the statements before an error) is
        kept for replay and :save."""
        outcome = self._request("repl_execute", source=source)
        if outcome.ran:
            self.state.steps.append(Step(outcome.ran))
        self.names = self._request("repl_names")
        return outcome

    def configure(self, settings: dict[str, Any], example: list | None) -> dict[str, Any]:
        """Set the vocabulary, max_seq_len and running example; returns them as resolved."""
        resolved = self._request("repl_configure", settings=settings, example=example)
        self.state.settings, self.state.example = settings, example
        return resolved

    def load(self, path: str) -> FileReport:
        """Load a program file into the session: its definitions, settings and verdicts
        (judged here, as a file's are)."""
        path = str(Path(path).resolve())  # the worker runs in a folder of its own
        report, took_over = self._request("repl_load", path=path)
        self.state.loaded = path
        try:
            self.state.steps.append(Step(Path(path).read_text(encoding="utf-8"), path))
        except (OSError, UnicodeDecodeError):  # it loaded, but it is gone or not text now
            self.state.steps.append(Step("", path))
        if took_over:  # the file's vocabulary, length and example replace the session's
            self.state.settings, self.state.example = {}, None
        self.names = self._request("repl_names")
        for i, program in enumerate(report.programs):
            report.programs[i], found = self._judged(program.name, program.line, loaded=True)
            report.diagnostics += found
        return report

    def settings(self) -> dict[str, Any]:
        """The resolved vocab, max_seq_len and running example."""
        return self._request("repl_settings")

    def run(self, name: str, tokens: list) -> dict[str, Any]:
        """Interpreter and compiled outputs on one input; the compiled one is run here."""
        from raspstudio.judge import verdict  # NumPy: loaded on the first run

        return verdict.run_one(self._request("repl_run", name=name, tokens=tokens))

    def check(self, name: str) -> tuple[ProgramReport, list[Diagnostic]]:
        """A session program's verdict, judged here from the worker's evidence."""
        return self._judged(name, 1)

    def layers(self, name: str) -> dict[str, Any]:
        return self._request("repl_layers", name=name)

    def trace(self, name: str, tokens: list) -> str:
        return self._request("repl_trace", name=name, tokens=tokens)

    def plot(
        self, name: str, tokens: list, path: str, timeout: float | None = None
    ) -> tuple[int, int]:
        """Draw the residual stream and attention to the PNG `path`; returns its size."""
        drawn = self._request("repl_plot", timeout, name=name, tokens=tokens)
        Path(path).write_bytes(drawn["png"].tobytes())
        return drawn["width"], drawn["height"]

    def cancel(self) -> None:
        self.worker.cancel()

    def close(self) -> None:
        self.worker.close()

    # -- the worker behind it ----------------------------------------------------------------------

    def _request(self, op: str, timeout: float | None = None, **args: Any) -> Any:
        """Send `op`; a worker that died is replaced and the session replayed into it."""
        if self._starting is not None:
            self._starting.join()
            self._starting = None
        self.replayed = 0
        try:
            return self.wait(lambda: self.worker.request(op, timeout, **args), self.worker.cancel)
        except WorkerError as e:
            if e.kind == "crashed" or not self.worker.alive:  # the session's state is gone
                self._replay()
            raise

    def _judged(
        self, name: str, line: int, loaded: bool = False
    ) -> tuple[ProgramReport, list[Diagnostic]]:
        """Analyse, compile and judge one program (engine/judging.py); errors before
        compiling stop there, as in a file's check."""
        from raspstudio.engine import judging

        def ask(op: str, **args: Any) -> Any:
            return self._request(op, **args)

        program, found, evidence = judging.analyze(ask, name, line, "repl_analyze", loaded=loaded)
        if any(d.severity == "error" for d in found):
            return program, found
        program, more, _ = judging.verify(ask, name, evidence, self.worker.timeout)
        return program, found + more

    def _replay(self) -> None:
        """Bring a fresh worker to the session's state: its steps in order (a load merges a
        file's definitions into what was there), then the settings chosen since the last load
        that took over (a load's own settings, if none were)."""
        state = self.state
        self.worker.request("repl_start", settings={}, example=None)
        for step in state.steps:
            if step.loaded is None:
                self.worker.request("repl_execute", source=step.source)
            else:
                self.worker.request("repl_load", path=step.loaded)
        if state.settings or state.example is not None:
            self.worker.request("repl_configure", settings=state.settings, example=state.example)
        self.replayed = sum(step.loaded is None for step in state.steps)
