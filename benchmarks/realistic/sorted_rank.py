"""Sort the tokens (ties broken by position), then compare each with its sorted counterpart
and the fraction of smaller tokens: 9 operations, numerical and categorical MLPs."""

from tracr.rasp import rasp

VOCAB = set(range(10))
MAX_SEQ_LEN = 10

smaller = rasp.SelectorWidth(rasp.Select(rasp.tokens, rasp.tokens, rasp.Comparison.LT)).named(
    "smaller"
)
earlier_same = rasp.SelectorWidth(
    rasp.Select(
        rasp.SequenceMap(lambda t, i: t * 10 + i, rasp.tokens, rasp.indices).named("key"),
        rasp.SequenceMap(lambda t, i: t * 10 + i, rasp.tokens, rasp.indices).named("query"),
        lambda k, q: k // 10 == q // 10 and k % 10 < q % 10,
    )
).named("earlier_same")
target = rasp.SequenceMap(lambda s, e: s + e, smaller, earlier_same).named("target")
sorted_tokens = rasp.Aggregate(
    rasp.Select(target, rasp.indices, rasp.Comparison.EQ), rasp.tokens
).named("sorted_tokens")
moved = rasp.SequenceMap(
    lambda t, s: 0 if s is None else (t - s) % 10, rasp.tokens, sorted_tokens
).named("moved")
program = rasp.Map(lambda m: m % 4, moved).named("program")
