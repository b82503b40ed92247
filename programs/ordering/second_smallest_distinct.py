"""At every position, the second-smallest distinct token value of the sequence; if all tokens are equal, that token.

Each token's dense rank counts the distinct values below it (first occurrences of smaller
tokens); every position reads the tokens of dense rank min(1, distinct - 1), which all hold the
same value.
"""

from tracr.rasp import rasp

VOCAB = {1, 2, 3, 4}
MAX_SEQ_LEN = 5
EXAMPLES = [[3, 1, 4, 1, 3], [2, 2]]

token_at = rasp.SequenceMap(lambda x, i: (x, i), rasp.tokens, rasp.indices).named("token_at")
same_earlier = rasp.Select(token_at, token_at, lambda k, q: k[0] == q[0] and k[1] < q[1]).named(
    "same_earlier"
)
earlier_copies = rasp.SelectorWidth(same_earlier).named("earlier_copies")
first_token = rasp.SequenceMap(lambda c, x: (c == 0, x), earlier_copies, rasp.tokens).named(
    "first_token"
)
smaller_first = rasp.Select(first_token, rasp.tokens, lambda k, q: k[0] and k[1] < q).named(
    "smaller_first"
)
dense_rank = rasp.SelectorWidth(smaller_first).named("dense_rank")
firsts = rasp.Select(first_token, rasp.indices, lambda k, q: k[0]).named("firsts")
n_distinct = rasp.SelectorWidth(firsts).named("n_distinct")
wanted_rank = rasp.Map(lambda d: min(1, d - 1), n_distinct).named("wanted_rank")
read_second = rasp.Select(dense_rank, wanted_rank, rasp.Comparison.EQ).named("read_second")
program = rasp.Aggregate(read_second, rasp.tokens).named("second_smallest_distinct")


def reference(xs: list) -> list:
    values = sorted(set(xs))
    return [values[min(1, len(values) - 1)]] * len(xs)
