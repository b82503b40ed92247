"""`rasp testbed verify`: a testbed folder checks itself, without its source, and says what is
wrong with one that was tampered with or damaged."""

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from safetensors.numpy import load_file, save_file

from tests.conftest import run_rasp

ROOT = Path(__file__).parents[2]
PROGRAMS = [ROOT / "programs/positional/reverse.py", ROOT / "programs/maps/fraction_of_a.py"]


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("testbeds")
    result = run_rasp("export", *map(str, PROGRAMS), "-o", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    return out


@pytest.fixture
def reverse(exported: Path, tmp_path: Path) -> Path:
    """A copy of the reverse testbed, to damage."""
    return Path(shutil.copytree(exported / "reverse", tmp_path / "reverse"))


def _verify(path: Path, *extra: str):
    return run_rasp("testbed", "verify", str(path), *extra)


def test_an_exported_testbed_verifies(exported: Path):
    result = _verify(exported / "reverse", "--format", "json")
    assert result.returncode == 0, result.stdout + result.stderr
    verdict = json.loads(result.stdout)
    assert (verdict["inputs"], verdict["agree"]) == (363, 363)
    assert verdict["circuit"] == {"edges": 7, "necessary": 7, "non_edges": 18, "spurious_found": 0}
    assert verdict["ok"] is True and verdict["problems"] == []


def test_a_folder_of_testbeds_gets_a_line_each(exported: Path):
    result = _verify(exported)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"{exported / 'fraction_of_a'}: ok: 62 of 62 stored inputs agree")
    assert lines[1].startswith(f"{exported / 'reverse'}: ok: 363 of 363 stored inputs agree")
    assert lines[-1] == "Verified 2 testbeds: 0 failed."


def _tamper(path: Path, name: str, change) -> None:
    arrays = load_file(str(path))
    arrays[name] = np.ascontiguousarray(change(arrays[name]))
    save_file(arrays, str(path))


def test_tampered_weights_fail_with_the_input_that_shows_it(reverse: Path):
    # The value projection of reverse's head swaps what tokens `a` and `b` carry.
    name = "transformer/layer_2/attn/value/w"
    model = json.loads((reverse / "model.json").read_text())
    a, b = (d["index"] for d in model["residual"] if d["label"] in ("tokens:a", "tokens:b"))
    _tamper(
        reverse / "weights.safetensors", name, lambda w: w[[*range(a), b, a, *range(b + 1, len(w))]]
    )
    result = _verify(reverse)
    assert result.returncode == 1
    assert result.stdout.startswith(
        f"{reverse}: FAILED: 358 of 363 stored inputs give another output than stored; "
        "first: ['a'] -> ['b'], stored ['a']"
    )
    verdict = json.loads(_verify(reverse, "--format", "json").stdout)
    assert verdict["agree"] == 5  # only inputs of c alone are unchanged
    assert (
        "weights.npz and weights.safetensors differ in 'transformer/layer_2/attn/value/w'"
        in (verdict["problems"])
    )


def test_weights_changed_in_both_files_still_fail(reverse: Path):
    with np.load(reverse / "weights.npz") as npz:
        arrays = dict(npz)
    arrays["unembed"] = arrays["unembed"][:, ::-1].copy()  # c, b, a read as a, b, c
    np.savez_compressed(reverse / "weights.npz", **arrays)
    save_file(arrays, str(reverse / "weights.safetensors"))
    result = _verify(reverse)
    assert result.returncode == 1
    assert "stored inputs give another output than stored" in result.stdout


@pytest.mark.parametrize(
    "damage, message",
    [
        (
            lambda d: (d / "weights.safetensors").write_bytes(b"\x00" * 50),
            "weights.safetensors cannot be read",
        ),
        (lambda d: (d / "model.json").write_text("{"), "model.json cannot be read"),
        (lambda d: (d / "model.json").unlink(), None),  # then DIR is not a testbed: usage error
        (lambda d: (d / "examples.json").unlink(), "examples.json is missing or holds no inputs"),
        (lambda d: (d / "circuit.json").unlink(), "circuit.json is missing"),
        (
            lambda d: _edit(d / "model.json", lambda m: m["config"].update(layers="3")),
            "model.json is malformed: config `layers` is not an integer",
        ),
        (
            lambda d: _edit(d / "model.json", lambda m: m["config"].update(d_model=10**9)),
            "model.json is malformed: `residual` does not list the dimensions",
        ),
        (
            lambda d: _edit(d / "examples.json", lambda e: e["inputs"][0].extend("abcdef")),
            "examples.json is malformed: input",
        ),
        (
            lambda d: _edit(d / "examples.json", lambda e: e["inputs"][0].__setitem__(0, "z")),
            "tokens ['z'] are not in the testbed's vocabulary",
        ),
        (
            lambda d: _edit(d / "circuit.json", lambda c: c.update(qkv_edges=[[1, 2, 3]])),
            "circuit.json's `qkv_edges` is not a list of [sender, receiver] names",
        ),
        (
            lambda d: _edit(d / "circuit.json", lambda c: c["qkv_edges"].append(["x", "y"])),
            "circuit.json lists edges this model does not have: x -> y",
        ),
        (
            lambda d: _edit(d / "circuit.json", lambda c: c["edges"].pop()),
            "its `edges` are not its `qkv_edges` merged by component",
        ),
    ],
)
def test_damaged_testbeds_get_a_one_line_reason(reverse: Path, damage, message):
    damage(reverse)
    result = _verify(reverse)
    assert "Traceback" not in result.stderr
    if message is None:
        assert result.returncode == 2
        assert (
            result.stderr
            == f"rasp: error: {reverse} is not a testbed and holds none (no model.json)\n"
        )
        return
    assert result.returncode == 1, result.stdout
    assert result.stdout.startswith(f"{reverse}: FAILED: ")
    assert message in result.stdout
    assert len(result.stdout.splitlines()) == 1


def _edit(path: Path, change) -> None:
    value = json.loads(path.read_text())
    change(value)
    path.write_text(json.dumps(value))


def test_the_lens_backend_without_the_extra_says_how_to_install_it(exported: Path, tmp_path: Path):
    """A `transformer_lens` that cannot be imported stands in for the extra not installed."""
    shadow = tmp_path / "shadow" / "transformer_lens"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text("raise ImportError('not installed')\n")
    result = run_rasp(
        "testbed",
        "verify",
        str(exported / "reverse"),
        "--backend",
        "transformer-lens",
        env={"PYTHONPATH": str(shadow.parent)},
    )
    assert result.returncode == 2
    assert result.stderr == (
        "rasp: error: the transformer-lens backend needs the [lens] extra: "
        "pip install torch==2.13.0 'rasp-studio[lens]'\n"
    )


def test_not_a_folder_is_a_usage_error(tmp_path: Path):
    result = _verify(tmp_path / "nowhere")
    assert result.returncode == 2
    assert result.stderr == f"rasp: error: no such folder: {tmp_path / 'nowhere'}\n"
