"""The NumPy model (pipeline/numpy_model.py) against stock tracr: bit-identical weights and outputs.

Covers every compilable program in tests/fixtures/, one library program of each kind (the whole
library is checked against tracr's own models in test_library.py; stock tracr costs seconds per
program), all of tracr's TEST_CASES and a few edge shapes, comparing with
`compile_rasp_to_model`: its `apply` on the longest input (each new input length costs `apply` a
JIT compile of seconds) and tracr's own haiku modules run batched (run_model's JAX path) on
every tested input.
"""

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from tracr.compiler import compiling, lib, test_cases
from tracr.rasp import rasp

from raspstudio.config import Config
from raspstudio.evidence import FastModel
from raspstudio.judge.forward import forward
from raspstudio.judge.inputs import input_space
from raspstudio.pipeline.interpret.per_input import evaluate_program
from raspstudio.pipeline.load import load_file
from raspstudio.pipeline.rasp_to_model import CompileFailure, compile_program
from raspstudio.pipeline.run_model import run_compiled

ROOT = Path(__file__).parents[2]
INPUTS_PER_PROGRAM = 24


def _one_per_kind(library: Path) -> list[Path]:
    """The first program of each library folder, by name."""
    return [
        sorted(folder.glob("*.py"))[0] for folder in sorted(library.iterdir()) if folder.is_dir()
    ]


def _file_programs() -> list:
    cases = []
    for path in sorted(
        [*(ROOT / "tests/fixtures").glob("*.py"), *_one_per_kind(ROOT / "programs")]
    ):
        loaded = load_file(str(path))
        for program in loaded.programs:
            cases.append(pytest.param(program.sop, loaded.config, id=f"{path.stem}:{program.name}"))
    return cases


def _tracr_cases() -> list:
    return [
        pytest.param(
            case["program"],
            Config(vocab=frozenset(case["vocab"]), max_seq_len=case["max_seq_len"]),
            id=f"tracr:{case['testcase_name']}",
        )
        for case in test_cases.TEST_CASES
    ]


def _edge_programs() -> list:
    """Shapes the sets above might miss: several heads in one layer, numerical, causal."""
    config = Config(vocab=frozenset({1, 2, 3}), max_seq_len=5)
    first = rasp.Aggregate(
        rasp.Select(rasp.indices, rasp.indices, lambda k, q: k == 0), rasp.tokens
    )
    last = rasp.Aggregate(
        rasp.Select(rasp.indices, rasp.indices, lambda k, q: k == q + 1), rasp.tokens
    )
    two_heads = rasp.SequenceMap(lambda a, b: a if b is None else b, first, last)
    numerical_mean = rasp.numerical(
        rasp.Aggregate(
            rasp.Select(rasp.tokens, rasp.tokens, rasp.Comparison.LEQ),
            rasp.numerical(rasp.Map(lambda x: 1 if x == 2 else 0, rasp.tokens)),
            default=0,
        )
    )
    return [
        pytest.param(two_heads, config, id="edge:two-heads-one-layer"),
        pytest.param(numerical_mean, config, id="edge:numerical-output"),
        pytest.param(lib.make_sort_unique(rasp.tokens, rasp.tokens), config, id="edge:sort"),
        pytest.param(lib.make_hist(), replace(config, causal=True), id="edge:causal-hist"),
        pytest.param(
            lib.make_length(), replace(config, causal=True, max_seq_len=8), id="edge:causal-length"
        ),
    ]


