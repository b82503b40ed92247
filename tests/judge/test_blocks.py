"""Block-wise checks of sampled programs (judge/blocks.py, pipeline/blocks.py) and the skewed
half of the sample (judge/inputs.py), on fixtures whose only failing inputs are too rare for a
uniform sample (tests/fixtures/rare/)."""

import json

from raspstudio.judge import blocks, verdict
from raspstudio.pipeline import check
from raspstudio.pipeline.load import load_file
from tests.conftest import FIXTURES, run_rasp

RARE = FIXTURES / "rare"


def _compiled(name: str) -> check.ProgramCheck:
    loaded = load_file(str(RARE / name))
    result = check.analyze_program(loaded.programs[0], loaded.config)
    check.compile_checked(result)
    return result


def test_the_sample_reaches_the_rare_value_with_skewed_sequences():
    # Uniform draws reach `both` = 91 with probability about 2e-4 per input; half of the
    # sample is sequences of few tokens in skewed proportions, which reach it.
    result = _compiled("clipped_at_91.py")
    assert result.report.sampled
    assert any(out == [-1] * len(out) for out in result.evaluation.outputs if out)


def test_a_witness_is_found_for_the_wrong_value_and_judged_on_the_whole_model():
    result = _compiled("clipped_at_91.py")
    compiled = check.model_evidence(result, sampled=True)
    (failure,) = blocks.judge_blocks(compiled)
    witness = check.witness(result, failure.operation.label, failure.values)
    xs = witness["input"]
    assert sum(t > 6 for t in xs) == 9 and sum(t < 3 for t in xs) == 1
    (found,) = verdict.judge_witness(result.evidence, compiled, witness).diagnostics
    assert found.code == "RASP501" and found.input == xs and "got [0, 0" in found.message


def test_a_block_wrong_on_one_value_is_found_at_that_value():
    result = _compiled("clipped_at_91.py")
    (failure,) = blocks.judge_blocks(check.model_evidence(result, sampled=True))
    assert failure.operation.name == "program"
    assert (failure.values, failure.expected, failure.got) == ([91], -1, 0)


def test_the_correct_twin_has_no_wrong_block():
    result = _compiled("clipped_twin.py")
    compiled = check.model_evidence(result, sampled=True)
    assert {table.label.split("_")[0] for table in compiled.blocks} == {"both", "program"}
    assert blocks.judge_blocks(compiled) == []


def _checked(name: str) -> tuple[dict, int]:
    result = run_rasp("check", str(RARE / name), "--format", "json")
    (checked,) = json.loads(result.stdout)["files"]
    return checked, result.returncode


def test_rasp_check_reports_the_rare_miscompilation_with_a_counterexample():
    checked, code = _checked("clipped_at_91.py")
    (found,) = [d for d in checked["diagnostics"] if d["severity"] == "error"]
    assert found["code"] == "RASP501" and code == 1
    witness = json.loads(found["message"].split("on input ")[1].split(":")[0])
    assert sum(t > 6 for t in witness) == 9 and sum(t < 3 for t in witness) == 1
    assert checked["programs"][0]["verified_inputs"] == 0


def test_the_twin_is_tested_and_says_it_is_not_a_proof():
    checked, code = _checked("clipped_twin.py")
    assert checked["diagnostics"] == [] and code == 0
    (program,) = checked["programs"]
    assert program["verified_inputs"] == 2000 and program["complete"] is False


def test_a_block_wrong_only_where_no_input_goes_is_a_warning():
    checked, code = _checked("unreachable_clip.py")
    assert [d["code"] for d in checked["diagnostics"]] == ["RASP608"] and code == 0
    assert checked["programs"][0]["complete"] is False


def test_a_rare_none_output_is_found_with_its_input_and_the_twin_is_clean():
    checked, _ = _checked("none_at_91.py")
    (found,) = checked["diagnostics"]
    assert found["code"] == "RASP601"
    witness = json.loads(found["message"].split("on input ")[1].split(" (output")[0])
    assert sum(t > 6 for t in witness) == 9 and sum(t < 3 for t in witness) == 1
    twin, code = _checked("none_twin.py")
    assert twin["diagnostics"] == [] and code == 0


def test_a_rare_averaging_aggregate_is_an_error_with_its_input_and_the_twin_is_clean():
    checked, code = _checked("averaging_at_91.py")
    (found,) = checked["diagnostics"]
    assert found["code"] == "RASP302" and code == 1
    witness = json.loads(found["message"].rsplit("(input ", 1)[1].rstrip(")"))
    assert sum(t > 6 for t in witness) == 9 and sum(t < 3 for t in witness) == 1
    twin, code = _checked("averaging_twin.py")
    assert twin["diagnostics"] == [] and code == 0
