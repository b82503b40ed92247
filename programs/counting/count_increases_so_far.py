"""At each position i, the number of positions j in 1..i with x[j] > x[j-1].

The previous token is copied by an attention head (position 0 copies itself, which is never an
increase); a SequenceMap marks each increase with its position, and a SelectorWidth counts the
marked positions at or before the query.
"""

from tracr.rasp import rasp

VOCAB = {1, 2, 3}
MAX_SEQ_LEN = 6
EXAMPLES = [[1, 3, 2, 2, 3, 1], [3, 2, 1]]

to_previous = rasp.Select(rasp.indices, rasp.indices, lambda k, q: k == max(q - 1, 0)).named(
    "to_previous"
)
previous_token = rasp.Aggregate(to_previous, rasp.tokens).named("previous_token")
is_increase = rasp.SequenceMap(lambda x, p: x > p, rasp.tokens, previous_token).named("is_increase")
increase_at = rasp.SequenceMap(lambda up, i: (up, i), is_increase, rasp.indices).named(
    "increase_at"
)
increases_so_far = rasp.Select(increase_at, rasp.indices, lambda k, q: k[0] and k[1] <= q).named(
    "increases_so_far"
)
program = rasp.SelectorWidth(increases_so_far).named("count_increases_so_far")


def reference(xs: list) -> list:
    return [sum(1 for j in range(1, i + 1) if xs[j] > xs[j - 1]) for i in range(len(xs))]
