"""Compact every other token: output[i] = xs[2i] for i < ceil(n/2), and "_" at every later position.

The tokens at even positions 0, 2, 4, ... are packed to the front. Positions past them
first copy their own token (so the selector always selects exactly one position) and are
then overwritten with the pad token "_".
"""

from tracr.compiler import lib
from tracr.rasp import rasp

VOCAB = {"a", "b", "c"}
MAX_SEQ_LEN = 5
EXAMPLES = [["a", "b", "c", "a", "b"], ["c", "a"]]

length = lib.make_length().named("length")
in_output = rasp.SequenceMap(lambda i, n: 2 * i < n, rasp.indices, length).named("in_output")
source = rasp.SequenceMap(lambda i, n: 2 * i if 2 * i < n else i, rasp.indices, length).named(
    "source"
)
fetch = rasp.Select(rasp.indices, source, rasp.Comparison.EQ).named("fetch")
copied = rasp.Aggregate(fetch, rasp.tokens).named("copied")
program = rasp.SequenceMap(lambda x, keep: x if keep else "_", copied, in_output).named(
    "even_positions_compacted"
)


def reference(xs: list) -> list:
    evens = xs[0::2]
    return evens + ["_"] * (len(xs) - len(evens))
