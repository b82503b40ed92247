"""The instrumented interpreter: per-expression values, located failures, dynamic checks."""

import itertools
from pathlib import Path
from typing import Any

import pytest
from tracr.compiler import lib, test_cases
from tracr.rasp import rasp

from raspstudio.config import Config
from raspstudio.judge.inputs import input_space
from raspstudio.pipeline.interpret import batched as interpret_batched
from raspstudio.pipeline.interpret.per_input import evaluate_each, evaluate_program
from raspstudio.pipeline.load import load_file


def test_every_expression_value_is_kept_per_input():
    length = lib.make_length()
    shifted = rasp.Map(lambda x: x + 1, rasp.tokens).named("plus_one")
    program = rasp.SequenceMap(lambda a, n: a * n, shifted, length).named("times_length")
    result = evaluate_program(program, [[1, 2], [3]])
    assert result.outputs == [[4, 6], [4]]
    assert result.trace(0)[id(shifted)] == [2, 3]
    assert result.trace(0)[id(length)] == [2, 2]
    assert result.trace(1)[id(program)] == [4]


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


def test_a_numerical_aggregate_of_an_sop_that_fails_on_every_input_reports_the_failure():
    """Every input fails before the Aggregate, so the values it averages are none at all."""
    shifted = rasp.Map(lambda x: x + 1, rasp.tokens).named("shifted")
    prefix = rasp.Select(rasp.indices, rasp.indices, rasp.Comparison.GEQ)
    as_number = rasp.numerical(rasp.Map(lambda x: x, shifted))
    program = rasp.numerical(rasp.Aggregate(prefix, as_number, default=0))
    result = evaluate_program(program, [["a"], ["a", "b"]])
    (failure,) = result.failures.values()
    assert failure.code == "RASP201" and "TypeError" in failure.message
    assert result.outputs == [None, None]


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


# -- The batched interpreter gives exactly what the one-input-at-a-time one gives -------------

ROOT = Path(__file__).parents[2]


def _shown(values: Any) -> str:
    return repr(values)  # repr tells 1, 1.0 and True apart, and compares NaN


def assert_batched_matches_each(program: rasp.SOp, inputs: list[list], causal: bool = False):
    batched = interpret_batched.evaluate_all(program, inputs, causal)
    each = evaluate_each(program, inputs, causal)
    assert _shown(batched.outputs) == _shown(each.outputs)
    for found, expected in (
        (batched.failures, each.failures),
        (batched.unsupported, each.unsupported),
    ):
        assert list(found) == list(expected)  # same expressions, in the same order
        for key, item in expected.items():
            got = found[key]
            assert (got.code, got.expr, got.message, got.input) == (
                item.code,
                item.expr,
                item.message,
                item.input,
            )
    for row in range(len(inputs)):
        b, e = batched.trace(row), each.trace(row)
        assert set(b) == set(e), f"input {inputs[row]}"
        assert {k: _shown(v) for k, v in b.items()} == {k: _shown(v) for k, v in e.items()}
    return batched


def _corpus() -> list:
    cases = []
    for path in sorted(
        [*(ROOT / "tests/fixtures").glob("*.py"), *(ROOT / "programs").rglob("*.py")]
    ):
        loaded = load_file(str(path))
        for program in loaded.programs:
            cases.append(pytest.param(program.sop, loaded.config, id=f"{path.stem}:{program.name}"))
    for case in test_cases.TEST_CASES:
        config = Config(vocab=frozenset(case["vocab"]), max_seq_len=case["max_seq_len"])
        cases.append(pytest.param(case["program"], config, id=f"tracr:{case['testcase_name']}"))
    return cases


@pytest.mark.parametrize(("program", "config"), _corpus())
def test_batched_matches_each_on_every_program(program: rasp.SOp, config: Config):
    inputs, _ = input_space(config.vocab, config.max_seq_len, max_inputs=400)
    assert_batched_matches_each(program, inputs, causal=config.causal)


def _by_length(vocab: list, max_len: int) -> list[list]:
    return [list(s) for n in range(1, max_len + 1) for s in itertools.product(vocab, repeat=n)]


INPUTS = _by_length([0, 1, 2, 3], 4)
NAMED = ["a", "b", "c"]


