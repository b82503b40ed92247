"""At every position, the index of the first occurrence of the smallest token.

The position with key (token, index) smallest in lexicographic order is unique: it is the
first minimum. Every position reads its index.
"""

from tracr.rasp import rasp

VOCAB = {1, 2, 3, 4}
MAX_SEQ_LEN = 5
EXAMPLES = [[3, 2, 4, 2], [1, 1]]

key = rasp.SequenceMap(lambda x, i: (x, i), rasp.tokens, rasp.indices).named("key")
beats = rasp.Select(key, key, lambda k, q: k[0] < q[0] or (k[0] == q[0] and k[1] < q[1])).named(
    "beats"
)
n_beating = rasp.SelectorWidth(beats).named("n_beating")
is_first_min = rasp.Map(lambda n: n == 0, n_beating).named("is_first_min")
read_argmin = rasp.Select(is_first_min, rasp.indices, lambda k, q: k).named("read_argmin")
program = rasp.Aggregate(read_argmin, rasp.indices).named("argmin_first_broadcast")


def reference(xs: list) -> list:
    return [xs.index(min(xs))] * len(xs)
