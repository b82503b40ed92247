"""At every position, the number of positions j in the sequence with x[j] == j (0-based).

A token-and-position MLP marks the fixed points; a SelectorWidth over the marked keys counts them.
"""

from tracr.rasp import rasp

VOCAB = {0, 1, 2, 3}
MAX_SEQ_LEN = 5
EXAMPLES = [[0, 2, 2, 1, 3], [1, 0, 3]]

is_fixed_point = rasp.SequenceMap(lambda t, i: t == i, rasp.tokens, rasp.indices).named(
    "is_fixed_point"
)
fixed_points = rasp.Select(is_fixed_point, is_fixed_point, lambda k, q: k).named("fixed_points")
program = rasp.SelectorWidth(fixed_points).named("count_fixed_points")


def reference(xs: list) -> list:
    return [sum(1 for j, x in enumerate(xs) if x == j)] * len(xs)
