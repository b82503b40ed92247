"""The block-wise proof (judge/proof.py) on fixtures whose only failing inputs are too rare for
a uniform sample (tests/fixtures/rare/), their correct twins, and models tampered with."""

import copy
import json

import numpy as np
import pytest
from tracr.compiler import test_cases
from tracr.rasp import rasp

from raspstudio.config import Config
from raspstudio.evidence import Node
from raspstudio.judge import layout, proof, value_sets, verdict
from raspstudio.pipeline import check
from raspstudio.pipeline.load import Program, load_file
from raspstudio.report import Span
from tests.conftest import FIXTURES, run_rasp

RARE = FIXTURES / "rare"
TWINS = ["clipped_twin.py", "none_twin.py", "averaging_twin.py", "discretised_twin.py"]


def _compiled(name: str) -> check.ProgramCheck:
    loaded = load_file(str(RARE / name))
    result = check.analyze_program(loaded.programs[0], loaded.config)
    check.compile_checked(result)
    return result


def _proof(result: check.ProgramCheck, evidence=None) -> proof.Proof:
    evidence = evidence or check.model_evidence(result, sampled=True)
    config = result.config
    return proof.prove(evidence, list(config.vocab), config.max_seq_len)


def _rare(xs: list) -> bool:
    """`both` is 91: nine tokens of 8 or 9, and one 0."""
    return len(xs) == 10 and sum(t > 7 for t in xs) == 9 and xs.count(0) == 1


def test_the_rare_inputs_are_below_one_in_a_million_and_no_constant_sequence():
    space = sum(10**n for n in range(1, 11))
    assert 10 * 2**9 / space < 1e-6
    assert not any(_rare([t] * 10) for t in range(10))


@pytest.mark.parametrize("name", TWINS)
def test_each_correct_twin_is_proved_for_every_input(name):
    found = _proof(_compiled(name))
    assert (found.complete, found.reason, found.failures) == (True, "", [])


def test_a_block_wrong_on_one_value_is_found_at_that_value():
    failures = _proof(_compiled("clipped_at_91.py")).failures
    wrong = {(f.operation.name, tuple(f.values), f.expected, f.got) for f in failures}
    assert ("program", (91,), -1, 0) in wrong


def test_a_discretising_mlp_wrong_at_one_value_is_found_at_that_value():
    (failure,) = _proof(_compiled("discretised_at_91.py")).failures
    assert (failure.operation.name, failure.values, failure.expected) == ("program", [0.0995], 5)


def test_a_witness_is_found_for_the_wrong_value_and_judged_on_the_whole_model():
    result = _compiled("clipped_at_91.py")
    compiled = check.model_evidence(result, sampled=True)
    (failure,) = [f for f in _proof(result, compiled).failures if f.operation.name == "program"]
    witness = check.witness(result, failure.operation.label, failure.values)
    assert _rare(witness["input"])
    (found,) = verdict.judge_witness(result.evidence, compiled, witness).diagnostics
    assert found.code == "RASP501" and found.input == witness["input"]


def _checked(name: str) -> tuple[dict, int]:
    result = run_rasp("check", str(RARE / name), "--format", "json")
    (checked,) = json.loads(result.stdout)["files"]
    return checked, result.returncode


@pytest.mark.parametrize(
    ("name", "code", "marker"),
    [
        ("clipped_at_91.py", "RASP501", "on input "),
        ("discretised_at_91.py", "RASP501", "on input "),
        ("none_at_91.py", "RASP601", "on input "),
        ("averaging_at_91.py", "RASP302", "(input "),
    ],
)
def test_rasp_check_reports_each_rare_defect_with_a_witness_input(name, code, marker):
    checked, _ = _checked(name)
    found = [d for d in checked["diagnostics"] if d["code"] == code]
    assert found, checked["diagnostics"]
    text = found[0]["message"].rsplit(marker, 1)[1]
    witness = json.loads(text[: text.index("]") + 1])
    assert _rare(witness)
    assert checked["programs"][0]["complete"] is False


@pytest.mark.parametrize("name", TWINS)
def test_rasp_check_says_each_twin_is_verified_on_every_input(name):
    checked, code = _checked(name)
    assert checked["diagnostics"] == [] and code == 0
    (program,) = checked["programs"]
    assert program["complete"] is True
    text = run_rasp("check", str(RARE / name)).stdout
    assert "verified on all 11,111,111,110 inputs (block-wise)" in text


