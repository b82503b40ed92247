"""Steering a sampled input space (pipeline/coverage.py): the rare inputs of
tests/fixtures/rare/ are reached, the judge runs the model on them, and what stays unreached
is named."""

from pathlib import Path

import pytest

from raspstudio.judge.inputs import input_space
from raspstudio.pipeline import check
from raspstudio.pipeline.interpret.per_input import evaluate_program
from raspstudio.pipeline.load import load_file
from raspstudio.pipeline.validate import walk
from tests.conftest import FIXTURES

RARE = FIXTURES / "rare"
AT_91 = sorted(RARE.glob("*_at_91.py"))


def _analysed(path: Path) -> check.ProgramCheck:
    loaded = load_file(str(path))
    return check.analyze_program(loaded.programs[0], loaded.config)


def _row_where_both_is_91(evaluation, program) -> int | None:
    (both,) = [e for e in walk(program) if getattr(e, "name", "") == "both"]
    return evaluation.values.first_row_with(both, lambda v: v == 91)


@pytest.mark.parametrize("path", AT_91, ids=lambda p: p.stem)
def test_the_steered_sample_reaches_the_value_the_fixed_sample_misses(path: Path):
    loaded = load_file(str(path))
    program, config = loaded.programs[0].sop, loaded.config
    fixed, sampled = input_space(config.vocab, config.max_seq_len, config.max_inputs)
    assert sampled and _row_where_both_is_91(evaluate_program(program, fixed), program) is None

    result = _analysed(path)
    inputs = result.evidence.inputs
    assert inputs[: len(fixed)] == fixed and result.report.steered == len(inputs) - len(fixed)
    row = _row_where_both_is_91(result.evaluation, result.program.sop)
    assert row is not None and row >= len(fixed)
    assert result.report.unreached and not any("91" in line for line in result.report.unreached)


def test_steering_is_deterministic():
    first, second = (_analysed(RARE / "none_at_91.py") for _ in range(2))
    assert first.evidence.inputs == second.evidence.inputs


def test_what_no_input_reaches_is_named():
    result = _analysed(RARE / "unreachable_clip.py")
    assert "`program` = -1 (1 of its 2 values)" in result.report.unreached


def test_an_enumerated_space_is_not_steered():
    result = _analysed(FIXTURES / "sample.py")
    assert not result.report.sampled and result.report.steered == 0
    assert result.report.unreached == []
