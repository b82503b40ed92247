"""`rasp export`: verified programs as testbeds whose weights and ground-truth map are right."""

import json
import os
from pathlib import Path

import numpy as np
import pytest

from raspstudio.judge.inputs import input_space
from raspstudio.pipeline.interpret.per_input import evaluate_program
from raspstudio.pipeline.load import load_file
from raspstudio.pipeline.rasp_to_model import compile_program
from tests.conftest import FIXTURES, doc_block, run_rasp

ROOT = Path(__file__).parents[2]
REVERSE = ROOT / "programs/positional/reverse.py"
FRACTION = ROOT / "programs/maps/fraction_of_a.py"


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("testbeds")
    result = run_rasp("export", str(REVERSE), str(FRACTION), "-o", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1] == f"Exported 2 programs to {out}; 0 skipped."
    return out


def _doc_example() -> dict:
    """The loader of docs/export.md, run as written (its last lines need an export: dropped)."""
    code = doc_block("export.md", "export-example")
    namespace: dict = {}
    exec(code.split("\nmodel, weights = load(")[0], namespace)
    return namespace


def test_each_testbed_has_weights_map_and_source(exported: Path):
    folder = exported / "reverse"
    assert sorted(p.name for p in folder.iterdir()) == [
        "circuit.json",
        "examples.json",
        "model.json",
        "program.py",
        "weights.npz",
        "weights.safetensors",
    ]
    assert (folder / "program.py").read_text() == REVERSE.read_text()
    model = json.loads((folder / "model.json").read_text())
    assert model["spec"] == "Reverse the sequence."
    assert model["config"]["d_model"] == len(model["residual"]) == 31
    assert model["complete"] is True  # all 363 inputs up to MAX_SEQ_LEN were run


def test_weights_are_the_compiled_models(exported: Path):
    loaded = load_file(str(REVERSE))
    compiled = compile_program(loaded.programs[0].sop, loaded.config)
    weights = np.load(exported / "reverse" / "weights.npz")
    for module, params in compiled.model.params.items():
        for name, value in params.items():
            assert np.array_equal(weights[f"{module}/{name}"], value)


def test_safetensors_weights_are_the_npz_weights_bit_for_bit(exported: Path):
    from safetensors import safe_open

    npz = np.load(exported / "reverse" / "weights.npz")
    with safe_open(exported / "reverse" / "weights.safetensors", framework="numpy") as f:
        assert sorted(f.keys()) == sorted(npz.files)
        for name in npz.files:
            tensor = f.get_tensor(name)
            assert tensor.dtype == npz[name].dtype and tensor.shape == npz[name].shape
            assert tensor.tobytes() == npz[name].tobytes()
        metadata = f.metadata()
    assert metadata["format"] == "rasp-studio testbed 1" and metadata["program"] == "program"
    assert metadata["producer"].startswith("rasp-studio ")


def test_ground_truth_map_names_every_block_and_dimension(exported: Path):
    model = json.loads((exported / "reverse" / "model.json").read_text())
    blocks = {(b["layer"], b["sublayer"], b["head"]): b["operations"] for b in model["blocks"]}
    assert [(o["name"], o["kind"], o["line"]) for o in blocks[2, "attn", 0]] == [
        ("reverse", "Aggregate", 13)
    ]
    assert [o["name"] for o in blocks[1, "mlp", None]] == ["opposite"]
    opposite = [d for d in model["residual"] if d["variable"] == "opposite"]
    assert [d["value"] for d in opposite] == list(range(-5, 5))
    assert all(d["role"] == "value" for d in opposite)
    tokens = {d["value"] for d in model["residual"] if d["variable"] == "tokens"}
    assert {"a", "b", "c"} <= tokens


@pytest.mark.parametrize("name, path", [("reverse", REVERSE), ("fraction_of_a", FRACTION)])
def test_the_documented_numpy_loader_runs_the_testbed_correctly(exported, name, path):
    """docs/export.md's code, on every input, against the RASP interpreter."""
    doc = _doc_example()
    model, weights = doc["load"](str(exported / name))
    loaded = load_file(str(path))
    inputs, _ = input_space(loaded.config.vocab, loaded.config.max_seq_len)
    expected = evaluate_program(loaded.programs[0].sop, inputs).outputs
    for xs, want in zip(inputs, expected, strict=True):
        got = doc["run"](model, weights, xs)
        assert np.allclose(got, want, atol=1e-3) if name == "fraction_of_a" else got == want


def test_a_folder_with_files_in_it_is_written_only_with_force(tmp_path: Path):
    mine = tmp_path / "reverse" / "model.json"
    mine.parent.mkdir()
    mine.write_text("my own notes")
    refused = run_rasp("export", str(REVERSE), "-o", str(tmp_path))
    assert refused.returncode == 2
    assert "is not empty; use --force" in refused.stderr
    assert mine.read_text() == "my own notes"
    forced = run_rasp("export", str(REVERSE), "-o", str(tmp_path), "--force")
    assert forced.returncode == 0, forced.stdout
    assert json.loads(mine.read_text())["config"]  # the whole testbed replaced it
    assert [p.name for p in tmp_path.iterdir()] == ["reverse"]  # no half-built folder left


def test_programs_that_do_not_verify_are_skipped(tmp_path: Path):
    result = run_rasp(
        "export", str(FIXTURES / "negative_numerical_map.py"), str(REVERSE), "-o", str(tmp_path)
    )
    assert result.returncode == 1
    assert "`program` skipped: not verified" in result.stdout
    assert "RASP501" in result.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reverse"]


def test_examples_are_the_verified_inputs_with_the_interpreters_outputs(exported: Path):
    examples = json.loads((exported / "reverse" / "examples.json").read_text())
    loaded = load_file(str(REVERSE))
    inputs, _ = input_space(loaded.config.vocab, loaded.config.max_seq_len)
    assert examples["inputs"] == inputs
    assert examples["outputs"] == evaluate_program(loaded.programs[0].sop, inputs).outputs


def test_a_circuit_that_fails_the_ablation_check_is_reported_not_exported(tmp_path: Path):
    result = run_rasp(
        "export", str(FIXTURES / "ignores_its_input.py"), str(REVERSE), "-o", str(tmp_path)
    )
    assert result.returncode == 1
    assert (
        "ignores_its_input.py:9: `program` skipped: its circuit fails the ablation check: edge "
        "blocks.0.hook_mlp_out -> blocks.0.hook_resid_post changes no output when ablated"
    ) in result.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reverse"]


def test_testbeds_get_the_permissions_of_new_files(exported: Path):
    """Built in a private temporary folder, a testbed is still readable by whoever the
    user's umask lets read new files."""
    umask = os.umask(0)
    os.umask(umask)
    folder = exported / "reverse"
    assert folder.stat().st_mode & 0o777 == 0o777 & ~umask
    assert {p.stat().st_mode & 0o777 for p in folder.iterdir()} == {0o666 & ~umask}
