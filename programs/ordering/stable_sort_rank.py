"""At each position i, where x[i] lands in a stable ascending sort: the number of tokens smaller than x[i] plus the number of equal tokens before position i.

Ties are broken by position, so the ranks are 0..n-1, each exactly once.
"""

from tracr.rasp import rasp

VOCAB = {1, 2, 3, 4}
MAX_SEQ_LEN = 5
EXAMPLES = [[3, 1, 4, 1], [2, 2, 2]]

key = rasp.SequenceMap(lambda x, i: (x, i), rasp.tokens, rasp.indices).named("key")
sorts_before = rasp.Select(
    key, key, lambda k, q: k[0] < q[0] or (k[0] == q[0] and k[1] < q[1])
).named("sorts_before")
program = rasp.SelectorWidth(sorts_before).named("stable_sort_rank")


def reference(xs: list) -> list:
    return [
        sum(1 for j, y in enumerate(xs) if y < x or (y == x and j < i)) for i, x in enumerate(xs)
    ]
