"""Everywhere: length * (length - 1) / 2, the number of position pairs, as a numerical value.

It is computed from a numerical mean without a categorical count: the mean over all positions of
the 0/1 flag "index == 0" is exactly 1/length, and 0, 1, 1/2, ..., 1/MAX_SEQ_LEN are precisely
the values tracr assumes a numerical mean takes, so the numerical Map f -> (1/f)(1/f - 1)/2 gets
an MLP built for every value it will see (a mean such as 2/3 would not be covered).
"""

from tracr.rasp import rasp

VOCAB = {"a", "b"}
MAX_SEQ_LEN = 6
EXAMPLES = [["a", "b", "b", "a"], ["b"]]


def pairs_from_inverse_length(f):
    n = round(1 / f) if f > 0 else 0
    return n * (n - 1) // 2


is_first = rasp.numerical(rasp.Map(lambda i: 1 if i == 0 else 0, rasp.indices)).named("is_first")
everywhere = rasp.Select(rasp.tokens, rasp.tokens, rasp.Comparison.TRUE).named("everywhere")
inverse_length = rasp.numerical(rasp.Aggregate(everywhere, is_first, default=0)).named(
    "inverse_length"
)
program = rasp.numerical(rasp.Map(pairs_from_inverse_length, inverse_length)).named(
    "position_pair_count"
)


def reference(xs: list) -> list:
    pairs = sum(1 for i in range(len(xs)) for j in range(i + 1, len(xs)))
    return [pairs] * len(xs)
