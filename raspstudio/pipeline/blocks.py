"""Evidence for block-wise verification, and witnesses for what it finds.

A sample of inputs misses the rare input on which a compiled block is wrong (a numerical Map
whose negative output the ReLU clips, say, reached only when nine of ten tokens are high).
But each block computes a function of a few values, and every value each operation can take
is known exactly (raspstudio.judge.value_sets). So `program_nodes` describes every operation
of the program with its function's table on those values: what the judge needs to check the
model block by block and prove it right on every input.

When the judge finds a combination an MLP gets wrong, `find_witness` searches for an input
sequence on which the program's operations take those values at some position, among
`structured_sequence`s: one to three tokens in random proportions, the shapes that reach
extreme counts and ratios which uniform draws almost never produce.
"""

import random
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
from tracr.rasp import rasp

from raspstudio.evidence import Node
from raspstudio.judge import value_sets
from raspstudio.judge.inputs import structured_sequence
from raspstudio.pipeline.interpret.per_input import evaluate_program
from raspstudio.tokens import sorted_vocab

WITNESS_TRIES = 20_000  # candidate inputs per search
BATCH = 2_000


def program_nodes(program: rasp.SOp, walk: Any, vocab: Any, max_seq_len: int) -> list[Node]:
    """Every SOp of `program` (inputs first) with its function's table on its inputs' values."""
    return tabled(program, walk, vocab, max_seq_len)[0]


def tabled(
    program: rasp.SOp, walk: Any, vocab: Any, max_seq_len: int
) -> tuple[list[Node], value_sets.ValueSets]:
    """`program_nodes`, with the value sets they were tabled on."""
    nodes, functions = [], {}
    for expr in walk(program):
        if isinstance(expr, rasp.SOp):
            node, functions[expr.label] = _node(expr)
            nodes.append(node)

    def apply(node: Node, rows: list[list]) -> list:
        node.rows, node.outputs = rows, [_call(functions[node.label], row) for row in rows]
        return node.outputs

    return nodes, value_sets.infer(nodes, vocab, max_seq_len, apply)


def _node(expr: rasp.SOp) -> tuple[Node, Callable | None]:
    numerical = rasp.is_numerical(expr)
    if isinstance(expr, rasp.TokensType | rasp.IndicesType):
        return Node(expr.label, expr.label, numerical=numerical), None
    if isinstance(expr, rasp.Map):
        return Node(expr.label, "Map", [expr.inner.label], numerical), expr.f
    if isinstance(expr, rasp.SequenceMap):
        return Node(expr.label, "SequenceMap", [expr.fst.label, expr.snd.label], numerical), expr.f
    selector = getattr(expr, "selector", None)
    if isinstance(expr, rasp.Aggregate | rasp.SelectorWidth) and isinstance(selector, rasp.Select):
        inputs = [selector.keys.label, selector.queries.label]
        if isinstance(expr, rasp.Aggregate):
            inputs.append(expr.sop.label)
        kind = type(expr).__name__
        default = getattr(expr, "default", None)
        return Node(expr.label, kind, inputs, numerical, default), selector.predicate
    return Node(expr.label, type(expr).__name__, numerical=numerical), None


def _call(function: Callable | None, row: list) -> Any:
    """The function's value on a row, as the judge will read it after the wire (a NumPy
    scalar becomes a plain number there, and must order the same here)."""
    try:
        value = function(*row)
    except Exception:  # noqa: BLE001 - a function that raises on a value has no value there
        return None
    return value.item() if isinstance(value, np.generic) else value


def find_witness(
    program: rasp.SOp,
    exprs: list[rasp.SOp],
    targets: list,
    vocab: Any,
    max_seq_len: int,
    causal: bool,
    seed: int = 0,
) -> dict | None:
    """An input on which `exprs` take the values `targets` at one position, if one is found.

    Returns {"input", "output", "trace"}: the input, the program's output on it, and the
    evaluation's per-expression values there (by id), or None after WITNESS_TRIES candidates.
    """
    for candidates in structured_batches(vocab, max_seq_len, seed):
        evaluation = evaluate_program(program, candidates, causal=causal)
        for row, output in enumerate(evaluation.outputs):
            if output is None:
                continue
            trace = evaluation.trace(row)
            columns = [trace.get(id(e)) for e in exprs]
            if any(c is None for c in columns):
                continue
            for position in range(len(candidates[row])):
                if [c[position] for c in columns] == targets:
                    return {"input": candidates[row], "output": output, "trace": trace}
    return None


def structured_batches(vocab: Any, max_seq_len: int, seed: int = 0) -> Iterator[list[list]]:
    """WITNESS_TRIES `structured_sequence`s, in batches."""
    rng = random.Random(seed)
    tokens = sorted_vocab(vocab)
    for _ in range(WITNESS_TRIES // BATCH):
        yield [structured_sequence(rng, tokens, max_seq_len) for _ in range(BATCH)]