def _crafted() -> dict[str, tuple[rasp.SOp, list[list]]]:
    tokens, indices = rasp.tokens, rasp.indices
    inverse = rasp.Map(lambda x: 6 // x, tokens).named("inverse")
    first = rasp.Aggregate(rasp.Select(indices, indices, lambda k, q: k == 0), tokens)
    select_all = rasp.Select(tokens, tokens, rasp.Comparison.TRUE)
    picky = rasp.Select(tokens, lib.make_length(), lambda k, q: 1 // (k + 3 - q) > 0)
    # Raises when key and query differ: length-1 inputs hold such pairs in their value tables
    # but never in one input, so the first failure must be on [0, 1].
    same_only = rasp.Select(tokens, tokens, lambda k, q: 1 // (k == q))
    return {
        "map fails on some values": (rasp.SequenceMap(lambda a, b: a + b, inverse, tokens), INPUTS),
        "sequence map fails": (
            rasp.SequenceMap(lambda a, b: a // (b - 1), tokens, indices),
            INPUTS,
        ),
        "predicate fails where its pair meets": (rasp.SelectorWidth(picky), INPUTS),
        "predicate fails only on pairs from one input": (rasp.SelectorWidth(same_only), INPUTS),
        "two failing branches, first in order wins": (
            rasp.SequenceMap(lambda a, b: a + b, rasp.Map(lambda x: 1 // (x - 2), tokens), inverse),
            INPUTS,
        ),
        "sop inside a function": (rasp.Map(lambda x: x + rasp.tokens, tokens), INPUTS),
        "categorical average (RASP302)": (rasp.Aggregate(select_all, tokens), INPUTS),
        "categorical default not in the input": (
            rasp.Aggregate(rasp.Select(tokens, tokens, rasp.Comparison.LT), tokens, default=9),
            INPUTS,
        ),
        "numerical non-binary average (RASP303)": (
            rasp.numerical(rasp.Aggregate(select_all, rasp.numerical(tokens), default=0)),
            INPUTS,
        ),
        "numerical mean of 0/1 and booleans": (
            rasp.numerical(
                rasp.Aggregate(
                    rasp.Select(indices, indices, rasp.Comparison.LEQ),
                    rasp.numerical(rasp.Map(lambda x: x == 2, tokens)),
                    default=0,
                )
            ),
            INPUTS,
        ),
        "mean of floats, added in order": (
            rasp.numerical(
                rasp.Aggregate(
                    rasp.Select(indices, indices, rasp.Comparison.LEQ),
                    rasp.numerical(rasp.Map(lambda x: x / 10 + 0.1, tokens)),
                    default=0,
                )
            ),
            INPUTS,
        ),
        "several strings selected": (rasp.Aggregate(select_all, tokens), _by_length(NAMED, 3)),
        "None flows through": (
            rasp.Map(
                lambda x: x, rasp.Aggregate(rasp.Select(tokens, tokens, rasp.Comparison.GT), tokens)
            ),
            INPUTS,
        ),
        "selector algebra and primitives": (
            rasp.SequenceMap(
                lambda a, b: (a, b),
                rasp.SelectorWidth(
                    rasp.SelectorOr(
                        rasp.SelectorAnd(first.selector, select_all),
                        rasp.SelectorNot(rasp.Select(tokens, indices, rasp.Comparison.EQ)),
                    )
                ),
                rasp.SequenceMap(lambda a, b: a * b, rasp.Full(2), lib.make_length()),
            ),
            INPUTS,
        ),
        "length primitive and first token": (
            rasp.SequenceMap(lambda a, b: a - b, rasp.length, first),
            INPUTS,
        ),
        "constant of the wrong length": (
            rasp.SequenceMap(lambda a, b: a + b, tokens, rasp.ConstantSOp([1, 2])),
            INPUTS,
        ),
        "constant selector of the wrong length": (
            rasp.SelectorWidth(rasp.ConstantSelector([[True, False], [True, True]])),
            INPUTS,
        ),
    }


@pytest.mark.parametrize("name", list(_crafted()))
@pytest.mark.parametrize("causal", [False, True])
def test_batched_matches_each_on_failures_and_dynamic_checks(name: str, causal: bool):
    program, inputs = _crafted()[name]
    assert_batched_matches_each(program, inputs, causal=causal)


def test_crafted_cases_really_fail_and_flag():
    """The crafted cases above exercise what they claim (else the comparison proves little)."""
    cases = _crafted()
    found = {name: interpret_batched.evaluate_all(*cases[name]) for name in cases}
    assert {f.code for f in found["sop inside a function"].failures.values()} == {"RASP307"}
    assert found["predicate fails where its pair meets"].failures
    assert all(
        f.input == [0, 0, 0]
        for f in found["predicate fails where its pair meets"].failures.values()
    )
    (failure,) = found["predicate fails only on pairs from one input"].failures.values()
    assert failure.input == [0, 1]
    assert found["categorical average (RASP302)"].unsupported
    assert found["numerical non-binary average (RASP303)"].unsupported
    assert "not numbers" in next(iter(found["several strings selected"].failures.values())).message
    assert len(found["two failing branches, first in order wins"].failures) == 2
    assert found["constant of the wrong length"].failures
    means = {v for out in found["mean of floats, added in order"].outputs for v in out}
    assert any(isinstance(v, float) and v != round(v, 1) for v in means)


def test_unhashable_values_fall_back_to_one_input_at_a_time():
    pairs = rasp.Map(lambda x: [x, x], rasp.tokens)
    program = rasp.Map(lambda pair: pair[0], pairs, simplify=False)
    with pytest.raises(interpret_batched.Unvectorisable):
        interpret_batched.evaluate_all(program, INPUTS)
    assert evaluate_program(program, [[1, 2]]).outputs == [[1, 2]]


def test_first_row_with_a_value_agrees_between_interpreters():
    shifted = rasp.Map(lambda x: x - 2, rasp.tokens)
    program = rasp.Map(lambda x: x * 2, shifted, simplify=False)
    negative = lambda v: v < 0
    batched = interpret_batched.evaluate_all(program, INPUTS[::-1])
    each = evaluate_each(program, INPUTS[::-1])
    row = batched.values.first_row_with(shifted, negative)
    assert (
        row == each.values.first_row_with(shifted, negative) == 2
    )  # [3, 3, 3, 1], longest inputs first
