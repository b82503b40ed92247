"""The RASP interpreter, instrumented: per-expression values, located failures, dynamic checks.

tracr's evaluator re-evaluates shared sub-expressions and lets a lambda's exception escape with
no hint of which operation owns it. Ours memoises, records every expression's value (hover and
the REPL read them), names the operation and the value that made a user function fail, and
performs tracr's dynamic validation (`rasp_to_graph`'s per-value checks) on the values it computed.

`evaluate_program` runs the batched interpreter (batched.py), which evaluates all inputs
of one length at once; the TracingEvaluator here, one input at a time, is its reference and
takes over for the programs the batched one cannot represent.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from tracr.rasp import rasp

from raspstudio.pipeline.interpret import batched
from raspstudio.pipeline.interpret.outcome import (
    Evaluation,
    Failure,
    FunctionCache,
    OperationFailed,
    Unsupported,
    averages_categorically,
    averages_non_binary,
    averaging_failure,
    categorical_average_message,
    numerical_average_message,
)


class TracingEvaluator(rasp.DefaultRASPEvaluator):
    """Evaluates one input at a time, memoised by expression identity."""

    def __init__(self, causal: bool = False):
        super().__init__()
        self.causal = causal
        self.values: dict[int, Any] = {}
        self.unsupported: list[tuple[str, rasp.RASPExpr, str]] = []
        self.functions = FunctionCache()

    def run(self, expr: rasp.RASPExpr, xs: Sequence) -> Any:
        self.values = {}
        self.unsupported = []
        return self.evaluate(expr, xs)

    def evaluate(self, expr: rasp.RASPExpr, xs: Sequence) -> Any:
        key = id(expr)
        if key not in self.values:
            out = self._eval_fn_by_expr_type[type(expr)](expr, xs)
            if self.causal and isinstance(expr, rasp.Selector):
                out = np.logical_and(np.tril(np.ones_like(out, dtype=bool)), out).tolist()
            self.values[key] = out
        return self.values[key]

    def eval_map(self, sop: rasp.Map, xs: Sequence) -> list:
        return [
            self.functions.call(sop, sop.f, x) if x is not None else None
            for x in self.evaluate(sop.inner, xs)
        ]

    def eval_sequence_map(self, sop: rasp.SequenceMap, xs: Sequence) -> list:
        fst, snd = self.evaluate(sop.fst, xs), self.evaluate(sop.snd, xs)
        return [
            self.functions.call(sop, sop.f, x, y) if x is not None and y is not None else None
            for x, y in zip(fst, snd, strict=True)
        ]

    def eval_select(self, sel: rasp.Select, xs: Sequence) -> list[list[bool]]:
        keys, queries = self.evaluate(sel.keys, xs), self.evaluate(sel.queries, xs)
        return [
            [bool(self.functions.call(sel, sel.predicate, k, q)) for k in keys] for q in queries
        ]

    def eval_aggregate(self, sop: rasp.Aggregate, xs: Sequence) -> list:
        try:
            out = super().eval_aggregate(sop, xs)
        except ValueError as e:  # tracr's mean of non-numbers
            raise averaging_failure(sop, e) from e
        agg_in = self.evaluate(sop.sop, xs)
        if rasp.is_categorical(sop) and averages_categorically(out, agg_in):
            self.unsupported.append(("RASP302", sop, categorical_average_message(sop, out, agg_in)))
        if rasp.is_numerical(sop) and averages_non_binary(agg_in):
            self.unsupported.append(("RASP303", sop, numerical_average_message(sop, agg_in)))
        return out


@dataclass
class PerInputValues:
    """Values as the TracingEvaluator leaves them: one dict per input."""

    traces: list[dict[int, Any]]

    def trace(self, row: int) -> dict[int, Any]:
        return self.traces[row]

    def first_row_with(self, expr: rasp.SOp, test: Callable[[Any], bool]) -> int | None:
        return next(
            (i for i, t in enumerate(self.traces) if any(map(test, t.get(id(expr), [])))), None
        )

    def occurrences(self, expr: rasp.SOp) -> dict[Any, set[int]]:
        found: dict[Any, set[int]] = {}
        for row, trace in enumerate(self.traces):
            for value in trace.get(id(expr)) or []:
                found.setdefault(value, set()).add(row)
        return found


def evaluate_program(program: rasp.SOp, inputs: list[list], causal: bool = False) -> Evaluation:
    """Evaluate `program` on every input, keeping per-expression values and first failures."""
    try:
        return batched.evaluate_all(program, inputs, causal)
    except batched.Unvectorisable:
        return evaluate_each(program, inputs, causal)


def evaluate_each(program: rasp.SOp, inputs: list[list], causal: bool = False) -> Evaluation:
    """evaluate_program one input at a time."""
    evaluator = TracingEvaluator(causal=causal)
    traces: list[dict[int, Any]] = []
    result = Evaluation(inputs=inputs, outputs=[], values=PerInputValues(traces))
    for xs in inputs:
        try:
            result.outputs.append(list(evaluator.run(program, xs)))
        except OperationFailed as e:
            result.outputs.append(None)
            result.failures.setdefault(id(e.expr), Failure(e.code, e.expr, e.message, xs))
        except Exception as e:  # noqa: BLE001 - anything else tracr raises while evaluating
            result.outputs.append(None)
            result.failures.setdefault(
                id(program), Failure("RASP201", program, f"{type(e).__name__}: {e}", xs)
            )
        for code, expr, message in evaluator.unsupported:
            result.unsupported.setdefault(id(expr), Unsupported(code, expr, message, xs))
        traces.append(evaluator.values)
    return result
