"""What the worker process does for each request. Runs user code: never import this in a front end.

The worker keeps the last loaded file, so a front end loads once and then checks, runs or
compiles its programs one request at a time (each request has its own timeout).
"""

from pathlib import Path
from typing import Any

from tracr.rasp import rasp

from raspstudio.check import ProgramCheck, analyze_program, compile_and_verify, outputs_agree
from raspstudio.compile import Compiled, CompileFailure, compile_program
from raspstudio.config import Config
from raspstudio.evaluate import evaluate_program
from raspstudio.program import LoadedFile, Program, load_file
from raspstudio.report import Diagnostic, ProgramReport, ProgramView
from raspstudio.run_model import run_compiled
from raspstudio.validate import static_problems
from raspstudio.views import describe_program


class RequestError(Exception):
    """A request the worker cannot serve (unknown program, nothing loaded)."""


_state: dict[str, LoadedFile] = {}
_checks: dict[str, ProgramCheck] = {}  # analysed (then verified) programs of the loaded file


def current_path() -> str:
    """The loaded file's path: user-code frames there locate errors and interrupts."""
    loaded = _state.get("file")
    return loaded.path if loaded else ""


def load(
    path: str, text: str | None = None, overrides: dict | None = None, defaults: dict | None = None
) -> dict:
    _checks.clear()
    _state["file"] = LoadedFile(path=str(Path(path).resolve()))  # so interrupts can be located
    loaded = load_file(path, text, overrides, defaults)
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


def analyze(name: str) -> tuple[ProgramReport, list[Diagnostic]]:
    """Validate and evaluate one program; keeps the result for `verify`."""
    loaded, program = _program(name)
    _checks[name] = analyze_program(program, loaded.config, loaded.reference)
    return _checks[name].report, _checks[name].diagnostics


def verify(name: str) -> tuple[ProgramReport, list[Diagnostic]]:
    """Compile the analysed program and compare; returns only the new diagnostics."""
    if name not in _checks:
        raise RequestError(f"program {name!r} has not been analysed")
    result = _checks[name]
    return result.report, compile_and_verify(result)


def describe(name: str, example: list | None = None) -> ProgramView:
    """Values on the running example and, once verified, value sets and layer placements."""
    loaded, program = _program(name)
    check = _checks.get(name)
    compiled = check.compiled if check else None
    return describe_program(name, program.sop, loaded.config, example, compiled)


def _compile(program: Program, config: Config) -> tuple[Compiled | None, str | None]:
    """The compiled program, or (None, the first reason it does not compile)."""
    problems = static_problems(program.sop)
    if problems:
        return None, problems[0].message
    try:
        return compile_program(program.sop, config), None
    except CompileFailure as e:
        return None, e.message


def run(name: str | None, tokens: list) -> dict[str, Any]:
    """Interpreter and compiled-model outputs for one input, and whether they agree."""
    loaded, program = _program(name)
    config = loaded.config
    if unknown := set(tokens) - config.vocab:
        raise RequestError(f"input tokens not in the vocabulary: {sorted(map(repr, unknown))}")
    if not 1 <= len(tokens) <= config.max_seq_len:
        raise RequestError(f"input length must be 1..{config.max_seq_len}, got {len(tokens)}")
    evaluation = evaluate_program(program.sop, [tokens], causal=config.causal)
    failure = next(iter(evaluation.failures.values()), None)
    compiled, compile_error = _compile(program, config)
    interpreted = evaluation.outputs[0]
    outputs = run_compiled(compiled.model, [tokens]).outputs[0] if compiled else None
    return {
        "program": program.name,
        "input": tokens,
        "interpreter": interpreted,
        "interpreter_error": failure.message if failure else None,
        "compiled": outputs,
        "compile_error": compile_error,
        "agree": interpreted is not None
        and outputs is not None
        and outputs_agree(interpreted, outputs, rasp.is_numerical(program.sop)),
    }


def compile(name: str | None) -> dict[str, Any]:
    """The layer table of one program, or why it does not compile."""
    loaded, program = _program(name)
    compiled, error = _compile(program, loaded.config)
    return {
        "program": program.name,
        "model": compiled.summary if compiled else None,
        "error": error,
    }


HANDLERS = {
    "load": load,
    "analyze": analyze,
    "verify": verify,
    "describe": describe,
    "run": run,
    "compile": compile,
}
