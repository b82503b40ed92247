"""At position i, 1 if 2*i + 1 < length (strictly in the first half; an odd middle gives 0)."""

from tracr.compiler import lib
from tracr.rasp import rasp

VOCAB = {"a", "b"}
MAX_SEQ_LEN = 6
EXAMPLES = [["a", "b", "b", "a", "a"], ["a", "b", "a", "b"]]

length = lib.make_length().named("length")
program = rasp.SequenceMap(lambda i, n: 1 if 2 * i + 1 < n else 0, rasp.indices, length).named(
    "in_first_half"
)


def reference(xs: list) -> list:
    half = len(xs) // 2
    return [1] * half + [0] * (len(xs) - half)
