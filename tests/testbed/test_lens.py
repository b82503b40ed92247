"""Exported testbeds as TransformerLens models (raspstudio/testbed/lens.py): every stored
example gives its stored output, and the model computes what the NumPy forward pass does,
residual stream, component outputs and edge ablation included.

One program of each kind the issue names, exported with the real CLI once for the module:
a categorical output, a numerical one, a causal one, two heads per layer, and the largest
library testbed. A wrong unembedding, head layout, attention scale or mask, or an ablation
patched at the wrong hook or positions fails at least one test here (each was tried).
"""

import copy
import math
from pathlib import Path

import numpy as np
import pytest
import torch

from raspstudio.testbed import ablation, circuit, forward, lens
from raspstudio.testbed.components import Edge
from tests.conftest import run_rasp

pytestmark = pytest.mark.lens

ROOT = Path(__file__).parents[2]
PROGRAMS = {
    "reverse": ROOT / "programs/positional/reverse.py",  # categorical output
    "fraction_of_a": ROOT / "programs/maps/fraction_of_a.py",  # numerical output
    # numerical, two heads per layer, its output not in residual dimension 0 (where
    # fraction_of_a's is, so that an eye() unembedding would pass there)
    "paren_balance_fraction": ROOT / "programs/languages/paren_balance_fraction.py",
    # causal: no library program sets CAUSAL; this one counts the "a"s so far, which only a
    # causal mask makes right
    "causal_count": ROOT / "tests/fixtures/causal_count.py",
    "dyck1_balanced": ROOT / "programs/languages/dyck1_balanced.py",  # two heads per layer
    # the largest library testbed by model.json's params (1.19M; 6 layers of 2 heads,
    # d_model 167), found by exporting programs/
    "reverse_each_word": ROOT / "programs/strings/reverse_each_word.py",
}
NAMES = list(PROGRAMS)

# Residual streams and component outputs: within 1e-5 absolute, plus 1e-5 of the value.
# Stream values are at most about 1, but tracr's MLPs make them as sums of terms near 100
# whose float32 rounding differs with the order of summation: on reverse_each_word the two
# backends differ by up to 1.1e-5 at a value of 1.00002 (each is about 1e-5..2e-5 from a
# float64 run of the same weights).
ATOL = RTOL = 1e-5
# Streams with an edge ablated: the same rounding, up to 2.3e-5 on reverse_each_word at a value
# of 1.00002; a patch at the wrong hook or positions is off by about 1.
ABLATED_ATOL = 1e-4
OUTPUT_TOLERANCE = ablation.TOLERANCE  # numerical outputs against the stored ones


