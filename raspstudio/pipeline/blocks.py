"""Evidence for block-wise verification, and witnesses for what it finds.

A sample of inputs misses the rare input on which a compiled MLP is wrong (a numerical Map
whose negative output the ReLU clips, say, reached only when nine of ten tokens are high).
But an MLP computes a function of a few values, and tracr knows every value each input can
take (its value set). So `block_tables` lists, for each Map and SequenceMap, its function on
every combination of its inputs' values; the judge feeds each through the compiled MLP.

When the judge finds a combination the MLP gets wrong, `find_witness` searches for an input
sequence on which the program's operations take those values at some position, among
`structured_sequence`s: one to three tokens in random proportions, the shapes that reach
extreme counts and ratios which uniform draws almost never produce.
"""

import itertools
import random
from typing import Any

from tracr.compiler import nodes
from tracr.rasp import rasp

from raspstudio.evidence import BlockTable
from raspstudio.judge.inputs import structured_sequence
from raspstudio.pipeline.interpret.per_input import evaluate_program
from raspstudio.tokens import sorted_vocab

MAX_ROWS = 20_000  # combinations per block; a larger block is left to the sample
WITNESS_TRIES = 20_000  # candidate inputs per search
BATCH = 2_000


def block_tables(program: rasp.SOp, graph: Any, walk: Any) -> list[BlockTable]:
    """The table of every Map and SequenceMap of `program` whose inputs' value sets are known."""
    tables = []
    for expr in walk(program):
        if not isinstance(expr, rasp.Map | rasp.SequenceMap) or expr.label not in graph.nodes:
            continue
        inputs = [expr.inner] if isinstance(expr, rasp.Map) else [expr.fst, expr.snd]
        value_sets = [graph.nodes.get(i.label, {}).get(nodes.VALUE_SET) for i in inputs]
        if any(v is None for v in value_sets):
            continue
        ordered = [sorted_vocab(v) for v in value_sets]
        size = 1
        for values in ordered:
            size *= len(values)
        if size > MAX_ROWS:
            continue
        if len(inputs) == 2 and inputs[0].label == inputs[1].label:  # one SOp read twice
            rows = [[v, v] for v in ordered[0]]
        else:
            rows = [list(combination) for combination in itertools.product(*ordered)]
        tables.append(
            BlockTable(
                label=expr.label,
                inputs=[i.label for i in inputs],
                rows=rows,
                outputs=[_apply(expr, row) for row in rows],
            )
        )
    return tables


def _apply(expr: rasp.Map | rasp.SequenceMap, row: list) -> Any:
    try:
        return expr.f(*row)
    except Exception:  # noqa: BLE001 - a function that raises on a value has no value there
        return None


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
    rng = random.Random(seed)
    tokens = sorted_vocab(vocab)
    for _ in range(WITNESS_TRIES // BATCH):
        candidates = [structured_sequence(rng, tokens, max_seq_len) for _ in range(BATCH)]
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
