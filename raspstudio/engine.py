"""What front ends call: check, run and compile files through the isolated worker.

Nothing here executes user code; it sends requests to the worker and turns its failures
(timeouts, crashes, exceptions escaping user code) into located diagnostics.
"""

from pathlib import Path
from typing import Any

from raspstudio.report import Diagnostic, FileReport, ProgramReport, Span
from raspstudio.worker import Worker, WorkerError

_WORKER_CODES = {"timeout": "RASP106", "crashed": "RASP107", "error": "RASP102"}
_DOING = {"analyze": "evaluating", "verify": "compiling and verifying"}


class Engine:
    def __init__(self, worker: Worker | None = None):
        self.worker = worker or Worker()

    def load(self, path: str, text: str | None = None, overrides: dict | None = None) -> dict:
        """Load a file in the worker; a worker failure becomes a load diagnostic."""
        try:
            return self.worker.request("load", path=path, text=text, overrides=overrides)
        except WorkerError as e:
            return {
                "path": str(Path(path).resolve()),
                "programs": [],
                "diagnostics": [_worker_diagnostic(e, "loading the file", Span(1, 1, 1, 2))],
                "configured": False,
            }

    def check_file(
        self, path: str, text: str | None = None, overrides: dict | None = None
    ) -> FileReport:
        loaded = self.load(path, text, overrides)
        report = FileReport(path=loaded["path"], diagnostics=list(loaded["diagnostics"]))
        if not loaded["configured"]:
            report.programs = [ProgramReport(name, line) for name, line in loaded["programs"]]
            return report
        for name, line in loaded["programs"]:
            program_report = ProgramReport(name, line)
            for op in ("analyze", "verify"):  # each half gets the full timeout
                try:
                    program_report, diagnostics = self.worker.request(op, name=name)
                except WorkerError as e:
                    doing = f"{_DOING[op]} `{name}`"
                    diagnostics = [_worker_diagnostic(e, doing, Span(line, 1, line, 2), name)]
                    if not self.worker.alive:  # a fresh worker must load the file again
                        self.load(path, text, overrides)
                    report.diagnostics.extend(diagnostics)
                    break
                report.diagnostics.extend(diagnostics)
            report.programs.append(program_report)
        report.diagnostics.sort(key=lambda d: (d.span.line, d.span.column, d.code))
        return report

    def run(self, path: str, tokens: list, name: str | None = None, overrides: dict | None = None):
        return self._on_program("run", path, overrides, name=name, tokens=tokens)

    def compile(self, path: str, name: str | None = None, overrides: dict | None = None):
        return self._on_program("compile", path, overrides, name=name)

    def _on_program(self, op: str, path: str, overrides: dict | None, **args: Any) -> Any:
        """Load, then run `op`; returns (result or None, load diagnostics, error message)."""
        loaded = self.load(path, overrides=overrides)
        errors = [d for d in loaded["diagnostics"] if d.severity == "error"]
        if errors:
            return None, loaded["diagnostics"], None
        try:
            return self.worker.request(op, **args), loaded["diagnostics"], None
        except WorkerError as e:
            return None, loaded["diagnostics"], e.message

    def close(self) -> None:
        self.worker.close()


def _worker_diagnostic(
    e: WorkerError, doing: str, span: Span, program: str | None = None
) -> Diagnostic:
    code = _WORKER_CODES[e.kind]
    if e.kind == "timeout":
        message = f"{doing} {e.message}"
    elif e.kind == "crashed":
        message = f"the worker process died while {doing}: {e.message}"
    else:
        message = f"an exception escaped while {doing}: {e.message}"
    return Diagnostic(code, message, e.span or span, program=program)
