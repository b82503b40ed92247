"""At every position, True if the whole sequence is non-decreasing (sorted ascending, duplicates allowed), else False.

Each position compares its token with the previous one (position 0 with itself); the sequence is
sorted when the number of descents anywhere is 0.
"""

from tracr.rasp import rasp

VOCAB = {1, 2, 3}
MAX_SEQ_LEN = 5
EXAMPLES = [[1, 2, 2, 3], [1, 3, 2]]

previous = rasp.Select(rasp.indices, rasp.indices, lambda k, q: k == max(q - 1, 0)).named(
    "previous"
)
previous_token = rasp.Aggregate(previous, rasp.tokens).named("previous_token")
descent = rasp.SequenceMap(lambda x, p: x < p, rasp.tokens, previous_token).named("descent")
any_descent = rasp.Select(descent, rasp.indices, lambda k, q: k).named("any_descent")
n_descents = rasp.SelectorWidth(any_descent).named("n_descents")
program = rasp.Map(lambda n: n == 0, n_descents).named("sequence_is_sorted")


def reference(xs: list) -> list:
    return [xs == sorted(xs)] * len(xs)
