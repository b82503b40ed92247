"""The RASP interpreter over a whole input space: all inputs of one length at once, in NumPy.

Evaluating input by input calls Python for every position of every operation on every input,
though an operation's function sees the same few values again and again. Here an SOp's values
on all inputs of one length are an integer array of codes into a table of its distinct values:
a Map calls its function once per distinct value, a Select its predicate once per distinct
(key, query) pair, and the rest is NumPy indexing. Outputs, failures, dynamic-check findings
and per-expression values are the TracingEvaluator's, input by input;
tests/pipeline/test_interpret.py compares the two on every program we have. A program this
cannot represent (unhashable values, a constant of another length, an expression type it does
not know) raises Unvectorisable, and per_input.evaluate_program falls back to the TracingEvaluator.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from tracr.rasp import rasp

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

_TRACR = rasp.DefaultRASPEvaluator()  # for constants: its length checks and messages


class Unvectorisable(Exception):
    """The program needs the one-input-at-a-time interpreter."""


class _Table:
    """Distinct values, each with a code; 1, 1.0 and True get distinct codes (FunctionCache)."""

    def __init__(self, values: Any = ()):
        self.values: list = []
        self._codes: dict[tuple, int] = {}
        for value in values:
            self.code(value)

    def code(self, value: Any) -> int:
        key = (type(value), value)
        try:
            found = self._codes.get(key)
        except TypeError as e:
            raise Unvectorisable(f"unhashable value {value!r}") from e
        if found is None:
            found = self._codes[key] = len(self.values)
            self.values.append(value)
        return found

    def objects(self) -> np.ndarray:
        """The values as a 1-D object array, for fancy indexing by codes."""
        out = np.empty(len(self.values), dtype=object)
        for i, value in enumerate(self.values):
            out[i] = value  # element by element: tuples must stay whole
        return out


@dataclass
class _Column:
    """An SOp on every input of a group: codes[input, position] into table."""

    codes: np.ndarray
    table: _Table

    def row(self, r: int) -> list:
        return [self.table.values[c] for c in self.codes[r]]


def _truth(value: Any) -> bool:
    try:
        return bool(value)
    except Exception as e:  # e.g. a NumPy array; the tracing path reports it
        raise Unvectorisable("a predicate returned a value without a truth value") from e


class _Group:
    """All inputs of one length, evaluated together; `live` marks inputs not yet failed."""

    def __init__(
        self, rows: list[int], inputs: list[list], program: rasp.SOp, causal: bool, cache: Any
    ):
        self.rows = rows  # indices into the whole input list, ascending
        self.inputs = [inputs[i] for i in rows]
        self.n = len(self.inputs[0])
        self.program, self.causal, self.functions = program, causal, cache
        self.live = np.ones(len(rows), dtype=bool)
        self.values: dict[int, _Column | np.ndarray] = {}
        self.live_after: dict[int, np.ndarray] = {}  # which inputs have a value for id(expr)
        self.failures: dict[int, tuple[int, Failure]] = {}  # id(expr) -> (row, first failure)
        self.unsupported: dict[int, tuple[int, Unsupported]] = {}
        self._methods: dict[type, Callable] = {
            rasp.TokensType: self._tokens,
            rasp.IndicesType: self._indices,
            rasp.LengthType: self._length,
            rasp.Map: self._map,
            rasp.SequenceMap: self._sequence_map,
            rasp.LinearSequenceMap: self._sequence_map,
            rasp.Full: self._full,
            rasp.ConstantSOp: self._constant_sop,
            rasp.SelectorWidth: self._selector_width,
            rasp.Aggregate: self._aggregate,
            rasp.Select: self._select,
            rasp.SelectorAnd: lambda s: np.logical_and(self.evaluate(s.fst), self.evaluate(s.snd)),
            rasp.SelectorOr: lambda s: np.logical_or(self.evaluate(s.fst), self.evaluate(s.snd)),
            rasp.SelectorNot: lambda s: np.logical_not(self.evaluate(s.inner)),
            rasp.ConstantSelector: self._constant_selector,
        }

    # -- driving ---------------------------------------------------------------------------

    def evaluate(self, expr: rasp.RASPExpr) -> Any:
        key = id(expr)
        if key not in self.values:
            method = self._methods.get(type(expr))
            if method is None:
                raise Unvectorisable(f"no batched evaluation for {type(expr).__name__}")
            value = method(expr) if self.live.any() else self._nothing(expr)
            if self.causal and isinstance(expr, rasp.Selector):
                value = value & np.tril(np.ones((self.n, self.n), dtype=bool))
            self.values[key] = value
            self.live_after[key] = self.live.copy()
        return self.values[key]

    def _nothing(self, expr: rasp.RASPExpr) -> Any:
        """A stand-in value once every input has failed: nothing is left to compute."""
        shape = (len(self.rows), self.n)
        if isinstance(expr, rasp.Selector):
            return np.zeros((*shape, self.n), dtype=bool)
        return _Column(np.zeros(shape, dtype=np.int64), _Table([None]))

    def outputs(self) -> list[list]:
        """The program's output on each live input, in order."""
        column = self.values[id(self.program)]
        return column.table.objects()[column.codes[self.live]].tolist()

    def value_at(self, key: int, r: int) -> Any:
        value = self.values[key]
        return value.row(r) if isinstance(value, _Column) else value[r].tolist()

    def _fail(self, r: int, failure: Failure) -> None:
        self.failures.setdefault(id(failure.expr), (self.rows[r], failure))

    def _fail_rows(self, bad: np.ndarray, failure_at: Callable[[int], OperationFailed]) -> None:
        """Inputs where `bad` (per input, per cell) holds fail; the first one is recorded."""
        rows = bad.reshape(len(bad), -1).any(axis=1) & self.live
        if rows.any():
            r = int(rows.argmax())
            e = failure_at(r)
            self._fail(r, Failure(e.code, e.expr, e.message, self.inputs[r]))
            self.live &= ~rows

    def _unsupported(self, code: str, expr: rasp.RASPExpr, r: int, message: str) -> None:
        found = Unsupported(code, expr, message, self.inputs[r])
        self.unsupported.setdefault(id(expr), (self.rows[r], found))

    def _sop(self, expr: rasp.SOp) -> _Column:
        return self.evaluate(expr)

    # -- primitives and constants ------------------------------------------------------------

    def _tokens(self, _: rasp.TokensType) -> _Column:
        table = _Table()
        codes = np.array([[table.code(t) for t in xs] for xs in self.inputs], dtype=np.int64)
        return _Column(codes, table)

    def _constant_column(self, values: list) -> _Column:
        table = _Table()
        codes = np.array([table.code(v) for v in values], dtype=np.int64)
        return _Column(np.broadcast_to(codes, (len(self.rows), self.n)), table)

    def _indices(self, _: rasp.IndicesType) -> _Column:
        return self._constant_column(list(range(self.n)))

    def _length(self, _: rasp.LengthType) -> _Column:
        return self._constant_column([self.n] * self.n)

    def _full(self, sop: rasp.Full) -> _Column:
        return self._constant_column([sop.fill] * self.n)

    def _constant(self, expr: rasp.RASPExpr, evaluate_one: Callable) -> list | None:
        """tracr's own evaluation of a constant; its length error fails every input."""
        try:
            value = evaluate_one(expr, self.inputs[0])
        except ValueError as e:
            failure = Failure("RASP201", self.program, f"{type(e).__name__}: {e}", [])
            r = int(self.live.argmax())
            if self.live[r]:
                failure.input = self.inputs[r]
                self._fail(r, failure)
            self.live[:] = False
            return None
        if len(value) != self.n:
            raise Unvectorisable("a constant of another length than the input")
        return value

    def _constant_sop(self, sop: rasp.ConstantSOp) -> _Column:
        return self._constant_column(self._constant(sop, _TRACR.eval_constant_sop) or [None])

    def _constant_selector(self, sel: rasp.ConstantSelector) -> np.ndarray:
        value = self._constant(sel, _TRACR.eval_constant_selector)
        matrix = np.array(value if value is not None else False, dtype=bool)
        if value is not None and matrix.shape != (self.n, self.n):
            raise Unvectorisable("a constant selector of another shape than the input")
        return np.broadcast_to(matrix, (len(self.rows), self.n, self.n))

    # -- element-wise --------------------------------------------------------------------------

    def _tabulate(
        self, expr: rasp.RASPExpr, keys: np.ndarray, result_of: Callable[[int], Any]
    ) -> _Column:
        """Codes of `result_of(key)` for every cell: one call per distinct key on live inputs."""
        table, live_keys = _Table(), keys[self.live]
        distinct, inverse = np.unique(live_keys, return_inverse=True)
        results = np.empty(len(distinct), dtype=np.int64)
        failed: dict[int, OperationFailed] = {}
        for j, key in enumerate(distinct.tolist()):
            try:
                results[j] = table.code(result_of(key))
            except OperationFailed as e:
                results[j], failed[j] = -1, e
        codes = np.full(keys.shape, -1, dtype=np.int64)
        codes[self.live] = results[inverse.reshape(live_keys.shape)]
        if failed:
            failed_key = np.full(len(distinct), False)
            failed_key[list(failed)] = True
            bad = np.zeros(keys.shape, dtype=bool)
            bad[self.live] = failed_key[inverse.reshape(live_keys.shape)]
            self._fail_rows(bad, lambda r: failed[_first_failed(distinct, keys[r], bad[r])])
        return _Column(codes, table)

    def _map(self, sop: rasp.Map) -> _Column:
        inner = self._sop(sop.inner)
        values = inner.table.values

        def result_of(code: int) -> Any:
            x = values[code]
            return None if x is None else self.functions.call(sop, sop.f, x)

        return self._tabulate(sop, inner.codes, result_of)

    def _sequence_map(self, sop: rasp.SequenceMap) -> _Column:
        fst, snd = self._sop(sop.fst), self._sop(sop.snd)
        width = max(len(snd.table.values), 1)

        def result_of(code: int) -> Any:
            x, y = fst.table.values[code // width], snd.table.values[code % width]
            return None if x is None or y is None else self.functions.call(sop, sop.f, x, y)

        return self._tabulate(sop, fst.codes * width + snd.codes, result_of)

    # -- selectors -------------------------------------------------------------------------------

    def _select(self, sel: rasp.Select) -> np.ndarray:
        keys, queries = self._sop(sel.keys), self._sop(sel.queries)
        matrix = np.zeros((len(queries.table.values), len(keys.table.values)), dtype=bool)
        errors: dict[tuple[int, int], OperationFailed] = {}
        used_keys = np.unique(keys.codes[self.live]).tolist()
        for q in np.unique(queries.codes[self.live]).tolist():
            for k in used_keys:
                key, query = keys.table.values[k], queries.table.values[q]
                try:
                    matrix[q, k] = _truth(self.functions.call(sel, sel.predicate, key, query))
                except OperationFailed as e:
                    errors[q, k] = e
        cells = (queries.codes[:, :, None], keys.codes[:, None, :])  # [input, query, key]
        if errors:
            failing = np.zeros_like(matrix)
            for q, k in errors:
                failing[q, k] = True
            bad = failing[cells]

            def failure_at(r: int) -> OperationFailed:
                qi, ki = divmod(int(bad[r].argmax()), self.n)  # tracr loops queries, then keys
                return errors[int(queries.codes[r, qi]), int(keys.codes[r, ki])]

            self._fail_rows(bad, failure_at)
        return matrix[cells]

    def _selector_width(self, sop: rasp.SelectorWidth) -> _Column:
        counts = self.evaluate(sop.selector).sum(axis=-1)
        return _Column(counts.astype(np.int64), _Table(range(self.n + 1)))

    # -- aggregate -------------------------------------------------------------------------------

    def _aggregate(self, sop: rasp.Aggregate) -> _Column:
        selector, values = self.evaluate(sop.selector), self._sop(sop.sop)
        count = selector.sum(axis=-1)  # [input, query]
        table = _Table(values.table.values)  # one selected value keeps its code
        first = np.take_along_axis(values.codes, selector.argmax(axis=-1), axis=1)
        codes = np.where(count == 1, first, table.code(sop.default))
        numeric = np.array([isinstance(v, int | float) for v in table.values], dtype=bool)
        averaged = count >= 2
        non_numbers = (selector & ~numeric[values.codes][:, None, :]).any(axis=-1) & averaged

        def failure_at(r: int) -> OperationFailed:
            chosen = _selected(values, selector, r, int(non_numbers[r].argmax()))
            try:
                rasp._mean(chosen, sop.default)  # tracr's own error for these values
            except ValueError as e:
                return averaging_failure(sop, e)
            raise AssertionError("tracr averaged non-numbers")  # pragma: no cover

        self._fail_rows(non_numbers, failure_at)
        averaged &= self.live[:, None]
        if averaged.any():
            means = self._means(selector, count, values, averaged, table)
            codes = np.where(averaged, means, codes)
        column = _Column(codes, table)
        self._check_averages(sop, values, column, count)
        return column

    def _means(
        self,
        selector: np.ndarray,
        count: np.ndarray,
        values: _Column,
        cells: np.ndarray,
        table: _Table,
    ) -> np.ndarray:
        """Codes of the means at `cells`, computed as tracr's `sum(xs) / len(xs)` would."""
        numbers = values.table.values
        codes = np.zeros(cells.shape, dtype=np.int64)
        if any(isinstance(v, float) or (isinstance(v, int) and abs(v) >= 2**53) for v in numbers):
            # Inexact as floats, so the sum depends on its order: add as tracr does.
            for r, q in zip(*np.nonzero(cells), strict=True):
                chosen = _selected(values, selector, r, q)
                codes[r, q] = table.code(sum(chosen) / len(chosen))
            return codes
        # Integers and booleans: exact sums, and one correctly rounded division, as in Python.
        as_float = np.array([float(v) if isinstance(v, int) else 0.0 for v in numbers])
        sums = np.einsum("bqk,bk->bq", selector, as_float[values.codes])
        means = sums[cells] / count[cells]
        distinct, inverse = np.unique(means, return_inverse=True)
        codes[cells] = np.array([table.code(float(m)) for m in distinct])[inverse.ravel()]
        return codes

    def _check_averages(
        self, sop: rasp.Aggregate, values: _Column, out: _Column, count: np.ndarray
    ) -> None:
        """tracr's dynamic validation (RASP302/303) on the first input that needs it."""
        if rasp.is_categorical(sop):
            maybe = (count >= 2) | ((count == 0) & (sop.default is not None))
            for r in np.nonzero(maybe.any(axis=1) & self.live)[0].tolist():
                if averages_categorically(out.row(r), values.row(r)):
                    message = categorical_average_message(sop, out.row(r), values.row(r))
                    self._unsupported("RASP302", sop, r, message)
                    return
        if rasp.is_numerical(sop):
            # Cells of failed inputs hold code -1: it reads the trailing False.
            table = values.table.values
            non_binary = np.array([averages_non_binary([v]) for v in table] + [False], dtype=bool)
            rows = non_binary[values.codes].any(axis=1) & self.live
            if rows.any():
                r = int(np.argmax(rows))
                self._unsupported("RASP303", sop, r, numerical_average_message(sop, values.row(r)))


def _selected(values: _Column, selector: np.ndarray, r: int, q: int) -> list:
    """The values query q of input r selects, in key order (what tracr's mean receives)."""
    return [v for v, s in zip(values.row(r), selector[r, q], strict=True) if s]


def _first_failed(distinct: np.ndarray, keys: np.ndarray, bad: np.ndarray) -> int:
    """Index into `distinct` of the first failing cell's key (tracr stops at the first)."""
    return int(np.searchsorted(distinct, keys.ravel()[int(bad.ravel().argmax())]))


class BatchedValues:
    """Values as the batched interpreter leaves them: per group, codes into tables."""

    def __init__(self, groups: list[_Group]):
        self.groups = groups
        self.where = {row: (g, r) for g in groups for r, row in enumerate(g.rows)}

    def trace(self, row: int) -> dict[int, Any]:
        group, r = self.where[row]
        return {key: group.value_at(key, r) for key in group.values if group.live_after[key][r]}

    def first_row_with(self, expr: rasp.SOp, test: Callable[[Any], bool]) -> int | None:
        found = []
        for group in self.groups:
            column = group.values.get(id(expr))
            if not isinstance(column, _Column) or not column.table.values:
                continue
            passing = np.array([bool(test(v)) for v in column.table.values])
            hits = passing[column.codes].any(axis=1) & group.live_after[id(expr)]
            if hits.any():
                found.append(group.rows[int(hits.argmax())])
        return min(found, default=None)

    def occurrences(self, expr: rasp.SOp) -> dict[Any, set[int]]:
        found: dict[Any, set[int]] = {}
        for group in self.groups:
            column = group.values.get(id(expr))
            if not isinstance(column, _Column):
                continue
            live = np.flatnonzero(group.live_after[id(expr)])
            codes = np.asarray(column.codes)[live]  # [live inputs, positions]
            rows = np.asarray(group.rows, dtype=np.int64)[live][:, None]
            span = group.rows[-1] + 1
            code, row = np.divmod(np.unique(codes.astype(np.int64) * span + rows), span)
            starts = np.flatnonzero(np.diff(code, prepend=-1))  # where each code begins
            for at, rows_of in zip(starts, np.split(row, starts[1:]), strict=True):
                found.setdefault(column.table.values[code[at]], set()).update(rows_of.tolist())
        return found


def evaluate_all(program: rasp.SOp, inputs: list[list], causal: bool = False) -> Evaluation:
    """evaluate.evaluate_program's result, computed one length at a time."""
    by_length: dict[int, list[int]] = defaultdict(list)
    for i, xs in enumerate(inputs):
        by_length[len(xs)].append(i)
    if 0 in by_length:
        raise Unvectorisable("an empty input")
    cache = FunctionCache()
    groups = [_Group(rows, inputs, program, causal, cache) for rows in by_length.values()]
    outputs: list[list | None] = [None] * len(inputs)
    result = Evaluation(inputs=inputs, outputs=outputs, values=BatchedValues(groups))
    for group in groups:
        group.evaluate(program)
        live_rows = np.array(group.rows)[group.live].tolist()
        for row, out in zip(live_rows, group.outputs(), strict=True):
            outputs[row] = out
    _merge_first(result.failures, [g.failures for g in groups])
    _merge_first(result.unsupported, [g.unsupported for g in groups])
    return result


def _merge_first(into: dict, per_group: list[dict[int, tuple[int, Any]]]) -> None:
    """Keep, per expression, the finding on the earliest input across groups."""
    earliest: dict[int, tuple[tuple[int, int], Any]] = {}
    for found in per_group:
        for order, (key, (row, item)) in enumerate(found.items()):
            if key not in earliest or row < earliest[key][0][0]:
                earliest[key] = ((row, order), item)  # order: evaluation order within an input
    for key, (_, item) in sorted(earliest.items(), key=lambda kv: kv[1][0]):
        into[key] = item
