from tracr.rasp import rasp

VOCAB = {1, 2, 3}
MAX_SEQ_LEN = 3

# Meant to select position 0 only, but selects every position up to the query.
first = rasp.Select(rasp.indices, rasp.indices, rasp.Comparison.LEQ).named("first")
program = rasp.Aggregate(first, rasp.tokens).named("first_token")
