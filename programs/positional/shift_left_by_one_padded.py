"""Shift left by one with a pad: output[i] = xs[i+1] for i < n-1, and "_" at the last position.

Position i copies xs[min(i+1, n-1)] (always exactly one source, so never None); the last
position, which has no successor, is then overwritten with the pad token "_".
"""

from tracr.compiler import lib
from tracr.rasp import rasp

VOCAB = {"a", "b", "c"}
MAX_SEQ_LEN = 5
EXAMPLES = [["a", "b", "c", "b"], ["c"]]

length = lib.make_length().named("length")
source = rasp.SequenceMap(lambda i, n: min(i + 1, max(n - 1, 0)), rasp.indices, length).named(
    "source"
)
has_next = rasp.SequenceMap(lambda i, n: i + 1 < n, rasp.indices, length).named("has_next")
fetch = rasp.Select(rasp.indices, source, rasp.Comparison.EQ).named("fetch")
copied = rasp.Aggregate(fetch, rasp.tokens).named("copied")
program = rasp.SequenceMap(lambda x, ok: x if ok else "_", copied, has_next).named(
    "shift_left_by_one_padded"
)


def reference(xs: list) -> list:
    return [*xs[1:], "_"]
