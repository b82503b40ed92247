"""Block-wise verification: each compiled MLP on every value its inputs can take.

For a Map or SequenceMap the worker sends the RASP function's table over its inputs' value
sets (`raspstudio.evidence.BlockTable`). Here each row becomes a residual vector holding
exactly those input values in the operations' directions (one-hot for a categorical value,
the magnitude for a numerical one, and 1 in the constant `one` direction), goes through the
MLP layer that writes the operation's directions, and the output is read back and compared.

The check is finite whatever the number of sequences, and finds an MLP that is wrong on a
value no sampled input reached. It assumes what the model's other layers deliver to the MLP
is exact; the full forward pass on a witness input (verdict.py) is what confirms a defect.
"""

import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from raspstudio.evidence import BlockTable, Evidence, ModelEvidence, Operation
from raspstudio.judge.forward import mlp
from raspstudio.judge.verdict import read, same
from raspstudio.report import Diagnostic, format_values

WITNESS_TRIES = 20_000  # candidate inputs the worker tries (raspstudio/pipeline/blocks.py)


@dataclass
class BlockFailure:
    """A value combination on which a compiled MLP disagrees with the RASP function."""

    operation: Operation
    values: list  # the inputs' values
    expected: Any
    got: Any


def judge_blocks(compiled: ModelEvidence, deadline: float | None = None) -> list[BlockFailure]:
    """The first failing combination of every MLP block that is wrong somewhere.

    Blocks left when `deadline` (time.monotonic) passes are not checked: the verdict of a
    sampled program is not complete either way, and a huge model must not hold the judge.
    """
    operations = {o.label: o for o in compiled.operations}
    failures = []
    for table in compiled.blocks:
        if deadline is not None and time.monotonic() > deadline:
            break
        operation = operations.get(table.label)
        inputs = [operations.get(label) for label in table.inputs]
        if operation is None or None in inputs or not table.rows:
            continue
        failure = _check(compiled, table, operation, inputs)
        if failure is not None:
            failures.append(failure)
    return failures


def _check(
    compiled: ModelEvidence, table: BlockTable, operation: Operation, inputs: list[Operation]
) -> BlockFailure | None:
    model = compiled.model
    layer = _mlp_layer(model.params, operation.dims)
    if layer is None:
        return None  # not computed by an MLP
    labels = model.residual_labels
    x = np.zeros((len(table.rows), len(labels)), np.float32)
    if "one" in labels:
        x[:, labels.index("one")] = 1
    usable = np.ones(len(table.rows), bool)
    for column, source in enumerate(inputs):
        where = {value: dim for value, dim in zip(source.values, source.dims, strict=False)}
        for row, values in enumerate(table.rows):
            value = values[column]
            if source.numerical:
                x[row, source.dims[0]] = value
            elif value in where:
                x[row, where[value]] = 1
            else:
                usable[row] = False  # a value the model has no direction for
    # The input vectors are 0 in the operation's directions: the MLP's output is all there is.
    out = mlp(x, model.params, f"transformer/layer_{layer}/mlp")
    got = read(operation, out[:, operation.dims])
    for row, expected in enumerate(table.outputs):
        if (
            expected is not None
            and usable[row]
            and not same(expected, got[row], operation.numerical)
        ):
            return BlockFailure(operation, table.rows[row], expected, got[row])
    return None


def _mlp_layer(params: dict, dims: list[int]) -> int | None:
    """The layer whose MLP writes these residual dimensions."""
    layer = 0
    while f"transformer/layer_{layer}/mlp/linear_2" in params:
        if np.abs(params[f"transformer/layer_{layer}/mlp/linear_2"]["w"][:, dims]).sum() > 0:
            return layer
        layer += 1
    return None


def unreached(evidence: Evidence, failure: BlockFailure, tries: int) -> Diagnostic:
    """RASP608: the MLP is wrong on a value combination no input was found to reach."""
    operation = failure.operation
    return Diagnostic(
        "RASP608",
        f"the compiled MLP for `{operation.name}` ({operation.kind}) is wrong when its inputs "
        f"are {format_values(failure.values)}: expected {format_values([failure.expected])}, "
        f"got {format_values([failure.got])}. No input reaching these values was found in "
        f"{tries:,} tries, so the model may never meet them; if some input does, the model is "
        "wrong there. The verdict is not complete",
        operation.span or evidence.span,
        evidence.program,
    )
