"""Reverse the sequence."""

from tracr.compiler import lib
from tracr.rasp import rasp

VOCAB = {"a", "b", "c"}
MAX_SEQ_LEN = 5
EXAMPLES = [["a", "b", "c"], ["c", "a"]]

length = lib.make_length().named("length")
opposite = rasp.SequenceMap(lambda n, i: n - i - 1, length, rasp.indices).named("opposite")
flip = rasp.Select(rasp.indices, opposite, rasp.Comparison.EQ).named("flip")
program = rasp.Aggregate(flip, rasp.tokens).named("reverse")


def reference(xs: list) -> list:
    return xs[::-1]
