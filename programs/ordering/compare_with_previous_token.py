"""At each position i >= 1, "up" if x[i] > x[i-1], "down" if x[i] < x[i-1], "same" if equal; "start" at position 0.

Attention reads the previous token (position 0 reads itself), an MLP compares, and a second MLP
replaces the comparison at position 0 by "start".
"""

import itertools

from tracr.rasp import rasp

VOCAB = {1, 2, 3}
MAX_SEQ_LEN = 5
EXAMPLES = [[2, 3, 3, 1, 2], [1]]

previous = rasp.Select(rasp.indices, rasp.indices, lambda k, q: k == max(q - 1, 0)).named(
    "previous"
)
previous_token = rasp.Aggregate(previous, rasp.tokens).named("previous_token")
step = rasp.SequenceMap(
    lambda x, p: "up" if x > p else ("down" if x < p else "same"), rasp.tokens, previous_token
).named("step")
program = rasp.SequenceMap(lambda s, i: "start" if i == 0 else s, step, rasp.indices).named(
    "compare_with_previous_token"
)


def reference(xs: list) -> list:
    out = ["start"]
    for a, b in itertools.pairwise(xs):
        out.append("up" if b > a else ("down" if b < a else "same"))
    return out[: len(xs)]
