"""Perfect shuffle: A = xs[:ceil(n/2)], B = the rest; output = A[0], B[0], A[1], B[1], ...

Even position i reads i/2; odd position i reads ceil(n/2) + floor(i/2). It is a
permutation (the inverse of deinterleave_even_odd), so no fill is needed.
"""

from tracr.compiler import lib
from tracr.rasp import rasp

VOCAB = {"a", "b", "c"}
MAX_SEQ_LEN = 5
EXAMPLES = [["a", "b", "c", "a", "b"], ["a", "b", "c", "c"]]

length = lib.make_length().named("length")
source = rasp.SequenceMap(
    lambda i, n: i // 2 if i % 2 == 0 else min((n + 1) // 2 + i // 2, max(n - 1, 0)),
    rasp.indices,
    length,
).named("source")
fetch = rasp.Select(rasp.indices, source, rasp.Comparison.EQ).named("fetch")
program = rasp.Aggregate(fetch, rasp.tokens).named("riffle_halves")


def reference(xs: list) -> list:
    c = (len(xs) + 1) // 2
    first, second = xs[:c], xs[c:]
    out = []
    for j in range(c):
        out.append(first[j])
        if j < len(second):
            out.append(second[j])
    return out
