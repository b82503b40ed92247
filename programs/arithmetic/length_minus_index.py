"""At each position i, length - i: the number of positions from i to the end, i itself included."""

from tracr.compiler import lib
from tracr.rasp import rasp

VOCAB = {"a", "b"}
MAX_SEQ_LEN = 6
EXAMPLES = [["a", "b", "b", "a"], ["b"]]

length = lib.make_length().named("length")
program = rasp.SequenceMap(lambda n, i: n - i, length, rasp.indices).named("length_minus_index")


def reference(xs: list) -> list:
    return [len(xs[i:]) for i in range(len(xs))]
