"""A program's findings in the worker: validate → evaluate → compile, and the evidence to judge.

Each stage lives in its own module; this one decides the order, what a failure stops, and
turns every finding into a located Diagnostic. The verdict itself (does the compiled model
agree with the interpreter, does the program agree with `reference`) is not decided here: this
module hands the judge (`raspstudio.judge`) plain evidence, which the engine judges outside
the worker. `check_program` judges in this process, for the REPL and the benchmarks.
"""

import dataclasses
import math
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from tracr.compiler import nodes
from tracr.rasp import rasp

from raspstudio.config import Config
from raspstudio.evidence import Evidence, ModelEvidence, Node, Operation
from raspstudio.judge import verdict
from raspstudio.judge.inputs import input_space
from raspstudio.pipeline import blocks, coverage, numpy_model
from raspstudio.pipeline.interpret.outcome import Evaluation
from raspstudio.pipeline.interpret.per_input import evaluate_program
from raspstudio.pipeline.load import Program
from raspstudio.pipeline.rasp_to_model import Compiled, CompileFailure, compile_program
from raspstudio.pipeline.residual_trace import output_dims
from raspstudio.pipeline.spans import (
    absorbed_spans,
    display_name,
    site_of,
    span_of,
    traceback_span,
)
from raspstudio.pipeline.validate import static_problems, walk
from raspstudio.report import Diagnostic, ProgramReport, Related, Site, Span, format_values

HUGE_MLP = 1024  # hidden units above which RASP604 warns


@dataclass
class ProgramCheck:
    """A program's report, diagnostics, and the intermediate results front ends may reuse."""

    program: Program
    config: Config
    report: ProgramReport
    diagnostics: list[Diagnostic]
    evaluation: Evaluation | None = None
    evidence: Evidence | None = None  # for the judge, once analysed
    compiled: Compiled | None = None
    operations: list[rasp.SOp] = field(default_factory=list)  # as in ModelEvidence.operations
    tables: list[Node] | None = None  # the program's nodes, once tabled for steering
    seconds: dict[str, float] = field(default_factory=dict)  # per stage, for benchmarks


@contextmanager
def _timed(seconds: dict[str, float], stage: str) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        seconds[stage] = seconds.get(stage, 0.0) + time.perf_counter() - start


class _Locator:
    """Turns expressions into sites, falling back to the program's definition."""

    def __init__(self, program: Program):
        self.program = program

    def site(self, expr: rasp.RASPExpr | None) -> Site:
        found = site_of(expr) if expr is not None else None
        return found or Site(self.program.span)

    def diagnostic(
        self,
        code: str,
        expr: rasp.RASPExpr | None,
        message: str,
        related: list | None = None,
        on: list | None = None,
    ) -> Diagnostic:
        sites = [(self.site(e), note) for e, note in (related or [])]
        return Diagnostic.at(
            self.site(expr),
            code,
            message,
            program=self.program.name,
            related=[Related(site.span, note, site.path) for site, note in sites],
            input=None if on is None else list(on),
        )


def check_program(program: Program, config: Config, reference: Any = None) -> ProgramCheck:
    """Every stage, judged in this process: for the REPL session and benchmarks.

    A file's check is judged by the engine instead, outside the worker (the same judge).
    """
    result = analyze_program(program, config, reference)
    result.diagnostics += verdict.judge_analysis(result.evidence)
    verdict.cover(result.report, result.evidence, 0)
    compile_checked(result)
    if result.compiled is None:
        return result
    with _timed(result.seconds, "verify"):
        judged = verdict.judge_model(
            result.evidence, model_evidence(result), lambda row: operation_values(result, row)
        )
    verdict.cover(result.report, result.evidence, judged.verified_inputs)
    result.diagnostics += judged.diagnostics
    if judged.culprit is not None:
        result.diagnostics += approximation_hint(result, judged.culprit.label, judged.row)
    return result


