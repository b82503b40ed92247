"""Counts of high, low and equal tokens, mixed with the previous token: 10 operations, three
SelectorWidths, categorical SequenceMaps whose MLPs reach 2,221 hidden units."""

from tracr.rasp import rasp

VOCAB = set(range(10))
MAX_SEQ_LEN = 10
MLP_EXACTNESS = 1000


def width(predicate, name):
    return rasp.SelectorWidth(rasp.Select(rasp.tokens, rasp.tokens, predicate)).named(name)


highs = width(lambda k, q: k > 6, "highs")
lows = width(lambda k, q: k < 3, "lows")
same = width(rasp.Comparison.EQ, "same")
both = rasp.SequenceMap(lambda h, lo: 10 * h + lo, highs, lows).named("both")
mix = rasp.SequenceMap(lambda b, s: (b + s) % 37, both, same).named("mix")
prev = rasp.Aggregate(
    rasp.Select(rasp.indices, rasp.indices, lambda k, q: k == max(q - 1, 0)), rasp.tokens
).named("prev")
with_prev = rasp.SequenceMap(lambda a, b: a * 10 + b, prev, rasp.tokens).named("with_prev")
placed = rasp.SequenceMap(lambda a, i: (a + i) % 53, with_prev, rasp.indices).named("placed")
x = rasp.SequenceMap(lambda m, p: (m * p) % 31, mix, placed).named("x")
program = rasp.SequenceMap(lambda a, b: (a + b) % 7, x, same).named("program")
