"""At each position i, the median of x[i-1], x[i], x[i+1], with the ends repeated (x[-1] means x[0], x[n] means x[n-1]): a median filter of width 3.

The two neighbours are read by attention (clamped at the ends), paired, and an MLP takes the
median of the pair and the token.
"""

from tracr.compiler import lib
from tracr.rasp import rasp

VOCAB = {1, 2, 3, 4}
MAX_SEQ_LEN = 5
EXAMPLES = [[1, 4, 2, 2, 3], [3, 1]]

length = lib.make_length().named("length")
left = rasp.Select(rasp.indices, rasp.indices, lambda k, q: k == max(q - 1, 0)).named("left")
left_token = rasp.Aggregate(left, rasp.tokens).named("left_token")
right_index = rasp.SequenceMap(lambda i, n: min(i + 1, n - 1), rasp.indices, length).named(
    "right_index"
)
right = rasp.Select(rasp.indices, right_index, rasp.Comparison.EQ).named("right")
right_token = rasp.Aggregate(right, rasp.tokens).named("right_token")
neighbours = rasp.SequenceMap(lambda a, b: (a, b), left_token, right_token).named("neighbours")
program = rasp.SequenceMap(
    lambda nb, x: sorted([nb[0], x, nb[1]])[1], neighbours, rasp.tokens
).named("median_of_three_window")


def reference(xs: list) -> list:
    n = len(xs)
    return [sorted([xs[max(i - 1, 0)], xs[i], xs[min(i + 1, n - 1)]])[1] for i in range(n)]
