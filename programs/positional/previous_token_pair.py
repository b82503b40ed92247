"""Pair with the predecessor: output[i] = (xs[i-1], xs[i]), with "_" for xs[-1] at 0.

The predecessor is copied from position max(i-1, 0) (never None), replaced by the pad "_"
at position 0, then zipped with the token: 4 x 3 = 12 possible output values.
"""

from tracr.rasp import rasp

VOCAB = {"a", "b", "c"}
MAX_SEQ_LEN = 5
EXAMPLES = [["a", "b", "c", "b"], ["c"]]

previous = rasp.Select(rasp.indices, rasp.indices, lambda k, q: k == max(q - 1, 0)).named(
    "previous"
)
copied = rasp.Aggregate(previous, rasp.tokens).named("copied")
prev_token = rasp.SequenceMap(lambda x, i: "_" if i == 0 else x, copied, rasp.indices).named(
    "prev_token"
)
program = rasp.SequenceMap(lambda p, x: (p, x), prev_token, rasp.tokens).named(
    "previous_token_pair"
)


def reference(xs: list) -> list:
    return [("_" if i == 0 else xs[i - 1], xs[i]) for i in range(len(xs))]
