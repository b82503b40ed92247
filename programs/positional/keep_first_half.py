"""Keep the first half: output[i] = xs[i] for i < ceil(n/2), and "_" at every later position.

For odd n the middle token counts as part of the first half. No token moves; the pad
position is decided from the index and the length.
"""

from tracr.compiler import lib
from tracr.rasp import rasp

VOCAB = {"a", "b", "c"}
MAX_SEQ_LEN = 5
EXAMPLES = [["a", "b", "c", "a", "b"], ["c", "b"]]

length = lib.make_length().named("length")
in_first_half = rasp.SequenceMap(lambda i, n: i < (n + 1) // 2, rasp.indices, length).named(
    "in_first_half"
)
program = rasp.SequenceMap(lambda x, keep: x if keep else "_", rasp.tokens, in_first_half).named(
    "keep_first_half"
)


def reference(xs: list) -> list:
    keep = (len(xs) + 1) // 2
    return xs[:keep] + ["_"] * (len(xs) - keep)
