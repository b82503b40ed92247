"""At each position i, the distance to the nearer end of the sequence: min(i, length - 1 - i)."""

from tracr.compiler import lib
from tracr.rasp import rasp

VOCAB = {"a", "b"}
MAX_SEQ_LEN = 6
EXAMPLES = [["a", "b", "a", "b", "a"], ["b", "a", "a", "b"]]

length = lib.make_length().named("length")
program = rasp.SequenceMap(lambda i, n: min(i, n - 1 - i), rasp.indices, length).named(
    "distance_to_nearest_end"
)


def reference(xs: list) -> list:
    n = len(xs)
    return [i if i < n - i else n - 1 - i for i in range(n)]
