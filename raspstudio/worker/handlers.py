"""What the worker process does for each request. Runs user code: never import this in a front end.

The worker keeps the last loaded file, so a front end loads once and then checks, runs or
compiles its programs one request at a time (each request has its own timeout).
"""

from pathlib import Path
from typing import Any

from tracr.rasp import rasp

from raspstudio.config import Config
from raspstudio.evidence import Evidence, ModelEvidence
from raspstudio.pipeline import check
from raspstudio.pipeline.load import LoadedFile, Program, load_file
from raspstudio.pipeline.probe import (
    RequestError,
    checked_input,
    interpret,
    layers,
    run_on_input,
)
from raspstudio.pipeline.spans import traceback_span
from raspstudio.report import Diagnostic, ProgramReport, ProgramView
from raspstudio.worker import analysed, repl_session
from raspstudio.worker.testbed import testbed
from raspstudio.worker.views import describe_program

__all__ = ["HANDLERS", "RequestError", "current_path", "traceback_span"]  # for __main__.py

_state: dict[str, LoadedFile] = {}


def current_path(op: str) -> str:
    """Where request `op`'s user code lives: frames there locate its errors and interrupts."""
    if op in repl_session.HANDLERS:
        return repl_session.current_file()
    loaded = _state.get("file")
    return loaded.path if loaded else ""


def load(
    path: str,
    text: str | None = None,
    overrides: dict | None = None,
    defaults: dict | None = None,
    siblings: bool = True,
) -> dict:
    analysed.checks.clear()
    _state["file"] = LoadedFile(path=str(Path(path).resolve()))  # so interrupts can be located
    loaded = load_file(path, text, overrides, defaults, siblings)
    _state["file"] = loaded
    return {
        "path": loaded.path,
        "programs": [(p.name, p.span.line) for p in loaded.programs],
        "diagnostics": loaded.diagnostics,
        "configured": loaded.config is not None,
    }


def _program(name: str | None) -> tuple[LoadedFile, Program]:
    loaded = _state.get("file")
    if loaded is None:
        raise RequestError("no file loaded")
    if loaded.config is None:
        raise RequestError("the file is not configured (see its diagnostics)")
    names = [p.name for p in loaded.programs]
    if name is None:
        if not loaded.programs:
            raise RequestError("the file defines no program")
        return loaded, loaded.programs[0]
    for p in loaded.programs:
        if p.name == name:
            return loaded, p
    raise RequestError(f"no program named {name!r}; the file defines: {', '.join(names) or 'none'}")


def analyze(name: str) -> tuple[ProgramReport, list[Diagnostic], Evidence]:
    """Validate and evaluate one program; keeps the result for `verify`.

    Returns the findings and the evidence the judge (in the front end) decides from.
    """
    loaded, program = _program(name)
    result = analysed.checks[name] = check.analyze_program(program, loaded.config, loaded.reference)
    return result.report, result.diagnostics, result.evidence


def verify(name: str) -> tuple[ProgramReport, list[Diagnostic], ModelEvidence | None]:
    """Compile the analysed program: the new diagnostics, and the model for the judge."""
    result = analysed.get(name)
    found = check.compile_checked(result)
    sampled = result.report.sampled
    evidence = check.model_evidence(result, sampled) if result.compiled else None
    return result.report, found, evidence


def trace(name: str, row: int) -> list:
    """Each operation's interpreter value on input `row`, for the judge to locate a mismatch."""
    result = analysed.get(name)
    if not result.operations or not 0 <= row < len(result.evaluation.inputs):
        raise RequestError(f"no compiled operations or no input {row} for {name!r}")
    return check.operation_values(result, row)


def witness(name: str, label: str, values: list) -> dict | None:
    """An input reaching `values` at operation `label`'s inputs, for the judge (blocks.py)."""
    return check.witness(analysed.get(name), label, values)


def search(name: str) -> list[Diagnostic]:
    """Errors and None outputs on skewed inputs, for a selector the proof left open."""
    return check.search(analysed.get(name))


def hint(name: str, label: str, row: int) -> list[Diagnostic]:
    """RASP603 for the operation the judge blamed, if an approximation explains it."""
    return check.approximation_hint(analysed.get(name), label, row)


