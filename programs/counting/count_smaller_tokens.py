"""At each position i, the number of positions j in the whole sequence with x[j] < x[i]."""

from tracr.rasp import rasp

VOCAB = {1, 2, 3, 4}
MAX_SEQ_LEN = 5
EXAMPLES = [[3, 1, 4, 1, 2], [2, 2, 1]]

smaller = rasp.Select(rasp.tokens, rasp.tokens, rasp.Comparison.LT).named("smaller")
program = rasp.SelectorWidth(smaller).named("count_smaller_tokens")


def reference(xs: list) -> list:
    return [sum(1 for y in xs if y < x) for x in xs]
