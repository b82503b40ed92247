"""Shift right by two with a pad: output[i] = xs[i-2] for i >= 2, and "_" at positions 0 and 1.

Position i first copies xs[max(i-2, 0)] (always exactly one source, so never None), then
the first two positions are overwritten with the pad token "_".
"""

from tracr.rasp import rasp

VOCAB = {"a", "b", "c"}
MAX_SEQ_LEN = 5
EXAMPLES = [["a", "b", "c", "b"], ["c"]]

two_back = rasp.Select(rasp.indices, rasp.indices, lambda k, q: k == max(q - 2, 0)).named(
    "two_back"
)
copied = rasp.Aggregate(two_back, rasp.tokens).named("copied")
program = rasp.SequenceMap(lambda x, i: "_" if i < 2 else x, copied, rasp.indices).named(
    "shift_right_by_two_padded"
)


def reference(xs: list) -> list:
    return ["_", "_", *xs][: len(xs)]
