"""Shift right by one: output[i] = xs[i-1] for i >= 1, and output[0] = xs[0] (repeated).

Each query position i attends to key position max(i-1, 0), so exactly one position is
selected everywhere and no position is left undefined.
"""

from tracr.rasp import rasp

VOCAB = {"a", "b", "c"}
MAX_SEQ_LEN = 5
EXAMPLES = [["a", "b", "c", "b"], ["c", "a"]]

previous = rasp.Select(rasp.indices, rasp.indices, lambda k, q: k == max(q - 1, 0)).named(
    "previous"
)
program = rasp.Aggregate(previous, rasp.tokens).named("shift_right_by_one")


def reference(xs: list) -> list:
    return xs[:1] + xs[:-1]
