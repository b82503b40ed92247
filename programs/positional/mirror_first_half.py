"""Palindromize by mirroring the first half: output[i] = xs[min(i, n-1-i)].

The first ceil(n/2) tokens stay; the rest of the sequence is their mirror image, so the
output is always a palindrome.
"""

from tracr.compiler import lib
from tracr.rasp import rasp

VOCAB = {"a", "b", "c"}
MAX_SEQ_LEN = 5
EXAMPLES = [["a", "b", "c", "a", "b"], ["a", "b", "c", "c"]]

length = lib.make_length().named("length")
source = rasp.SequenceMap(lambda i, n: max(min(i, n - 1 - i), 0), rasp.indices, length).named(
    "source"
)
fetch = rasp.Select(rasp.indices, source, rasp.Comparison.EQ).named("fetch")
program = rasp.Aggregate(fetch, rasp.tokens).named("mirror_first_half")


def reference(xs: list) -> list:
    n = len(xs)
    return [xs[min(i, n - 1 - i)] for i in range(n)]
