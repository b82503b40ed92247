"""At every position, the length of the longest non-decreasing prefix of the sequence (the index of the first descent x[j] < x[j-1], or n if there is none).

It counts the positions i whose prefix x[0..i] is non-decreasing, i.e. that have no descent at
or before them.
"""

from tracr.rasp import rasp

VOCAB = {1, 2, 3}
MAX_SEQ_LEN = 5
EXAMPLES = [[1, 2, 2, 1, 3], [1, 1, 2]]

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
prefix_sorted = rasp.Map(lambda n: n == 0, n_descents).named("prefix_sorted")
sorted_prefixes = rasp.Select(prefix_sorted, rasp.indices, lambda k, q: k).named("sorted_prefixes")
program = rasp.SelectorWidth(sorted_prefixes).named("non_decreasing_prefix_length")


def reference(xs: list) -> list:
    n = 1
    while n < len(xs) and xs[n - 1] <= xs[n]:
        n += 1
    return [n] * len(xs)
