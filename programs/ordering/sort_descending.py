"""Sort the tokens in descending order (duplicates allowed): output[p] = sorted(xs, reverse=True)[p].

Every position gets a distinct key (token, index); a token goes before another one if it is
larger, or equal and earlier. The number of tokens that go before it is its target position, and
each output position reads the token whose target is that position.
"""

from tracr.rasp import rasp

VOCAB = {1, 2, 3, 4}
MAX_SEQ_LEN = 5
EXAMPLES = [[3, 1, 4, 1], [2, 2, 4, 1, 3]]

key = rasp.SequenceMap(lambda x, i: (x, i), rasp.tokens, rasp.indices).named("key")
goes_before = rasp.Select(
    key, key, lambda k, q: k[0] > q[0] or (k[0] == q[0] and k[1] < q[1])
).named("goes_before")
target = rasp.SelectorWidth(goes_before).named("target")
move = rasp.Select(target, rasp.indices, rasp.Comparison.EQ).named("move")
program = rasp.Aggregate(move, rasp.tokens).named("sort_descending")


def reference(xs: list) -> list:
    return sorted(xs, reverse=True)
