"""At each position i, True if x[0..i] is strictly increasing (x[j-1] < x[j] for every j in 1..i), else False.

Built from pairs rather than neighbours: position k is blocked when some earlier position holds
a token >= x[k]; the prefix up to i is strictly increasing when no position k <= i is blocked.
"""

from tracr.rasp import rasp

VOCAB = {1, 2, 3, 4}
MAX_SEQ_LEN = 5
EXAMPLES = [[1, 3, 4, 4, 2], [2, 1]]

token_at = rasp.SequenceMap(lambda x, i: (x, i), rasp.tokens, rasp.indices).named("token_at")
earlier_not_smaller = rasp.Select(
    token_at, token_at, lambda k, q: k[1] < q[1] and k[0] >= q[0]
).named("earlier_not_smaller")
n_blockers = rasp.SelectorWidth(earlier_not_smaller).named("n_blockers")
blocked_at = rasp.SequenceMap(lambda b, i: (b > 0, i), n_blockers, rasp.indices).named("blocked_at")
blocked_so_far = rasp.Select(blocked_at, rasp.indices, lambda k, q: k[0] and k[1] <= q).named(
    "blocked_so_far"
)
n_blocked = rasp.SelectorWidth(blocked_so_far).named("n_blocked")
program = rasp.Map(lambda n: n == 0, n_blocked).named("prefix_is_strictly_increasing")


def reference(xs: list) -> list:
    return [all(xs[j - 1] < xs[j] for j in range(1, i + 1)) for i in range(len(xs))]
