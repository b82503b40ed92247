"""At each position i, the dense rank of x[i]: the number of distinct token values smaller than x[i] (0 for the minimum; equal tokens share a rank).

A first occurrence is a position with no equal token before it; the dense rank counts the first
occurrences of smaller tokens.
"""

from tracr.rasp import rasp

VOCAB = {1, 2, 3, 4}
MAX_SEQ_LEN = 5
EXAMPLES = [[3, 1, 4, 1, 3], [2, 4, 4]]

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
program = rasp.SelectorWidth(smaller_first).named("dense_rank")


def reference(xs: list) -> list:
    return [len({y for y in xs if y < x}) for x in xs]
