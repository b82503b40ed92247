"""Everywhere: the fraction of the sequence's tokens that are even (numerical output)."""

from tracr.rasp import rasp

VOCAB = {1, 2, 3, 4}
MAX_SEQ_LEN = 5
EXAMPLES = [[2, 3, 4, 4, 1], [1, 3]]

is_even = rasp.numerical(rasp.Map(lambda x: 1 if x % 2 == 0 else 0, rasp.tokens)).named("is_even")
everywhere = rasp.Select(rasp.tokens, rasp.tokens, rasp.Comparison.TRUE).named("everywhere")
program = rasp.numerical(rasp.Aggregate(everywhere, is_even, default=0)).named(
    "fraction_of_even_tokens"
)


def reference(xs: list) -> list:
    evens = len([x for x in xs if x in (2, 4)])
    return [evens / len(xs) for _ in xs]
