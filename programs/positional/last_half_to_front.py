"""Last half to the front: output[i] = xs[floor(n/2) + i] if i < ceil(n/2), else "_".

The last half is xs[floor(n/2):] (for odd n it includes the middle token). Positions past
it first copy their own token (so the selector always selects exactly one position) and
are then overwritten with the pad token "_".
"""

from tracr.compiler import lib
from tracr.rasp import rasp

VOCAB = {"a", "b", "c"}
MAX_SEQ_LEN = 5
EXAMPLES = [["a", "b", "c", "a", "b"], ["c", "b"]]

length = lib.make_length().named("length")
in_output = rasp.SequenceMap(lambda i, n: i < (n + 1) // 2, rasp.indices, length).named("in_output")
source = rasp.SequenceMap(
    lambda i, n: i + n // 2 if i < (n + 1) // 2 else i, rasp.indices, length
).named("source")
fetch = rasp.Select(rasp.indices, source, rasp.Comparison.EQ).named("fetch")
copied = rasp.Aggregate(fetch, rasp.tokens).named("copied")
program = rasp.SequenceMap(lambda x, keep: x if keep else "_", copied, in_output).named(
    "last_half_to_front"
)


def reference(xs: list) -> list:
    tail = xs[len(xs) // 2 :]
    return tail + ["_"] * (len(xs) - len(tail))
