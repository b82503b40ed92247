"""`rasp check --format json` on the fixture programs: verdicts, codes and locations.

Covers the silent miscompilations tracr's validator misses and the constructs
that must be reported on the right line.
"""

from pathlib import Path

import pytest

from tests.conftest import FIXTURES, check_json, run_rasp

# file -> (code, severity, line) diagnostics that must be present
EXPECTED = {
    "negative_numerical_map.py": [("RASP501", "error", 9), ("RASP602", "warning", 9)],
    "averaging_aggregate.py": [("RASP302", "error", 9)],
    "low_exactness_length.py": [("RASP501", "error", 9), ("RASP603", "warning", 9)],
    "none_output.py": [("RASP601", "warning", 9)],
    "value_set_division.py": [("RASP202", "error", 11)],
    "length_primitive.py": [("RASP304", "error", 8)],
    "composite_selector.py": [("RASP306", "error", 10)],
    "sop_in_lambda.py": [("RASP307", "error", 10)],
    "no_tokens.py": [("RASP308", "error", 8)],
    "syntax_error.py": [("RASP101", "error", 6)],
    "huge_mlp.py": [("RASP604", "warning", 9)],
    "map_of_fraction.py": [("RASP501", "error", 12), ("RASP603", "warning", 12)],
    "causal_count.py": [("RASP606", "warning", 10)],
    "unused_operation.py": [("RASP607", "warning", 8)],
}


@pytest.fixture(scope="module")
def report() -> dict:
    files = [*sorted(FIXTURES.glob("*.py")), FIXTURES / "broken" / "syntax_error.py"]
    return check_json(*files)


def _file(report: dict, name: str) -> dict:
    return next(f for f in report["files"] if Path(f["path"]).name == name)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_expected_diagnostics_are_reported_on_their_line(report, name):
    found = {(d["code"], d["severity"], d["line"]) for d in _file(report, name)["diagnostics"]}
    for expected in EXPECTED[name]:
        assert expected in found, f"{name}: {expected} not in {sorted(found)}"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_no_unexpected_errors(report, name):
    expected_errors = {c for c, severity, _ in EXPECTED[name] if severity == "error"}
    errors = {d["code"] for d in _file(report, name)["diagnostics"] if d["severity"] == "error"}
    assert errors == expected_errors


def test_sample_program_compiles_and_is_verified_exhaustively(report):
    sample = _file(report, "sample.py")
    assert sample["diagnostics"] == []
    (program,) = sample["programs"]
    assert program["compiled"] is True
    assert program["verified_inputs"] == 3 + 9 + 27 + 81 + 243  # every sequence, lengths 1..5
    assert program["complete"] is True
    assert program["layers"] >= 2 and program["residual_dim"] > 0 and program["params"] > 0


def test_causal_program_is_checked_with_causal_semantics(report):
    causal = _file(report, "causal_count.py")  # its reference counts over prefixes only
    assert [d["code"] for d in causal["diagnostics"]] == ["RASP606"]  # and says so
    assert causal["programs"][0]["verified_inputs"] == 2 + 4 + 8 + 16 + 32


def test_none_output_is_only_a_warning_and_the_rest_is_verified(report):
    (program,) = _file(report, "none_output.py")["programs"]
    assert program["compiled"] and program["verified_inputs"] == 2 + 4 + 8 + 16
    assert program["complete"] is False  # the inputs with a None output were not compared


def test_a_sampled_verdict_is_not_complete():
    found = check_json(FIXTURES / "sample.py", extra=("--max-inputs", "50"))
    (program,) = found["files"][0]["programs"]
    assert program["verified_inputs"] == 50 and program["complete"] is False


def test_miscompilation_message_carries_the_smallest_counterexample(report):
    (d,) = [
        x
        for x in _file(report, "negative_numerical_map.py")["diagnostics"]
        if x["code"] == "RASP501"
    ]
    assert (
        "input [1]" in d["message"]
        and "expected [-1]" in d["message"]
        and "got [0]" in d["message"]
    )


