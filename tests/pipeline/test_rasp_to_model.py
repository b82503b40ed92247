"""Compiling with tracr: located failures and the layer table read from the weights."""

import numpy as np
import pytest
from tracr.compiler import compiling, lib
from tracr.craft import bases, vectorspace_fns
from tracr.craft.chamber import categorical_mlp
from tracr.rasp import rasp

from raspstudio.config import Config
from raspstudio.pipeline import craft_matrices
from raspstudio.pipeline.rasp_to_model import CompileFailure, compile_program
from raspstudio.pipeline.run_model import run_compiled

CONFIG = Config(vocab=frozenset({1, 2, 3}), max_seq_len=4)


def test_layer_table_attributes_each_block_to_its_operation():
    length = lib.make_length().named("length")
    doubled = rasp.Map(lambda n: 2 * n, length).named("doubled")
    first = rasp.Aggregate(
        rasp.Select(rasp.indices, rasp.indices, lambda k, q: k == 0), rasp.tokens
    ).named("first")
    program = rasp.SequenceMap(lambda a, b: a + b, doubled, first).named("program")
    summary = compile_program(program, CONFIG).summary
    where = {(b.layer, b.sublayer): b.operations for b in summary.blocks}
    assert where[(0, "attn")] == ["first", "length"] or where[(0, "attn")] == ["length"]
    ops = [op for b in summary.blocks for op in b.operations]
    assert {"length", "doubled", "first", "program"} <= set(ops)
    order = {op: i for i, op in enumerate(ops)}
    assert order["length"] < order["doubled"] < order["program"]


def test_summary_counts_match_the_compiled_parameters():
    program = lib.make_reverse(rasp.tokens)
    compiled = compile_program(program, CONFIG)
    params = compiled.model.params
    assert compiled.summary.params == sum(
        int(np.size(w)) for m in params.values() for w in m.values()
    )
    assert compiled.summary.residual_dim == params["token_embed"]["embeddings"].shape[1]


def test_value_set_failure_is_located_at_the_lambda_owner():
    remaining = rasp.SequenceMap(lambda n, i: n - i, lib.make_length(), rasp.indices)
    share = rasp.Map(lambda r: 12 // r, remaining)
    with pytest.raises(CompileFailure) as failure:
        compile_program(share, CONFIG)
    assert failure.value.code == "RASP202"
    assert failure.value.expr is share
    assert "value-set element 0" in failure.value.message


def test_batched_run_with_padding_matches_tracr_apply_one_by_one():
    program = lib.make_sort_unique(rasp.tokens, rasp.tokens)
    model = compiling.compile_rasp_to_model(
        program, {1, 2, 3}, 4, compiler_bos="BOS", compiler_pad="PAD"
    )
    inputs = [[3], [2, 1], [3, 1, 2], [1, 3, 2]]
    batched = run_compiled(model, inputs).outputs
    one_by_one = [model.apply(["BOS", *xs]).decoded[1:] for xs in inputs]
    assert batched == one_by_one == [sorted(xs) for xs in inputs]


def _linear(inputs: str, outputs: str, seed: int) -> vectorspace_fns.Linear:
    space = bases.VectorSpaceWithBasis
    rows, columns = space.from_names(list(inputs)), space.from_names(list(outputs))
    matrix = np.random.default_rng(seed).normal(size=(rows.num_dims, columns.num_dims))
    return vectorspace_fns.Linear(rows, columns, matrix)


def test_parallel_maps_placed_are_bit_identical_to_tracrs_and_tracr_is_left_as_it_was():
    """Overlapping spaces too: maps reading the same direction add up, in tracr's order."""
    tracrs = vectorspace_fns.Linear.combine_in_parallel
    fns = [_linear("abc", "xy", 1), _linear("cd", "yz", 2), _linear("ad", "x", 3)]
    expected = tracrs(fns)
    with craft_matrices.placed():
        got = vectorspace_fns.Linear.combine_in_parallel(fns)
    assert got.input_space == expected.input_space and got.output_space == expected.output_space
    assert np.array_equal(got.matrix, expected.matrix)
    assert vectorspace_fns.Linear.combine_in_parallel == tracrs


def test_a_sequence_map_mlp_placed_is_bit_identical_to_tracrs():
    tracrs = categorical_mlp.sequence_map_categorical_mlp
    first = bases.VectorSpaceWithBasis.from_values("x", [3, 1, 2])
    second = bases.VectorSpaceWithBasis.from_values("y", ["b", "a"])
    output = bases.VectorSpaceWithBasis.from_values("out", [0, 1, 2, 3])

    def operation(x: bases.BasisDirection, y: bases.BasisDirection) -> bases.BasisDirection:
        return bases.BasisDirection("out", (x.value + len(y.value) * (y.value == "a")) % 5)

    expected = tracrs(first, second, output, operation)  # value 4 falls outside `output`
    with craft_matrices.placed():
        got = categorical_mlp.sequence_map_categorical_mlp(first, second, output, operation)
    for ours, theirs in [(got.fst, expected.fst), (got.snd, expected.snd)]:
        assert ours.input_space == theirs.input_space
        assert ours.output_space == theirs.output_space
        assert ours.matrix.dtype == theirs.matrix.dtype
        assert np.array_equal(ours.matrix, theirs.matrix)
    assert categorical_mlp.sequence_map_categorical_mlp is tracrs