@pytest.fixture(scope="module")
def lenses(tmp_path_factory) -> dict[str, lens.Lens]:
    out = tmp_path_factory.mktemp("testbeds")
    result = run_rasp("export", *map(str, PROGRAMS.values()), "-o", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    return {name: lens.load(out / name) for name in NAMES}


@pytest.fixture(scope="module")
def clean(lenses) -> dict[str, tuple[forward.Run, forward.Run]]:
    """Per testbed, (NumPy run, TransformerLens run) of every stored example, with `keep`."""
    found = {}
    for name, model in lenses.items():
        inputs = model.testbed.examples["inputs"]
        found[name] = (
            forward.run(model.testbed, inputs, keep=True),
            lens.runner(model)(inputs, keep=True),
        )
    return found


def test_the_model_has_the_testbeds_shape_and_the_circuits_hooks(lenses):
    for name, model in lenses.items():
        tb, cfg = model.testbed, model.model.cfg
        assert cfg.n_ctx == tb.config["max_seq_len"] + 1, name
        assert cfg.d_vocab == len(tb.model["input_encoding"]), name
        assert cfg.attention_dir == ("causal" if tb.config["causal"] else "bidirectional")
        assert model.circuit == tb.circuit and model.circuit is not None
        hooks = set(model.model.hook_dict)
        for pair in model.circuit["qkv_edges"]:
            for hook in pair:
                assert hook.split("[")[0] in hooks, (name, hook)
        np.testing.assert_array_equal(model.model.W_U.detach().numpy(), tb.arrays["unembed"])
    assert lenses["fraction_of_a"].model.cfg.d_vocab_out == 1
    assert lenses["causal_count"].model.cfg.attention_dir == "causal"
    assert lenses["dyck1_balanced"].model.cfg.n_heads == 2


def test_a_loaded_testbed_gives_the_same_model(lenses):
    model = lenses["reverse"]
    first, again = model.model.state_dict(), lens.from_testbed(model.testbed).model.state_dict()
    assert list(first) == list(again)
    for name, tensor in first.items():
        assert torch.equal(tensor, again[name]), name


@pytest.mark.parametrize("name", NAMES)
def test_every_stored_example_gives_its_stored_output(name, lenses, clean):
    model = lenses[name]
    examples = model.testbed.examples
    numpy_run, lens_run = clean[name]
    assert len(lens_run.outputs) == len(examples["inputs"]) > 0
    for tokens, want, got, numpy_got in zip(
        examples["inputs"], examples["outputs"], lens_run.outputs, numpy_run.outputs, strict=True
    ):
        _agree(model, want, got, OUTPUT_TOLERANCE, tokens)
        _agree(model, numpy_got, got, ATOL, tokens)


@pytest.mark.parametrize("name", NAMES)
def test_the_plain_model_with_encode_and_decode_agrees(name, lenses, clean):
    """What a user does with the model itself, one sequence at a time (a spread of the
    stored examples: every one would be slow on the largest)."""
    model = lenses[name]
    inputs = model.testbed.examples["inputs"]
    step = max(1, len(inputs) // 40)
    with torch.inference_mode():
        for row in range(0, len(inputs), step):
            ids = model.encode(inputs[row])
            assert ids.shape == (1, len(inputs[row]) + 1) and ids.dtype == torch.long
            _agree(model, clean[name][1].outputs[row], model.decode(model.model(ids)), ATOL)


@pytest.mark.parametrize("name", NAMES)
def test_residual_streams_and_component_outputs_equal_numpys(name, clean):
    numpy_run, lens_run = clean[name]
    assert len(lens_run.residual) == len(numpy_run.residual) > 0
    for numpy_layers, lens_layers in zip(numpy_run.residual, lens_run.residual, strict=True):
        assert len(lens_layers) == len(numpy_layers)
        for a, b in zip(numpy_layers, lens_layers, strict=True):
            np.testing.assert_allclose(b, a, atol=ATOL, rtol=RTOL)
    assert list(lens_run.written) == list(numpy_run.written)  # ablation shuffles in this order
    for component, batches in numpy_run.written.items():
        for a, b in zip(batches, lens_run.written[component], strict=True):
            np.testing.assert_allclose(b, a, atol=ATOL, rtol=RTOL, err_msg=component.name)


@pytest.mark.parametrize("name", NAMES)
def test_an_ablated_edge_changes_what_it_changes_in_numpy(name, lenses, clean):
    """Edges from the circuit, one per kind of receiver input (q, k, v, MLP, output) and per
    kind of sender, ablated with ablation.py's resample replacements: each changes some
    output (so the test sees the patch), and both backends agree on outputs and streams,
    whether the TransformerLens run starts at the tokens or, after a clean run, at the
    receiver's layer (as in ablation.check): those two agree exactly."""
    model = lenses[name]
    inputs = model.testbed.examples["inputs"]
    numpy_clean = clean[name][0]
    replacements = ablation._shuffled(numpy_clean, 0)
    fresh, resuming = lens.runner(model), lens.runner(model)
    resuming(inputs, keep=True)
    edges = _one_per_kind(circuit.graph(model.testbed)[1])
    changed = 0
    for edge in edges:
        ablated = forward.Ablation(edge, replacements[edge.sender])
        want = forward.run(model.testbed, inputs, ablated, keep=True)
        got, resumed = fresh(inputs, ablated, keep=True), resuming(inputs, ablated, keep=True)
        changed += want.outputs != numpy_clean.outputs
        assert resumed.outputs == got.outputs
        for tokens, a, b in zip(inputs, want.outputs, got.outputs, strict=True):
            _agree(model, a, b, ATOL, (edge.names, tokens))
        for a_layers, b_layers, c_layers in zip(
            want.residual, got.residual, resumed.residual, strict=True
        ):
            for a, b, c in zip(a_layers, b_layers, c_layers, strict=True):
                np.testing.assert_allclose(b, a, atol=ABLATED_ATOL, err_msg=str(edge.names))
                np.testing.assert_array_equal(c, b, err_msg=str(edge.names))
    assert changed == len(edges), "every edge tried changes some output when ablated"


def test_the_ablated_edges_reach_every_kind_of_input_and_sender(lenses):
    kinds = {
        (e.sender.kind, e.receiver.part)
        for model in lenses.values()
        for e in _one_per_kind(circuit.graph(model.testbed)[1])
    }
    assert {part for _, part in kinds} == {"q", "k", "v", "mlp", "output"}
    assert {sender for sender, _ in kinds} == {"embed", "head", "mlp"}


def test_random_weights_with_biases_give_numpys_streams(lenses):
    """Every tracr bias is zero (tracr adds constants through the `one` dimension), so the
    testbeds cannot tell whether the biases are mapped: random weights can."""
    testbed = copy.copy(lenses["dyck1_balanced"].testbed)
    rng = np.random.default_rng(0)
    testbed.arrays = {  # scaled so that the stream stays near 1, as tracr's does
        name: (rng.normal(0, 0.5, a.shape) / np.sqrt(a.shape[0] if a.ndim > 1 else 10)).astype(
            np.float32
        )
        for name, a in testbed.arrays.items()
    }
    inputs = testbed.examples["inputs"]
    want = forward.run(testbed, inputs, keep=True)
    got = lens.runner(lens.from_testbed(testbed))(inputs, keep=True)
    for numpy_layers, lens_layers in zip(want.residual, got.residual, strict=True):
        for a, b in zip(numpy_layers, lens_layers, strict=True):
            np.testing.assert_allclose(b, a, atol=ATOL, rtol=RTOL)
    for component, batches in want.written.items():
        for a, b in zip(batches, got.written[component], strict=True):
            np.testing.assert_allclose(b, a, atol=ATOL, rtol=RTOL, err_msg=component.name)


def _one_per_kind(edges: list[Edge]) -> list[Edge]:
    found: dict[tuple[str, str], Edge] = {}
    for edge in edges:
        found.setdefault((edge.sender.kind, edge.receiver.part), edge)
    return list(found.values())


def _agree(model: lens.Lens, want: list, got: list, tolerance: float, where=None) -> None:
    """Outputs equal where `want` is defined; numerical ones within `tolerance`."""
    assert len(got) == len(want), where
    for w, g in zip(want, got, strict=True):
        if w is None:
            continue
        if model.testbed.categorical:
            assert g == w, (where, want, got)
        else:
            assert math.isclose(g, w, rel_tol=tolerance, abs_tol=tolerance), (where, want, got)
