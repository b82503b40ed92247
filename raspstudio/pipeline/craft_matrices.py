"""Two of tracr's matrix constructions, rebuilt by placing entries instead of probing.

tracr builds some weight matrices one basis direction at a time: it makes a vector for the
direction (allocating an identity matrix of the space's width to do so), applies a Python
function to it, and copies the row out. That is quadratic in the widths. For programs of
realistic size (an MLP layer of 14,000 hidden units over a 750-dimensional residual) two
such constructions were nearly all of compiling:

- `Linear.combine_in_parallel`, which joins the blocks that share a layer (and the two
  halves of a SelectorWidth MLP): the joint matrix is each block's matrix placed at its rows
  and columns of the joint spaces, added in tracr's order (`combined`);
- `sequence_map_categorical_mlp`, a categorical SequenceMap's MLP: one hidden unit per pair
  of input values, reading both with weight 1 and the `one` direction with -1, writing the
  function's value for the pair (`sequence_map_mlp`).

Inside `placed()` tracr uses these instead. Every entry is bit-identical to tracr's own
(tests compare the weights of whole compiled models with stock tracr's).
"""

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

import numpy as np
from tracr.craft import bases, transformers, vectorspace_fns
from tracr.craft.chamber import categorical_mlp


def combined(fns: Sequence[vectorspace_fns.Linear]) -> vectorspace_fns.Linear:
    """The linear map that applies every one of `fns` to its part of the joint input space."""
    joint_input = bases.join_vector_spaces(*[fn.input_space for fn in fns])
    joint_output = bases.join_vector_spaces(*[fn.output_space for fn in fns])
    row_of, column_of = joint_input.index_by_direction, joint_output.index_by_direction
    matrix = np.zeros((joint_input.num_dims, joint_output.num_dims))
    for fn in fns:
        rows = [row_of[d] for d in fn.input_space.basis]
        columns = [column_of[d] for d in fn.output_space.basis]
        matrix[np.ix_(rows, columns)] += fn.matrix
    return vectorspace_fns.Linear(joint_input, joint_output, matrix)


def sequence_map_mlp(
    input1_space: bases.VectorSpaceWithBasis,
    input2_space: bases.VectorSpaceWithBasis,
    output_space: bases.VectorSpaceWithBasis,
    operation: Callable[[bases.BasisDirection, bases.BasisDirection], bases.BasisDirection],
    one_space: bases.VectorSpaceWithBasis = categorical_mlp._ONE_SPACE,
    hidden_name: bases.Name = "__hidden__",
) -> transformers.MLP:
    """tracr's `sequence_map_categorical_mlp`: hidden (x, y) = ReLU(x + y - 1), then the
    function's value for (x, y)."""
    bases.ensure_dims(one_space, num_dims=1, name="one_space")
    if not set(input1_space.basis).isdisjoint(input2_space.basis):
        raise ValueError(
            "Input spaces to a SequenceMap must be disjoint. "
            "If input spaces are the same, use Map instead!"
        )
    input_space = bases.direct_sum(input1_space, input2_space, one_space)
    pairs = {
        bases.BasisDirection(hidden_name, (x.name, x.value, y.name, y.value)): (x, y)
        for x in input1_space.basis
        for y in input2_space.basis
    }
    hidden_space = bases.VectorSpaceWithBasis(list(pairs))
    row_of, unit_of = input_space.index_by_direction, hidden_space.index_by_direction
    first = np.zeros((input_space.num_dims, hidden_space.num_dims))
    first[row_of[one_space.basis[0]]] = -1
    for hidden, (x, y) in pairs.items():
        first[row_of[x], unit_of[hidden]] = first[row_of[y], unit_of[hidden]] = 1
    second = np.zeros((hidden_space.num_dims, output_space.num_dims))
    column_of = output_space.index_by_direction
    for unit, hidden in enumerate(hidden_space.basis):  # tracr's order of calls
        value = operation(*pairs[hidden])
        if value in output_space:
            second[unit, column_of[value]] = 1
    return transformers.MLP(
        vectorspace_fns.Linear(input_space, hidden_space, first),
        vectorspace_fns.Linear(hidden_space, output_space, second),
    )


@contextmanager
def placed() -> Iterator[None]:
    """Within the block, tracr builds these matrices with `combined` and `sequence_map_mlp`."""
    combine = vectorspace_fns.Linear.__dict__["combine_in_parallel"]
    sequence_map = categorical_mlp.sequence_map_categorical_mlp
    vectorspace_fns.Linear.combine_in_parallel = classmethod(lambda cls, fns: combined(fns))
    categorical_mlp.sequence_map_categorical_mlp = sequence_map_mlp
    try:
        yield
    finally:
        vectorspace_fns.Linear.combine_in_parallel = combine
        categorical_mlp.sequence_map_categorical_mlp = sequence_map
