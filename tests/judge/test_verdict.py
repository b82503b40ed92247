"""The judge on evidence from a real check, honest and tampered with.

The evidence is what the worker would send (built here by the pipeline from real tracr
compilations); tampering with it stands for a worker whose file patched the checker.
"""

import dataclasses
import subprocess
import sys
import time

import pytest

from raspstudio.judge import verdict
from raspstudio.pipeline import check
from raspstudio.pipeline.load import load_file
from raspstudio.report import ProgramReport
from tests.conftest import FIXTURES


def _checked(name: str) -> check.ProgramCheck:
    loaded = load_file(str(FIXTURES / name))
    program = loaded.programs[0]
    result = check.analyze_program(program, loaded.config, loaded.reference)
    check.compile_checked(result)
    return result


def _judge(result: check.ProgramCheck, evidence=None, model=None) -> verdict.ModelVerdict:
    compiled = check.model_evidence(result)
    if model is not None:
        compiled = dataclasses.replace(compiled, model=model)
    return verdict.judge_model(
        evidence or result.evidence, compiled, lambda row: check.operation_values(result, row)
    )


def test_a_right_model_is_verified_on_every_input():
    result = _checked("sample.py")
    judged = _judge(result)
    assert judged.diagnostics == []
    assert judged.verified_inputs == len(result.evidence.inputs)


def test_a_miscompilation_is_blamed_on_the_first_wrong_operation():
    result = _checked("negative_numerical_map.py")
    judged = _judge(result)
    (found,) = judged.diagnostics
    assert found.code == "RASP501" and judged.verified_inputs == 0
    assert judged.culprit.name == "minus_two"
    assert "expected [-1], got [0]" in found.message and found.input == [1]


def test_another_input_space_is_refused():
    result = _checked("sample.py")
    evidence = dataclasses.replace(
        result.evidence, inputs=result.evidence.inputs[:3], outputs=result.evidence.outputs[:3]
    )
    assert [d.code for d in verdict.judge_analysis(evidence)] == ["RASP504"]
    assert [d.code for d in _judge(result, evidence).diagnostics] == ["RASP504"]


@pytest.mark.parametrize(
    "claim",
    [
        {"max_seq_len": 10**9},
        {"max_inputs": 10**12, "max_seq_len": 50},
        {"vocab": []},
        {"vocab": [[1], [2]]},
    ],
    ids=["long", "many", "empty", "unhashable"],
)
def test_a_configuration_claiming_another_space_is_refused_before_it_is_built(claim):
    result = _checked("sample.py")
    evidence = dataclasses.replace(result.evidence, **claim)
    (found,) = verdict.judge_analysis(evidence)
    assert found.code == "RASP504"
    report = ProgramReport("program", 1)
    verdict.cover(report, evidence, 0)
    assert (report.sampled, report.space, report.complete) == (False, 0, False)


def test_outputs_of_the_wrong_shape_are_refused():
    result = _checked("sample.py")
    outputs = [None if out is None else out[:-1] for out in result.evidence.outputs]
    evidence = dataclasses.replace(result.evidence, outputs=outputs)
    (found,) = verdict.judge_analysis(evidence)
    assert found.code == "RASP504" and "one value per position" in found.message


def test_a_model_for_another_vocabulary_is_refused():
    result = _checked("sample.py")
    model = check.model_evidence(result).model
    tokens = dict(model.input_encoder.encoding_map)
    tokens.pop(next(t for t in tokens if t not in ("BOS", "PAD")))
    forged = dataclasses.replace(
        model, input_encoder=dataclasses.replace(model.input_encoder, encoding_map=tokens)
    )
    (found,) = _judge(result, model=forged).diagnostics
    assert found.code == "RASP504" and "another vocabulary" in found.message


@pytest.mark.filterwarnings("ignore:invalid value encountered")
@pytest.mark.parametrize(
    "damage",
    [
        lambda m: dataclasses.replace(m, params={}),
        lambda m: dataclasses.replace(m, unembed="not an array"),
        lambda m: dataclasses.replace(m, input_encoder=None),
        lambda m: dataclasses.replace(
            m, model_config=dataclasses.replace(m.model_config, key_size=-1)
        ),
    ],
    ids=["no params", "unembed", "encoder", "key size"],
)
def test_malformed_weights_are_refused_not_crashed_on(damage):
    result = _checked("sample.py")
    forged = damage(check.model_evidence(result).model)
    judged = _judge(result, model=forged)
    assert judged.verified_inputs == 0
    assert [d.code for d in judged.diagnostics] in (["RASP504"], ["RASP501"])


def test_the_judge_imports_neither_tracr_nor_the_pipeline():
    script = (
        "import sys\n"
        "import raspstudio.judge.verdict, raspstudio.judge.forward, raspstudio.engine\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('tracr', 'jax', 'haiku')"
        " or m.startswith(('raspstudio.pipeline', 'raspstudio.worker'))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-P", "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


def test_a_model_too_slow_to_judge_gets_no_verdict():
    result = _checked("sample.py")
    compiled = check.model_evidence(result)
    judged = verdict.judge_model(
        result.evidence, compiled, lambda row: [], deadline=time.monotonic()
    )
    assert judged.verified_inputs == 0
    assert [d.code for d in judged.diagnostics] == ["RASP106"]
    assert "did not finish in time" in judged.diagnostics[0].message


def _with_added(result: check.ProgramCheck, added: list[list]) -> object:
    evidence = result.evidence
    return dataclasses.replace(
        evidence,
        inputs=evidence.inputs + added,
        outputs=evidence.outputs + [[0] * len(xs) for xs in added],
    )


@pytest.mark.parametrize(
    "added",
    [
        [[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]],  # longer than MAX_SEQ_LEN
        [[0, 10]],  # a token outside the vocabulary
        [[0, 9, 0, 9], [0, 9, 0, 9]],  # twice
        "first",  # one of the fixed sample again
        [[i % 10, i // 10 % 10, i // 100 % 10, 7, 7, 7, 7] for i in range(501)],  # too many
    ],
    ids=["too-long", "outside-vocab", "twice", "in-the-sample", "too-many"],
)
def test_inputs_added_to_a_sample_must_be_new_inputs_of_the_configuration(added):
    result = _checked("rare/clipped_twin.py")
    if added == "first":
        added = [result.evidence.inputs[0]]
    (found,) = verdict.judge_analysis(_with_added(result, added))
    assert found.code == "RASP504"


def test_steered_inputs_are_judged_like_the_rest():
    result = _checked("rare/clipped_twin.py")
    assert result.report.steered > 0  # its sample was steered towards `both` = 91
    assert verdict.judge_analysis(result.evidence) == []
    judged = _judge(result)
    assert judged.diagnostics == [] and judged.verified_inputs == len(result.evidence.inputs)
    assert judged.verified_inputs > result.config.max_inputs
