"""Sort the tokens in ascending order (duplicates allowed)."""

from tracr.rasp import rasp

VOCAB = {1, 2, 3, 4}
MAX_SEQ_LEN = 5
EXAMPLES = [[3, 1, 4, 1]]

# Ties are broken by position, so every key is distinct: key = token + index / 10.
key = rasp.SequenceMap(lambda x, i: x + i / 10, rasp.tokens, rasp.indices).named("key")
smaller = rasp.Select(key, key, rasp.Comparison.LT).named("smaller")
target = rasp.SelectorWidth(smaller).named("target")
move = rasp.Select(target, rasp.indices, rasp.Comparison.EQ).named("move")
program = rasp.Aggregate(move, rasp.tokens).named("sort")


def reference(xs: list) -> list:
    return sorted(xs)
