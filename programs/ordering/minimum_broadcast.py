"""At every position, the smallest token of the sequence.

A token is a minimum when no token is smaller; every position reads the minima (which all hold
the same value, so the categorical average is exact).
"""

from tracr.rasp import rasp

VOCAB = {1, 2, 3, 4}
MAX_SEQ_LEN = 5
EXAMPLES = [[3, 2, 4, 2], [4]]

smaller = rasp.Select(rasp.tokens, rasp.tokens, rasp.Comparison.LT).named("smaller")
n_smaller = rasp.SelectorWidth(smaller).named("n_smaller")
is_min = rasp.Map(lambda n: n == 0, n_smaller).named("is_min")
read_min = rasp.Select(is_min, rasp.indices, lambda k, q: k).named("read_min")
program = rasp.Aggregate(read_min, rasp.tokens).named("minimum_broadcast")


def reference(xs: list) -> list:
    return [min(xs)] * len(xs)