def test_a_block_wrong_only_where_no_input_goes_is_a_warning_and_not_complete():
    checked, code = _checked("unreachable_clip.py")
    assert {d["code"] for d in checked["diagnostics"]} == {"RASP608"} and code == 0
    unreached = [d for d in checked["diagnostics"] if "No input reaching" in d["message"]]
    assert len(unreached) == 1 and "[110]" in unreached[0]["message"]
    assert checked["programs"][0]["complete"] is False
    # and the text says what the sample never reached: `program` = -1 is where 110 would lead
    text = run_rasp("check", str(RARE / "unreachable_clip.py")).stdout
    assert "never reached by a tested input (some may be unreachable): " in text
    assert "`program` = -1 (1 of its 2 values)" in text


def test_a_selector_that_may_select_nothing_is_not_complete_and_says_why():
    found = _proof(_compiled("none_at_91.py"))
    assert not found.complete and found.open_selector and "selects nothing" in found.reason


def test_the_text_says_why_a_sampled_verdict_is_not_a_proof():
    text = run_rasp("check", str(RARE / "unreachable_clip.py")).stdout
    assert "not a proof: the compiled MLP for `highs` is wrong when its width is 10" in text


# -- tampered models: every step of the proof must be able to fail ---------------------


def _tampered(change) -> proof.Proof:
    result = _compiled("clipped_twin.py")
    evidence = copy.deepcopy(check.model_evidence(result, sampled=True))
    change(evidence)
    return _proof(result, evidence)


def _params(evidence, name):
    return evidence.model.params[name]


def test_a_head_whose_scores_do_not_separate_is_not_proved():
    def flatten(evidence):
        _params(evidence, "transformer/layer_0/attn/query")["w"][:] *= 0.01

    found = _tampered(flatten)
    assert not found.complete and "does not separate" in found.reason


def test_an_mlp_reading_another_operation_is_not_proved():
    def leak(evidence):
        labels = evidence.model.residual_labels
        first = _params(evidence, "transformer/layer_2/mlp/linear_1")["w"]
        unit = int(np.flatnonzero(np.abs(first).sum(axis=0))[0])
        first[labels.index("tokens:3"), unit] = 0.5

    found = _tampered(leak)
    assert not found.complete and "reads other operations" in found.reason


def test_a_block_writing_another_operations_directions_is_not_proved():
    def overwrite(evidence):
        labels = evidence.model.residual_labels
        second = _params(evidence, "transformer/layer_1/mlp/linear_2")["w"]
        unit = int(np.flatnonzero(np.abs(second).sum(axis=1))[0])
        highs = next(i for i, text in enumerate(labels) if text.startswith("highs_"))
        second[unit, highs] = 1.0

    found = _tampered(overwrite)
    assert not found.complete and "more than one operation" in found.reason


def test_an_operation_no_block_computes_is_not_proved():
    def erase(evidence):  # layer 1's MLP computes `both`; without it `both` is always 0
        _params(evidence, "transformer/layer_1/mlp/linear_2")["w"][:] = 0

    found = _tampered(erase)
    assert not found.complete and "no block of the model computes `both`" in found.reason


def test_a_wrong_token_embedding_is_not_proved():
    def swap(evidence):
        embed = _params(evidence, "token_embed")["embeddings"]
        embed[[3, 4]] = embed[[4, 3]]

    found = _tampered(swap)
    assert not found.complete and "embedding of token" in found.reason


def test_a_numerical_output_off_by_more_than_the_tolerance_is_not_proved():
    def nudge(evidence):
        _params(evidence, "transformer/layer_2/mlp/linear_2")["w"][:] *= 1.01

    found = _tampered(nudge)
    assert not found.complete and found.failures


def test_a_forged_table_is_refused():
    def forge(evidence):
        node = evidence.nodes[-1]
        node.rows = node.rows[:-1]

    found = _tampered(forge)
    assert not found.complete and "does not cover its values" in found.reason


def test_a_causal_model_is_not_proved_block_wise():
    def causal(evidence):
        evidence.model.model_config.causal = True

    assert "causal" in _tampered(causal).reason


# -- value sets -------------------------------------------------------------------------


