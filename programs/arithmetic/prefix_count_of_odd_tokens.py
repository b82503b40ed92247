"""For each position i, the number of odd tokens at positions 0..i (categorical output).

Each key carries its index when its token is odd and -1 otherwise, so one Select over indices
picks the odd tokens at or before the query, and SelectorWidth counts them.
"""

from tracr.rasp import rasp

VOCAB = {1, 2, 3, 4}
MAX_SEQ_LEN = 5
EXAMPLES = [[3, 2, 1, 4, 1], [2, 1]]

odd_index = rasp.SequenceMap(lambda t, i: i if t % 2 == 1 else -1, rasp.tokens, rasp.indices).named(
    "odd_index"
)
odd_so_far = rasp.Select(odd_index, rasp.indices, lambda k, q: 0 <= k <= q).named("odd_so_far")
program = rasp.SelectorWidth(odd_so_far).named("prefix_count_of_odd_tokens")


def reference(xs: list) -> list:
    out, odd = [], 0
    for x in xs:
        odd += x in (1, 3)
        out.append(odd)
    return out
