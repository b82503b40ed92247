"""Swap the first and last tokens: output[0] = xs[n-1], output[n-1] = xs[0], else xs[i]."""

from tracr.compiler import lib
from tracr.rasp import rasp

VOCAB = {"a", "b", "c"}
MAX_SEQ_LEN = 5
EXAMPLES = [["a", "b", "c", "a", "b"], ["c", "a"]]


def _source(i, n):
    last = max(n - 1, 0)
    if i == 0:
        return last
    if i == last:
        return 0
    return i


length = lib.make_length().named("length")
source = rasp.SequenceMap(_source, rasp.indices, length).named("source")
fetch = rasp.Select(rasp.indices, source, rasp.Comparison.EQ).named("fetch")
program = rasp.Aggregate(fetch, rasp.tokens).named("swap_first_and_last")


def reference(xs: list) -> list:
    out = list(xs)
    out[0], out[-1] = xs[-1], xs[0]
    return out
