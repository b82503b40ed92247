"""The input space a program is checked on: exhaustive when small, otherwise a fixed sample.

Deterministic: the same vocabulary, length and budget always give the same list, ordered
shortest first so that the first failing input is also a smallest counterexample.
"""

import itertools
import random
from collections.abc import Iterable

from raspstudio.tokens import sorted_vocab


def space_size(vocab_size: int, max_seq_len: int) -> int:
    return sum(vocab_size**n for n in range(1, max_seq_len + 1))


def input_space(
    vocab: Iterable, max_seq_len: int, max_inputs: int = 2000, seed: int = 0
) -> tuple[list[list], bool]:
    """Return (inputs, sampled): every sequence if there are at most `max_inputs`, else a sample.

    The sample holds, in order: every length (one sequence each), structured edge cases
    (constant, ascending, descending and alternating sequences), then seeded random sequences,
    without duplicates, up to `max_inputs`.
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
        n = rng.randint(1, max_seq_len)
        add(rng.choice(tokens) for _ in range(n))
        attempts += 1
    return sorted((list(s) for s in chosen), key=len), True


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
