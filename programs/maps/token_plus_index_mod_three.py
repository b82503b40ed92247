"""At each position i, (token + i) mod 3."""

from tracr.rasp import rasp

VOCAB = {0, 1, 2}
MAX_SEQ_LEN = 5
EXAMPLES = [[0, 0, 0, 1, 2], [2, 1]]

program = rasp.SequenceMap(lambda x, i: (x + i) % 3, rasp.tokens, rasp.indices).named(
    "token_plus_index_mod_three"
)


def reference(xs: list) -> list:
    return [(x + i) % 3 for i, x in enumerate(xs)]
