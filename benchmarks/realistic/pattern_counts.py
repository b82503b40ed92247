"""Counts and ranks of tokens, the previous token and a stable sort, mixed: 16 operations,
four SelectorWidths, a layer of categorical SequenceMaps with 14,431 hidden units (140
million parameters, almost all zero)."""

from tracr.rasp import rasp

VOCAB = set(range(10))
MAX_SEQ_LEN = 10
MLP_EXACTNESS = 1000


def width(predicate, name):
    return rasp.SelectorWidth(rasp.Select(rasp.tokens, rasp.tokens, predicate)).named(name)


highs = width(lambda k, q: k > 6, "highs")
lows = width(lambda k, q: k < 3, "lows")
same = width(rasp.Comparison.EQ, "same")
smaller = width(rasp.Comparison.LT, "smaller")
both = rasp.SequenceMap(lambda h, lo: 10 * h + lo, highs, lows).named("both")
rank = rasp.SequenceMap(lambda s, m: s * 11 + m, smaller, same).named("rank")
mix = rasp.SequenceMap(lambda b, r: (b + r) % 61, both, rank).named("mix")
prev = rasp.Aggregate(
    rasp.Select(rasp.indices, rasp.indices, lambda k, q: k == max(q - 1, 0)), rasp.tokens
).named("prev")
with_prev = rasp.SequenceMap(lambda a, b: a * 10 + b, prev, rasp.tokens).named("with_prev")
placed = rasp.SequenceMap(lambda a, i: (a + 7 * i) % 53, with_prev, rasp.indices).named("placed")
x = rasp.SequenceMap(lambda m, p: (m * p) % 89, mix, placed).named("x")
unique = rasp.SequenceMap(lambda s, i: s * 10 + i, smaller, rasp.indices).named("unique")
sorted_tokens = rasp.Aggregate(rasp.Select(unique, unique, rasp.Comparison.EQ), rasp.tokens).named(
    "sorted_tokens"
)
y = rasp.SequenceMap(lambda a, b: (a + (b or 0)) % 13, x, sorted_tokens).named("y")
program = rasp.Map(lambda v: v % 5, y).named("program")
