"""The program library: every program verified, documented, indexed, and right by an
independent route.

The first tests read one real `rasp check programs/ --format json` (the engine's verdict, on
the fast path). The last ones do not trust the engine at all: they compile each program with
tracr's own passes and run *tracr's* model on random inputs against the file's `reference`:
tracr's craft model (its blocks' own NumPy `apply`) for every program, and the stock haiku
model of `compile_rasp_to_model` for one program per folder (its JAX start-up costs seconds per
program, too much for the whole library in CI; `make test-stock` runs it for every program).
"""

import ast
import importlib.util
import os
import random
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from tracr.compiler import (
    basis_inference,
    compiling,
    craft_graph_to_model,
    expr_to_craft_graph,
    nodes,
    rasp_to_graph,
)
from tracr.craft import bases
from tracr.rasp import rasp

from raspstudio.pipeline.load import load_file
from tests.conftest import check_json

ROOT = Path(__file__).parent.parent
LIBRARY = ROOT / "programs"
FILES = sorted(LIBRARY.glob("*/*.py"))  # programs/<kind>/<name>.py; scripts sit above
RANDOM_INPUTS = 12


@pytest.fixture(scope="module")
def report() -> dict:
    return check_json(LIBRARY)


def test_the_library_holds_at_least_121_programs_in_every_kind(report: dict):
    assert report["summary"]["programs"] >= 121
    kinds = Counter(path.parent.name for path in FILES)
    assert set(kinds) >= {
        "maps",
        "arithmetic",
        "counting",
        "positional",
        "ordering",
        "patterns",
        "languages",
        "strings",
    }


def test_every_program_compiles_and_verifies_with_no_warning(report: dict):
    assert report["summary"]["errors"] == 0 and report["summary"]["warnings"] == 0, [
        (f["path"], d["code"], d["line"]) for f in report["files"] for d in f["diagnostics"]
    ]
    for entry in report["files"]:
        for program in entry["programs"]:
            assert program["compiled"] and program["verified_inputs"] > 0, entry["path"]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_every_file_follows_the_convention(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstring = ast.get_docstring(tree)
    assert docstring and docstring.splitlines()[0].strip(), "a one-line spec"
    assigned = {t.id for node in tree.body if isinstance(node, ast.Assign) for t in node.targets}
    assert {"VOCAB", "MAX_SEQ_LEN", "EXAMPLES", "program"} <= assigned
    functions = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
    assert "reference" in functions


def test_program_names_are_unique():
    stems = Counter(path.stem for path in FILES)
    assert [stem for stem, n in stems.items() if n > 1] == []


def test_the_index_is_up_to_date(report: dict):
    spec = importlib.util.spec_from_file_location("make_index", LIBRARY / "make_index.py")
    make_index = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_index)
    assert (LIBRARY / "README.md").read_text(encoding="utf-8") == make_index.index(report)


# -- the independent route: tracr's own models against `reference` ----------------------------


def _random_inputs(vocab: frozenset, max_seq_len: int, seed: str) -> list[list]:
    rng = random.Random(seed)
    tokens = sorted(vocab, key=lambda t: (type(t).__name__, t))
    return [
        [rng.choice(tokens) for _ in range(rng.randint(1, max_seq_len))]
        for _ in range(RANDOM_INPUTS)
    ]


def _craft_outputs(sop: rasp.SOp, config, inputs: list[list]) -> list[list]:
    """tracr's passes to its craft model, and that model's own `apply` on each input."""
    extracted = rasp_to_graph.extract_rasp_graph(sop)
    graph, sink = extracted.graph, extracted.sink
    basis_inference.infer_bases(graph, sink, config.vocab, config.max_seq_len)
    bos = bases.BasisDirection(rasp.tokens.label, config.compiler_bos)
    expr_to_craft_graph.add_craft_components_to_rasp_graph(
        graph, bos_dir=bos, mlp_exactness=config.mlp_exactness
    )
    model = craft_graph_to_model.craft_graph_to_model(graph, extracted.sources)
    basis = sorted(model.residual_space.basis)
    index = {d: i for i, d in enumerate(basis)}
    output = sink[nodes.OUTPUT_BASIS]
    outputs = []
    for xs in inputs:
        x = np.zeros((len(xs) + 1, len(basis)))
        for position, token in enumerate([config.compiler_bos, *xs]):
            directions = [
                bases.BasisDirection(rasp.tokens.label, token),
                bases.BasisDirection("one"),
            ]
            if position > 0:  # BOS has no index; the tokens after it are indices 0, 1, ...
                directions.append(bases.BasisDirection(rasp.indices.label, position - 1))
            for direction in directions:
                if direction in index:
                    x[position, index[direction]] = 1
        result = model.apply(bases.VectorInBasis(basis, x)).project(
            bases.VectorSpaceWithBasis(output)
        )
        values = result.magnitudes[1:]
        if rasp.is_numerical(sop):
            outputs.append(values[:, 0].tolist())
        else:
            outputs.append([output[i].value for i in values.argmax(axis=1)])
    return outputs


def _agree(expected: list, got: list, numerical: bool) -> bool:
    if numerical:
        return np.allclose(np.asarray(expected, float), np.asarray(got, float), atol=1e-3)
    return list(expected) == list(got)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_reference_equals_tracrs_craft_model_on_random_inputs(path: Path):
    loaded = load_file(str(path))
    (program,) = loaded.programs
    inputs = _random_inputs(loaded.config.vocab, loaded.config.max_seq_len, path.stem)
    got = _craft_outputs(program.sop, loaded.config, inputs)
    for xs, out in zip(inputs, got, strict=True):
        expected = loaded.reference(list(xs))
        assert _agree(expected, out, rasp.is_numerical(program.sop)), (xs, expected, out)


# One per kind in CI; every program with RASP_STOCK_ALL=1 (`make test-stock`, minutes).
STOCK = (
    FILES
    if os.environ.get("RASP_STOCK_ALL")
    else sorted({path.parent.name: path for path in FILES}.values())
)


@pytest.mark.parametrize("path", STOCK, ids=lambda p: p.stem)
def test_reference_equals_tracrs_stock_model_on_random_inputs(path: Path):
    loaded = load_file(str(path))
    (program,) = loaded.programs
    config = loaded.config
    model = compiling.compile_rasp_to_model(
        program.sop,
        set(config.vocab),
        config.max_seq_len,
        compiler_bos=config.compiler_bos,
        compiler_pad=config.compiler_pad,
        mlp_exactness=config.mlp_exactness,
    )
    longest = config.max_seq_len  # one input length: one JIT compile of `apply`
    rng = random.Random(path.stem)
    tokens = sorted(config.vocab, key=lambda t: (type(t).__name__, t))
    for _ in range(4):
        xs = [rng.choice(tokens) for _ in range(longest)]
        got = model.apply([config.compiler_bos, *xs]).decoded[1:]
        assert _agree(loaded.reference(list(xs)), got, rasp.is_numerical(program.sop)), xs