def analyze_program(program: Program, config: Config, reference: Any = None) -> ProgramCheck:
    """The cheap half: static validation, evaluation on the input space, reference, warnings."""
    where = _Locator(program)
    result = ProgramCheck(program, config, ProgramReport(program.name, program.span.line), [])
    diagnostics = result.diagnostics

    with _timed(result.seconds, "validate"):
        problems = static_problems(program.sop)
    diagnostics += [where.diagnostic(p.code, p.expr, p.text, p.related) for p in problems]

    inputs, result.report.sampled = input_space(config.vocab, config.max_seq_len, config.max_inputs)
    with _timed(result.seconds, "evaluate"):
        evaluation = evaluate_program(program.sop, inputs, causal=config.causal)
    if result.report.sampled:
        with _timed(result.seconds, "steer"):
            evaluation = _steered(result, evaluation)
    result.evaluation = evaluation
    diagnostics += _evaluation_problems(evaluation, where)
    result.evidence = Evidence(
        program=program.name,
        span=program.span,
        vocab=list(config.vocab),
        max_seq_len=config.max_seq_len,
        max_inputs=config.max_inputs,
        inputs=evaluation.inputs,
        outputs=evaluation.outputs,
    )
    if reference is not None:
        _reference_outputs(result.evidence, reference, where)
    diagnostics += _warnings(program, evaluation, where)
    if config.causal:
        diagnostics += _causal_difference(program, evaluation, where)
    return result


def _steered(result: ProgramCheck, evaluation: Evaluation) -> Evaluation:
    """The sample with inputs added towards the values and selector pairs it did not reach
    (coverage.py), evaluated; what none reached goes into the report."""
    config, sop = result.config, result.program.sop
    result.tables, sets = blocks.tabled(sop, walk, config.vocab, config.max_seq_len)
    steered = coverage.steer(
        sop, walk(sop), sets, evaluation, config.vocab, config.max_seq_len, config.causal
    )
    result.report.steered, result.report.unreached = len(steered.inputs), steered.unreached
    if not steered.inputs:
        return evaluation
    return evaluation.then(evaluate_program(sop, steered.inputs, causal=config.causal))


def compile_checked(result: ProgramCheck) -> list[Diagnostic]:
    """The slow half: compile with tracr; returns the diagnostics it added.

    Skipped when the analysis found errors: compiling would fail again, or compile a program
    already known to be wrong. Whether the model is right is the judge's to say.
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
    result.diagnostics += found
    return found


def model_evidence(result: ProgramCheck, sampled: bool = False) -> ModelEvidence:
    """The compiled model and its operations as plain data, for the judge.

    Operations come in the order a miscompilation is looked for (inputs first, the output
    last), each with the residual directions its value is read from. With `sampled`, the
    program's nodes with their tables come too (blocks.py).
    """
    compiled = result.compiled
    labels = compiled.model.residual_labels
    operations, result.operations = [], []
    for expr in walk(result.program.sop):
        node = compiled.graph.nodes.get(expr.label) if isinstance(expr, rasp.SOp) else None
        dims = None if node is None else output_dims(node, labels)
        if dims is None:
            continue
        basis = node[nodes.OUTPUT_BASIS]
        numerical = rasp.is_numerical(expr)
        operations.append(
            Operation(
                label=expr.label,
                name=compiled.names[expr.label],  # as the layer table names it
                kind=type(expr).__name__,
                numerical=numerical,
                site=site_of(expr),
                dims=dims,
                values=[] if numerical else [d.value for d in basis],
            )
        )
        result.operations.append(expr)
    model = numpy_model.as_plain(compiled.model, compiled.graph, result.program.sop.label)
    # Only a sampled input space needs the blocks checked: an enumerated one ran every input.
    config = result.config
    if sampled and result.tables is None:
        result.tables = blocks.program_nodes(
            result.program.sop, walk, config.vocab, config.max_seq_len
        )
    return ModelEvidence(model, operations, result.tables if sampled else [])


def operation_values(result: ProgramCheck, row: int) -> list:
    """The interpreter's value of each operation of `model_evidence` on input `row`."""
    trace = result.evaluation.trace(row)
    return [trace.get(id(expr)) for expr in result.operations]


