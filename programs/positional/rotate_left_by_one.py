"""Rotate left by one: output[i] = xs[(i+1) mod n], i.e. the first token moves to the end.

The source index (i+1) mod n depends on the length n, computed first.
"""

from tracr.compiler import lib
from tracr.rasp import rasp

VOCAB = {"a", "b", "c"}
MAX_SEQ_LEN = 5
EXAMPLES = [["a", "b", "c", "b"], ["c", "a"]]

length = lib.make_length().named("length")
source = rasp.SequenceMap(lambda i, n: (i + 1) % max(n, 1), rasp.indices, length).named("source")
fetch = rasp.Select(rasp.indices, source, rasp.Comparison.EQ).named("fetch")
program = rasp.Aggregate(fetch, rasp.tokens).named("rotate_left_by_one")


def reference(xs: list) -> list:
    return xs[1:] + xs[:1]
