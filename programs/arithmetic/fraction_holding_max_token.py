"""Everywhere: the fraction of positions whose token equals the maximum token (numerical).

A token is a maximum when no token is greater than it: SelectorWidth counts the greater tokens,
a numerical Map turns "none greater" into 0/1, and a numerical Aggregate over all positions
averages it.
"""

from tracr.rasp import rasp

VOCAB = {1, 2, 3}
MAX_SEQ_LEN = 5
EXAMPLES = [[2, 3, 1, 3, 2], [1, 1, 2]]

greater = rasp.Select(rasp.tokens, rasp.tokens, rasp.Comparison.GT).named("greater")
num_greater = rasp.SelectorWidth(greater).named("num_greater")
is_max = rasp.numerical(rasp.Map(lambda c: 1 if c == 0 else 0, num_greater)).named("is_max")
everywhere = rasp.Select(rasp.tokens, rasp.tokens, rasp.Comparison.TRUE).named("everywhere")
program = rasp.numerical(rasp.Aggregate(everywhere, is_max, default=0)).named(
    "fraction_holding_max_token"
)


def reference(xs: list) -> list:
    top = max(xs)
    share = xs.count(top) / len(xs)
    return [share] * len(xs)
