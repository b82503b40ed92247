"""Swap the halves: output = xs[ceil(n/2):] + middle + xs[:floor(n/2)] (odd n: middle stays).

Here middle = xs[floor(n/2):ceil(n/2)]: one token for odd n, empty for even n. With
h = floor(n/2) and c = ceil(n/2): position i < h reads i + c, position i >= c reads i - c,
and the middle position h of an odd-length input reads itself.
"""

from tracr.compiler import lib
from tracr.rasp import rasp

VOCAB = {"a", "b", "c"}
MAX_SEQ_LEN = 5
EXAMPLES = [["a", "b", "c", "a", "b"], ["a", "b", "c", "c"]]


def _source(i, n):
    half, ceil_half = n // 2, (n + 1) // 2
    if i < half:
        return i + ceil_half
    if i >= ceil_half:
        return i - ceil_half
    return i


length = lib.make_length().named("length")
source = rasp.SequenceMap(_source, rasp.indices, length).named("source")
fetch = rasp.Select(rasp.indices, source, rasp.Comparison.EQ).named("fetch")
program = rasp.Aggregate(fetch, rasp.tokens).named("swap_halves_keep_middle")


def reference(xs: list) -> list:
    n = len(xs)
    return xs[(n + 1) // 2 :] + xs[n // 2 : (n + 1) // 2] + xs[: n // 2]
