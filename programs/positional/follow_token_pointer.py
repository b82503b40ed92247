"""Follow a pointer: output[i] = xs[min(xs[i], n-1)] (the token, read as a position).

The query position is computed from the token itself, so which key is attended to
depends on content, not only on position.
"""

from tracr.compiler import lib
from tracr.rasp import rasp

VOCAB = {0, 1, 2, 3}
MAX_SEQ_LEN = 4
EXAMPLES = [[2, 0, 3, 1], [3, 1, 1]]

length = lib.make_length().named("length")
pointer = rasp.SequenceMap(lambda x, n: min(x, max(n - 1, 0)), rasp.tokens, length).named("pointer")
fetch = rasp.Select(rasp.indices, pointer, rasp.Comparison.EQ).named("fetch")
program = rasp.Aggregate(fetch, rasp.tokens).named("follow_token_pointer")


def reference(xs: list) -> list:
    n = len(xs)
    return [xs[min(x, n - 1)] for x in xs]
