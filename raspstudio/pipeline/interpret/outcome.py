"""What evaluating a program on an input space yields, whichever interpreter produced it.

Two interpreters fill it: batched.py (all inputs of one length at once, the default) and
evaluate.TracingEvaluator (one input at a time, for programs the batched one cannot represent).
Both give the same outputs, failures, dynamic-check findings and per-expression values; the
values are kept in whatever form the interpreter computed them and read through `Values`.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from tracr.rasp import rasp

from raspstudio.pipeline.spans import display_name


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


class Values(Protocol):
    """Every expression's value on every input, however the interpreter stored them."""

    def trace(self, row: int) -> dict[int, Any]:
        """id(expr) -> value on input `row`, for the expressions evaluated before any failure."""
        ...

    def first_row_with(self, expr: rasp.SOp, test: Callable[[Any], bool]) -> int | None:
        """The first input on which some element of `expr`'s value passes `test`."""
        ...

    def occurrences(self, expr: rasp.SOp) -> dict[Any, set[int]]:
        """Each value `expr` takes at some position of some input, with those inputs."""
        ...


@dataclass
class Evaluation:
    """The program evaluated on each input; `outputs[i]` is None where input i failed."""

    inputs: list[list]
    outputs: list[list | None]
    values: Values
    failures: dict[int, Failure] = field(default_factory=dict)  # first per expression
    unsupported: dict[int, Unsupported] = field(default_factory=dict)

    def trace(self, row: int) -> dict[int, Any]:
        return self.values.trace(row)

    def then(self, more: "Evaluation") -> "Evaluation":
        """This evaluation followed by `more`'s inputs, as if evaluated together."""
        failures, unsupported = dict(more.failures), dict(more.unsupported)
        failures.update(self.failures)  # the first input's failure stays first
        unsupported.update(self.unsupported)
        return Evaluation(
            self.inputs + more.inputs,
            self.outputs + more.outputs,
            _Joined(self.values, more.values, len(self.inputs)),
            failures,
            unsupported,
        )


@dataclass
class _Joined:
    """Values of two evaluations, the second's rows after the first's `offset` rows."""

    first: Values
    second: Values
    offset: int

    def trace(self, row: int) -> dict[int, Any]:
        if row < self.offset:
            return self.first.trace(row)
        return self.second.trace(row - self.offset)

    def first_row_with(self, expr: rasp.SOp, test: Callable[[Any], bool]) -> int | None:
        found = self.first.first_row_with(expr, test)
        if found is not None:
            return found
        later = self.second.first_row_with(expr, test)
        return None if later is None else later + self.offset

    def occurrences(self, expr: rasp.SOp) -> dict[Any, set[int]]:
        found = self.first.occurrences(expr)
        for value, rows in self.second.occurrences(expr).items():
            found.setdefault(value, set()).update(row + self.offset for row in rows)
        return found


class OperationFailed(Exception):
    """A user function failed; the interpreters turn it into a Failure for the input."""

    def __init__(self, code: str, expr: rasp.RASPExpr, message: str):
        super().__init__(message)
        self.code, self.expr, self.message = code, expr, message


class FunctionCache:
    """Calls the functions inside Map, SequenceMap and Select once per distinct argument.

    tracr compiles these functions into lookup tables, so it treats them as pure; so do we,
    which spares repeated calls across positions and inputs. Failures become OperationFailed
    naming the operation and the arguments.
    """

    def __init__(self) -> None:
        self.results: dict[tuple, Any] = {}

    def call(self, expr: rasp.RASPExpr, fn: Callable, *args: Any) -> Any:
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
            raise OperationFailed(
                "RASP201", expr, f"{type(e).__name__}: {e} (when called with {shown})"
            ) from e
        if isinstance(result, rasp.RASPExpr):
            raise OperationFailed(
                "RASP307",
                expr,
                f"its function returned a RASP expression (a {type(result).__name__}) for "
                f"{', '.join(repr(a) for a in args)}: an SOp is used inside the function. "
                "Functions must work on plain values; combine SOps with SequenceMap instead",
            )
        if key is not None:
            self.results[key] = result
        return result


def averaging_failure(expr: rasp.Aggregate, error: ValueError) -> OperationFailed:
    """tracr's interpreter cannot average the non-numbers a query selected."""
    return OperationFailed(
        "RASP201",
        expr,
        "a query selects several values and they are not numbers, so the RASP interpreter "
        f"cannot average them ({error}); make the selector select at most one position per "
        "query",
    )


def categorical_average_message(expr: rasp.Aggregate, out: list, agg_in: list) -> str:
    selector = display_name(expr.selector)
    return (
        f"its selector `{selector}` selects several different values of "
        f"`{display_name(expr.sop)}` for a query, which the RASP interpreter averages (output "
        f"{out} is not made of the aggregated values {agg_in}), but tracr compiles a "
        "categorical Aggregate to an attention head that moves one value, and the compiled "
        f"model outputs something else: make `{selector}` select one position per query (or "
        "positions holding equal values); to average 0/1 values, make the Aggregate and its "
        "SOp numerical instead"
    )


def numerical_average_message(expr: rasp.Aggregate, agg_in: list) -> str:
    sop = display_name(expr.sop)
    return (
        f"it averages `{sop}`, whose values here are {sorted(set(agg_in), key=repr)}, but "
        "tracr compiles a numerical Aggregate to an attention head that averages only the "
        f"values 0 and 1: average 0/1 indicators instead, e.g. "
        f"rasp.numerical(rasp.Map(lambda x: 1 if x == v else 0, {sop})) for each value v, and "
        "combine the averages with rasp.LinearSequenceMap"
    )


def averages_categorically(out: list, agg_in: list) -> bool:
    """RASP302's test on one input: the output holds a value the aggregated SOp does not."""
    return not set(out) <= set(agg_in) | {None}


def averages_non_binary(agg_in: list) -> bool:
    """RASP303's test on one input: a numerical Aggregate over values other than 0 and 1."""
    return not set(agg_in) <= {0, 1}
