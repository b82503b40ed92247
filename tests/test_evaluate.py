"""The instrumented interpreter: per-expression values, located failures, dynamic checks."""

from tracr.compiler import lib
from tracr.rasp import rasp

from raspstudio.evaluate import evaluate_program


def test_every_expression_value_is_kept_per_input():
    length = lib.make_length()
    shifted = rasp.Map(lambda x: x + 1, rasp.tokens).named("plus_one")
    program = rasp.SequenceMap(lambda a, n: a * n, shifted, length).named("times_length")
    result = evaluate_program(program, [[1, 2], [3]])
    assert result.outputs == [[4, 6], [4]]
    assert result.traces[0][id(shifted)] == [2, 3]
    assert result.traces[0][id(length)] == [2, 2]
    assert result.traces[1][id(program)] == [4]


def test_failure_names_the_operation_the_input_and_the_value():
    inverse = rasp.Map(lambda x: 6 // x, rasp.tokens).named("inverse")
    program = rasp.SequenceMap(lambda a, b: a + b, inverse, rasp.tokens).named("sum")
    result = evaluate_program(program, [[1, 2], [2, 0, 1], [0]])
    (failure,) = result.failures.values()
    assert failure.expr is inverse
    assert failure.code == "RASP201"
    assert failure.input == [2, 0, 1]  # the first failing input in order
    assert "ZeroDivisionError" in failure.message and "called with 0" in failure.message
    assert result.outputs[0] == [7, 5] and result.outputs[1] is None


def test_sop_returned_from_a_function_is_reported():
    length = lib.make_length()
    program = rasp.Map(lambda x: x + length, rasp.tokens)
    (failure,) = evaluate_program(program, [[1]]).failures.values()
    assert failure.code == "RASP307" and failure.expr is program


def test_averaging_categorical_aggregate_is_caught_on_the_input_that_averages():
    select_all = rasp.Select(rasp.tokens, rasp.tokens, rasp.Comparison.TRUE)
    program = rasp.Aggregate(select_all, rasp.tokens)
    result = evaluate_program(program, [[2], [1, 2, 3], [1, 3]])
    (issue,) = result.unsupported.values()
    assert issue.code == "RASP302"
    assert issue.input == [1, 3]  # [1, 2, 3] averages to 2, a token: tracr's check misses it


def test_causal_evaluation_masks_future_positions():
    count = rasp.SelectorWidth(rasp.Select(rasp.tokens, rasp.tokens, rasp.Comparison.TRUE))
    assert evaluate_program(count, [[1, 1, 1]]).outputs == [[3, 3, 3]]
    assert evaluate_program(count, [[1, 1, 1]], causal=True).outputs == [[1, 2, 3]]
