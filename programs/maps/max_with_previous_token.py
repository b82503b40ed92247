"""At position i, max(token[i-1], token[i]); position 0 (no predecessor) keeps its token."""

from tracr.rasp import rasp

VOCAB = {1, 2, 3}
MAX_SEQ_LEN = 5
EXAMPLES = [[1, 3, 2, 1, 2], [2]]

# Position 0 reads itself instead of nothing, so every position is defined.
previous = rasp.Select(rasp.indices, rasp.indices, lambda k, q: k == max(q - 1, 0)).named(
    "previous"
)
previous_token = rasp.Aggregate(previous, rasp.tokens).named("previous_token")
program = rasp.SequenceMap(max, rasp.tokens, previous_token).named("max_with_previous_token")


def reference(xs: list) -> list:
    return [xs[i] if i == 0 or xs[i] >= xs[i - 1] else xs[i - 1] for i in range(len(xs))]
