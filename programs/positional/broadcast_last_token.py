"""Broadcast the last token: output[i] = xs[n-1] at every position."""

from tracr.compiler import lib
from tracr.rasp import rasp

VOCAB = {"a", "b", "c"}
MAX_SEQ_LEN = 5
EXAMPLES = [["b", "a", "c", "a"], ["c"]]

length = lib.make_length().named("length")
last_index = rasp.Map(lambda n: max(n - 1, 0), length).named("last_index")
last = rasp.Select(rasp.indices, last_index, rasp.Comparison.EQ).named("last")
program = rasp.Aggregate(last, rasp.tokens).named("broadcast_last_token")


def reference(xs: list) -> list:
    return [xs[-1]] * len(xs)
