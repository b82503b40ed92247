"""Broadcast the second token: output[i] = xs[min(1, n-1)] (xs[0] for a one-token input).

The source position min(1, n-1) needs the length, so that a length-1 input still has a
position to read.
"""

from tracr.compiler import lib
from tracr.rasp import rasp

VOCAB = {"a", "b", "c"}
MAX_SEQ_LEN = 5
EXAMPLES = [["b", "a", "c", "a"], ["c"]]

length = lib.make_length().named("length")
second_index = rasp.Map(lambda n: 1 if n >= 2 else 0, length).named("second_index")
second = rasp.Select(rasp.indices, second_index, rasp.Comparison.EQ).named("second")
program = rasp.Aggregate(second, rasp.tokens).named("broadcast_second_token")


def reference(xs: list) -> list:
    return [xs[min(1, len(xs) - 1)]] * len(xs)
