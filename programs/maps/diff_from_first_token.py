"""At each position, the token minus the first token of the sequence (may be negative)."""

from tracr.rasp import rasp

VOCAB = {1, 2, 3, 4}
MAX_SEQ_LEN = 5
EXAMPLES = [[2, 4, 1, 2, 3], [4, 1]]

# Every query reads position 0: exactly one key per query.
from_start = rasp.Select(rasp.indices, rasp.indices, lambda k, q: k == 0).named("from_start")
first_token = rasp.Aggregate(from_start, rasp.tokens).named("first_token")
# Categorical output, so negative differences are stored exactly.
program = rasp.SequenceMap(lambda x, f: x - f, rasp.tokens, first_token).named(
    "diff_from_first_token"
)


def reference(xs: list) -> list:
    return [x - xs[0] for x in xs]
