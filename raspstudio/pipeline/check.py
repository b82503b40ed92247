"""All diagnostics for a file: load → evaluate → validate → compile → verify.

This is the engine's orchestrator. Each stage lives in its own module; this one decides the
order, what a failure stops, and turns every finding into a located Diagnostic.
"""

import math
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from tracr.compiler import nodes
from tracr.rasp import rasp

from raspstudio.config import Config
from raspstudio.pipeline.inputs import input_space
from raspstudio.pipeline.interpret.outcome import Evaluation
from raspstudio.pipeline.interpret.per_input import evaluate_program
from raspstudio.pipeline.load import Program
from raspstudio.pipeline.rasp_to_model import Compiled, CompileFailure, compile_program
from raspstudio.pipeline.residual_trace import decode_sop
from raspstudio.pipeline.run_model import run_compiled
from raspstudio.pipeline.spans import display_name, span_of, traceback_span
from raspstudio.pipeline.validate import static_problems, walk
from raspstudio.report import Diagnostic, ProgramReport, Span, format_values

HUGE_MLP = 1024  # hidden units above which RASP604 warns
TOLERANCE = 1e-3  # numerical outputs: absolute and relative


@dataclass
class ProgramCheck:
    """A program's report, diagnostics, and the intermediate results front ends may reuse."""

    program: Program
    config: Config
    report: ProgramReport
    diagnostics: list[Diagnostic]
    evaluation: Evaluation | None = None
    compiled: Compiled | None = None
    seconds: dict[str, float] = field(default_factory=dict)  # per stage, for benchmarks


@contextmanager
def _timed(seconds: dict[str, float], stage: str) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        seconds[stage] = seconds.get(stage, 0.0) + time.perf_counter() - start


class _Locator:
    """Turns expressions into spans, falling back to the program's definition."""

    def __init__(self, program: Program):
        self.program = program

    def span(self, expr: rasp.RASPExpr | None) -> Span:
        found = span_of(expr) if expr is not None else None
        return found or self.program.span

    def diagnostic(
        self,
        code: str,
        expr: rasp.RASPExpr | None,
        message: str,
        related: list | None = None,
        on: list | None = None,
    ) -> Diagnostic:
        return Diagnostic(
            code,
            message,
            self.span(expr),
            program=self.program.name,
            related=[(self.span(e), note) for e, note in (related or [])],
            input=None if on is None else list(on),
        )


def check_program(program: Program, config: Config, reference: Any = None) -> ProgramCheck:
    """Every stage, in order; front ends with a timeout per request call the two halves."""
    result = analyze_program(program, config, reference)
    compile_and_verify(result)
    return result


def analyze_program(program: Program, config: Config, reference: Any = None) -> ProgramCheck:
    """The cheap half: static validation, evaluation on the input space, reference, warnings."""
    where = _Locator(program)
    result = ProgramCheck(program, config, ProgramReport(program.name, program.span.line), [])
    diagnostics = result.diagnostics

    with _timed(result.seconds, "validate"):
        problems = static_problems(program.sop)
    diagnostics += [
        where.diagnostic(p.code, p.expr, f"{_name(p.expr)}: {p.message}", p.related)
        for p in problems
    ]

    inputs, result.report.sampled = input_space(config.vocab, config.max_seq_len, config.max_inputs)
    with _timed(result.seconds, "evaluate"):
        evaluation = evaluate_program(program.sop, inputs, causal=config.causal)
    result.evaluation = evaluation
    for f in evaluation.failures.values():
        diagnostics.append(
            where.diagnostic(
                f.code,
                f.expr,
                f"{_name(f.expr)} fails on input {f.input}: {f.message}",
                on=f.input,
            )
        )
    for u in evaluation.unsupported.values():
        diagnostics.append(
            where.diagnostic(
                u.code, u.expr, f"{_name(u.expr)}: {u.message} (input {u.input})", on=u.input
            )
        )
    if reference is not None:
        diagnostics += _compare_with_reference(evaluation, reference, where)
    diagnostics += _warnings(program, evaluation, where)
    if config.causal:
        diagnostics += _causal_difference(program, evaluation, where)
    return result


def compile_and_verify(result: ProgramCheck) -> list[Diagnostic]:
    """The slow half: compile with tracr and compare the model with the interpreter.

    Skipped when the analysis found errors: compiling would fail again, or verify a program
    already known to be wrong. Returns the diagnostics it added.
    """
    if any(d.severity == "error" for d in result.diagnostics):
        return []
    program, config, report = result.program, result.config, result.report
    where = _Locator(program)
    found: list[Diagnostic] = []
    try:
        with _timed(result.seconds, "compile"):
            compiled = compile_program(program.sop, config)
    except CompileFailure as e:
        expr = e.expr or program.sop
        found.append(where.diagnostic(e.code, expr, f"{_name(expr)}: {e.message}"))
    else:
        result.compiled = compiled
        report.compiled = True
        report.model = compiled.summary
        found += _huge_mlps(compiled, where)
        with _timed(result.seconds, "verify"):
            found += _verify(program, config, result.evaluation, compiled, report, where)
    result.diagnostics += found
    return found