def _inputs(config: Config) -> list[list]:
    """Single tokens, a spread of the rest, max-length inputs last; deterministic."""
    every, _ = input_space(config.vocab, config.max_seq_len, max_inputs=400)
    longest = [xs for xs in every if len(xs) == config.max_seq_len]
    step = max(1, len(every) // INPUTS_PER_PROGRAM)
    chosen = [every[0], *every[::step], *longest[:3], every[-1]]
    return list({tuple(x): x for x in chosen}.values())


ALL = _file_programs() + _tracr_cases() + _edge_programs()


@pytest.mark.parametrize(("program", "config"), ALL)
def test_numpy_model_is_bit_identical_to_tracr_and_decodes_the_same(program, config):
    try:
        stock = compiling.compile_rasp_to_model(
            program,
            set(config.vocab),
            config.max_seq_len,
            causal=config.causal,
            compiler_bos=config.compiler_bos,
            compiler_pad=config.compiler_pad,
            mlp_exactness=config.mlp_exactness,
        )
    except Exception:  # noqa: BLE001 - tracr cannot compile it: neither may we
        with pytest.raises(CompileFailure):
            compile_program(program, config)
        return
    model = compile_program(program, config).model
    assert isinstance(model, FastModel)

    assert model.residual_labels == stock.residual_labels
    assert set(model.params) == set(stock.params)
    for module, arrays in stock.params.items():
        assert set(model.params[module]) == set(arrays), module
        for name, expected in arrays.items():
            ours = model.params[module][name]
            assert ours.dtype == expected.dtype and ours.shape == expected.shape
            assert np.array_equal(ours, np.asarray(expected)), f"{module}/{name}"

    inputs = _inputs(config)
    ours = forward(model, inputs).outputs
    # tracr's `apply` decides every position, even where RASP's output is None (there the
    # value is floating-point noise, so only `apply` itself is the reference)...
    longest = max(range(len(inputs)), key=lambda i: len(inputs[i]))
    applied = stock.apply([config.compiler_bos, *inputs[longest]]).decoded[1:]
    _assert_same(ours[longest], applied, program)
    # ...and tracr's haiku modules run batched decide every defined position of every input.
    defined = evaluate_program(program, inputs, causal=config.causal).outputs
    batched = run_compiled(stock, inputs).outputs
    for xs, got, expected, rasp_out in zip(inputs, ours, batched, defined, strict=True):
        keep = [i for i, v in enumerate(rasp_out or []) if v is not None]
        _assert_same([got[i] for i in keep], [expected[i] for i in keep], program, xs)


def _assert_same(got: list, expected: list, program: rasp.SOp, xs: list | None = None) -> None:
    if rasp.is_numerical(program):
        assert np.allclose(got, expected, rtol=0, atol=1e-5), xs
    else:
        assert got == expected, xs


def test_batch_of_mixed_lengths_equals_one_at_a_time():
    config = Config(vocab=frozenset({"a", "b", "c"}), max_seq_len=6)
    model = compile_program(lib.make_reverse(rasp.tokens), config).model
    inputs = [["a"], ["c", "b", "a", "a", "b", "c"], ["b", "c"]]
    together = forward(model, inputs).outputs
    alone = [forward(model, [xs]).outputs[0] for xs in inputs]
    assert together == alone == [xs[::-1] for xs in inputs]


def test_forward_keeps_layer_residuals_and_attention_patterns():
    config = Config(vocab=frozenset({"a", "b"}), max_seq_len=4)
    model = compile_program(lib.make_hist(), config).model
    run = forward(model, [["a", "b", "a"]], keep_layers=True)
    assert len(run.layer_residuals) == 2 * model.model_config.num_layers
    (weights,) = run.attention  # make_hist: one layer, its attention used
    assert weights.shape == (1, model.model_config.num_heads, 4, 4)
    assert np.allclose(weights.sum(axis=-1), 1)
    assert run.outputs == [[2, 1, 2]]


def test_the_engine_does_not_import_jax_unless_the_stock_backend_is_asked_for():
    code = (
        "import sys, raspstudio.cli.main, raspstudio.worker.handlers, raspstudio.worker\n"
        "from raspstudio.pipeline.check import check_program\n"
        "from raspstudio.pipeline.load import load_file\n"
        f"loaded = load_file({str(ROOT / 'programs/positional/reverse.py')!r})\n"
        "result = check_program(loaded.programs[0], loaded.config)\n"
        "assert result.report.verified_inputs > 0\n"
        "print(sorted(m for m in ('jax', 'haiku', 'jaxlib') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("edge", "check"),
    [
        ("edge:two-heads-one-layer", lambda m: m.model_config.num_heads >= 2),
        ("edge:numerical-output", lambda m: not m.categorical_output),
        ("edge:causal-hist", lambda m: m.model_config.causal),
        ("negative_numerical_map:program", lambda m: not _attention_used(m, 0)),
    ],
)
def test_the_edge_cases_really_have_their_shape(edge, check):
    (program, config) = next(p.values for p in ALL if p.id == edge)
    assert check(compile_program(program, config).model)


def _attention_used(model: FastModel, layer: int) -> bool:
    return bool(model.params[f"transformer/layer_{layer}/attn/linear"]["w"].any())