def witness(result: ProgramCheck, label: str, values: list) -> dict | None:
    """An input on which the inputs of operation `label` take `values` (blocks.py; for a
    SelectorWidth, the width itself), with the program's output and every operation's value
    there; None if none was found."""
    expr = next((e for e in walk(result.program.sop) if getattr(e, "label", None) == label), None)
    if isinstance(expr, rasp.Map):
        inputs = [expr.inner]
    elif isinstance(expr, rasp.SequenceMap):
        inputs = [expr.fst, expr.snd]
    elif isinstance(expr, rasp.SelectorWidth):  # its MLP reads the width itself
        inputs = [expr]
    else:
        return None
    config = result.config
    found = blocks.find_witness(
        result.program.sop, inputs, values, config.vocab, config.max_seq_len, config.causal
    )
    if found is None:
        return None
    trace = found.pop("trace")
    found["values"] = [trace.get(id(e)) for e in result.operations]
    return found


def approximation_hint(result: ProgramCheck, label: str, row: int) -> list[Diagnostic]:
    """RASP603 for the operation the judge blamed, when an approximating MLP explains it."""
    expr = next((e for e in result.operations if e.label == label), None)
    if expr is None or result.compiled is None:
        return []
    trace = result.evaluation.trace(row)
    hint = _approximation_hint(expr, result.config, result.compiled, trace)
    if not hint:
        return []
    return [_Locator(result.program).diagnostic("RASP603", expr, f"{_name(expr)} {hint}")]


def _name(expr: rasp.RASPExpr) -> str:
    return f"`{display_name(expr)}` ({type(expr).__name__})"


def _clipping(expr: rasp.Map) -> str:
    """Why RASP602's Map clips, and the fix. A Map of a Map is merged into one Map of the inner
    Map's input (absorbed_spans), so the SOp in the source may well be numerical."""
    inner = f"`{display_name(expr.inner)}`"
    if absorbed_spans(expr):
        return (
            f"rasp.Map merged it with the Map it applies to, so tracr compiles one numerical Map "
            f"of the categorical {inner}: an MLP whose ReLU clips negative outputs to 0. Pass "
            "simplify=False to rasp.Map to keep the two Maps apart (a numerical Map of a "
            "numerical SOp keeps negative values), or keep the outputs non-negative"
        )
    return (
        f"tracr compiles a numerical Map of the categorical {inner} to an MLP whose ReLU clips "
        "negative outputs to 0; keep the outputs non-negative (add an offset), or make the Map "
        "categorical"
    )


def _unnamed_message(expr: rasp.SOp) -> str:
    """RASP605: our views call the operation after its variable, but the compiled model's
    residual stream (and a testbed's map of it) only knows tracr's generated label."""
    shown = display_name(expr)
    if shown == expr.label:
        return f'{_name(expr)} has no name; add .named("...") so every view says what it is'
    return (
        f"{_name(expr)} has no .named() name, so the compiled model's residual stream and "
        f'exported testbeds call it `{expr.label}`; add .named("{shown}")'
    )


def _reference_outputs(evidence: Evidence, reference: Callable, where: _Locator) -> None:
    """The file's `reference` on every input the program handled, into `evidence`.

    Stops at the first exception, which becomes RASP503 at the line that raised it.
    """
    evidence.reference = [None] * len(evidence.inputs)
    for row, (xs, out) in enumerate(zip(evidence.inputs, evidence.outputs, strict=True)):
        if out is None:
            continue
        try:
            evidence.reference[row] = list(reference(list(xs)))
        except Exception as e:  # noqa: BLE001 - any failure of user code is reported
            defined_in = getattr(getattr(reference, "__code__", None), "co_filename", "")
            span = traceback_span(e.__traceback__, defined_in)
            message = f"reference({xs}) raised {type(e).__name__}: {e}"
            located = span or where.program.span
            evidence.reference_error = Diagnostic(
                "RASP503", message, located, where.program.name, input=list(xs)
            )
            return