def _name(expr: rasp.RASPExpr) -> str:
    return f"`{display_name(expr)}` ({type(expr).__name__})"


def _same(expected: Any, got: Any, numerical: bool) -> bool:
    if expected is None:
        return True  # tracr leaves None outputs undefined; RASP601 warns about them
    if numerical and isinstance(expected, int | float) and isinstance(got, int | float):
        return math.isclose(expected, got, rel_tol=TOLERANCE, abs_tol=TOLERANCE)
    return expected == got


def outputs_agree(expected: list, got: list, numerical: bool) -> bool:
    return all(_same(e, g, numerical) for e, g in zip(expected, got, strict=True))


def _compare_with_reference(evaluation: Evaluation, reference: Any, where: _Locator) -> list:
    for xs, out in zip(evaluation.inputs, evaluation.outputs, strict=True):
        if out is None:
            continue
        try:
            expected = list(reference(list(xs)))
        except Exception as e:  # noqa: BLE001 - any failure of user code is reported
            defined_in = getattr(getattr(reference, "__code__", None), "co_filename", "")
            span = traceback_span(e.__traceback__, defined_in)
            message = f"reference({xs}) raised {type(e).__name__}: {e}"
            located = span or where.span(None)
            return [Diagnostic("RASP503", message, located, where.program.name, input=list(xs))]
        if len(expected) != len(out) or not outputs_agree(expected, out, numerical=True):
            return [
                where.diagnostic(
                    "RASP502",
                    where.program.sop,
                    f"`{where.program.name}` disagrees with reference() on input {xs}: "
                    f"reference gives {expected}, the program gives {out}",
                    on=xs,
                )
            ]
    return []


def _warnings(program: Program, evaluation: Evaluation, where: _Locator) -> list[Diagnostic]:
    found = []
    for xs, out in zip(evaluation.inputs, evaluation.outputs, strict=True):
        if out is not None and None in out:
            found.append(
                where.diagnostic(
                    "RASP601",
                    program.sop,
                    f"`{program.name}` outputs None on input {xs} (output {out}); the compiled "
                    "model emits an arbitrary value there. Give the operation a value for "
                    "every input (e.g. an Aggregate default reached by a selector that always "
                    "selects something)",
                )
            )
            break
    for expr in walk(program.sop):
        # A categorical-to-numerical Map is a lookup table behind a ReLU, so negative outputs
        # become 0; a numerical-to-numerical one is a discretised MLP that keeps them.
        if (
            isinstance(expr, rasp.Map)
            and rasp.is_numerical(expr)
            and rasp.is_categorical(expr.inner)
        ):
            negative = _first_negative(expr, evaluation)
            if negative is not None:
                xs, values = negative
                found.append(
                    where.diagnostic(
                        "RASP602",
                        expr,
                        f"{_name(expr)} is numerical and outputs negative values on input {xs} "
                        f"({values}); tracr compiles a numerical Map of a categorical SOp to "
                        "an MLP whose ReLU clips negative outputs to 0",
                    )
                )
        if (
            isinstance(expr, rasp.SOp)
            and not isinstance(expr, rasp.TokensType | rasp.IndicesType)
            and span_of(expr) is not None
            and expr.name == rasp.default_name(expr)
        ):
            found.append(
                where.diagnostic(
                    "RASP605",
                    expr,
                    f'{_name(expr)} has no name; add .named("...") so the compiled residual '
                    "stream and layer table say what it is",
                )
            )
    return found


def _causal_difference(program: Program, causal: Evaluation, where: _Locator) -> list[Diagnostic]:
    """Warn when CAUSAL = True changes what the program computes (each query sees its prefix)."""
    full = evaluate_program(program.sop, causal.inputs, causal=False)
    for xs, masked, unmasked in zip(causal.inputs, causal.outputs, full.outputs, strict=True):
        if masked is not None and unmasked is not None and masked != unmasked:
            return [
                where.diagnostic(
                    "RASP606",
                    program.sop,
                    f"with CAUSAL = True each position sees only the tokens up to itself: on "
                    f"input {xs} `{program.name}` gives {format_values(masked)}, while over the "
                    f"whole sequence it gives {format_values(unmasked)}. The checks use the "
                    "causal meaning",
                )
            ]
    return []


def _first_negative(expr: rasp.RASPExpr, evaluation: Evaluation) -> tuple[list, list] | None:
    row = evaluation.values.first_row_with(expr, lambda v: isinstance(v, int | float) and v < 0)
    return None if row is None else (evaluation.inputs[row], evaluation.trace(row)[id(expr)])


