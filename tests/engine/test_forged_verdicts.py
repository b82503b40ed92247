"""Files that try to forge their own verdict, through `rasp check` and `rasp run`.

Each file in tests/fixtures/forging/ is a wrong program (its compiled model or its `reference`
disagrees with it) that also tampers with the checker from inside the worker: the comparison
helpers, `math.isclose`, `itertools.product`, the input space, NumPy, or a thread that keeps
re-patching. The verdict is computed by the judge in the front end, from plain data, so each
must still be an error: the miscompilation (RASP501), the reference mismatch (RASP502), or the
refusal of evidence that does not fit what was asked (RASP504), and never a verified input.
"""

import json
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, run_rasp

FORGING = sorted((FIXTURES / "forging").glob("*.py"))
CAUGHT = {"RASP501", "RASP502", "RASP504"}


@pytest.mark.parametrize("path", FORGING, ids=lambda p: p.stem)
def test_a_file_cannot_forge_its_own_verdict(path: Path):
    result = run_rasp("check", str(path), "--format", "json")
    (checked,) = json.loads(result.stdout)["files"]
    codes = {d["code"] for d in checked["diagnostics"] if d["severity"] == "error"}
    assert codes & CAUGHT, checked["diagnostics"]
    assert [p["verified_inputs"] for p in checked["programs"]] == [0]
    assert result.returncode == 1


def test_a_forging_file_is_told_verified_nowhere(tmp_path: Path):
    result = run_rasp("check", str(FIXTURES / "forging" / "patches_numpy.py"))
    assert "verified" not in result.stdout
    assert "RASP501" in result.stdout


@pytest.mark.parametrize("name", ["patches_numpy", "patches_the_comparison", "patches_isclose"])
def test_rasp_run_says_disagree_whatever_the_file_patched(name: str):
    result = run_rasp("run", str(FIXTURES / "forging" / f"{name}.py"), "--input", "1 2")
    assert "DISAGREE" in result.stdout, result.stdout
    assert result.returncode == 1
