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

BATCH = 250
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
    """Inputs that reach the values and selector pairs `evaluation`'s inputs do not; at most
    as many candidates are tried as the sample has inputs, so steering costs about what
    evaluating the sample does."""
    targets = _targets(exprs, sets)
    targets.open -= _reached(targets, evaluation, causal).keys()
    steered = Steered()
    rng, tokens = random.Random(seed), sorted_vocab(vocab)
    sample = {tuple(xs) for xs in evaluation.inputs}  # the judge refuses an input twice
    tried = fruitless = 0
    while targets.open and tried < len(evaluation.inputs) and fruitless < PATIENCE:
        batch = [_candidate(rng, tokens, max_seq_len, steered.inputs) for _ in range(BATCH)]
        tried += len(batch)
        found = _reached(targets, evaluate_program(program, batch, causal=causal), causal)
        room = MAX_STEERED - len(steered.inputs)
        rows = sorted(set(found.values()))  # the first input reaching each target
        rows = [row for row in rows if tuple(batch[row]) not in sample][:room]
        steered.inputs += [batch[row] for row in rows]
        sample |= {tuple(batch[row]) for row in rows}
        targets.open -= {target for target, row in found.items() if row in rows}
        fruitless = 0 if rows else fruitless + 1
        if len(steered.inputs) == MAX_STEERED:
            break
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
        # A fraction (a mean, or a function of one) may differ in its last bit from the exact
        # value the value set holds: it is not aimed at.
        fractions = any(isinstance(v, float) and not v.is_integer() for v in sets.values[label])
        if not (inputs or fractions):
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


def _reached(targets: _Targets, evaluation: Evaluation, causal: bool) -> dict[tuple, int]:
    """Each open target some input of `evaluation` reaches, with the first input that does."""
    occurs = {label: evaluation.values.occurrences(expr) for label, expr in targets.exprs.items()}
    found = {}
    for label in targets.values:
        for value, rows in occurs[label].items():
            if ("value", label, value) in targets.open:
                found["value", label, value] = min(rows)
    for label, (keys, queries) in targets.selectors.items():
        for q, query_rows in occurs[queries].items():
            for k, key_rows in occurs[keys].items():
                target = ("pair", label, q, k)
                if target not in targets.open:
                    continue
                rows = sorted(query_rows & key_rows)
                if causal:  # a query meets only the keys at or before it
                    exprs = targets.exprs[keys], targets.exprs[queries]
                    rows = [r for r in rows if _meets(evaluation, r, *exprs, q, k)]
                if rows:
                    found[target] = rows[0]
    return found


def _meets(evaluation: Evaluation, row: int, keys: rasp.SOp, queries: rasp.SOp, q, k) -> bool:
    trace = evaluation.trace(row)
    key_column, query_column = trace[id(keys)], trace[id(queries)]
    return any(v == q and k in key_column[: p + 1] for p, v in enumerate(query_column))


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
