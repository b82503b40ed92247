"""At every position, the number of tokens in the sequence strictly greater than the sequence's mean.

x[j] > mean(x) exactly when n * x[j] > sum(x). Everything stays categorical (and exact): the
sum is 1 * count(1) + 2 * count(2) from two SelectorWidths, n comes from make_length, and a
SequenceMap compares n * x[j] with the sum before a last SelectorWidth counts the positions above.
"""

from tracr.compiler import lib
from tracr.rasp import rasp

VOCAB = {0, 1, 2}
MAX_SEQ_LEN = 5
EXAMPLES = [[2, 0, 1, 2, 0], [1, 1, 1], [0, 0, 2]]

length = lib.make_length().named("length")
is_one = rasp.Select(rasp.tokens, rasp.tokens, lambda k, q: k == 1).named("is_one")
count_ones = rasp.SelectorWidth(is_one).named("count_ones")
is_two = rasp.Select(rasp.tokens, rasp.tokens, lambda k, q: k == 2).named("is_two")
count_twos = rasp.SelectorWidth(is_two).named("count_twos")
total = rasp.SequenceMap(lambda c1, c2: c1 + 2 * c2, count_ones, count_twos).named("total")
scaled_token = rasp.SequenceMap(lambda x, n: x * n, rasp.tokens, length).named("scaled_token")
above_mean = rasp.SequenceMap(lambda s, t: s > t, scaled_token, total).named("above_mean")
positions_above = rasp.Select(above_mean, above_mean, lambda k, q: k).named("positions_above")
program = rasp.SelectorWidth(positions_above).named("count_above_mean")


def reference(xs: list) -> list:
    mean = sum(xs) / len(xs)
    return [sum(1 for x in xs if x > mean)] * len(xs)
