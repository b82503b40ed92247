"""Each token's absolute difference from the constant 2: |token - 2|."""

from tracr.rasp import rasp

VOCAB = {0, 1, 2, 3, 4}
MAX_SEQ_LEN = 4
EXAMPLES = [[0, 1, 2, 4], [3, 3]]

program = rasp.Map(lambda x: abs(x - 2), rasp.tokens).named("abs_diff_from_two")


def reference(xs: list) -> list:
    return [x - 2 if x >= 2 else 2 - x for x in xs]
