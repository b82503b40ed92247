"""The input space a program is checked on: exhaustive when small, otherwise a fixed sample.

Deterministic: the same vocabulary, length and budget always give the same list, ordered
shortest first so that the first failing input is also a smallest counterexample.
"""

import itertools
import random
from collections.abc import Iterable

from raspstudio.tokens import sorted_vocab

MAX_STEERED = 500  # inputs pipeline/coverage.py may add to a sample, towards rare values


def space_size(vocab_size: int, max_seq_len: int) -> int:
    return sum(vocab_size**n for n in range(1, max_seq_len + 1))


def input_space(
    vocab: Iterable, max_seq_len: int, max_inputs: int = 2000, seed: int = 0
) -> tuple[list[list], bool]:
    """Return (inputs, sampled): every sequence if there are at most `max_inputs`, else a sample.

    The sample holds, in order: every length (one sequence each), structured edge cases
    (constant, ascending, descending and alternating sequences), then seeded random sequences,
    half uniform and half `structured_sequence`, without duplicates, up to `max_inputs`.
    """
    tokens = sorted_vocab(vocab)
    if space_size(len(tokens), max_seq_len) <= max_inputs:
        return [
            list(seq)
            for n in range(1, max_seq_len + 1)
            for seq in itertools.product(tokens, repeat=n)
        ], False

    chosen: dict[tuple, None] = {}  # insertion-ordered set

    def add(seq: Iterable) -> None:
        if len(chosen) < max_inputs:
            chosen.setdefault(tuple(seq), None)

    for seq in _edge_cases(tokens, max_seq_len):
        add(seq)
    rng = random.Random(seed)
    attempts = 0
    while len(chosen) < max_inputs and attempts < 20 * max_inputs:
        if attempts % 2:  # every other draw: few tokens in skewed proportions (see below)
            add(structured_sequence(rng, tokens, max_seq_len))
        else:
            add(rng.choice(tokens) for _ in range(rng.randint(1, max_seq_len)))
        attempts += 1
    return sorted((list(s) for s in chosen), key=len), True


def structured_sequence(rng: random.Random, tokens: list, max_seq_len: int) -> list:
    """One to three distinct tokens in random proportions, usually at full length.

    Uniform draws almost never produce extreme counts and ratios (nine high tokens and one
    low one, a token that occurs exactly once among many), and those are where a compiled
    program's rare failures live: an MLP value reached by few inputs, a selector that picks
    two positions only there, an output that is None only there.
    """
    length = max_seq_len if rng.random() < 0.5 else rng.randint(1, max_seq_len)
    chosen = rng.sample(tokens, min(len(tokens), rng.randint(1, 3)))
    weights = [rng.random() for _ in chosen]
    return rng.choices(chosen, weights=weights, k=length)


def _edge_cases(tokens: list, max_seq_len: int) -> Iterable[list]:
    for n in range(1, max_seq_len + 1):
        yield [tokens[i % len(tokens)] for i in range(n)]  # ascending, wrapping
    for n in range(1, max_seq_len + 1):
        yield [tokens[-1 - i % len(tokens)] for i in range(n)]  # descending, wrapping
        for token in (tokens[0], tokens[-1]):
            yield [token] * n  # constant
        if len(tokens) > 1:
            yield [tokens[i % 2] for i in range(n)]  # alternating
    for n in range(1, max_seq_len + 1):
        for token in tokens:
            yield [token] * n
