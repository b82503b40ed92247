"""At every position, the largest token of the sequence.

A token is a maximum when no token is larger; every position reads the maxima (which all hold
the same value, so the categorical average is exact).
"""

from tracr.rasp import rasp

VOCAB = {1, 2, 3, 4}
MAX_SEQ_LEN = 5
EXAMPLES = [[3, 2, 4, 2], [1]]

larger = rasp.Select(rasp.tokens, rasp.tokens, rasp.Comparison.GT).named("larger")
n_larger = rasp.SelectorWidth(larger).named("n_larger")
is_max = rasp.Map(lambda n: n == 0, n_larger).named("is_max")
read_max = rasp.Select(is_max, rasp.indices, lambda k, q: k).named("read_max")
program = rasp.Aggregate(read_max, rasp.tokens).named("maximum_broadcast")


def reference(xs: list) -> list:
    return [max(xs)] * len(xs)
