"""The distinct tokens in ascending order, followed by the repeated occurrences (every occurrence after a token's first) in their input order.

Built with lib.make_sort_unique, which needs unique keys: a first occurrence keys on its token,
a repeat keys on 10 + its index, so the repeats sort after every distinct token and keep their
order. Every output position is therefore filled (the output is a permutation of the input).
"""

from tracr.compiler import lib
from tracr.rasp import rasp

VOCAB = {1, 2, 3, 4}
MAX_SEQ_LEN = 5
EXAMPLES = [[3, 1, 3, 2, 1], [4, 2, 1]]

token_at = rasp.SequenceMap(lambda x, i: (x, i), rasp.tokens, rasp.indices).named("token_at")
same_earlier = rasp.Select(token_at, token_at, lambda k, q: k[0] == q[0] and k[1] < q[1]).named(
    "same_earlier"
)
earlier_copies = rasp.SelectorWidth(same_earlier).named("earlier_copies")
sort_key = rasp.SequenceMap(
    lambda c, t: t[0] if c == 0 else 10 + t[1], earlier_copies, token_at
).named("sort_key")
program = lib.make_sort_unique(rasp.tokens, sort_key).named("sort_unique_then_repeats")


def reference(xs: list) -> list:
    repeats = [x for i, x in enumerate(xs) if x in xs[:i]]
    return sorted(set(xs)) + repeats
