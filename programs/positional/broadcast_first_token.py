"""Broadcast the first token: output[i] = xs[0] at every position."""

from tracr.rasp import rasp

VOCAB = {"a", "b", "c"}
MAX_SEQ_LEN = 5
EXAMPLES = [["b", "a", "c", "a"], ["c"]]

first = rasp.Select(rasp.indices, rasp.indices, lambda k, q: k == 0).named("first")
program = rasp.Aggregate(first, rasp.tokens).named("broadcast_first_token")


def reference(xs: list) -> list:
    return [xs[0]] * len(xs)
