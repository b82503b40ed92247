"""Pair with the successor: output[i] = (xs[i], xs[i+1]), with "_" for xs[n] at the end.

The successor is copied from position min(i+1, n-1) (never None), replaced by the pad "_"
at the last position, then zipped with the token: 3 x 4 = 12 possible output values.
"""

from tracr.compiler import lib
from tracr.rasp import rasp

VOCAB = {"a", "b", "c"}
MAX_SEQ_LEN = 5
EXAMPLES = [["a", "b", "c", "b"], ["c"]]

length = lib.make_length().named("length")
source = rasp.SequenceMap(lambda i, n: min(i + 1, max(n - 1, 0)), rasp.indices, length).named(
    "source"
)
has_next = rasp.SequenceMap(lambda i, n: i + 1 < n, rasp.indices, length).named("has_next")
fetch = rasp.Select(rasp.indices, source, rasp.Comparison.EQ).named("fetch")
copied = rasp.Aggregate(fetch, rasp.tokens).named("copied")
next_token = rasp.SequenceMap(lambda x, ok: x if ok else "_", copied, has_next).named("next_token")
program = rasp.SequenceMap(lambda x, nx: (x, nx), rasp.tokens, next_token).named("next_token_pair")


def reference(xs: list) -> list:
    n = len(xs)
    return [(xs[i], xs[i + 1] if i + 1 < n else "_") for i in range(n)]
