"""The RASP interpreter, instrumented: per-expression values, located failures, dynamic checks.

tracr's evaluator re-evaluates shared sub-expressions and lets a lambda's exception escape with
no hint of which operation owns it. This one memoises per input, records every expression's
value (hover and the REPL read them), names the operation and the value that made a user
function fail, and performs tracr's dynamic validation (DESIGN §7) on the values it computed.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from tracr.rasp import rasp


@dataclass
class Failure:
    """A user function that raised (RASP201) or returned an SOp (RASP307) on some input."""

    code: str
    expr: rasp.RASPExpr
    message: str
    input: list


@dataclass
class Unsupported:
    """A value-dependent construct tracr cannot compile (RASP302/RASP303)."""

    code: str
    expr: rasp.RASPExpr
    message: str
    input: list


@dataclass
class Evaluation:
    """The program evaluated on each input; `outputs[i]` is None where input i failed."""

    inputs: list[list]
    outputs: list[list | None]
    traces: list[dict[int, Any]]  # per input: id(expr) -> value
    failures: dict[int, Failure] = field(default_factory=dict)  # first per expression
    unsupported: dict[int, Unsupported] = field(default_factory=dict)


class _OperationFailed(Exception):
    def __init__(self, code: str, expr: rasp.RASPExpr, message: str):
        super().__init__(message)
        self.code, self.expr, self.message = code, expr, message


class TracingEvaluator(rasp.DefaultRASPEvaluator):
    """Evaluates one input at a time, memoised by expression identity."""

    def __init__(self, causal: bool = False):
        super().__init__()
        self.causal = causal
        self.values: dict[int, Any] = {}
        self.unsupported: list[tuple[str, rasp.RASPExpr, str]] = []
        # User functions are treated as pure, as tracr does when it compiles them into lookup
        # tables: each (operation, arguments) is called once across all inputs.
        self.results: dict[tuple, Any] = {}

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

    def _call(self, expr: rasp.RASPExpr, fn: Callable, *args: Any) -> Any:
        key: tuple | None = (id(expr), *args, *map(type, args))  # types: 1, 1.0, True differ
        try:
            return self.results[key]
        except KeyError:
            pass
        except TypeError:  # unhashable values cannot be remembered
            key = None
        try:
            result = fn(*args)
        except (Exception, SystemExit) as e:
            shown = ", ".join(repr(a) for a in args)
            raise _OperationFailed(
                "RASP201", expr, f"{type(e).__name__}: {e} (when called with {shown})"
            ) from e
        if isinstance(result, rasp.RASPExpr):
            raise _OperationFailed(
                "RASP307",
                expr,
                f"its function returned a RASP expression (a {type(result).__name__}) for "
                f"{', '.join(repr(a) for a in args)}: an SOp is used inside the function. "
                "Functions must work on plain values; combine SOps with SequenceMap instead",
            )
        if key is not None:
            self.results[key] = result
        return result

    def eval_map(self, sop: rasp.Map, xs: Sequence) -> list:
        return [
            self._call(sop, sop.f, x) if x is not None else None
            for x in self.evaluate(sop.inner, xs)
        ]

    def eval_sequence_map(self, sop: rasp.SequenceMap, xs: Sequence) -> list:
        fst, snd = self.evaluate(sop.fst, xs), self.evaluate(sop.snd, xs)
        return [
            self._call(sop, sop.f, x, y) if x is not None and y is not None else None
            for x, y in zip(fst, snd, strict=True)
        ]

    def eval_select(self, sel: rasp.Select, xs: Sequence) -> list[list[bool]]:
        keys, queries = self.evaluate(sel.keys, xs), self.evaluate(sel.queries, xs)
        return [[bool(self._call(sel, sel.predicate, k, q)) for k in keys] for q in queries]

    def eval_aggregate(self, sop: rasp.Aggregate, xs: Sequence) -> list:
        try:
            out = super().eval_aggregate(sop, xs)
        except ValueError as e:  # tracr's mean of non-numbers
            raise _OperationFailed(
                "RASP201",
                sop,
                "a query selects several values and they are not numbers, so the RASP "
                f"interpreter cannot average them ({e}); make the selector select at most one "
                "position per query",
            ) from e
        agg_in = self.evaluate(sop.sop, xs)
        if rasp.is_categorical(sop) and not set(out) <= set(agg_in) | {None}:
            self.unsupported.append(
                (
                    "RASP302",
                    sop,
                    "categorical Aggregate whose selector selects several values averages them "
                    f"(output {out} is not made of the aggregated values {agg_in}); tracr "
                    "compiles categorical Aggregates only when each query selects at most one "
                    "value (or all selected values are equal)",
                )
            )
        if rasp.is_numerical(sop) and not set(agg_in) <= {0, 1}:
            self.unsupported.append(
                (
                    "RASP303",
                    sop,
                    f"numerical Aggregate averages {sorted(set(agg_in), key=repr)}; tracr only "
                    "averages values 0 and 1 (map the SOp to 0/1 first)",
                )
            )
        return out


def evaluate_program(program: rasp.SOp, inputs: list[list], causal: bool = False) -> Evaluation:
    """Evaluate `program` on every input, keeping per-expression values and first failures."""
    evaluator = TracingEvaluator(causal=causal)
    result = Evaluation(inputs=inputs, outputs=[], traces=[])
    for xs in inputs:
        try:
            result.outputs.append(list(evaluator.run(program, xs)))
        except _OperationFailed as e:
            result.outputs.append(None)
            result.failures.setdefault(id(e.expr), Failure(e.code, e.expr, e.message, xs))
        except Exception as e:  # noqa: BLE001 - anything else tracr raises while evaluating
            result.outputs.append(None)
            result.failures.setdefault(
                id(program), Failure("RASP201", program, f"{type(e).__name__}: {e}", xs)
            )
        for code, expr, message in evaluator.unsupported:
            result.unsupported.setdefault(id(expr), Unsupported(code, expr, message, xs))
        result.traces.append(evaluator.values)
    return result
