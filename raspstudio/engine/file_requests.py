"""What front ends call: check, run and compile files through the isolated worker.

Nothing here executes user code; it sends requests to the worker and turns its failures
(timeouts, crashes, exceptions escaping user code) into located diagnostics. Verdicts are
decided here, by the judge (`raspstudio.judge`), from the evidence the worker hands over: the
worker runs the file, so it never says itself whether the file is right.
"""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from raspstudio.engine import judging, noqa
from raspstudio.engine.worker_client import Worker, WorkerError
from raspstudio.evidence import Evidence, FastModel
from raspstudio.report import Diagnostic, FileReport, ProgramReport, Span

_WORKER_CODES = {
    "timeout": "RASP106",
    "cancelled": "RASP106",
    "crashed": "RASP107",
    "error": "RASP102",
}
_DOING = {"analyze": "evaluating", "verify": "compiling and verifying"}


class Engine:
    def __init__(self, worker: Worker | None = None, defaults: dict | None = None):
        self.worker = worker or Worker()
        # Configuration below the file's own (an editor's default vocab, say): config.py.
        self.defaults = defaults or {}
        # The models verified by the last check, by name, with the evidence they agreed with.
        self._judged: dict[str, tuple[FastModel, bool, Evidence]] = {}

    def load(
        self,
        path: str,
        text: str | None = None,
        overrides: dict | None = None,
        siblings: bool = True,
    ) -> dict:
        """Load a file in the worker; a worker failure becomes a load diagnostic.

        `siblings`: whether modules beside the file may be imported (its folder at the end of
        the worker's `sys.path`); drafts are loaded without (they need no helper modules).
        """
        try:
            return self.worker.request(
                "load",
                path=str(Path(path).resolve()),  # the worker runs in a folder of its own
                text=text,
                overrides=overrides,
                defaults=self.defaults,
                siblings=siblings,
            )
        except WorkerError as e:
            return {
                "path": str(Path(path).resolve()),
                "programs": [],
                "diagnostics": [_worker_diagnostic(e, "loading the file", Span(1, 1, 1, 2))],
                "configured": False,
            }

    def check_file(
        self,
        path: str,
        text: str | None = None,
        overrides: dict | None = None,
        siblings: bool = True,
        only: str | None = None,
    ) -> FileReport:
        """Every diagnostic for a file (for its program `only`, if given): the last of
        `check_steps`."""
        *_, report = self.check_steps(path, text, overrides, siblings=siblings, only=only)
        return report

    def check_steps(
        self,
        path: str,
        text: str | None = None,
        overrides: dict | None = None,
        example: list | None = None,
        views: bool = False,
        siblings: bool = True,
        only: str | None = None,
    ) -> Iterator[FileReport]:
        """The file's report after each stage, so editors can show cheap results first.

        Yields after loading, after the analysis of every program (validation, evaluation,
        reference, warnings), then after each program's compilation and verification. Each
        report holds everything found so far. With `views`, each program's ProgramView on the
        running example `example` (else the file's) is refreshed along the way. `siblings`: see
        `load`.
        """
        loaded = self.load(path, text, overrides, siblings)
        if only is not None:  # one program of the file; its load diagnostics still count
            loaded["programs"] = [p for p in loaded["programs"] if p[0] == only]
        report = FileReport(path=loaded["path"])
        lines = noqa.source_lines(report.path, text)
        report.diagnostics = noqa.without_silenced(loaded["diagnostics"], lines)
        report.programs = [ProgramReport(name, line) for name, line in loaded["programs"]]
        yield report
        if not loaded["configured"]:
            return
        self._judged.clear()
        evidence: dict[str, Evidence] = {}
        failed: set[str] = set()  # programs the worker failed on, or with errors before compiling
        analysed: set[str] = set()  # programs whose analysis the worker still holds
        for op in ("analyze", "verify"):
            for i, (name, line) in enumerate(loaded["programs"]):
                if name in failed:
                    continue
                try:  # each request gets the full timeout
                    if op == "analyze":
                        program, diagnostics, evidence[name] = self._analyze(name, line)
                        if any(d.severity == "error" for d in diagnostics):
                            failed.add(name)  # nothing to compile: the verdict is already no
                    else:
                        if name not in analysed:  # a restarted worker forgot it: again, quietly
                            evidence[name] = self._analyze(name, line)[2]
                        program, diagnostics = self._verify(name, evidence[name])
                    analysed.add(name)
                    report.programs[i] = program
                    if views:
                        report.views[name] = self.worker.request(
                            "describe", name=name, example=example
                        )
                except WorkerError as e:
                    doing = f"{_DOING[op]} `{name}`"
                    diagnostics = [_worker_diagnostic(e, doing, Span(line, 1, line, 2), name)]
                    if e.kind == "timeout" and name in evidence:
                        diagnostics[0].message += _space(report.programs[i], evidence[name])
                    failed.add(name)
                    if e.kind == "crashed" or not self.worker.alive:  # a fresh state: load again
                        self.load(path, text, overrides, siblings)
                        analysed.clear()
                report.diagnostics += noqa.without_silenced(diagnostics, lines)
                report.diagnostics.sort(key=_in_file_order)
                yield report

    def _analyze(self, name: str, line: int) -> tuple[ProgramReport, list[Diagnostic], Evidence]:
        return judging.analyze(self._ask, name, line)

    def _verify(self, name: str, evidence: Evidence) -> tuple[ProgramReport, list[Diagnostic]]:
        program, found, model = judging.verify(self._ask, name, evidence, self.worker.timeout)
        if model is not None:
            self._judged[name] = (model, program.complete, evidence)
        return program, found

    def _ask(self, op: str, **args: Any) -> Any:
        return self.worker.request(op, **args)

    def run(
        self,
        path: str,
        tokens: list | None,
        name: str | None = None,
        overrides: dict | None = None,
        text: str | None = None,
    ) -> tuple[Any, list[Diagnostic], str | None]:
        """Interpreter and compiled outputs on one input (None: the file's first EXAMPLES);
        the compiled one is run here."""
        from raspstudio.judge import verdict

        result, diagnostics, error = self._on_program(
            "run", path, text, overrides, name=name, tokens=tokens
        )
        if isinstance(result, dict):
            result = verdict.run_one(result)
        return result, diagnostics, error

    def compile(
        self,
        path: str,
        name: str | None = None,
        overrides: dict | None = None,
        text: str | None = None,
    ) -> tuple[Any, list[Diagnostic], str | None]:
        return self._on_program("compile", path, text, overrides, name=name)

    def evaluate(
        self,
        path: str,
        text: str,
        inputs: list[list],
        name: str | None = None,
        overrides: dict | None = None,
        siblings: bool = True,
    ) -> tuple[Any, list[Diagnostic], str | None]:
        """The interpreter's output on each input: [("ok", output) | ("error", why)]."""
        return self._on_program(
            "evaluate", path, text, overrides, siblings, name=name, inputs=inputs
        )

    def describe(
        self,
        path: str,
        text: str,
        example: list,
        name: str | None = None,
        overrides: dict | None = None,
        siblings: bool = True,
    ) -> tuple[Any, list[Diagnostic], str | None]:
        """The program's ProgramView: every operation's value on `example`."""
        return self._on_program(
            "describe", path, text, overrides, siblings, name=name, example=example
        )

    def export(self, name: str) -> dict[str, Any]:
        """The testbed of a program `check_file` just verified: the judged weights and encodings,
        with the worker's ground-truth map of what each part computes, and `examples`: every
        input the model was verified on, with the output it agreed with (None where the
        interpreter leaves a position undefined)."""
        if name not in self._judged:
            raise WorkerError(f"program {name!r} has not been verified")
        model, complete, evidence = self._judged[name]
        testbed = self.worker.request("export", name=name)
        testbed["model"]["complete"] = complete
        testbed["arrays"] = model.named_arrays()
        rows = [i for i, out in enumerate(evidence.outputs) if out is not None]
        testbed["examples"] = {
            "inputs": [evidence.inputs[i] for i in rows],
            "outputs": [evidence.outputs[i] for i in rows],
        }
        testbed["model"]["input_encoding"] = [
            [t, i] for t, i in model.input_encoder.encoding_map.items()
        ]
        if model.categorical_output:
            decoding = [[i, v] for v, i in model.output_encoder.encoding_map.items()]
            testbed["model"]["output"]["decoding"] = decoding
        return testbed

    def reference_outputs(
        self, path: str, text: str, inputs: list[list], siblings: bool = True
    ) -> list[tuple[str, Any]]:
        """What the file's `reference` gives on each input (the file needs no program)."""
        self.load(path, text, siblings=siblings)
        try:
            return self.worker.request("reference_outputs", inputs=inputs)
        except WorkerError as e:
            return [("error", f"`reference` {e.message}")] * len(inputs)

    def _on_program(
        self,
        op: str,
        path: str,
        text: str | None,
        overrides: dict | None,
        siblings: bool = True,
        **args: Any,
    ) -> tuple[Any, list[Diagnostic], str | None]:
        """Load, then run `op`; returns (result or None, load diagnostics, error message)."""
        loaded = self.load(path, text, overrides, siblings)
        errors = [d for d in loaded["diagnostics"] if d.severity == "error"]
        if errors:
            return None, loaded["diagnostics"], None
        try:
            return self.worker.request(op, **args), loaded["diagnostics"], None
        except WorkerError as e:
            return None, loaded["diagnostics"], e.message

    def close(self) -> None:
        self.worker.close()


def _in_file_order(d: Diagnostic) -> tuple:
    """Where the diagnostic shows in the checked file first (a helper module's at its call)."""
    return (d.anchor.line, d.anchor.column, d.span.line, d.span.column, d.code)


def _space(program: ProgramReport, evidence: Evidence) -> str:
    """How many inputs a program that ran out of time was being checked on."""
    run = len(evidence.inputs)
    if not program.space:
        return f"; it was checked on {run:,} inputs"
    if program.sampled:
        return (
            f"; its input space has {program.space:,} inputs, of which {run:,} are run "
            "(--max-inputs sets how many)"
        )
    return f"; all {run:,} inputs of its input space are run (--max-inputs caps them)"


def _worker_diagnostic(
    e: WorkerError, doing: str, span: Span, program: str | None = None
) -> Diagnostic:
    code = _WORKER_CODES[e.kind]
    if e.kind in ("timeout", "cancelled"):
        message = f"{doing} {e.message}"
    elif e.kind == "crashed":
        message = f"the worker process died while {doing}: {e.message}"
    else:
        message = f"an exception escaped while {doing}: {e.message}"
    return Diagnostic(code, message, e.span or span, program=program)
