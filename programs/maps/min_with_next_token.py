"""At position i, min(token[i], token[i+1]); the last position (no successor) keeps its token.

The last position must know it is last to read itself, so the target index min(i + 1, length - 1)
is computed from the length.
"""

from tracr.compiler import lib
from tracr.rasp import rasp

VOCAB = {1, 2, 3}
MAX_SEQ_LEN = 5
EXAMPLES = [[3, 1, 2, 3, 3], [2]]

length = lib.make_length().named("length")
next_index = rasp.SequenceMap(lambda i, n: min(i + 1, n - 1), rasp.indices, length).named(
    "next_index"
)
following = rasp.Select(rasp.indices, next_index, rasp.Comparison.EQ).named("following")
next_token = rasp.Aggregate(following, rasp.tokens).named("next_token")
program = rasp.SequenceMap(min, rasp.tokens, next_token).named("min_with_next_token")


def reference(xs: list) -> list:
    last = len(xs) - 1
    return [xs[i] if i == last or xs[i] <= xs[i + 1] else xs[i + 1] for i in range(len(xs))]
