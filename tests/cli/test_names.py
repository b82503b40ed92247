"""`rasp compile --format json` names operations and residual dimensions as every view does."""

import json

from tests.conftest import FIXTURES, run_rasp

UNNAMED = FIXTURES / "names" / "unnamed_operations.py"


def test_compile_json_has_the_names_beside_tracrs_labels():
    result = run_rasp("compile", str(UNNAMED), "--program", "make_lengths", "--format", "json")
    assert result.returncode == 0, result.stderr
    model = json.loads(result.stdout)
    operations = [name for block in model["blocks"] for name in block["operations"]]
    assert operations == ["length", "length#2", "length", "length#2", "both", "half"]
    labels = {label for block in model["blocks"] for label in block["labels"]}
    assert len(labels) == 4 and "both" not in labels  # tracr's: `sequence_map_12`, say
    names = model["residual_names"]
    assert len(names) == len(model["residual_labels"]) == model["residual_dim"]
    assert {"both:2", "length:1", "length#2:1", "half:1"} <= set(names)
    assert "both:2" not in model["residual_labels"]
