"""At each position i, True if x[i] equals the lower median sorted(xs)[(n - 1) // 2] of the sequence (n = length), else False.

The lower median is found as in lower_median_broadcast (the token whose stable rank is
(n - 1) // 2) and compared with each token. Note that a token can equal the median without
being the median's own position, so with duplicates several positions are True.
"""

from tracr.compiler import lib
from tracr.rasp import rasp

VOCAB = {1, 2, 3, 4}
MAX_SEQ_LEN = 5
EXAMPLES = [[3, 1, 4, 1], [2, 4, 2, 3, 1]]

key = rasp.SequenceMap(lambda x, i: (x, i), rasp.tokens, rasp.indices).named("key")
sorts_before = rasp.Select(
    key, key, lambda k, q: k[0] < q[0] or (k[0] == q[0] and k[1] < q[1])
).named("sorts_before")
rank = rasp.SelectorWidth(sorts_before).named("rank")
length = lib.make_length().named("length")
middle = rasp.Map(lambda n: (n - 1) // 2, length).named("middle")
read_middle = rasp.Select(rank, middle, rasp.Comparison.EQ).named("read_middle")
median = rasp.Aggregate(read_middle, rasp.tokens).named("median")
program = rasp.SequenceMap(lambda x, m: x == m, rasp.tokens, median).named("equals_lower_median")


def reference(xs: list) -> list:
    median = sorted(xs)[(len(xs) - 1) // 2]
    return [x == median for x in xs]
