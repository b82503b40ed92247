"""Reverse the first half: output[i] = xs[h-1-i] if i < h = floor(n/2), else xs[i].

It is a permutation, so no fill is needed.
"""

from tracr.compiler import lib
from tracr.rasp import rasp

VOCAB = {"a", "b", "c"}
MAX_SEQ_LEN = 5
EXAMPLES = [["a", "b", "c", "a", "b"], ["a", "b", "c", "c"]]

length = lib.make_length().named("length")
source = rasp.SequenceMap(
    lambda i, n: n // 2 - 1 - i if i < n // 2 else i, rasp.indices, length
).named("source")
fetch = rasp.Select(rasp.indices, source, rasp.Comparison.EQ).named("fetch")
program = rasp.Aggregate(fetch, rasp.tokens).named("reverse_first_half")


def reference(xs: list) -> list:
    h = len(xs) // 2
    return xs[:h][::-1] + xs[h:]
