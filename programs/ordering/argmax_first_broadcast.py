"""At every position, the index of the first occurrence of the largest token.

A position is beaten by one holding a larger token, or an equal token earlier; exactly one
position (the first maximum) is never beaten. Every position reads its index.
"""

from tracr.rasp import rasp

VOCAB = {1, 2, 3, 4}
MAX_SEQ_LEN = 5
EXAMPLES = [[3, 4, 1, 4], [2, 2]]

key = rasp.SequenceMap(lambda x, i: (x, i), rasp.tokens, rasp.indices).named("key")
beats = rasp.Select(key, key, lambda k, q: k[0] > q[0] or (k[0] == q[0] and k[1] < q[1])).named(
    "beats"
)
n_beating = rasp.SelectorWidth(beats).named("n_beating")
is_first_max = rasp.Map(lambda n: n == 0, n_beating).named("is_first_max")
read_argmax = rasp.Select(is_first_max, rasp.indices, lambda k, q: k).named("read_argmax")
program = rasp.Aggregate(read_argmax, rasp.indices).named("argmax_first_broadcast")


def reference(xs: list) -> list:
    return [xs.index(max(xs))] * len(xs)
