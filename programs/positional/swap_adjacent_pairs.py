"""Swap adjacent pairs: output[i] = xs[i XOR 1], or xs[i] for the last token of odd n.

Position i reads i XOR 1 when that position exists, else itself.
"""

from tracr.compiler import lib
from tracr.rasp import rasp

VOCAB = {"a", "b", "c"}
MAX_SEQ_LEN = 5
EXAMPLES = [["a", "b", "c", "a", "b"], ["a", "b", "c", "c"]]

length = lib.make_length().named("length")
partner = rasp.SequenceMap(lambda i, n: i ^ 1 if (i ^ 1) < n else i, rasp.indices, length).named(
    "partner"
)
fetch = rasp.Select(rasp.indices, partner, rasp.Comparison.EQ).named("fetch")
program = rasp.Aggregate(fetch, rasp.tokens).named("swap_adjacent_pairs")


def reference(xs: list) -> list:
    out = list(xs)
    for j in range(0, len(xs) - 1, 2):
        out[j], out[j + 1] = xs[j + 1], xs[j]
    return out