def test_numerical_means_are_computed_exactly_and_include_what_tracr_assumes_away():
    means = value_sets._means([0, 1], 3)
    assert sorted(means) == [0.0, 1 / 3, 0.5, 2 / 3, 1.0]


def test_the_layout_assigns_each_selector_width_its_hidden_direction():
    result = _compiled("clipped_twin.py")
    evidence = check.model_evidence(result, sampled=True)
    places = layout.layout(evidence.model, evidence.operations)
    assert places.problems == []
    assert sorted(label.split("_")[0] for label in places.hidden) == ["highs", "lows"]


def test_values_that_cannot_be_ordered_keep_their_order_and_raising_ones_are_unknown():
    class Loud:
        def __hash__(self):
            raise RuntimeError("no")

    tokens = Node("tokens", "tokens")
    pairs = Node("pairs", "Map", ["tokens"])
    loud = Node("loud", "Map", ["tokens"])
    functions = {"pairs": lambda t: (1, None) if t else (1, 2), "loud": lambda t: Loud()}

    def apply(node, rows):
        return [functions[node.label](*row) for row in rows]

    found = value_sets.infer([tokens, pairs, loud], {0, 1}, 3, apply)
    assert found.values["pairs"] == [(1, 2), (1, None)]
    assert "cannot be compared" in found.unknown["loud"]


def test_tracr_test_cases_with_sampled_spaces_are_proved_unless_a_selector_may_select_nothing():
    proved, open_selectors = [], []
    for case in test_cases.TEST_CASES:
        config = Config(vocab=frozenset(case["vocab"]), max_seq_len=case["max_seq_len"])
        program = Program(case["testcase_name"], case["program"], Span(1, 1, 1, 2))
        result = check.analyze_program(program, config)
        if not result.report.sampled:
            continue
        check.compile_checked(result)
        found = _proof(result)
        (proved if found.complete else open_selectors).append(case["testcase_name"])
        assert found.complete or "selects nothing" in found.reason, found.reason
    assert "make_count_1" in proved and len(proved) >= 10  # counts up to 8: one-hot within 1
    assert {name.rsplit("_", 1)[0] for name in open_selectors} <= {"shuffle_dyck3"}


NUMPY_VALUES = """import numpy as np
from tracr.rasp import rasp

VOCAB = set(range(10))
MAX_SEQ_LEN = 6
doubled = rasp.Map(lambda t: np.int64(t) * 2 if t % 2 else t * 2, rasp.tokens).named("doubled")
program = rasp.Map(lambda d: int(d) + 1, doubled, simplify=False).named("program")
"""


def test_numpy_values_order_the_same_on_both_sides_of_the_boundary(tmp_path):
    path = tmp_path / "numpy_values.py"
    path.write_text(NUMPY_VALUES)
    (checked,) = json.loads(run_rasp("check", str(path), "--format", "json").stdout)["files"]
    assert checked["programs"][0]["complete"] is True


def _proof_of(program, vocab: set, max_seq_len: int) -> proof.Proof:
    config = Config(vocab=frozenset(vocab), max_seq_len=max_seq_len, mlp_exactness=1000)
    result = check.analyze_program(Program("program", program, Span(1, 1, 1, 2)), config)
    check.compile_checked(result)
    return _proof(result)


def test_a_selector_of_positions_that_selects_one_at_or_before_each_query_is_never_empty():
    """The previous token, the first position's own: keys and queries are indices, and each
    query position selects a key no later than itself, which every input reaching it has."""
    previous = rasp.Aggregate(
        rasp.Select(rasp.indices, rasp.indices, lambda k, q: k == max(q - 1, 0)), rasp.tokens
    ).named("previous")
    program = rasp.SequenceMap(lambda p, t: (p + t) % 5, previous, rasp.tokens)
    found = _proof_of(program.named("program"), set(range(5)), 8)
    assert (found.complete, found.reason) == (True, "")
    # one position later may be past the end of the input: nothing is selected there
    ahead = rasp.Aggregate(
        rasp.Select(rasp.indices, rasp.indices, lambda k, q: k == min(q + 1, 7)), rasp.tokens
    ).named("ahead")
    program = rasp.SequenceMap(lambda p, t: (p + t) % 5, ahead, rasp.tokens)
    found = _proof_of(program.named("program"), set(range(5)), 8)
    assert not found.complete and "selects nothing" in found.reason
