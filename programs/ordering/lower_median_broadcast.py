"""At every position, the lower median of the sequence: sorted(xs)[(n - 1) // 2] for length n (the middle token for odd n, the smaller of the two middle tokens for even n).

Each token's stable rank is where it lands in the sorted sequence; every position reads the
token whose rank is (n - 1) // 2, computed from the length.
"""

from tracr.compiler import lib
from tracr.rasp import rasp

VOCAB = {1, 2, 3, 4}
MAX_SEQ_LEN = 5
EXAMPLES = [[3, 1, 4, 1], [2, 4, 1, 3, 3]]

key = rasp.SequenceMap(lambda x, i: (x, i), rasp.tokens, rasp.indices).named("key")
sorts_before = rasp.Select(
    key, key, lambda k, q: k[0] < q[0] or (k[0] == q[0] and k[1] < q[1])
).named("sorts_before")
rank = rasp.SelectorWidth(sorts_before).named("rank")
length = lib.make_length().named("length")
middle = rasp.Map(lambda n: (n - 1) // 2, length).named("middle")
read_middle = rasp.Select(rank, middle, rasp.Comparison.EQ).named("read_middle")
program = rasp.Aggregate(read_middle, rasp.tokens).named("lower_median_broadcast")


def reference(xs: list) -> list:
    return [sorted(xs)[(len(xs) - 1) // 2]] * len(xs)