def search(result: ProgramCheck) -> list[Diagnostic]:
    """Errors and None outputs on skewed inputs (blocks.structured_sequence), for a selector
    the block-wise proof could not settle: one that may select nothing, or two values."""
    config, where = result.config, _Locator(result.program)
    for batch in blocks.structured_batches(config.vocab, config.max_seq_len):
        evaluation = evaluate_program(result.program.sop, batch, causal=config.causal)
        found = _evaluation_problems(evaluation, where)
        found += _none_output(result.program, evaluation, where)
        if found:
            return found
    return []


def _evaluation_problems(evaluation: Evaluation, where: _Locator) -> list[Diagnostic]:
    """The interpreter's failures, and what tracr cannot compile (both on an input)."""
    found = []
    for f in evaluation.failures.values():
        message = f"{_name(f.expr)} fails on input {f.input}: {f.message}"
        found.append(where.diagnostic(f.code, f.expr, message, on=f.input))
    for u in evaluation.unsupported.values():
        message = f"{_name(u.expr)}: {u.message} (input {u.input})"
        found.append(where.diagnostic(u.code, u.expr, message, on=u.input))
    return found


def _none_output(program: Program, evaluation: Evaluation, where: _Locator) -> list[Diagnostic]:
    for xs, out in zip(evaluation.inputs, evaluation.outputs, strict=True):
        if out is not None and None in out:
            return [
                where.diagnostic(
                    "RASP601",
                    program.sop,
                    f"`{program.name}` outputs None on input {xs} (output "
                    f"{format_values(out)}); the compiled model emits an arbitrary value there. "
                    "Give the operation a value for every input (e.g. an Aggregate default "
                    "reached by a selector that always selects something)",
                )
            ]
    return []


def _warnings(program: Program, evaluation: Evaluation, where: _Locator) -> list[Diagnostic]:
    found = _none_output(program, evaluation, where)
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
                        f"({format_values(values)}); {_clipping(expr)}",
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
                    _unnamed_message(expr),
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
    enough = _exactness_that_works(expr, config)
    advice = (
        f"set MLP_EXACTNESS = {enough}, the smallest step of 100, 200, 500, 1000, … above "
        f"{exactness} that counts every width up to {config.max_seq_len} right (proved "
        "block-wise)"
        if enough
        else f"no MLP_EXACTNESS up to {_EXACTNESSES[-1]} was shown to count every width right"
    )
    return (
        f"compiles to an MLP that approximates it with MLP_EXACTNESS={exactness}, too coarse "
        f"for MAX_SEQ_LEN={config.max_seq_len}: {advice}"
    )


_EXACTNESSES = (100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000)


def _exactness_that_works(width: rasp.SelectorWidth, config: Config) -> int | None:
    """The smallest MLP_EXACTNESS tried under which the SelectorWidth, compiled on its own,
    is proved right for every width (judge/proof.py checks its MLP on each of 0..N)."""
    from raspstudio.judge import proof

    for exactness in (e for e in _EXACTNESSES if e > config.mlp_exactness):
        trial = dataclasses.replace(config, mlp_exactness=exactness, causal=False)
        alone = ProgramCheck(Program("width", width, Span(1, 1, 1, 2)), trial, None, [])
        try:
            alone.compiled = compile_program(width, trial)
        except CompileFailure:
            return None
        evidence = model_evidence(alone, sampled=True)
        if proof.prove(evidence, list(trial.vocab), trial.max_seq_len).complete:
            return exactness
    return None
