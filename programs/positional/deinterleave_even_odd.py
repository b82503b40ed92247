"""Deinterleave: output = xs[0::2] + xs[1::2] (even-position tokens, then odd-position ones).

With c = ceil(n/2) even-position tokens: position i < c reads 2i, position i >= c reads
2(i - c) + 1. It is a permutation, so no fill is needed.
"""

from tracr.compiler import lib
from tracr.rasp import rasp

VOCAB = {"a", "b", "c"}
MAX_SEQ_LEN = 5
EXAMPLES = [["a", "b", "c", "a", "b"], ["a", "b", "c", "c"]]

length = lib.make_length().named("length")
source = rasp.SequenceMap(
    lambda i, n: 2 * i if i < (n + 1) // 2 else 2 * (i - (n + 1) // 2) + 1, rasp.indices, length
).named("source")
fetch = rasp.Select(rasp.indices, source, rasp.Comparison.EQ).named("fetch")
program = rasp.Aggregate(fetch, rasp.tokens).named("deinterleave_even_odd")


def reference(xs: list) -> list:
    return xs[0::2] + xs[1::2]
