"""At each position i, the product token * i (so position 0 is always 0)."""

from tracr.rasp import rasp

VOCAB = {0, 1, 2, 3}
MAX_SEQ_LEN = 5
EXAMPLES = [[3, 1, 2, 0, 3], [2, 2]]

program = rasp.SequenceMap(lambda x, i: x * i, rasp.tokens, rasp.indices).named("token_times_index")


def reference(xs: list) -> list:
    return [sum([x] * i) for i, x in enumerate(xs)]
