from tracr.rasp import rasp

VOCAB = {"a", "b"}
MAX_SEQ_LEN = 4

zero = rasp.Map(lambda i: 0, rasp.indices).named("zero")
first = rasp.Select(rasp.indices, zero, rasp.Comparison.EQ).named("first")
program = rasp.Aggregate(first, rasp.tokens).named("first_token")
