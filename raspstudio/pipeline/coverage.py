"""Steer a sampled input space towards every value and selector pair; say what stays unreached.

A fixed sample of a large input space checks the compiled model only where the sample goes,
and uniform draws rarely go where a program is unusual: a count of nine, a selector's query
meeting one particular key. Every value each operation can take is known exactly
(raspstudio.judge.value_sets), and so is every (query value, key value) pair of each
selector. `steer` adds inputs to the sample until each of these is reached somewhere, as a
fuzzer does: candidates are skewed sequences (`structured_sequence`) and mutations of the
inputs that reached something new, evaluated in batches; one that reaches a target nothing
reached before joins the sample. What no candidate reached within the budget is named, so
that "tested on" says what it did not test.

The judge runs the model on the added inputs like on the rest (judge/verdict.py accepts at
most MAX_STEERED of them after the fixed sample); they never decide whether a verdict is
complete, which only the block-wise proof does.
"""

import itertools
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from tracr.rasp import rasp

from raspstudio.judge import value_sets
from raspstudio.judge.inputs import MAX_STEERED, structured_sequence
from raspstudio.pipeline.interpret.outcome import Evaluation
from raspstudio.pipeline.interpret.per_input import evaluate_program
from raspstudio.pipeline.spans import display_name
from raspstudio.tokens import sorted_vocab

TRIES = 20_000  # candidates evaluated at most
BATCH = 500
PATIENCE = 2  # batches in a row that reach nothing new: what is left is likely unreachable
RECENT = 50  # mutations start from the inputs that reached something most recently
MAX_PAIRS = 10_000  # a selector with more (query, key) value pairs is not steered to each


@dataclass
class Steered:
    inputs: list[list] = field(default_factory=list)  # to add to the sample
    unreached: list[str] = field(default_factory=list)  # in words, one line per operation


@dataclass
class _Targets:
    """What steering aims at: ("value", label, v) and ("pair", label, query, key)."""

    exprs: dict[str, rasp.SOp]  # label -> expression, for reading traces
    values: dict[str, list]  # label -> every value it can take, in order
    selectors: dict[str, tuple[str, str]]  # label -> (keys label, queries label)
    open: set[tuple] = field(default_factory=set)
    too_many: list[str] = field(default_factory=list)  # selectors with too many pairs


def steer(
    program: rasp.SOp,
    exprs: Iterable[rasp.SOp],
    sets: value_sets.ValueSets,
    evaluation: Evaluation,
    vocab: Any,
    max_seq_len: int,
    causal: bool,
    seed: int = 0,
) -> Steered:
    """Inputs that reach the values and selector pairs `evaluation`'s inputs do not."""
    targets = _targets(exprs, sets)
    _reach(targets, evaluation, range(len(evaluation.inputs)), causal)
    steered = Steered()
    rng, tokens = random.Random(seed), sorted_vocab(vocab)
    pool: list[list] = []  # inputs that reached something new: mutated further
    tried = fruitless = 0
    while targets.open and tried < TRIES and fruitless < PATIENCE:
        batch = [_candidate(rng, tokens, max_seq_len, pool) for _ in range(BATCH)]
        tried += len(batch)
        candidates = evaluate_program(program, batch, causal=causal)
        fruitless += 1
        for row in range(len(batch)):
            if len(steered.inputs) < MAX_STEERED and _reach(targets, candidates, [row], causal):
                steered.inputs.append(batch[row])
                pool.append(batch[row])
                fruitless = 0
    steered.inputs = list({tuple(xs): xs for xs in steered.inputs}.values())
    steered.unreached = _unreached(targets)
    return steered


