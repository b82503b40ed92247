"""One program, one input: what `rasp run`, the server's commands and the REPL ask of a program.

Unlike check.py, which judges a program over its whole input space, these answer a user who
points at a program: run it on this input (interpreter and compiled model side by side), or
compile it and say why not.
"""

from typing import Any

from tracr.rasp import rasp

from raspstudio.config import Config
from raspstudio.pipeline import numpy_model
from raspstudio.pipeline.interpret.outcome import Failure
from raspstudio.pipeline.interpret.per_input import evaluate_program
from raspstudio.pipeline.rasp_to_model import Compiled, CompileFailure, compile_program
from raspstudio.pipeline.spans import span_of
from raspstudio.pipeline.validate import static_problems
from raspstudio.report import Span


class RequestError(Exception):
    """A request that cannot be served as asked (unknown program, bad input); shown as is."""


def compile_or_reason(
    sop: rasp.SOp, config: Config
) -> tuple[Compiled | None, str | None, Span | None]:
    """The compiled program, or (None, the first reason it does not compile, and where the
    operation at fault was written, if known)."""
    problems = static_problems(sop)
    if problems:
        return None, problems[0].message, span_of(problems[0].expr)
    try:
        return compile_program(sop, config), None, None
    except CompileFailure as e:
        return None, e.message, span_of(e.expr) if e.expr is not None else None


def checked_input(tokens: list, config: Config) -> list:
    """`tokens`, if the program can be run on them."""
    if unknown := set(tokens) - config.vocab:
        shown = ", ".join(sorted(map(repr, unknown)))
        raise RequestError(f"input tokens not in the vocabulary: {shown}")
    if not 1 <= len(tokens) <= config.max_seq_len:
        raise RequestError(f"input length must be 1..{config.max_seq_len}, got {len(tokens)}")
    return tokens


def interpret(sop: rasp.SOp, config: Config, tokens: list) -> tuple[Any, str | None]:
    """The interpreter's output on one input, or (None, why an operation failed on it)."""
    output, failure = _interpreted(sop, config, tokens)
    return output, failure.message if failure else None


def _interpreted(sop: rasp.SOp, config: Config, tokens: list) -> tuple[Any, Failure | None]:
    checked_input(tokens, config)
    evaluation = evaluate_program(sop, [tokens], causal=config.causal)
    return evaluation.outputs[0], next(iter(evaluation.failures.values()), None)


def run_on_input(name: str, sop: rasp.SOp, config: Config, tokens: list) -> dict[str, Any]:
    """The interpreter's output on one input, and the compiled model to run on it.

    The compiled output and whether the two agree are the judge's to say
    (`raspstudio.judge.verdict.run_one`), outside the worker.
    """
    interpreted, failure = _interpreted(sop, config, tokens)
    compiled, compile_error, compile_error_at = compile_or_reason(sop, config)
    return {
        "program": name,
        "input": tokens,
        "interpreter": interpreted,
        "interpreter_error": failure.message if failure else None,
        "interpreter_error_at": span_of(failure.expr) if failure else None,
        "model": numpy_model.as_plain(compiled.model, compiled.graph, sop.label)
        if compiled
        else None,
        "compile_error": compile_error,
        "compile_error_at": compile_error_at,
    }


def layers(name: str, sop: rasp.SOp, config: Config) -> dict[str, Any]:
    """The layer table of one program, or why it does not compile."""
    compiled, error, error_at = compile_or_reason(sop, config)
    model = compiled.summary if compiled else None
    return {"program": name, "model": model, "error": error, "error_at": error_at}