def describe(name: str, example: list | None = None) -> ProgramView:
    """Values on the running example and, once verified, value sets and layer placements."""
    loaded, program = _program(name)
    checked = analysed.checks.get(name)
    compiled = checked.compiled if checked else None
    return describe_program(name, program.sop, loaded.config, example, compiled)


def export(name: str) -> dict[str, Any]:
    """The testbed of a program this worker has just checked and verified (testbed.py)."""
    loaded, program = _program(name)
    checked = analysed.checks.get(name)
    if checked is None or checked.compiled is None:
        raise RequestError(f"program {name!r} has not been compiled and verified")
    spec = ((loaded.namespace or {}).get("__doc__") or "").strip().split("\n")[0]
    return testbed(program, loaded.config, checked.compiled, spec)


def run(name: str | None, tokens: list | None) -> dict[str, Any]:
    """Interpreter and compiled-model outputs for one input (the file's first EXAMPLES
    input when none is given), and whether they agree; or, under "input_error", why the
    program cannot run on that input (a mistake in the request, not in the program)."""
    loaded, program = _program(name)
    if tokens is None and not loaded.config.examples:
        return {"program": program.name, "input_error": "the file has no EXAMPLES to run"}
    tokens = list(loaded.config.examples[0]) if tokens is None else tokens
    try:
        checked_input(tokens, loaded.config)
    except RequestError as e:
        return {"program": program.name, "input": tokens, "input_error": str(e)}
    return run_on_input(program.name, program.sop, loaded.config, tokens)


def evaluate(name: str | None, inputs: list[list]) -> list[tuple[str, Any]]:
    """The interpreter's output on each input: ("ok", output) or ("error", why not)."""
    loaded, program = _program(name)
    return [_outcome(program.sop, loaded.config, xs) for xs in inputs]


def reference_outputs(inputs: list[list]) -> list[tuple[str, Any]]:
    """The loaded file's `reference` on each input: ("ok", output) or ("error", why not)."""
    loaded = _state.get("file")
    if loaded is None or loaded.reference is None:
        raise RequestError("the loaded file defines no `reference` function")
    results = []
    for xs in inputs:
        try:
            results.append(("ok", list(loaded.reference(list(xs)))))
        except Exception as e:  # noqa: BLE001 - any failure of user code is reported
            results.append(("error", f"reference({xs}) raised {type(e).__name__}: {e}"))
    return results


def _outcome(sop: rasp.SOp, config: Config, xs: list) -> tuple[str, Any]:
    try:
        output, failure = interpret(sop, config, xs)
    except RequestError as e:
        return "error", str(e)
    return ("error", failure) if failure else ("ok", output)


def compile(name: str | None) -> dict[str, Any]:
    """The layer table of one program, or why it does not compile."""
    loaded, program = _program(name)
    return layers(program.name, program.sop, loaded.config)


# Our own program, checked once by the zygote before it forks any child: every lazy import and
# first-call cost of the pipeline is paid there, once, instead of in every file's child.
WARM_UP = """
from tracr.compiler import lib
from tracr.rasp import rasp

VOCAB = {1, 2}
MAX_SEQ_LEN = 3
length = lib.make_length()
same = rasp.Select(rasp.tokens, rasp.tokens, rasp.Comparison.EQ)
share = rasp.numerical(rasp.Aggregate(same, rasp.numerical(rasp.Map(lambda x: x - 1, rasp.tokens))))
program = rasp.SequenceMap(lambda n, i: n - i, length, rasp.indices)
"""


def warm_up() -> None:
    """Check WARM_UP (no user code) so that forked children start warm."""
    load("/rasp-studio/warm_up.py", WARM_UP)
    analyze("program")
    verify("program")
    describe("program")
    _state.clear()
    analysed.checks.clear()


HANDLERS = {
    **repl_session.HANDLERS,
    "load": load,
    "analyze": analyze,
    "verify": verify,
    "trace": trace,
    "hint": hint,
    "witness": witness,
    "search": search,
    "describe": describe,
    "run": run,
    "compile": compile,
    "export": export,
    "evaluate": evaluate,
    "reference_outputs": reference_outputs,
}