def _targets(exprs: Iterable[rasp.SOp], sets: value_sets.ValueSets) -> _Targets:
    targets = _Targets(exprs={}, values={}, selectors={})
    for expr in exprs:
        label = expr.label
        if label not in sets.values:
            continue
        targets.exprs[label] = expr
        inputs = isinstance(expr, rasp.TokensType | rasp.IndicesType)  # every input has them
        # (a mean the interpreter computes may differ from the exact one in its last bit)
        mean = rasp.is_numerical(expr) and isinstance(expr, rasp.Aggregate)
        if not (inputs or mean):
            targets.values[label] = sets.values[label]
            targets.open |= {("value", label, v) for v in sets.values[label]}
        selector = getattr(expr, "selector", None)
        if not isinstance(selector, rasp.Select):
            continue
        keys, queries = selector.keys.label, selector.queries.label
        if keys not in sets.values or queries not in sets.values:
            continue
        pairs = itertools.product(sets.values[queries], sets.values[keys])
        if len(sets.values[queries]) * len(sets.values[keys]) > MAX_PAIRS:
            targets.too_many.append(label)
            continue
        targets.selectors[label] = (keys, queries)
        targets.open |= {("pair", label, q, k) for q, k in pairs}
    return targets


def _reach(targets: _Targets, evaluation: Evaluation, rows: Iterable[int], causal: bool) -> bool:
    """Strike out what these inputs reach; whether they reached anything still open."""
    new = False
    for row in rows:
        if evaluation.outputs[row] is None:
            continue  # an input the program fails on is no sample input
        trace = evaluation.trace(row)
        seen = {label: trace.get(id(expr)) for label, expr in targets.exprs.items()}
        reached = {("value", label, v) for label, column in seen.items() if column for v in column}
        for label, (keys, queries) in targets.selectors.items():
            reached |= {("pair", label, *pair) for pair in _pairs(seen, keys, queries, causal)}
        found = targets.open & reached
        new = new or bool(found)
        targets.open -= found
    return new


def _pairs(seen: dict, keys: str, queries: str, causal: bool) -> set[tuple]:
    """The (query value, key value) pairs a selector meets on one input."""
    key_column, query_column = seen.get(keys), seen.get(queries)
    if not key_column or not query_column:
        return set()
    if causal:  # a query meets only the keys at or before it
        return {(q, k) for p, q in enumerate(query_column) for k in key_column[: p + 1]}
    return set(itertools.product(set(query_column), set(key_column)))


def _candidate(rng: random.Random, tokens: list, max_seq_len: int, pool: list[list]) -> list:
    """A skewed sequence, or (half the time, once something new was reached) a mutation of an
    input that recently reached something: a token added, one dropped, or a few replaced,
    often by a token the input already has (which moves counts and ratios one step on)."""
    if not pool or rng.random() < 0.5:
        return structured_sequence(rng, tokens, max_seq_len)
    xs = list(rng.choice(pool[-RECENT:]))

    def token() -> Any:
        return rng.choice(xs) if rng.random() < 0.5 else rng.choice(tokens)

    change = rng.random()
    if change < 0.2 and len(xs) < max_seq_len:
        xs.insert(rng.randrange(len(xs) + 1), token())
    elif change < 0.4 and len(xs) > 1:
        del xs[rng.randrange(len(xs))]
    else:
        for _ in range(rng.randint(1, 3)):
            xs[rng.randrange(len(xs))] = token()
    return xs


def _unreached(targets: _Targets) -> list[str]:
    """One line per operation: the values, and the selector pairs, no input reached."""
    pairs: dict[str, int] = {}
    for target in targets.open:
        if target[0] == "pair":
            pairs[target[1]] = pairs.get(target[1], 0) + 1
    lines = []
    for label, expr in targets.exprs.items():
        name = f"`{display_name(expr)}`"
        every = targets.values.get(label, [])
        missed = [v for v in every if ("value", label, v) in targets.open]
        if missed:
            shown = ", ".join(repr(v) for v in missed[:5]) + (", …" if len(missed) > 5 else "")
            lines.append(f"{name} = {shown} ({len(missed)} of its {len(every)} values)")
        if label in pairs:
            lines.append(f"{name}: {pairs[label]} (query, key) value pairs of its selector")
        if label in targets.too_many:
            lines.append(f"{name}: its selector has too many value pairs to aim at each")
    return lines