def test_negative_outputs_of_a_merged_map_say_what_was_merged_and_the_fix(report):
    """`minus_two` is written as a Map of the numerical `as_number`, but rasp.Map merged the
    two into one Map of the categorical tokens: the message must not call the inner SOp
    categorical without saying why, and gives the fix that keeps them apart (it compiles)."""
    diagnostics = _file(report, "negative_numerical_map.py")["diagnostics"]
    (warning,) = [d["message"] for d in diagnostics if d["code"] == "RASP602"]
    assert "merged it with the Map it applies to" in warning
    assert "categorical `tokens`" in warning and "simplify=False" in warning


def test_the_merged_maps_fix_checks_clean(tmp_path):
    source = (FIXTURES / "negative_numerical_map.py").read_text()
    fixed = source.replace("x - 2, as_number)", "x - 2, as_number, simplify=False)")
    assert fixed != source
    (tmp_path / "fixed.py").write_text(fixed)
    (checked,) = check_json(tmp_path / "fixed.py")["files"]
    assert checked["diagnostics"] == [] and checked["programs"][0]["verified_inputs"] > 0


def test_map_of_a_fraction_is_explained_as_a_value_set_gap(report):
    diagnostics = _file(report, "map_of_fraction.py")["diagnostics"]
    (hint,) = [d["message"] for d in diagnostics if d["code"] == "RASP603"]
    assert "[0.6667]" in hint and "No MLP_EXACTNESS fixes this" in hint


def test_value_set_failure_names_the_element(report):
    (d,) = _file(report, "value_set_division.py")["diagnostics"]
    assert "ZeroDivisionError" in d["message"] and "value-set element 0" in d["message"]
    assert (d["column"], d["end_line"]) == (11, 11)


def test_json_shape_follows_the_contract(report):
    assert set(report) == {"files", "summary"}
    assert set(report["summary"]) == {"files", "programs", "errors", "warnings"}
    for f in report["files"]:
        assert set(f) == {"path", "programs", "diagnostics"}
        for p in f["programs"]:
            assert set(p) == {
                "name", "line", "compiled", "verified_inputs", "complete",
                "layers", "heads", "mlps", "residual_dim", "params",
            }  # fmt: skip
        for d in f["diagnostics"]:
            assert set(d) == {
                "code", "severity", "message", "program", "path",
                "line", "column", "end_line", "end_column", "related",
            }  # fmt: skip
            assert d["path"] == f["path"]  # every fixture's diagnostics are in the file itself
    assert report["summary"]["errors"] == sum(
        d["severity"] == "error" for f in report["files"] for d in f["diagnostics"]
    )


def test_a_map_merged_by_tracr_is_not_unused(report):
    codes = [(d["code"], d["line"]) for d in _file(report, "unused_operation.py")["diagnostics"]]
    assert codes == [("RASP607", 8)]  # `leftover`; not `plus_one`, which lives on in `program`


def test_negative_outputs_of_a_numerical_to_numerical_map_are_fine(report):
    found = _file(report, "numerical_to_numerical_map.py")
    assert found["diagnostics"] == []
    assert found["programs"][0]["verified_inputs"] == 3 + 9 + 27


def test_low_exactness_is_told_the_value_that_works(report):
    """The hint names the MLP_EXACTNESS that counts every width right, found by proving the
    SelectorWidth compiled on its own; the file checks clean with it."""
    diagnostics = _file(report, "low_exactness_length.py")["diagnostics"]
    (hint,) = [d["message"] for d in diagnostics if d["code"] == "RASP603"]
    assert "set MLP_EXACTNESS = 1000, the smallest step" in hint
    fixed = run_rasp("check", "--mlp-exactness", "1000", str(FIXTURES / "low_exactness_length.py"))
    assert fixed.returncode == 0 and "verified on all 30 inputs" in fixed.stdout
    too_coarse = run_rasp(
        "check", "--mlp-exactness", "500", str(FIXTURES / "low_exactness_length.py")
    )
    assert too_coarse.returncode == 1
