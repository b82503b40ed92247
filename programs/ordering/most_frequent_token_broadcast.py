"""At every position, the most frequent token of the sequence; among tokens tied for the highest count, the smallest one.

Each position keys on (count of its token, token); a position is beaten by one whose token is
more frequent, or as frequent and smaller. The unbeaten positions all hold the answer.
"""

from tracr.rasp import rasp

VOCAB = {1, 2, 3}
MAX_SEQ_LEN = 6
EXAMPLES = [[3, 1, 3, 2, 1], [2, 3, 3, 1]]

same_token = rasp.Select(rasp.tokens, rasp.tokens, rasp.Comparison.EQ).named("same_token")
count = rasp.SelectorWidth(same_token).named("count")
count_token = rasp.SequenceMap(lambda c, x: (c, x), count, rasp.tokens).named("count_token")
beats = rasp.Select(
    count_token, count_token, lambda k, q: k[0] > q[0] or (k[0] == q[0] and k[1] < q[1])
).named("beats")
n_beating = rasp.SelectorWidth(beats).named("n_beating")
is_mode = rasp.Map(lambda n: n == 0, n_beating).named("is_mode")
read_mode = rasp.Select(is_mode, rasp.indices, lambda k, q: k).named("read_mode")
program = rasp.Aggregate(read_mode, rasp.tokens).named("most_frequent_token_broadcast")


def reference(xs: list) -> list:
    best = min(set(xs), key=lambda v: (-xs.count(v), v))
    return [best] * len(xs)