def _huge_mlps(compiled: Compiled, where: _Locator) -> list[Diagnostic]:
    found = []
    for block in compiled.summary.blocks:
        if block.sublayer == "mlp" and block.width > HUGE_MLP:
            expr = compiled.graph.nodes[block.labels[0]][nodes.EXPR] if block.operations else None
            found.append(
                where.diagnostic(
                    "RASP604",
                    expr,
                    f"layer {block.layer} MLP has {block.width} hidden units "
                    f"(computing {', '.join(block.operations)}); categorical SequenceMaps grow "
                    "with the product of their input value sets: shrink the vocabulary or the "
                    "value sets",
                )
            )
    return found


def _verify(
    program: Program,
    config: Config,
    evaluation: Evaluation,
    compiled: Compiled,
    report: ProgramReport,
    where: _Locator,
) -> list[Diagnostic]:
    """Run the compiled model on every input the interpreter handled and compare (RASP5xx)."""
    rows = [i for i, out in enumerate(evaluation.outputs) if out is not None]
    if not rows:
        return []
    run = run_compiled(compiled.model, [evaluation.inputs[i] for i in rows])
    numerical = rasp.is_numerical(program.sop)
    for k, i in enumerate(rows):
        expected, got = evaluation.outputs[i], run.outputs[k]
        if not outputs_agree(expected, got, numerical):
            return _mismatch(program, config, evaluation, compiled, run.residual[k], i, got, where)
    report.verified_inputs = len(rows)
    return []


def _mismatch(
    program: Program,
    config: Config,
    evaluation: Evaluation,
    compiled: Compiled,
    residual: np.ndarray,
    row: int,
    got: list,
    where: _Locator,
) -> list[Diagnostic]:
    """Locate a miscompilation at the first operation whose compiled value is wrong."""
    xs, expected = evaluation.inputs[row], evaluation.outputs[row]
    trace = evaluation.trace(row)
    culprit, culprit_expected, culprit_got = program.sop, expected, got
    for expr in walk(program.sop):
        if not isinstance(expr, rasp.SOp) or id(expr) not in trace:
            continue
        decoded = decode_sop(expr, compiled, residual, len(xs))
        if decoded is not None and not outputs_agree(
            trace[id(expr)], decoded, rasp.is_numerical(expr)
        ):
            culprit, culprit_expected, culprit_got = expr, trace[id(expr)], decoded
            break
    message = (
        f"miscompilation: the compiled model disagrees with the RASP interpreter at "
        f"{_name(culprit)} on input {xs}: "
        f"expected {format_values(culprit_expected)}, got {format_values(culprit_got)}"
    )
    if culprit is not program.sop:
        message += f"; program output expected {format_values(expected)}, got {format_values(got)}"
    related = [] if culprit is program.sop else [(program.sop, f"`{program.name}`, the output")]
    found = [where.diagnostic("RASP501", culprit, message, related, on=xs)]
    hint = _approximation_hint(culprit, config, compiled, trace)
    if hint:
        found.append(where.diagnostic("RASP603", culprit, f"{_name(culprit)} {hint}"))
    return found


def _approximation_hint(
    expr: rasp.RASPExpr, config: Config, compiled: Compiled, trace: dict[int, Any]
) -> str | None:
    """Why an approximating MLP (SelectorWidth, Map of a numerical SOp) went wrong, if it is one.

    A numerical Map's MLP is built only for the values tracr infers for its input; tracr infers
    {0, 1, 1/2, ..., 1/n} for a numerical mean, so a Map of a fraction such as 2/3 is wrong
    whatever the exactness. Otherwise the approximation is too coarse for the sequence length.
    """
    exactness = config.mlp_exactness
    if isinstance(expr, rasp.Map) and rasp.is_numerical(expr.inner):
        value_set = compiled.graph.nodes[expr.inner.label].get(nodes.VALUE_SET, set())
        unknown = [
            v
            for v in trace.get(id(expr.inner), [])
            if v is not None and not any(math.isclose(v, s, abs_tol=1e-9) for s in value_set)
        ]
        if unknown:
            return (
                f"compiles to an MLP built only for the values tracr infers for its input "
                f"`{display_name(expr.inner)}` ({format_values(sorted(value_set))}), but it "
                "receives "
                f"{format_values(unknown[:1])}: tracr assumes a numerical mean is 0 or 1/n. No "
                "MLP_EXACTNESS fixes this; compute the value categorically instead (e.g. "
                "compare counts from SelectorWidth rather than a fraction)"
            )
    elif not isinstance(expr, rasp.SelectorWidth):
        return None
    return (
        f"compiles to an MLP that approximates it with MLP_EXACTNESS={exactness}, too coarse "
        f"for MAX_SEQ_LEN={config.max_seq_len}; raise MLP_EXACTNESS (e.g. to "
        f"{max(1000, 10 * exactness)})"
    )
