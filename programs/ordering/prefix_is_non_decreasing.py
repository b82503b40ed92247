"""At each position i, True if x[0..i] is non-decreasing (x[j-1] <= x[j] for every j in 1..i), else False.

A descent is a position whose token is smaller than the previous one (position 0 compares with
itself, so it is never a descent); the prefix is sorted when no descent occurs at or before i.
"""

from tracr.rasp import rasp

VOCAB = {1, 2, 3}
MAX_SEQ_LEN = 5
EXAMPLES = [[1, 2, 2, 1, 3], [3, 3, 3]]

previous = rasp.Select(rasp.indices, rasp.indices, lambda k, q: k == max(q - 1, 0)).named(
    "previous"
)
previous_token = rasp.Aggregate(previous, rasp.tokens).named("previous_token")
descent = rasp.SequenceMap(lambda x, p: x < p, rasp.tokens, previous_token).named("descent")
descent_at = rasp.SequenceMap(lambda d, i: (d, i), descent, rasp.indices).named("descent_at")
descents_so_far = rasp.Select(descent_at, rasp.indices, lambda k, q: k[0] and k[1] <= q).named(
    "descents_so_far"
)
n_descents = rasp.SelectorWidth(descents_so_far).named("n_descents")
program = rasp.Map(lambda n: n == 0, n_descents).named("prefix_is_non_decreasing")


def reference(xs: list) -> list:
    return [all(xs[j - 1] <= xs[j] for j in range(1, i + 1)) for i in range(len(xs))]
